"""Proxy throughput against a running stack (bench/proxy-throughput.sh starts one).

Enqueue: N messages through /commands/add-messages in batches of 100, then of 1000, while the
tenant is suspended (so only the enqueue path is timed); the first batches run on a proxy that has
just started (code not yet compiled, connections not yet open). Then N/2 more in batches of 100, warm,
for a second tenant that stays suspended (its backlog must not slow the delivery that follows).
Delivery: activate the first tenant and time until none of its messages is pending (every message
is then sent into sink-tenant1, counted there too).
Sustained: after the delivery, batches of 100 for the second tenant for BENCH_SUSTAINED_SECONDS
(default 15; 0 skips it), timed after the first 3 s. The phases above are a second or less each, the
first ones on code not yet compiled; this is the rate a client keeps up. N=0 runs this phase alone,
on the fresh stack.
Usage: python3 bench/proxy-throughput.py PROXY_URL ADMIN_TOKEN SMTP_HOST SMTP_PORT SINK_API [N] [REPLICAS]
"""
import json
import os
import sys
import time
import urllib.parse
import urllib.request
import uuid

import proxy_api

proxy, admin, smtp_host, smtp_port, sink_api = sys.argv[1:6]
n = int(sys.argv[6]) if len(sys.argv) > 6 else 10000
replicas = int(sys.argv[7]) if len(sys.argv) > 7 else 1


conn = proxy_api.connect(proxy)  # keep-alive, like a real client


def call(method, path, body=None, token=admin):
    return proxy_api.call(conn, method, path, token, body)


# BENCH_LIMIT=N gives the account limits of N per minute, hour and day (configured, not reached:
# the send policy's cost with every window counted).
limit = int(os.environ.get("BENCH_LIMIT", "0"))
limits = {"limit_per_minute": limit, "limit_per_hour": limit, "limit_per_day": limit} if limit > 0 else {}


def suspended_tenant():
    tenant = "bench-" + uuid.uuid4().hex[:8]
    key = call("POST", "/tenant", {"id": tenant})["api_key"]
    call("POST", "/account", {"id": "main", "tenant_id": tenant, "host": smtp_host, "port": int(smtp_port), "use_tls": False, **limits})
    call("POST", f"/commands/suspend?tenant_id={tenant}")
    return tenant, key


tenant, key = suspended_tenant()
idle_tenant, idle_key = suspended_tenant()
to = f"{tenant}@bench.test"


def add(tenant, key, prefix, start, batch):
    msgs = [{"id": f"{prefix}{i}", "tenant_id": tenant, "account_id": "main", "from": "bench@example.test",
             "to": f"{tenant}@bench.test", "subject": f"{prefix}{i}", "body": "x" * 1024} for i in range(start, start + batch)]
    assert call("POST", "/commands/add-messages", {"messages": msgs}, key)["queued"] == batch


def enqueue(tenant, key, prefix, total, batch):
    t0 = time.perf_counter()
    for start in range(0, total, batch):
        add(tenant, key, prefix, start, batch)
    return total / (time.perf_counter() - t0)


def sustain(tenant, key, prefix, seconds, warmup=3.0):
    """Batches of 100 for warmup + seconds; the rate over the last `seconds`."""
    sent = 0

    def run(duration):
        nonlocal sent
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < duration:
            add(tenant, key, prefix, sent, 100)
            sent += 100
        return time.perf_counter() - t0

    run(warmup)
    before = sent
    elapsed = run(seconds)
    return (sent - before) / elapsed, sent - before


if n > 0:
    rate100 = enqueue(tenant, key, "a", n // 2, 100)
    rate1000 = enqueue(tenant, key, "b", n // 2, 1000)
    warm100 = enqueue(idle_tenant, idle_key, "c", n // 2, 100)
    print(f"enqueue_msgs_per_s batch100={rate100:.0f} batch1000={rate1000:.0f} batch100_warm={warm100:.0f} (n={n // 2} each)")

    t0 = time.perf_counter()
    call("POST", f"/commands/activate?tenant_id={tenant}", token=key)
    while call("GET", f"/messages?tenant_id={tenant}&active_only=true&limit=1", token=key)["messages"]:
        time.sleep(0.2)
    elapsed = time.perf_counter() - t0
    query = urllib.parse.quote(f"envelope-to:{to}")
    with urllib.request.urlopen(f"{sink_api}/api/v1/search?query={query}&limit=1") as r:
        stored = json.load(r)["messages_count"]
    print(f"delivery_msgs_per_s={n / elapsed:.0f} seconds={elapsed:.1f} delivered_in_sink={stored} of {n} (proxy replicas: {replicas}, limits: {limit or 'none'})")


def settle(idle_share=0.75, limit=30.0):
    """Waits (at most `limit` s) for a second in which the machine is idle `idle_share` of the time:
    the delivery's aftermath (its traces reaching the dashboard, autovacuum) would be timed too."""
    def idle():
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
        return values[3] + values[4], sum(values)
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < limit:
        (i0, s0) = idle()
        time.sleep(1)
        (i1, s1) = idle()
        if (i1 - i0) >= idle_share * (s1 - s0):
            break
    return time.perf_counter() - t0


sustained_seconds = float(os.environ.get("BENCH_SUSTAINED_SECONDS", "15"))
if sustained_seconds > 0:
    if n > 0:
        print(f"settled after the delivery in {settle():.0f} s")
    rate, count = sustain(idle_tenant, idle_key, "d", sustained_seconds)
    when = "after the delivery" if n > 0 else "on a fresh stack"
    print(f"enqueue_sustained_msgs_per_s batch100={rate:.0f} ({count} messages over {sustained_seconds:.0f} s after a 3 s warm-up, {when})")
