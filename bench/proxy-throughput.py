"""Proxy throughput against a running stack (bench/proxy-throughput.sh starts one).

Enqueue: N messages through /commands/add-messages in batches of 100, then of 1000, while the
tenant is suspended (so only the enqueue path is timed); the first batches run on a proxy that has
just started (code not yet compiled, connections not yet open). Then N/2 more in batches of 100, warm,
for a second tenant that stays suspended (its backlog must not slow the delivery that follows).
Delivery: activate the first tenant and time until none of its messages is pending (every message
is then sent into sink-tenant1, counted there too).
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


def enqueue(tenant, key, prefix, total, batch):
    t0 = time.perf_counter()
    for start in range(0, total, batch):
        msgs = [{"id": f"{prefix}{i}", "tenant_id": tenant, "account_id": "main", "from": "bench@example.test",
                 "to": f"{tenant}@bench.test", "subject": f"{prefix}{i}", "body": "x" * 1024} for i in range(start, start + batch)]
        assert call("POST", "/commands/add-messages", {"messages": msgs}, key)["queued"] == batch
    return total / (time.perf_counter() - t0)


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
