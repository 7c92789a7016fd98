"""Attachments through the proxy against a running stack (bench/proxy-attachments.sh starts one).

N messages, each with a 2 MB attachment by http_url: half of them the same file, the other half a
file each, all with content_md5. The files are served by a small HTTP server here, which counts
the fetches. Mode "rewrite": the tenant's large_file_config uploads anything over 1 MB to the
object store and sends a link; "inline": no config, every file goes in the mail. The tenant is
suspended while enqueuing; the clock runs from activate until no message is open.
Prints messages/s, fetches made (and of the shared file), and the proxy's peak RSS (VmHWM).
Usage: python3 bench/proxy-attachments.py PROXY_URL ADMIN_TOKEN SMTP_HOST SMTP_PORT MODE [N] [PROXY_PID]
"""
import hashlib
import http.server
import os
import sys
import threading
import time
import uuid

import proxy_api

proxy, admin, smtp_host, smtp_port, mode = sys.argv[1:6]
n = int(sys.argv[6]) if len(sys.argv) > 6 else 200
proxy_pid = sys.argv[7] if len(sys.argv) > 7 else None
size = 2 * 1024 * 1024

files = {"shared.bin": os.urandom(size)}
files.update({f"own-{i}.bin": os.urandom(size) for i in range(n - n // 2)})
fetches = {}
lock = threading.Lock()


class Files(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 (http.server's naming)
        name = self.path.rsplit("/", 1)[-1]
        with lock:
            fetches[name] = fetches.get(name, 0) + 1
        body = files.get(name)
        if body is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Files)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = f"http://127.0.0.1:{server.server_address[1]}/files"

conn = proxy_api.connect(proxy)


def call(method, path, body=None, token=admin):
    return proxy_api.call(conn, method, path, token, body)


tenant = "att-" + uuid.uuid4().hex[:8]
config = {"id": tenant}
if mode == "rewrite":
    config["large_file_config"] = {"enabled": True, "max_size_mb": 1, "action": "rewrite", "file_ttl_days": 1}
key = call("POST", "/tenant", config)["api_key"]
call("POST", "/account", {"id": "main", "tenant_id": tenant, "host": smtp_host, "port": int(smtp_port), "use_tls": False})
call("POST", f"/commands/suspend?tenant_id={tenant}")


def attachment(i):
    name = "shared.bin" if i < n // 2 else f"own-{i - n // 2}.bin"
    return {"filename": name, "storage_path": f"{base}/{name}", "content_md5": hashlib.md5(files[name]).hexdigest()}


msgs = [{"id": f"m{i}", "tenant_id": tenant, "account_id": "main", "from": "bench@example.test", "to": f"{tenant}@bench.test",
         "subject": f"m{i}", "body": "see attachment", "html": "<p>see attachment</p>", "attachments": [attachment(i)]} for i in range(n)]
for start in range(0, n, 100):
    assert call("POST", "/commands/add-messages", {"messages": msgs[start:start + 100]}, key)["queued"] == len(msgs[start:start + 100])

t0 = time.perf_counter()
call("POST", f"/commands/activate?tenant_id={tenant}", token=key)
while call("GET", f"/messages?tenant_id={tenant}&active_only=true&limit=1", token=key)["messages"]:
    time.sleep(0.2)
elapsed = time.perf_counter() - t0
statuses = {}
for m in call("GET", f"/messages?tenant_id={tenant}", token=key)["messages"]:
    statuses[m["status"]] = statuses.get(m["status"], 0) + 1

peak = "?"
if proxy_pid:
    with open(f"/proc/{proxy_pid}/status") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM"))
        peak = f"{int(peak) / 1024:.0f} MB"
print(f"mode={mode} messages={n} msgs_per_s={n / elapsed:.1f} seconds={elapsed:.1f} statuses={statuses} "
      f"fetches={sum(fetches.values())} shared_file_fetches={fetches.get('shared.bin', 0)} proxy_peak_rss={peak}")
server.shutdown()
