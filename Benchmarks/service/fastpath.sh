#!/usr/bin/env bash
# Microbenchmark of the heap profiler's fast path: ns per malloc/free pair with glibc alone, with
# the interposer and sampling off, and with sampling at 512 KiB (and 64 KiB, for scale).
# Writes Benchmarks/service/fastpath.tsv. Needs gcc. Takes about a minute.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc=${CC:-gcc}
$cc -O2 -fno-omit-frame-pointer "$here/fastpath.c" -o "$work/fastpath-glibc"
$cc -O2 -fno-omit-frame-pointer -DWITH_SAMPLER -I "$root/Sources/CHeapSampler/include" \
  "$here/fastpath.c" "$root"/Sources/CHeapSampler/*.c -o "$work/fastpath-sampler" -lm
out="$here/fastpath.tsv"
{
  printf "mode\trate\tns_per_pair_median\tns_min\tns_max\tsamples\n"
  for round in 1 2 3; do
    "$work/fastpath-glibc" glibc
    "$work/fastpath-sampler" off
    "$work/fastpath-sampler" on 524288
    "$work/fastpath-sampler" on 65536
  done
} | tee "$out"

python3 - "$out" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
def median(mode, rate):
    return statistics.median(float(r["ns_per_pair_median"]) for r in rows if r["mode"] == mode and r["rate"] == rate)
glibc, off, on, on64 = median("glibc", "-"), median("off", "0"), median("on", "524288"), median("on", "65536")
print(f"malloc/free pair: glibc {glibc:.2f} ns; interposer, sampling off {off:.2f} ns ({off - glibc:+.2f}); "
      f"sampling at 512 KiB {on:.2f} ns ({on - glibc:+.2f}); at 64 KiB {on64:.2f} ns ({on64 - glibc:+.2f})")
PY

# Instructions per pair, which other jobs on the machine cannot disturb: callgrind's counts for
# 1.775 and 3.55 million pairs (7 runs of 250k or 500k and a warm-up of a tenth), differenced.
if command -v valgrind >/dev/null; then
  count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
      awk '/Collected/ { gsub(",", "", $4); print $4 }'
  }
  {
    printf "mode\trate\tinstructions_per_pair\n"
    for spec in "glibc:-:$work/fastpath-glibc glibc 0" "off:0:$work/fastpath-sampler off 0" \
      "on:524288:$work/fastpath-sampler on 524288" "on:65536:$work/fastpath-sampler on 65536"; do
      IFS=: read -r mode rate cmd <<<"$spec"
      a=$(count $cmd 250000)
      b=$(count $cmd 500000)
      printf "%s\t%s\t%s\n" "$mode" "$rate" "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.1f", (b - a) / 1775000 }')"
    done
  } | tee "$here/fastpath-instructions.tsv"
fi
