#!/usr/bin/env bash
# Times symbolizing 10,000 addresses (issue 15's goal: <= 1 s with llvm-symbolizer) against the
# symbolizer alone on the same addresses. The profile is a legacy heap profile (text) with one
# sample per address, each a random offset inside a different function of BINARY, mapped as a PIE
# would be; pprof reads it, finds BINARY through its mapping, and names every address.
# Also times go tool pprof on the same profile when GO_PPROF is set (it can take minutes).
#
# usage: Benchmarks/symbolize.sh PPROF_BINARY [BINARY [COUNT]]   (BINARY defaults to PPROF_BINARY)
set -euo pipefail
pprof=$(realpath "$1")
binary=$(realpath "${2:-$1}")
count=${3:-10000}
dir=${PPROF_BENCH_DIR:-${TMPDIR:-/tmp}/pprof-bench}/symbolize
mkdir -p "$dir"
cp "$binary" "$dir/target-bin"
python3 - "$dir" "$count" <<'PY'
import random, subprocess, sys
d, count = sys.argv[1], int(sys.argv[2])
out = subprocess.run(["nm", "--defined-only", "-S", d + "/target-bin"], capture_output=True, text=True, check=True).stdout
funcs = [(int(p[0], 16), int(p[1], 16)) for p in (l.split() for l in out.splitlines())
         if len(p) == 4 and p[2] in "tT" and int(p[1], 16) > 4]
random.seed(7)
random.shuffle(funcs)
base = 0x555555554000
offsets = sorted({a + random.randrange(1, s) for a, s in funcs[:count]})
end = max(a + s for a, s in funcs)
with open(d + "/addresses.heap", "w") as f:
    f.write("heap profile: %d: %d [ %d: %d] @ heapprofile\n" % (len(offsets), 64 * len(offsets), len(offsets), 64 * len(offsets)))
    for o in offsets:
        f.write("1: 64 [1: 64] @ 0x%x\n" % (base + o))
    f.write("\nMAPPED_LIBRARIES:\n%x-%x r-xp 00000000 00:00 0 %s/target-bin\n" % (base, base + ((end + 0xfff) & ~0xfff), d))
with open(d + "/offsets.txt", "w") as f:
    f.write("".join("0x%x\n" % o for o in offsets))
print("%d addresses in %s" % (len(offsets), d + "/addresses.heap"))
PY
seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); awk -v a="$s" -v b="$e" 'BEGIN { printf "%.3f\n", b - a }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
cd "$dir"
sym=$(command -v llvm-symbolizer)
for i in 1 2 3 4 5; do seconds "$pprof" -symbolize=none -top addresses.heap; done | median | sed 's/^/pprof, no symbolization (s):       /'
for i in 1 2 3 4 5; do seconds "$pprof" -top addresses.heap; done | median | sed 's/^/pprof, symbolized (s):             /'
for i in 1 2 3 4 5; do seconds sh -c "$sym --inlining --obj=target-bin < offsets.txt"; done | median | sed 's/^/llvm-symbolizer alone (s):         /'
if [ -n "${GO_PPROF:-}" ]; then
  echo "go tool pprof, symbolized (s):     $(seconds $GO_PPROF -top addresses.heap)"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
