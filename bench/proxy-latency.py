"""Enqueue → SMTP 250 latency at a steady rate, against a running stack (bench/proxy-latency.sh starts one).

Posts one message per add-messages request (from 8 keep-alive connections in parallel) at RATE
msgs/s for WARMUP + SECONDS, each with a unique subject, recording when each request started; then
reads every message's arrival time (the sink stores a message, then answers 250) from the sink API
and prints p50/p90/p99/max of the messages sent after the warm-up. The warm-up's messages are
left out of those figures (a fresh stack's first requests pay for JIT compilation and opening its
connections: the slowest 20 of a 50 msgs/s run were the first 24 sent) and get a line of their own.
Usage: python3 bench/proxy-latency.py PROXY_URL ADMIN_TOKEN SMTP_HOST SMTP_PORT SINK_API [RATE] [SECONDS] [WARMUP]
"""
import datetime
import json
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid

import proxy_api

proxy, admin, smtp_host, smtp_port, sink_api = sys.argv[1:6]
rate = int(sys.argv[6]) if len(sys.argv) > 6 else 200
seconds = int(sys.argv[7]) if len(sys.argv) > 7 else 30
warmup = int(sys.argv[8]) if len(sys.argv) > 8 else 3
SENDERS = 8  # parallel keep-alive connections, so one slow request does not hold back the schedule


def connect():
    return proxy_api.connect(proxy)


def call(conn, method, path, body=None, token=admin):
    return proxy_api.call(conn, method, path, token, body)


setup = connect()
tenant = "lat-" + uuid.uuid4().hex[:8]
key = call(setup, "POST", "/tenant", {"id": tenant})["api_key"]
call(setup, "POST", "/account", {"id": "main", "tenant_id": tenant, "host": smtp_host, "port": int(smtp_port), "use_tls": False})
to = f"{tenant}@bench.test"
warm = rate * warmup
total = warm + rate * seconds
started = {}
late = [0] * SENDERS
t0 = time.time() + 0.5
measured_from = t0 + warmup


def sender(k):
    conn = connect()
    for i in range(k, total, SENDERS):
        due = t0 + i / rate
        now = time.time()
        if now < due:
            time.sleep(due - now)
        elif now - due > 0.05:
            late[k] += 1
        subject = f"L{i}"
        started[subject] = time.time()
        call(conn, "POST", "/commands/add-messages", {"messages": [{"id": subject, "tenant_id": tenant, "account_id": "main",
             "from": "bench@example.test", "to": to, "subject": subject, "body": "x" * 1024}]}, key)


threads = [threading.Thread(target=sender, args=(k,)) for k in range(SENDERS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.time() - measured_from
late = sum(late)

query = urllib.parse.quote(f"envelope-to:{to}")
arrived = {}
deadline = time.time() + 60
while len(arrived) < total and time.time() < deadline:
    with urllib.request.urlopen(f"{sink_api}/api/v1/search?query={query}&limit={total}") as r:
        for m in json.load(r)["messages"]:
            created = datetime.datetime.fromisoformat(m["Created"].replace("Z", "+00:00")).timestamp()
            arrived[m["Subject"]] = created
    if len(arrived) < total:
        time.sleep(0.5)


def latencies(subjects):
    return sorted((arrived[s] - started[s]) * 1000 for s in subjects if s in arrived)


measured = latencies(f"L{i}" for i in range(warm, total))


def pct(p):
    return measured[min(len(measured) - 1, int(p / 100 * len(measured)))]


print(f"offered_rate={(total - warm) / elapsed:.0f} msgs/s for {elapsed:.1f} s after a {warmup} s warm-up (late sends: {late}); "
      f"arrived {len(measured)} of {total - warm}")
print(f"enqueue_to_250_ms p50={pct(50):.0f} p90={pct(90):.0f} p99={pct(99):.0f} max={measured[-1]:.0f}")
warm_latencies = latencies(f"L{i}" for i in range(warm))
if warm_latencies:
    print(f"warm-up: {len(warm_latencies)} of {warm} arrived, max {warm_latencies[-1]:.0f} ms")
