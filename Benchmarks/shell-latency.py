#!/usr/bin/env python3
"""Times the shell's commands on a profile: runs one script of commands RUNS times with
PPROF_SHELL_TIMING=1 (each command's time on stderr, stdout to /dev/null) and prints the
minimum and median of each command. Option settings (name=value) are run but not printed.

    Benchmarks/shell-latency.py PPROF PROFILE [RUNS] [DIFF_PROFILE]
"""
import os
import re
import statistics
import subprocess
import sys

if len(sys.argv) < 3:
    sys.exit(__doc__.strip())
binary, profile = sys.argv[1], sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
other = sys.argv[4] if len(sys.argv) > 4 else profile

# Each command is the first of its kind with its options, so nothing comes from the cache.
COMMANDS = """top
top -cum
tree
peek Method164$
list Method164$
tags
traces
sample_index=alloc_space
top
tree
peek Method164$
list Method164$
tags
traces
focus=pkg20
top
tree
peek Method164$
list Method164$
tags
traces
focus=
sample_index=inuse_space
nodecount=20
tree
nodecount=-1
granularity=lines
top
tree
peek Method164
list Method164$
traces
granularity=addresses
top
tree
granularity=functions
top
diff OTHER
diff OTHER
q
""".replace("OTHER", other)

times, names = {}, {}
env = dict(os.environ, PPROF_SHELL_TIMING="1")
for _ in range(runs):
    result = subprocess.run([binary, profile], input=COMMANDS.encode(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=env)
    k = 0
    for line in result.stderr.decode().splitlines():
        m = re.match(r"^\[([0-9.]+) ms\] (.*)$", line)
        if m:
            times.setdefault(k, []).append(float(m.group(1)))
            names[k] = m.group(2)
            k += 1
for k in sorted(times):
    if re.match(r"^\w+=", names[k]):
        continue
    v = sorted(times[k])
    print(f"{names[k][:40]:40s} min {v[0]:7.1f}  median {statistics.median(v):7.1f} ms")
