#!/usr/bin/env bash
# The heap profiler's cost on an allocation-heavy Swift workload (alloc/workload.swift), in one run
# that alternates: the profiler linked and sampling at the default 512 KiB, linked at rate 0, not
# linked at all, and the same binary under heaptrack (when installed: apt-get install heaptrack).
# Also the cost per sample of each stack walk: at rate 1 every allocation is a sample, so
# (time at rate 1 - time at rate 0) / samples, with libunwind and with HEAPPROFILER_UNWIND=fp.
# The machine may be shared: the script prints the load average and reports ratios to the
# not-linked run of the same round, and the medians over ROUNDS rounds.
# Builds a scratch package under .build/alloc-bench that depends on this repository by path.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rounds=${ROUNDS:-5}
iterations=${ITERATIONS:-2000000}
scratch="$root/.build/alloc-bench"
mkdir -p "$scratch/Sources/profiled" "$scratch/Sources/plain"
cat >"$scratch/Package.swift" <<SWIFT
// swift-tools-version: 6.1
import PackageDescription
let package = Package(
    name: "alloc-bench",
    dependencies: [.package(path: "$root")],
    targets: [
        .executableTarget(
            name: "profiled", dependencies: [.product(name: "HeapProfiler", package: "$(basename "$root")")],
            swiftSettings: [.define("PROFILED")]),
        .executableTarget(name: "plain"),
    ])
SWIFT
cp "$here/alloc/workload.swift" "$scratch/Sources/profiled/main.swift"
cp "$here/alloc/workload.swift" "$scratch/Sources/plain/main.swift"
(cd "$scratch" && swift build -c release >&2)
bin="$scratch/.build/release"

seconds() { # seconds COMMAND...: wall-clock seconds of one run
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
csv="$here/alloc-overhead.csv"
echo "round,plain_s,rate0_s,default_s,heaptrack_s" >"$csv"
for round in $(seq 1 "$rounds"); do
  plain=$(seconds "$bin/plain" "$iterations")
  rate0=$(seconds "$bin/profiled" "$iterations" 0)
  default=$(seconds "$bin/profiled" "$iterations" 524288)
  heaptrack_s=""
  if command -v heaptrack >/dev/null; then
    heaptrack_s=$(seconds heaptrack -o "$scratch/heaptrack.out" "$bin/plain" "$iterations")
    rm -f "$scratch"/heaptrack.out*
  fi
  echo "$round,$plain,$rate0,$default,$heaptrack_s" | tee -a "$csv"
done

# Cost per sample: every allocation sampled, libunwind against frame pointers.
small=$((iterations / 10))
samples=$("$bin/profiled" "$small" 1 | awk '/^samples/ { print $2 }')
t0=$(seconds "$bin/profiled" "$small" 0)
tu=$(seconds "$bin/profiled" "$small" 1)
tf=$(seconds env HEAPPROFILER_UNWIND=fp "$bin/profiled" "$small" 1)
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$csv" "$samples" "$t0" "$tu" "$tf" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
def ratio(key):
    values = [float(r[key]) / float(r["plain_s"]) for r in rows if r[key]]
    return statistics.median(values) if values else None
for key, label in [("rate0_s", "linked, rate 0"), ("default_s", "linked, 512 KiB"), ("heaptrack_s", "heaptrack")]:
    r = ratio(key)
    print(f"{label:16} {'n/a' if r is None else f'{100 * (r - 1):+.1f}% wall time against not linked (median of per-round ratios)'}")
samples, t0, tu, tf = int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
print(f"cost per sample at rate 1 ({samples} samples): libunwind {1e6 * (tu - t0) / samples:.2f} us, "
      f"frame pointers {1e6 * (tf - t0) / samples:.2f} us (each includes recording the sample)")
PY
