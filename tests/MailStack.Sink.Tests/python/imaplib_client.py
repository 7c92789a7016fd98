"""Python's imaplib (standard library) as a foreign IMAP client of the sink.

Usage: imaplib_client.py HOST PORT USER PASSWORD
Reads the user's INBOX the way scripts do and prints one JSON object with what it saw.
"""
import email
import imaplib
import json
import ssl
import sys
import time

host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
seen = {}
with imaplib.IMAP4(host, port) as imap:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the sink's certificate is self-signed and made at start
    imap.starttls(context)
    imap.login(user, password)
    seen["capabilities"] = sorted(imap.capabilities)
    _, folders = imap.list()
    seen["folders"] = [f.decode() for f in folders]
    _, count = imap.select("INBOX")
    seen["exists"] = int(count[0])
    _, unseen = imap.search(None, "UNSEEN")
    seen["unseen"] = unseen[0].decode()
    _, data = imap.fetch("1", "(RFC822)")
    message = email.message_from_bytes(data[0][1])
    seen["subject"] = message["Subject"]
    seen["body"] = message.get_payload().strip()
    _, flags = imap.fetch("1", "(FLAGS)")
    seen["flags_after_read"] = flags[0].decode()
    imap.create("Archive")
    _, copied = imap.copy("1", "Archive")
    seen["copy"] = copied[0].decode()
    imap.store("1", "+FLAGS", "\\Deleted")
    _, expunged = imap.expunge()
    seen["expunged"] = [e.decode() for e in expunged if e]
    status = imap.append("Archive", "(\\Seen)", imaplib.Time2Internaldate(time.time()),
                         b"From: script@example.test\r\nSubject: appended by imaplib\r\n\r\nhello\r\n")
    seen["append"] = status[0]
    _, archive = imap.status("Archive", "(MESSAGES UNSEEN)")
    seen["archive_status"] = archive[0].decode()
    _, uids = imap.select("Archive")
    _, found = imap.uid("SEARCH", None, 'SUBJECT "appended"')
    seen["uid_search"] = found[0].decode()
    imap.logout()
print(json.dumps(seen))
