"""APPEND → bounced latency of the proxy's bounce receiver, against a running stack (bench/bounce-latency.sh starts one).

1. Sends COUNT messages through the proxy (a tenant of its own, account on sink-tenant1, plain
   addresses: the sink accepts them) and waits until every one is `sent`.
2. Builds one RFC 3464 report per message (Original-Envelope-Id = the proxy's ENVID
   `ms1.<tenant>.<id>`, the tracking header in a text/rfc822-headers part) and APPENDs them to the
   bounce mailbox over IMAP (imaplib, one connection), at RATE reports/s or, with RATE 0, as fast
   as Dovecot takes them; the time each APPEND returned OK is its start.
3. Meanwhile polls GET /messages?status=bounced every POLL_MS and keeps the first time each
   message is seen bounced (so a latency is at most POLL_MS + one request late).
Prints the time until all are correlated and APPEND → bounced p50/p90/p99/max.
Usage: python3 bench/bounce-latency.py PROXY_URL ADMIN_TOKEN SMTP_HOST SMTP_PORT IMAP_PASSWORD [COUNT] [RATE]
"""
import imaplib
import sys
import threading
import time
import uuid

import proxy_api

proxy, admin, smtp_host, smtp_port, imap_password = sys.argv[1:6]
count = int(sys.argv[6]) if len(sys.argv) > 6 else 1000
rate = float(sys.argv[7]) if len(sys.argv) > 7 else 0
POLL_MS = 50

conn = proxy_api.connect(proxy)
instance = proxy_api.call(conn, "GET", "/instance", admin)
if not instance["bounce_enabled"]:
    sys.exit("the proxy's bounce receiver is off (GET /instance: bounce_enabled false)")
imap_host, imap_port, imap_user = instance["bounce_imap_host"], instance["bounce_imap_port"], instance["bounce_imap_user"]

tenant = "bl-" + uuid.uuid4().hex[:8]
key = proxy_api.call(conn, "POST", "/tenant", admin, {"id": tenant})["api_key"]
proxy_api.call(conn, "POST", "/account", admin, {"id": "main", "tenant_id": tenant, "host": smtp_host, "port": int(smtp_port), "use_tls": False})
ids = [f"b{i}" for i in range(count)]
for start in range(0, count, 500):
    batch = [{"id": i, "tenant_id": tenant, "account_id": "main", "from": "bench@example.test",
              "to": f"{i}@bench.test", "subject": i, "body": "x"} for i in ids[start:start + 500]]
    proxy_api.call(conn, "POST", "/commands/add-messages", key, {"messages": batch})


def listed(status):
    return {m["id"] for m in proxy_api.call(conn, "GET", f"/messages?tenant_id={tenant}&status={status}&limit=1000", key)["messages"]}


deadline = time.time() + 120
while len(sent := listed("sent")) < count:
    if time.time() > deadline:
        sys.exit(f"only {len(sent)} of {count} messages were sent within 120 s")
    time.sleep(0.5)


def report(message_id):
    rcpt = f"{message_id}@bench.test"
    return (
        "From: Mail Delivery System <MAILER-DAEMON@bench.test>\r\n"
        "To: bounces@mailstack.test\r\n"
        f"Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <report-{tenant}-{message_id}@bench.test>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="r"\r\n\r\n'
        f"--r\r\nContent-Type: text/plain\r\n\r\n<{rcpt}>: 550 5.1.1 user unknown\r\n"
        "--r\r\nContent-Type: message/delivery-status\r\n\r\n"
        f"Reporting-MTA: dns; bench.test\r\nOriginal-Envelope-Id: ms1.{tenant}.{message_id}\r\n\r\n"
        f"Final-Recipient: rfc822; {rcpt}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n\r\n"
        f"--r\r\nContent-Type: text/rfc822-headers\r\n\r\nX-MailStack-ID: {message_id}\r\nSubject: {message_id}\r\n\r\n"
        "--r--\r\n"
    ).encode()


reports = {i: report(i) for i in ids}
appended = {}
bounced = {}
done = threading.Event()


def poll():
    watcher = proxy_api.connect(proxy)
    while not done.is_set():
        for m in proxy_api.call(watcher, "GET", f"/messages?tenant_id={tenant}&status=bounced&limit=1000", key)["messages"]:
            bounced.setdefault(m["id"], time.time())
        if len(bounced) >= count:
            done.set()
        time.sleep(POLL_MS / 1000)


poller = threading.Thread(target=poll)
poller.start()
imap = imaplib.IMAP4(imap_host, int(imap_port))
imap.login(imap_user, imap_password)
t0 = time.time()
for n, i in enumerate(ids):
    if rate > 0 and (wait := t0 + n / rate - time.time()) > 0:
        time.sleep(wait)
    status, _ = imap.append("INBOX", None, None, reports[i])
    if status != "OK":
        sys.exit(f"APPEND of {i} answered {status}")
    appended[i] = time.time()
append_seconds = time.time() - t0
imap.logout()
done.wait(timeout=120)
done.set()
poller.join()

latencies = sorted((bounced[i] - appended[i]) * 1000 for i in ids if i in bounced)
if not latencies:
    sys.exit("no report was correlated within 120 s")


def pct(p):
    return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))]


last = max(bounced.values())
print(f"appended {count} reports in {append_seconds:.1f} s ({'burst' if rate == 0 else f'{rate:g}/s'}); "
      f"correlated {len(latencies)} of {count}; all correlated {last - t0:.1f} s after the first APPEND")
print(f"append_to_bounced_ms p50={pct(50):.0f} p90={pct(90):.0f} p99={pct(99):.0f} max={latencies[-1]:.0f} (poll every {POLL_MS} ms)")
