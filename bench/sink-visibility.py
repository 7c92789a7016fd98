"""Measures how long after the SMTP 250 a message is visible through the sink's HTTP API.

Usage: python3 bench/sink-visibility.py SMTP_HOST:PORT API_BASE_URL [COUNT]
For each message: send over one reused smtplib connection, take the id from
"250 2.0.0 Ok: queued as <id>", then time GET /api/v1/search?query=message-id:<Message-ID>
until it returns the message (first try expected). Prints p50/p99/max in milliseconds.
"""
import json
import smtplib
import sys
import time
import urllib.request
import uuid
from email.message import EmailMessage

smtp_target, api, count = sys.argv[1], sys.argv[2].rstrip("/"), int(sys.argv[3]) if len(sys.argv) > 3 else 500
host, port = smtp_target.rsplit(":", 1)
client = smtplib.SMTP(host, int(port), timeout=10)
latencies, retries = [], 0
for i in range(count):
    msg = EmailMessage()
    msg["From"] = "bench@example.test"
    msg["To"] = "visible@example.test"
    msg["Subject"] = f"visibility {i}"
    msg["Message-ID"] = f"<{uuid.uuid4().hex}@bench.test>"
    msg.set_content("x" * 2048)
    client.send_message(msg)
    t0 = time.perf_counter()
    query = urllib.parse.quote(f"message-id:{msg['Message-ID']}")
    while True:
        with urllib.request.urlopen(f"{api}/api/v1/search?query={query}&limit=1") as r:
            found = json.load(r)["messages_count"]
        if found:
            break
        retries += 1
    latencies.append((time.perf_counter() - t0) * 1000)
client.quit()
latencies.sort()
pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
print(f"visibility_ms p50={pick(0.5):.2f} p99={pick(0.99):.2f} max={latencies[-1]:.2f} n={count} retries={retries}")
