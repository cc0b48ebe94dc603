#!/usr/bin/env python3
"""A bounded loopback load for the image service: N thumbnail requests over C keep-alive
connections, each for an image on the origin with a unique query string (so the seed-leak
cache sees a new URL every time), optionally sampling the service's RSS into a CSV.

  load.py --service http://127.0.0.1:18180 --origin http://127.0.0.1:18181 --requests 500
"""
import argparse
import http.client
import sys
import threading
import time
import urllib.parse

IMAGES = ["dunes-640x480.jpg", "harbor-1024x768.jpg", "forest-1280x960.jpg"]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--service", required=True)
    ap.add_argument("--origin", required=True)
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--width", type=int, default=160)
    ap.add_argument("--tag", default="load", help="makes URLs unique across runs")
    ap.add_argument("--rss-pid", type=int)
    ap.add_argument("--rss-every", type=int, default=250)
    ap.add_argument("--csv", help="append rows mode,requests,rss_kib,seconds")
    ap.add_argument("--mode", default="")
    ap.add_argument("--timeout", type=float, default=120, help="seconds for the whole run at most")
    args = ap.parse_args()

    service = urllib.parse.urlparse(args.service)
    if args.requests < 1 or args.concurrency < 1:
        sys.exit("load.py: --requests and --concurrency must be at least 1")
    # One clear line when nothing listens, rather than N connection errors.
    try:
        probe = http.client.HTTPConnection(service.hostname, service.port, timeout=5)
        probe.request("GET", "/healthz")
        probe.getresponse().read()
        probe.close()
    except (OSError, http.client.HTTPException) as e:
        sys.exit(f"load.py: no image service answers at {args.service} ({e}); start it first")
    lock = threading.Lock()
    state = {"next": 0, "done": 0, "errors": {}, "samples": []}
    started = time.time()

    def sample(done):
        if args.rss_pid:
            state["samples"].append((done, rss_kib(args.rss_pid), time.time() - started))

    sample(0)

    def worker():
        conn = http.client.HTTPConnection(service.hostname, service.port, timeout=30)
        while True:
            with lock:
                i = state["next"]
                if i >= args.requests or time.time() - started > args.timeout:
                    break
                state["next"] += 1
            image = IMAGES[i % len(IMAGES)]
            url = f"{args.origin}/{image}?{args.tag}={i}"
            path = "/thumbnail?" + urllib.parse.urlencode({"url": url, "width": args.width, "quality": 80})
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as e:
                status = type(e).__name__
                conn.close()
                conn = http.client.HTTPConnection(service.hostname, service.port, timeout=30)
            with lock:
                if status != 200:
                    state["errors"][status] = state["errors"].get(status, 0) + 1
                state["done"] += 1
                if state["done"] % args.rss_every == 0:
                    sample(state["done"])
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(args.concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.time() - started
    if state["done"] % args.rss_every != 0:
        sample(state["done"])
    if args.csv:
        with open(args.csv, "a") as f:
            for done, rss, seconds in state["samples"]:
                f.write(f"{args.mode},{done},{rss},{seconds:.2f}\n")
    print(f"{args.mode or 'load'}: {state['done']} requests in {elapsed:.1f}s "
          f"({state['done'] / max(elapsed, 1e-9):.0f}/s), errors: {state['errors'] or 'none'}")
    if state["samples"]:
        print(f"  RSS {state['samples'][0][1]} KiB at start, {state['samples'][-1][1]} KiB at the end")
    return 1 if state["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
