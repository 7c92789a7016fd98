"""Sends one message with RFC 3461 DSN parameters through Python's smtplib.

Usage: smtplib_dsn.py HOST PORT SENDER RECIPIENT ENVID
MAIL FROM gets RET=HDRS and ENVID; RCPT TO gets NOTIFY=FAILURE,DELAY and ORCPT. Exits non-zero on any SMTP error.
"""
import smtplib
import sys
from email.message import EmailMessage

host, port, sender, recipient, envid = sys.argv[1:6]

msg = EmailMessage()
msg["From"] = sender
msg["To"] = recipient
msg["Subject"] = "smtplib dsn"
msg["X-MailStack-ID"] = envid
msg.set_content("Sent by smtplib with DSN parameters\n")

client = smtplib.SMTP(host, int(port), timeout=15)
client.ehlo()
if not client.has_extn("dsn"):
    sys.exit("the server does not offer DSN")
refused = client.send_message(
    msg, from_addr=sender, to_addrs=[recipient],
    mail_options=["RET=HDRS", "ENVID=" + envid],
    rcpt_options=["NOTIFY=FAILURE,DELAY", "ORCPT=rfc822;" + recipient])
client.quit()
if refused:
    sys.exit(f"refused: {refused}")
print("sent")
