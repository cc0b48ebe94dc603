#!/usr/bin/env bash
# The heap profiler's cost on an allocation-heavy Swift workload (alloc/workload.swift), in one run
# that alternates: the profiler linked and sampling at the default 512 KiB, linked at rate 0, not
# linked at all, and the same binary under heaptrack. Also the cost per sample of each stack walk:
# at rate 1 every allocation is a sample, so (time at rate 1 - time at rate 0) / samples, with
# libunwind and with HEAPPROFILER_UNWIND=fp.
#
# Needs GNU time (wall time, peak RSS and page faults of each run) and, for the heaptrack column,
# heaptrack: apt-get install -y time heaptrack
#
# Settings: ROUNDS (default 5), ITERATIONS (default 500000: about 2 s per run on a quiet 2-core
# machine; the heap in use stays about 1 MiB whatever the count), CSV (default alloc-overhead.csv
# here). One discarded warm-up run of
# each setting comes first (binaries and libraries into the page cache), and the order of the
# settings rotates from round to round, so no setting always runs first. Ratios are of the loop's
# own time (the workload prints it; whole-process time is shown too) to the not-linked run of the
# same round, and the medians over the rounds are reported, with the load
# average before and after. Linking alone must not change how the program allocates: the peak RSS
# and page faults of "linked, rate 0" are printed beside "not linked".
# Builds a scratch package (SCRATCH, default .build/alloc-bench) that depends on this repository by
# path; a .build copied from another checkout carries a module cache for that path: use SCRATCH=/tmp/….
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rounds=${ROUNDS:-5}
iterations=${ITERATIONS:-500000}
for n in "$rounds" "$iterations"; do
  case $n in ''|*[!0-9]*) echo "ROUNDS and ITERATIONS must be numbers, not \"$n\"" >&2; exit 1 ;; esac
done
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install -y time" >&2; exit 1; }
scratch=${SCRATCH:-$root/.build/alloc-bench}
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

# run VARIANT: one run; prints "seconds maxrss_kib minor_faults loop_seconds" (the workload times
# its loop itself, without process start-up and HeapProfiler.start's one-off symbol-table read).
run() {
  local out="$scratch/time.out" log="$scratch/run.out"
  case $1 in
    plain) /usr/bin/time -o "$out" -f "%e %M %R" "$bin/plain" "$iterations" >"$log" ;;
    rate0) /usr/bin/time -o "$out" -f "%e %M %R" "$bin/profiled" "$iterations" 0 >"$log" ;;
    default) /usr/bin/time -o "$out" -f "%e %M %R" "$bin/profiled" "$iterations" 524288 >"$log" ;;
    heaptrack)
      /usr/bin/time -o "$out" -f "%e %M %R" heaptrack -o "$scratch/heaptrack.out" "$bin/plain" "$iterations" >"$log" 2>/dev/null
      rm -f "$scratch"/heaptrack.out* ;;
  esac
  echo "$(tail -n 1 "$out") $(awk '/^loop_seconds/ { print $2 }' "$log")"
}

variants=(plain rate0 default)
command -v heaptrack >/dev/null && variants+=(heaptrack) || echo "heaptrack not installed: its column stays empty" >&2
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for v in "${variants[@]}"; do run "$v" >/dev/null; done  # warm-up, discarded
csv=${CSV:-$here/alloc-overhead.csv}
echo "round,setting,seconds,maxrss_kib,minor_faults,loop_seconds" >"$csv"
n=${#variants[@]}
for round in $(seq 1 "$rounds"); do
  for k in $(seq 0 $((n - 1))); do
    v=${variants[$(((k + round - 1) % n))]}
    read -r s rss faults loop < <(run "$v")
    echo "$round,$v,$s,$rss,$faults,$loop" | tee -a "$csv"
  done
done

# Cost per sample: every allocation sampled, libunwind against frame pointers.
small=$((iterations / 10))
samples=$("$bin/profiled" "$small" 1 | awk '/^samples/ { print $2 }')
t0=$("$bin/profiled" "$small" 0 | awk '/^loop_seconds/ { print $2 }')
tu=$("$bin/profiled" "$small" 1 | awk '/^loop_seconds/ { print $2 }')
tf=$(HEAPPROFILER_UNWIND=fp "$bin/profiled" "$small" 1 | awk '/^loop_seconds/ { print $2 }')
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$csv" "$samples" "$t0" "$tu" "$tf" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
by = {}
for r in rows:
    by.setdefault(r["round"], {})[r["setting"]] = r
def median(values):
    return statistics.median(values) if values else None
print(f"{'setting':16} {'median s':>9} {'loop s':>9} {'loop vs not linked':>19} {'peak RSS':>10} {'minor faults':>13}")
for key, label in [("plain", "not linked"), ("rate0", "linked, rate 0"), ("default", "linked, 512 KiB"), ("heaptrack", "heaptrack")]:
    mine = [r[key] for r in by.values() if key in r]
    if not mine:
        print(f"{label:16} {'n/a':>9}")
        continue
    ratio = median([float(r[key]["loop_seconds"]) / float(r["plain"]["loop_seconds"]) for r in by.values() if key in r])
    print(f"{label:16} {median([float(m['seconds']) for m in mine]):9.3f} {median([float(m['loop_seconds']) for m in mine]):9.3f} {100 * (ratio - 1):+18.1f}% "
          f"{median([int(m['maxrss_kib']) for m in mine]) / 1024:8.1f}MB {median([int(m['minor_faults']) for m in mine]):13.0f}")
spread = [float(r["plain"]["loop_seconds"]) for r in by.values()]
print(f"not linked's loop ranged {min(spread):.3f} to {max(spread):.3f} s over the rounds: differences smaller than that spread are noise")
samples, t0, tu, tf = int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
print(f"cost per sample at rate 1 ({samples} samples): libunwind {1e6 * (tu - t0) / samples:.2f} us, "
      f"frame pointers {1e6 * (tf - t0) / samples:.2f} us (each includes recording the sample)")
PY
