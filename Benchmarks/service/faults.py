#!/usr/bin/env python3
"""Faults and load on the image service, on loopback only, bounded in requests and time.

Starts a hostile origin (127.0.0.1, a free port) and the image service (127.0.0.1, a free port)
with a small download limit and a short download timeout, then, at once:
  * bursts of thumbnail requests well over the download limit, spread over origin routes that
    serve a good JPEG, stall mid-body, send garbage, truncate, reset, redirect, send a negative
    Content-Length, or serve a JPEG 8x65500 (asked for at width 4096);
  * clients that hang up mid-request (half a request head; a whole request, then close);
  * a probe of /healthz every 100 ms, timing each answer;
  * a sampler of the service's RSS (/proc/PID/status) every 100 ms.
Then SIGTERM, and a check that the --memprofile written at shutdown is a whole profile (pprof
reads it). Prints the figures and exits non-zero when a bound is broken.

    python3 Benchmarks/service/faults.py [--service PATH] [--pprof PATH] [--requests N]
"""

import argparse
import json
import os
import random
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

LOOPBACK = "127.0.0.1"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def tall_jpeg(width=8, height=65500):
    """A valid baseline grayscale JPEG, all one gray: every 8x8 block is a DC difference of 0
    and an end-of-block, each coded as the single one-bit Huffman code '0'."""
    def segment(marker, payload):
        return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload
    dqt = segment(0xDB, bytes([0]) + bytes([1] * 64))
    sof = segment(0xC0, struct.pack(">BHHB", 8, height, width, 1) + bytes([1, 0x11, 0]))
    one_code = bytes([1] + [0] * 15) + bytes([0])  # one code of length 1, symbol 0
    dht = segment(0xC4, bytes([0x00]) + one_code + bytes([0x10]) + one_code)
    sos = segment(0xDA, bytes([1, 1, 0x00, 0, 63, 0]))
    blocks = ((width + 7) // 8) * ((height + 7) // 8)
    bits = blocks * 2
    data = bytes(bits // 8) + (bytes([0xFF >> (bits % 8)]) if bits % 8 else b"")
    return b"\xff\xd8" + dqt + sof + dht + sos + data + b"\xff\xd9"


class HostileOrigin:
    """A raw-socket origin: each path misbehaves in its own way."""

    def __init__(self, good_jpeg):
        self.good = good_jpeg
        self.tall = tall_jpeg()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((LOOPBACK, 0))
        self.sock.listen(256)
        self.port = self.sock.getsockname()[1]
        self.stopped = threading.Event()
        threading.Thread(target=self.accept_loop, daemon=True).start()

    def accept_loop(self):
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    @staticmethod
    def head(status, headers):
        lines = ["HTTP/1.1 %d X" % status] + headers + ["Connection: close", "", ""]
        return "\r\n".join(lines).encode()

    def serve(self, conn):
        try:
            conn.settimeout(10)
            raw = b""
            while b"\r\n\r\n" not in raw and len(raw) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                raw += chunk
            path = raw.split(b" ")[1].decode().split("?")[0]
            kind = path.strip("/").split("-")[0]
            if kind == "ok":
                conn.sendall(self.head(200, ["Content-Length: %d" % len(self.good)]) + self.good)
            elif kind == "stall":
                conn.sendall(self.head(200, ["Content-Length: 100000"]) + self.good[:1])
                self.stopped.wait(30)
            elif kind == "garbage":
                conn.sendall(os.urandom(2000))
            elif kind == "truncate":
                conn.sendall(self.head(200, ["Content-Length: %d" % len(self.good)]) + self.good[:500])
            elif kind == "reset":
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            elif kind == "redirect":
                conn.sendall(self.head(302, ["Location: /ok-redirected.jpg", "Content-Length: 0"]))
            elif kind == "negative":
                conn.sendall(self.head(200, ["Content-Length: -1"]) + self.good)
            elif kind == "tall":
                conn.sendall(self.head(200, ["Content-Length: %d" % len(self.tall)]) + self.tall)
            else:
                conn.sendall(self.head(404, ["Content-Length: 0"]))
        except OSError:
            pass
        finally:
            conn.close()

    def stop(self):
        self.stopped.set()
        self.sock.close()


def get(url, timeout):
    """(status, seconds, body) of a GET; status 0 when the connection failed."""
    start = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, time.monotonic() - start, r.read()
    except urllib.error.HTTPError as e:
        return e.code, time.monotonic() - start, e.read()
    except Exception:
        return 0, time.monotonic() - start, b""


def rss_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def percentile(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * p))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--service", default=os.path.join(ROOT, ".build/debug/image-service"))
    parser.add_argument("--pprof", default=os.path.join(ROOT, ".build/debug/pprof"))
    parser.add_argument("--requests", type=int, default=600, help="thumbnail requests in all (at most 5000)")
    parser.add_argument("--concurrency", type=int, default=48, help="clients at once (at most 256)")
    parser.add_argument("--max-downloads", type=int, default=8)
    parser.add_argument("--health-bound", type=float, default=1.0, help="seconds a /healthz answer may take")
    parser.add_argument("--rss-bound-mib", type=float, default=400.0)
    parser.add_argument("--time-limit", type=float, default=180.0, help="seconds for the whole run")
    args = parser.parse_args()
    args.requests = min(args.requests, 5000)
    args.concurrency = min(args.concurrency, 256)
    deadline = time.monotonic() + args.time_limit

    with open(os.path.join(ROOT, "Samples/images/dunes-640x480.jpg"), "rb") as f:
        good = f.read()
    origin = HostileOrigin(good)
    work = tempfile.mkdtemp(prefix="image-service-faults-")
    memprofile = os.path.join(work, "heap.pb.gz")
    probe = socket.socket()
    probe.bind((LOOPBACK, 0))
    port = probe.getsockname()[1]
    probe.close()
    service = subprocess.Popen(
        [args.service, "--host", LOOPBACK, "--port", str(port), "--allow-origin", "%s:%d" % (LOOPBACK, origin.port),
         "--max-downloads", str(args.max_downloads), "--download-timeout", "3", "--shutdown-timeout", "5",
         "--memprofile", memprofile],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = "http://%s:%d" % (LOOPBACK, port)
    while get(base + "/healthz", 1)[0] != 200:
        if service.poll() is not None or time.monotonic() > deadline:
            print("the service did not start:", service.stdout.read().decode(errors="replace"))
            return 1
        time.sleep(0.1)

    stop = threading.Event()
    health, rss = [], []

    def probe_health():
        while not stop.is_set():
            status, seconds, _ = get(base + "/healthz", 10)
            health.append(seconds if status == 200 else float("inf"))
            stop.wait(0.1)

    def sample_rss():
        while not stop.is_set():
            r = rss_kib(service.pid)
            if r:
                rss.append(r)
            stop.wait(0.1)

    kinds = ["ok", "stall", "garbage", "truncate", "reset", "redirect", "negative", "tall"]
    results = {k: {} for k in kinds + ["hangup"]}
    lock = threading.Lock()
    counter = iter(range(args.requests))

    def client():
        while time.monotonic() < deadline:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            kind = kinds[i % len(kinds)] if i % 10 != 9 else "hangup"
            if kind == "hangup":
                s = socket.create_connection((LOOPBACK, port), timeout=5)
                if i % 20 == 9:
                    s.sendall(b"GET /thumbnail?url=http://127.0.0.1:%d/ok-%d.jpg&wid" % (origin.port, i))
                else:
                    s.sendall(b"GET /thumbnail?url=http://127.0.0.1:%d/stall-%d.jpg&width=64 HTTP/1.1\r\nHost: x\r\n\r\n" % (origin.port, i))
                s.close()
                code = "hung up"
            else:
                width = 4096 if kind == "tall" else 64
                # Distinct URLs, so the originals cache does not answer for the origin.
                url = "%s/thumbnail?url=http://%s:%d/%s-%d.jpg&width=%d" % (base, LOOPBACK, origin.port, kind, i, width)
                status, _, body = get(url, 30)
                try:
                    code = "%d %s" % (status, json.loads(body)["error"]["code"]) if status != 200 else "200"
                except Exception:
                    code = str(status)
            with lock:
                results[kind][code] = results[kind].get(code, 0) + 1

    watchers = [threading.Thread(target=probe_health, daemon=True), threading.Thread(target=sample_rss, daemon=True)]
    for t in watchers:
        t.start()
    started = time.monotonic()
    clients = [threading.Thread(target=client, daemon=True) for _ in range(args.concurrency)]
    for t in clients:
        t.start()
    for t in clients:
        t.join(max(0, deadline - time.monotonic()))
    elapsed = time.monotonic() - started
    time.sleep(0.5)
    stop.set()
    for t in watchers:
        t.join(2)
    alive = service.poll() is None

    service.send_signal(signal.SIGTERM)
    try:
        service.wait(timeout=30)
        exited = service.returncode
    except subprocess.TimeoutExpired:
        service.kill()
        exited = "killed after 30 s"
    origin.stop()
    log = service.stdout.read().decode(errors="replace")
    check = subprocess.run([args.pprof, "-top", "-nodecount=3", memprofile], capture_output=True, text=True)

    finite = [h for h in health if h != float("inf")]
    print("load average: %s" % " ".join(open("/proc/loadavg").read().split()[:3]))
    print("requests: %d in %.1f s, %d clients at once, --max-downloads %d"
          % (args.requests, elapsed, args.concurrency, args.max_downloads))
    for kind in kinds + ["hangup"]:
        print("  %-9s %s" % (kind, ", ".join("%s x%d" % kv for kv in sorted(results[kind].items()))))
    print("healthz: %d probes, %d failed, median %.3f s, p99 %.3f s, max %.3f s (bound %.1f s)"
          % (len(health), len(health) - len(finite), percentile(finite, 0.5), percentile(finite, 0.99),
             max(finite or [float("nan")]), args.health_bound))
    print("RSS: start %.1f MiB, max %.1f MiB, end %.1f MiB (bound %.0f MiB)"
          % (rss[0] / 1024, max(rss) / 1024, rss[-1] / 1024, args.rss_bound_mib) if rss else "RSS: no samples")
    print("service alive under load: %s; exit status after SIGTERM: %s" % (alive, exited))
    print("shutdown log: %s" % " | ".join(l for l in log.splitlines() if "wrote heap profile" in l or "stopped" in l))
    print("profile written at shutdown: pprof exit %d, %s"
          % (check.returncode, (check.stdout.splitlines() or ["no output"])[0] if check.returncode == 0 else check.stderr.strip()))

    failures = []
    if not alive:
        failures.append("the service died under load")
    if exited != 0:
        failures.append("the service did not exit cleanly on SIGTERM")
    if len(finite) < len(health) or (finite and max(finite) > args.health_bound):
        failures.append("/healthz was slower than %.1f s or failed" % args.health_bound)
    if rss and max(rss) / 1024 > args.rss_bound_mib:
        failures.append("RSS went over %.0f MiB" % args.rss_bound_mib)
    if check.returncode != 0:
        failures.append("the profile written at shutdown does not load")
    if results["ok"].get("200", 0) == 0:
        failures.append("no good image was served")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
