"""Sends one message to a MailStack sink with Python's smtplib, as a second real client.

Usage: smtplib_client.py MODE HOST PORT TO SUBJECT [USER PASSWORD]
MODE: plain | starttls | ssl. Prints the server's reply to DATA; exits non-zero on any SMTP error.
"""
import smtplib
import ssl
import sys
from email.message import EmailMessage

mode, host, port, to, subject = sys.argv[1:6]
user, password = (sys.argv[6], sys.argv[7]) if len(sys.argv) > 7 else (None, None)

msg = EmailMessage()
msg["From"] = "python@example.test"
msg["To"] = to
msg["Subject"] = subject
msg.set_content("Sent by smtplib\n.leading dot survives\n")

context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE  # the sink's certificate is self-signed and made at start

if mode == "ssl":
    client = smtplib.SMTP_SSL(host, int(port), context=context, timeout=15)
else:
    client = smtplib.SMTP(host, int(port), timeout=15)
client.ehlo()
if mode == "starttls":
    client.starttls(context=context)
    client.ehlo()
if user:
    client.login(user, password)
refused = client.send_message(msg)
client.quit()
if refused:
    sys.exit(f"refused: {refused}")
print("sent")
