#!/usr/bin/env python3
"""Times each web UI view's server answer on a large profile, next to the shell's time for the
same report in the same run (the machine may be loaded: compare, do not quote absolutes).

Usage: python3 Tests/web/timing.py PPROF PROFILE
Prints one line per view: the first answer (the report cache is cold) and the median of the
next 5, and the same two for the shell running the matching command.
"""
import re
import statistics
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, __import__("os").path.dirname(__file__))
from test_web import Server  # noqa: E402


def web_times(url, reps=5):
    t = time.perf_counter()
    urllib.request.urlopen(url).read()
    first = (time.perf_counter() - t) * 1000
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        body = urllib.request.urlopen(url).read()
        times.append((time.perf_counter() - t) * 1000)
    return first, statistics.median(times), len(body)


def shell_times(pprof, profile, command, reps=5):
    lines = "\n".join([command] * (reps + 1)) + "\n"
    r = subprocess.run([pprof, profile], input=lines, capture_output=True, text=True,
                       env={"PPROF_SHELL_TIMING": "1", "PATH": "/usr/bin:/bin", "TZ": "UTC"})
    ms = [float(m) for m in re.findall(r"^\[([0-9.]+) ms\]", r.stderr, re.M)]
    if len(ms) < 2:
        return float("nan"), float("nan")
    return ms[0], statistics.median(ms[1:])


def main():
    pprof, profile = sys.argv[1], sys.argv[2]
    views = [
        ("/ui/flamegraph", "flame >/dev/null"),
        ("/ui/top", "top 500"),
        ("/ui/top?sort=cum", "top 500 -cum"),
        ("/ui/top?f=main", "top 500 main"),
        ("/ui/top?i=runtime", "top 500 -runtime"),
        ("/ui/top?g=lines", None),
        ("/ui/flamegraph?f=main", "flame main >/dev/null"),
        ("/ui/peek?f=Method164", "peek Method164"),
        ("/ui/source?f=Method164", "list Method164"),
        ("/ui/?n=80", "svg >/dev/null"),
    ]
    server = Server(pprof, [profile])
    try:
        print("load average: %s" % open("/proc/loadavg").read().split()[:3])
        print("%-28s %10s %10s %10s %10s %10s" % ("view", "web 1st", "web med", "shell 1st", "shell med", "bytes"))
        for path, command in views:
            url = server.url + (path if not path.startswith("/ui/?") else "/ui/graph.svg" + path[4:])
            first, web, size = web_times(url)
            s1, shell = shell_times(pprof, profile, command) if command else (float("nan"), float("nan"))
            print("%-28s %10.1f %10.1f %10.1f %10.1f %10d" % (path, first, web, s1, shell, size))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
