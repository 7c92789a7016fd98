"""Retention cleanup of N synthetic reported messages, with add-messages latency while it runs.

Creates a tenant (its account points at a closed port; the tenant is suspended, so what is enqueued
during the run stays queued and only the enqueue path is timed), writes N finished messages
reported 30 days ago straight into the database (each with a `sent` event, every fifth also with a
`deferred` one before it, and a `sends` row), then posts one message per add-messages request at
RATE requests/s from 4 keep-alive connections: 5 s alone (baseline), then during
POST /commands/cleanup-messages. Prints rows/s removed and the enqueue latencies.
Usage: python3 bench/cleanup-bench.py PROXY_URL ADMIN_TOKEN PSQL PG_PORT [N] [RATE]
"""
import subprocess
import sys
import threading
import time
import uuid

import proxy_api

proxy, admin, psql, pg_port = sys.argv[1:5]
n = int(sys.argv[5]) if len(sys.argv) > 5 else 1_000_000
rate = int(sys.argv[6]) if len(sys.argv) > 6 else 50
SENDERS = 4


def sql(statement):
    subprocess.run([psql, "-h", "127.0.0.1", "-p", pg_port, "-U", "postgres", "-d", "maildb", "-qtA", "-v", "ON_ERROR_STOP=1", "-c", statement],
                   check=True, stdout=subprocess.DEVNULL)


setup = proxy_api.connect(proxy)
tenant = "clean-" + uuid.uuid4().hex[:8]
key = proxy_api.call(setup, "POST", "/tenant", admin, {"id": tenant})["api_key"]
proxy_api.call(setup, "POST", "/account", admin, {"id": "main", "tenant_id": tenant, "host": "127.0.0.1", "port": 9, "use_tls": False})
proxy_api.call(setup, "POST", f"/commands/suspend?tenant_id={tenant}", key)

t0 = time.perf_counter()
old = int(time.time()) - 30 * 86400
sql(f"""
INSERT INTO messages (tenant_id, id, account_id, status, sent_ts, payload)
SELECT '{tenant}', 'old-' || g, 'main', 'sent', {old},
       jsonb_build_object('id', 'old-' || g, 'tenant_id', '{tenant}', 'account_id', 'main', 'from', 'app@example.test',
                          'to', 'user' || g || '@example.test', 'subject', 'Synthetic ' || g, 'body', repeat('x', 200))
FROM generate_series(1, {n}) g;
INSERT INTO message_events (message_pk, tenant_id, event_type, event_ts, description, reported_ts)
SELECT pk, tenant_id, 'deferred', {old} - 60, '451 try later', {old} - 50 FROM messages WHERE tenant_id = '{tenant}' AND pk % 5 = 0;
INSERT INTO message_events (message_pk, tenant_id, event_type, event_ts, description, reported_ts)
SELECT pk, tenant_id, 'sent', {old}, 'sent', {old} + 5 FROM messages WHERE tenant_id = '{tenant}';
INSERT INTO sends (tenant_id, account_id, message_pk, sent_ts) SELECT tenant_id, account_id, pk, {old} FROM messages WHERE tenant_id = '{tenant}';
""")
sql("VACUUM ANALYZE")
print(f"generated {n} messages with {n + n // 5} events in {time.perf_counter() - t0:.1f} s")

latencies = {"baseline": [], "cleanup": []}
phase = ["baseline"]
stop = threading.Event()


def sender(k):
    conn = proxy_api.connect(proxy)
    i = k
    start = time.time()
    while not stop.is_set():
        due = start + (i // SENDERS) * SENDERS / rate
        now = time.time()
        if now < due:
            time.sleep(due - now)
        mid = f"new-{i}"
        current = phase[0]
        t = time.perf_counter()
        proxy_api.call(conn, "POST", "/commands/add-messages", key, {"messages": [{"id": mid, "tenant_id": tenant, "account_id": "main",
                       "from": "bench@example.test", "to": "x@example.test", "subject": mid, "body": "x" * 1024}]})
        latencies[current].append((time.perf_counter() - t) * 1000)
        i += SENDERS


threads = [threading.Thread(target=sender, args=(k,)) for k in range(SENDERS)]
for t in threads:
    t.start()
time.sleep(5)
phase[0] = "cleanup"
clean = proxy_api.connect(proxy)
clean.timeout = 900  # one request deletes everything
t0 = time.perf_counter()
removed = proxy_api.call(clean, "POST", f"/commands/cleanup-messages?tenant_id={tenant}", key, {})["removed"]
elapsed = time.perf_counter() - t0
stop.set()
for t in threads:
    t.join()


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))]


print(f"cleanup removed={removed} of {n} seconds={elapsed:.1f} rows_per_s={removed / elapsed:.0f}")
for name, values in latencies.items():
    print(f"add_messages_ms {name}: requests={len(values)} p50={pct(values, 50):.1f} p99={pct(values, 99):.1f} max={max(values):.1f}")
