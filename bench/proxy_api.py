"""A keep-alive JSON client for the proxy API, shared by the proxy benchmarks."""
import http.client
import json
import urllib.parse


def connect(base_url):
    target = urllib.parse.urlparse(base_url)
    return http.client.HTTPConnection(target.hostname, target.port, timeout=120)


def call(conn, method, path, token, body=None):
    conn.request(method, path, body=json.dumps(body) if body is not None else None,
                 headers={"X-API-Token": token, "Content-Type": "application/json"})
    response = conn.getresponse()
    data = response.read()
    if response.status >= 300:
        raise RuntimeError(f"{method} {path} -> {response.status} {data[:200]}")
    return json.loads(data)
