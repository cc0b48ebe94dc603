#!/usr/bin/env bash
# Times `go tool pprof REPORT profile` against our `pprof REPORT profile` on a
# large synthetic heap profile and prints medians, peaks and ratios.
# See Benchmarks/README.md.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: Benchmarks/run.sh [--reps N] [--samples N] [--profile FILE] [--no-build] [--check] [REPORT ...]

  REPORT      a report flag (or several in one quoted argument), e.g. -top "-top -cum" -tree
              OURS@GO times our OURS against go's GO, e.g. -flame@-top (go has no -flame)
              -peek=. -dot -traces; default: -top
  --reps N    timed runs of each tool per report, alternating go/ours (default 5)
  --samples N samples in the generated profile (default 200000)
  --profile F time on this profile instead of the generated one
  --no-build  do not run swift build; use .build-release/release/pprof as it is
  --check     before timing a report, run both tools once and say whether stdout is identical

Environment: PPROF_BENCH_DIR (where the profile and generator go; default $TMPDIR/pprof-bench),
GO_PPROF (the reference command; default "go tool pprof").
USAGE
}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
reps=5
samples=200000
profile=
build=1
check_output=0
reports=()
while [ $# -gt 0 ]; do
  case $1 in
    --reps) reps=$2; shift 2 ;;
    --samples) samples=$2; shift 2 ;;
    --profile) profile=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --check) check_output=1; shift ;;
    -h|--help) usage; exit 0 ;;
    --*) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) reports+=("$1"); shift ;;
  esac
done
[ ${#reports[@]} -gt 0 ] || reports=(-top)
case $reps in ''|*[!0-9]*|0) echo "run.sh: --reps needs a positive integer" >&2; exit 2 ;; esac

timecmd=/usr/bin/time
if ! "$timecmd" -f '%e %M' true >/dev/null 2>&1; then
  echo "run.sh: GNU time is needed at /usr/bin/time (Debian: apt-get install -y time)" >&2
  exit 2
fi
read -r -a goprof <<<"${GO_PPROF:-go tool pprof}"

workdir=${PPROF_BENCH_DIR:-${TMPDIR:-/tmp}/pprof-bench}
mkdir -p "$workdir"

# The profile: generated once per sample count and kept between runs.
if [ -z "$profile" ]; then
  profile=$workdir/synth-heap-$samples.pb.gz
  if [ ! -s "$profile" ]; then
    echo "== generating $profile" >&2
    (cd "$repo/Benchmarks/synth" && go build -o "$workdir/synth" .)
    "$workdir/synth" -samples "$samples" -o "$profile.tmp"
    mv "$profile.tmp" "$profile"
  fi
fi
[ -s "$profile" ] || { echo "run.sh: no profile at $profile" >&2; exit 2; }

# Our tool, built in release mode. When it cannot be built, say why and time
# go tool pprof alone.
ours=$repo/.build-release/release/pprof
ours_note=
if [ $build = 1 ]; then
  echo "== swift build -c release --product pprof --scratch-path .build-release" >&2
  if ! (cd "$repo" && swift build -c release --product pprof --scratch-path .build-release) \
       >"$workdir/build.log" 2>&1; then
    ours_note="swift build failed (log: $workdir/build.log)"
    tail -n 15 "$workdir/build.log" >&2
  fi
fi
if [ -z "$ours_note" ] && [ ! -x "$ours" ]; then
  ours_note="no executable at $ours"
fi
if [ -n "$ours_note" ]; then
  echo "run.sh: OUR PPROF IS NOT AVAILABLE: $ours_note -- timing go tool pprof only" >&2
  ours=
fi

# run_one NAME REPORT...: one timed run; appends "seconds kilobytes" to
# $workdir/NAME.times. Output goes to /dev/null, stderr to a file. A tool that
# fails is shown once and not run again for this report.
declare -A dead
run_one() {
  local name=$1; shift
  [ -z "${dead[$name]:-}" ] || return 0
  local out=$workdir/$name.time
  if "$timecmd" -f '%e %M' -o "$out" "$@" "$profile" >/dev/null 2>"$workdir/$name.stderr"; then
    tail -n 1 "$out" >>"$workdir/$name.times"
  else
    dead[$name]=1
    echo fail >>"$workdir/$name.times"
    echo "run.sh: FAILED, not timing it again for this report: $* $profile" >&2
    grep -v '^[[:space:]]*$' "$workdir/$name.stderr" | head -n 3 | sed 's/^/    /' >&2
  fi
}

# same_output REPORT...: "same" when both tools print the same bytes to stdout.
same_output() {
  "${goprof[@]}" "$@" "$profile" >"$workdir/go.out" 2>/dev/null || true
  "$ours" "$@" "$profile" >"$workdir/ours.out" 2>/dev/null || true
  if cmp -s "$workdir/go.out" "$workdir/ours.out"; then echo same; else echo differs; fi
}

# summary FILE: "median_seconds peak_MB failures"
summary() {
  awk '$1 == "fail" { f++; next }
       { t[n++] = $1; if ($2 > m) m = $2 }
       END {
         if (n == 0) { print "FAIL FAIL " f+0; exit }
         for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (t[j] < t[i]) { x = t[i]; t[i] = t[j]; t[j] = x }
         med = (n % 2) ? t[int(n/2)] : (t[n/2-1] + t[n/2]) / 2
         printf "%.2f %.1f %d\n", med, m / 1024, f+0
       }' "$1"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/ || b == 0) print "-"; else printf "%.3f\n", a / b }'; }

echo "== profile: $profile ($(du -h "$profile" | cut -f1)), $reps runs each, alternating" >&2
failed=0
rows=()
for report in "${reports[@]}"; do
  # OURS@GO: our report against another of go's (a floor for reports go does not have).
  if [[ $report == *@* ]]; then
    read -r -a flags <<<"${report%%@*}"
    read -r -a goflags <<<"${report#*@}"
  else
    read -r -a flags <<<"$report"
    goflags=("${flags[@]}")
  fi
  dead=()
  check=-
  if [ $check_output = 1 ] && [ -n "$ours" ] && [[ $report != *@* ]]; then check=$(same_output "${flags[@]}"); fi
  rm -f "$workdir/go.times" "$workdir/ours.times"
  touch "$workdir/go.times" "$workdir/ours.times"
  for ((i = 0; i < reps; i++)); do
    # Alternate which tool goes first so neither always runs on a warm cache.
    if [ $((i % 2)) = 0 ] || [ -z "$ours" ]; then
      run_one go "${goprof[@]}" "${goflags[@]}"
      [ -z "$ours" ] || run_one ours "$ours" "${flags[@]}"
    else
      run_one ours "$ours" "${flags[@]}"
      run_one go "${goprof[@]}" "${goflags[@]}"
    fi
  done
  read -r gt gm gf <<<"$(summary "$workdir/go.times")"
  if [ -n "$ours" ]; then
    read -r ot om of <<<"$(summary "$workdir/ours.times")"
  else
    ot=- om=- of=0
  fi
  [ "$gf" = 0 ] && [ "$of" = 0 ] || failed=1
  rows+=("$report|$gt|$ot|$(ratio "$ot" "$gt")|$gm|$om|$(ratio "$om" "$gm")|$gf/$of|$check")
done

printf '\n%-16s %8s %8s %9s %8s %8s %9s %6s %s\n' report "go s" "ours s" "t ours/go" "go MB" "ours MB" "m ours/go" "fails" output
for row in "${rows[@]}"; do
  IFS='|' read -r r gt ot tr gm om mr f c <<<"$row"
  printf '%-16s %8s %8s %9s %8s %8s %9s %6s %s\n' "$r" "$gt" "$ot" "$tr" "$gm" "$om" "$mr" "$f" "$c"
done
echo "(s: median wall seconds of $reps runs; MB: peak RSS over all runs; t/m ours/go: ratios;"
echo " fails: failed runs go/ours, a tool is not rerun after a failure; output: --check result)"
[ -n "$ours" ] || echo "NOTE: our pprof was not timed: $ours_note"
exit $failed
