#!/usr/bin/env python3
"""The web UI's server answer, view by view, on a large profile: the first answer after load
(cold) and the median of the next 5 (warm), for one or more pprof binaries in the same run.

Usage: Benchmarks/web-latency.py PROFILE PPROF [REFERENCE_PPROF...]
       Benchmarks/web-latency.py --series S1,S2,...,SN PPROF [REFERENCE_PPROF...]

With --series, the binaries serve the N snapshots together and the views measured are those of
several profiles: the growth view and comparisons of two snapshots chosen in the URL (base=,
new=); a comparison's first answer loads its two profiles, and the next view is measured once
the server has made the pair's views in the background (its `web: warm comparison` line).

Each binary serves PROFILE with `-http=127.0.0.1:0 -no_browser` and PPROF_TIMING=1. "After
load" means after the server finished preparing: the script waits for its `web: warm views`
timing line (a binary that does not print it is measured from its URL on). Prints a Markdown
table with the load average; the machine may be loaded, so compare binaries, not absolutes.
The last row is the flame graph page's render in headless Chromium (navigation start to the
load event, median of 3, warm), when selenium and chromium are installed.
"""
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

# With --series: the growth view, then comparisons of the first and last snapshot (the pair is
# loaded by its first answer, then each view's first answer makes its report), another pair and
# a filter on each.
SERIES_PATHS = [
    "/ui/growth",
    "/ui/growth?n=20",
    "/ui/growth?f=main",
    "/ui/flamegraph?base=1&new={last}",
    "/ui/diff?base=1&new={last}",
    "/ui/top?base=1&new={last}",
    "/ui/top?base=1&new={last}&f=main",
    "/ui/flamegraph?base=2&new=3",
    "/ui/diff?base=2&new=3",
]

# Each view, then a few filter changes (their first answer builds a new report).
PATHS = [
    "/ui/flamegraph",
    "/ui/top",
    "/ui/graph.svg",
    "/ui/peek?f=Method164",
    "/ui/source?f=Method164",
    "/ui/top?sort=cum",
    "/ui/top?f=main",
    "/ui/top?i=runtime",
    "/ui/top?si=alloc_space",
    "/ui/flamegraph?f=main",
    "/ui/top?g=lines",
]


class Server:
    def __init__(self, pprof, profiles):
        self.proc = subprocess.Popen(
            [pprof, "-http=127.0.0.1:0", "-no_browser"] + profiles,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            env={"PPROF_TIMING": "1", "PATH": "/usr/bin:/bin", "TZ": "UTC"})
        self.url = None
        self.warm = threading.Event()
        # Comparisons whose views were made in the background ("web: warm comparison").
        self.compared = 0
        self.lock = threading.Condition()
        started = threading.Event()

        def drain():
            for line in self.proc.stderr:
                m = re.search(r"Serving web UI on (http://\S+)", line)
                if m:
                    self.url = m.group(1).rstrip("/")
                    started.set()
                if "web: warm views" in line:
                    self.warm.set()
                if "web: warm comparison" in line:
                    with self.lock:
                        self.compared += 1
                        self.lock.notify_all()
            started.set()
            self.warm.set()

        threading.Thread(target=drain, daemon=True).start()
        started.wait(120)
        if self.url is None:
            self.stop()
            raise SystemExit("%s -http did not print its URL" % pprof)
        self.warm.wait(600)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def get(url):
    t = time.perf_counter()
    with urllib.request.urlopen(url) as r:
        r.read()
    return (time.perf_counter() - t) * 1000


RENDER = "flame graph render in Chromium"


def render(url):
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        return None
    options = webdriver.ChromeOptions()
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,900"]:
        options.add_argument(a)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        times = []
        for _ in range(3):
            driver.get(url)
            times.append(driver.execute_script(
                "var t = performance.getEntriesByType('navigation')[0]; return t.loadEventEnd - t.startTime;"))
        return statistics.median(times)
    finally:
        driver.quit()


def measure(pprof, profiles, paths):
    server = Server(pprof, profiles)
    try:
        out = {}
        pair = None
        for path in paths:
            m = re.search(r"base=\d+&new=\d+", path)
            loads = m is not None and m.group(0) != pair
            pair = m.group(0) if m else pair
            with server.lock:
                seen = server.compared
            cold = get(server.url + path)
            if loads:
                # The first page of a pair loads it; "after load" means once the server has also
                # made the pair's views in the background.
                with server.lock:
                    server.lock.wait_for(lambda: server.compared > seen, timeout=300)
            out[path] = (cold, statistics.median(get(server.url + path) for _ in range(5)))
        if len(profiles) > 1:
            return out
        r = render(server.url + "/ui/flamegraph")
        if r is not None:
            out[RENDER] = (float("nan"), r)
        return out
    finally:
        server.stop()


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    if sys.argv[1] == "--series":
        if len(sys.argv) < 4:
            raise SystemExit(__doc__)
        profiles, binaries = sys.argv[2].split(","), sys.argv[3:]
        paths = [p.replace("{last}", str(len(profiles))) for p in SERIES_PATHS]
    else:
        profiles, binaries = [sys.argv[1]], sys.argv[2:]
        paths = PATHS
    before = open("/proc/loadavg").read().split()[:3]
    results = [measure(b, profiles, paths) for b in binaries]
    after = open("/proc/loadavg").read().split()[:3]
    print("load average before %s, after %s" % (" ".join(before), " ".join(after)))
    print()
    head = "| view |" + "".join(" %s cold | %s warm |" % (b, b) for b in binaries)
    print(head)
    print("|---|" + "---:|---:|" * len(binaries))
    for path in paths:
        print("| `%s` |" % path + "".join(" %.0f | %.0f |" % r[path] for r in results))
    if all(RENDER in r for r in results):
        print("| %s |" % RENDER + "".join(" | %.0f |" % r[RENDER][1] for r in results))


if __name__ == "__main__":
    main()
