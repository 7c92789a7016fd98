"""IMAP benchmarks for the sink (and Dovecot as the reference), Python stdlib only.

  imap_bench.py fetch HOST PORT USER PASSWORD COUNT REPS
      APPENDs COUNT small messages to INBOX (unless it holds them already), then times
      `FETCH 1:* (ENVELOPE FLAGS)` REPS times on one connection; prints the median.
  imap_bench.py idle HOST IMAP_PORT SMTP_PORT SESSIONS MAILS PID
      SESSIONS connections LOGIN as one address, SELECT INBOX and IDLE; then MAILS mails are sent
      over SMTP one after another; every session's `* n EXISTS` is timestamped. Push latency =
      EXISTS arrival - the moment the SMTP client began sending that mail. Also RSS of PID
      before the sessions and with all of them idling.
"""
import selectors
import smtplib
import socket
import statistics
import sys
import threading
import time


def connect(host, port):
    sock = socket.create_connection((host, port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    reader = sock.makefile("rb")
    reader.readline()
    return sock, reader


def command(sock, reader, tag, text, payload=None):
    sock.sendall(f"{tag} {text}\r\n".encode())
    if payload is not None:
        reader.readline()  # "+ " continuation
        sock.sendall(payload + b"\r\n")
    total = 0
    while True:
        line = reader.readline()
        if not line:
            raise EOFError(text)
        total += len(line)
        if line.endswith(b"}\r\n"):
            size = int(line[line.rindex(b"{") + 1:-3])
            total += len(reader.read(size))
            continue
        if line.startswith(tag.encode() + b" "):
            if not line.startswith(tag.encode() + b" OK"):
                raise RuntimeError(line)
            return total


def fetch(host, port, user, password, count, reps):
    sock, reader = connect(host, port)
    command(sock, reader, "l", f"LOGIN {user} {password}")
    sock.sendall(b"s SELECT INBOX\r\n")
    exists = 0
    while True:
        line = reader.readline()
        if line.endswith(b" EXISTS\r\n"):
            exists = int(line.split()[1])
        if line.startswith(b"s "):
            break
    for i in range(exists, count):
        body = (f"From: Sender {i} <sender{i}@example.test>\r\nTo: {user}\r\nSubject: bench message {i}\r\n"
                f"Date: Thu, 26 Nov 2026 12:00:00 +0000\r\nMessage-ID: <bench-{i}@example.test>\r\n\r\n"
                f"body {i}\r\n").encode()
        command(sock, reader, "a", f"APPEND INBOX {{{len(body)}}}", body)
    command(sock, reader, "n", "NOOP")
    times = []
    size = 0
    for _ in range(reps):
        start = time.perf_counter()
        size = command(sock, reader, "f", "FETCH 1:* (ENVELOPE FLAGS)")
        times.append(time.perf_counter() - start)
    command(sock, reader, "o", "LOGOUT")
    print(f"fetch {count} ENVELOPE+FLAGS: median {statistics.median(times) * 1000:.0f} ms "
          f"(runs {', '.join(f'{t * 1000:.0f}' for t in times)} ms), {size} bytes")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def idle(host, imap_port, smtp_port, sessions, mails, pid):
    user = f"idle-bench-{int(time.time())}@example.test"
    before = rss_kib(pid)
    selector = selectors.DefaultSelector()
    conns = []
    for i in range(sessions):
        sock, reader = connect(host, imap_port)
        command(sock, reader, "l", f"LOGIN {user} pw")
        command(sock, reader, "s", "SELECT INBOX")
        sock.sendall(b"i IDLE\r\n")
        reader.readline()  # + idling
        sock.setblocking(False)
        conns.append(sock)
        selector.register(sock, selectors.EVENT_READ, bytearray())
    time.sleep(2)
    idling = rss_kib(pid)
    sent_at = {}
    received = []
    done = threading.Event()

    def pump():
        while not done.is_set() or len(received) < sessions * mails:
            for key, _ in selector.select(timeout=0.5):
                now = time.perf_counter()
                data = key.fileobj.recv(65536)
                buffer = key.data
                buffer += data
                while b"\r\n" in buffer:
                    line, _, rest = bytes(buffer).partition(b"\r\n")
                    buffer[:] = rest
                    if line.endswith(b" EXISTS"):
                        received.append((int(line.split()[1]), now))
            if done.is_set() and time.perf_counter() > deadline:
                break

    deadline = float("inf")
    reader_thread = threading.Thread(target=pump)
    reader_thread.start()
    smtp = smtplib.SMTP(host, smtp_port)
    for n in range(1, mails + 1):
        sent_at[n] = time.perf_counter()
        smtp.sendmail("bench@example.test", [user], f"Subject: idle {n}\r\n\r\nx\r\n")
    smtp.quit()
    deadline = time.perf_counter() + 10
    done.set()
    reader_thread.join()
    latencies = sorted((t - sent_at[n]) * 1000 for n, t in received if n in sent_at)
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
    print(f"idle: {sessions} sessions x {mails} mails: {len(latencies)} EXISTS pushed "
          f"(expected {sessions * mails}); latency from SMTP send start p50 {p(0.5):.1f} ms, "
          f"p99 {p(0.99):.1f} ms, max {latencies[-1]:.1f} ms")
    print(f"memory: RSS {before} KiB before, {idling} KiB with {sessions} idling sessions: "
          f"{(idling - before) / sessions:.0f} KiB per idle session")
    for sock in conns:
        sock.close()


if __name__ == "__main__":
    if sys.argv[1] == "fetch":
        fetch(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], int(sys.argv[6]), int(sys.argv[7]))
    else:
        idle(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7]))
