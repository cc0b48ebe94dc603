#!/usr/bin/env bash
# Times what issue 12 asks of the report formats, with one binary, in one run:
#   - each JSON report against the same text report (goal: json/text <= 1.2), and -check,
#     the two run in turn so that drift in the machine's speed slows both alike;
#   - `-growth` over ten snapshots of the 200,000-sample profile against the time to load
#     them (goal: growth/load <= 1.5). "Load" is the sum, over the snapshots loaded one by one,
#     of the decoding phases PPROF_TIMING reports (gunzip, protobuf-c unpack, convert,
#     samples); "growth" is the wall time of the whole `pprof -growth` process.
# The median of --reps runs of each; the load average is printed with the table, since the
# machine may be shared. See Benchmarks/README.md.
#
# usage: Benchmarks/rows.sh [--reps N] [--samples N] PPROF_BINARY
set -euo pipefail

reps=3
samples=200000
while [ $# -gt 1 ]; do
  case $1 in
    --reps) reps=$2; shift 2 ;;
    --samples) samples=$2; shift 2 ;;
    *) echo "rows.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ $# -eq 1 ] || { echo "usage: Benchmarks/rows.sh [--reps N] [--samples N] PPROF_BINARY" >&2; exit 2; }
pprof=$1
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
workdir=${PPROF_BENCH_DIR:-${TMPDIR:-/tmp}/pprof-bench}
mkdir -p "$workdir"

# The profile and the series: generated once with synth/ and kept between runs.
synth=$workdir/synth-rows  # synth with -snapshot (series.go)
[ -x "$synth" ] || (cd "$repo/Benchmarks/synth" && go build -o "$synth" .)
profile=$workdir/synth-heap-$samples.pb.gz
[ -s "$profile" ] || "$synth" -samples "$samples" -o "$profile"
series=()
for n in 1 2 3 4 5 6 7 8 9 10; do
  f=$workdir/synth-heap-$samples-snap$n.pb.gz
  [ -s "$f" ] || "$synth" -samples "$samples" -snapshot "$n" -o "$f" 2>/dev/null
  series+=("$f")
done

# The wall time of one run of `$@`, output discarded.
wall() {
  local s e
  s=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || true
  e=$(date +%s.%N)
  echo "$e - $s" | bc
}

# The median of the numbers on standard input.
median_of() {
  sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

# The median wall time of `$@` over $reps runs, output discarded.
median() {
  for _ in $(seq "$reps"); do wall "$@"; done | median_of
}

# One row of the table: report $1 as text and as JSON (extra options in $2), run in turn (text,
# JSON, text, JSON, ...) so that a machine whose speed drifts during the run slows both alike;
# the median of each and their ratio.
pair() {
  local r=$1 extra=$2 ts=() js=()
  for _ in $(seq "$reps"); do
    # shellcheck disable=SC2086
    ts+=("$(wall "$pprof" $r "$profile")")
    # shellcheck disable=SC2086
    js+=("$(wall "$pprof" $extra $r "$profile")")
  done
  local t j
  t=$(printf '%s\n' "${ts[@]}" | median_of)
  j=$(printf '%s\n' "${js[@]}" | median_of)
  printf '%-22s %9.3f %9.3f %7.2f\n' "$r" "$t" "$j" "$(echo "$j / $t" | bc -l)"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-22s %9s %9s %7s\n' report text json ratio
for r in -top -tags -traces -tree "-peek=." ; do
  pair "$r" -json
done
ts=() cs=()
for _ in $(seq "$reps"); do
  ts+=("$(wall "$pprof" -top "$profile")")
  cs+=("$(wall "$pprof" "-check=total<1TB" "-check=flat(main)<50%" "$profile")")
done
t=$(printf '%s\n' "${ts[@]}" | median_of)
c=$(printf '%s\n' "${cs[@]}" | median_of)
printf '%-22s %9.3f %9.3f %7.2f\n' "-check (vs -top)" "$t" "$c" "$(echo "$c / $t" | bc -l)"

# Load: the decoding phases of each snapshot, loaded alone, summed (median over reps).
loads=()
for _ in $(seq "$reps"); do
  sum=0
  for f in "${series[@]}"; do
    ms=$(PPROF_TIMING=1 "$pprof" -comments "$f" 2>&1 >/dev/null |
      awk '/pprof timing: (gunzip|protobuf-c unpack|convert|samples) / {for (i = 2; i <= NF; i++) if ($i == "ms,") s += $(i-1)} END {print s + 0}')
    sum=$(echo "$sum + $ms" | bc)
  done
  loads+=("$(echo "$sum / 1000" | bc -l)")
done
load=$(printf '%s\n' "${loads[@]}" | median_of)
growth=$(median "$pprof" -growth "${series[@]}")
printf '%-22s %9.3f %9.3f %7.2f   (load, growth)\n' "-growth, 10 snapshots" "$load" "$growth" "$(echo "$growth / $load" | bc -l)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
