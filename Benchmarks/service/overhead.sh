#!/usr/bin/env bash
# The heap profiler's cost on the image service under load: wrk on loopback against one cached
# image (each request decodes, resizes and encodes: about 1 MB of allocations), with the profiler
# at 512 KiB and off, alternately, ROUNDS times each, DURATION seconds per run.
# Besides throughput and latency, each run records the service's own CPU time per request (from
# /proc/PID/stat), which other jobs on a shared machine disturb far less than wall-clock figures.
# Writes Benchmarks/service/overhead.csv (or CSV=FILE) and prints medians; the order of the two
# settings alternates from round to round, so neither always runs first.
# Needs wrk and curl: apt-get install -y wrk curl
# Settings: ROUNDS (5), DURATION (10 s), THREADS (1), CONNECTIONS (4), CSV, IMAGE_SERVICE (a
# binary to run instead of building the release one). A check that it runs end to end:
#   ROUNDS=1 DURATION=1 CSV=/tmp/overhead.csv IMAGE_SERVICE=.build/debug/image-service Benchmarks/service/overhead.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../Samples/service/lib.sh"
rounds=${ROUNDS:-5}
duration=${DURATION:-10}
threads=${THREADS:-1}
connections=${CONNECTIONS:-4}
for n in "$rounds" "$duration" "$threads" "$connections"; do
  case $n in ''|*[!0-9]*) echo "ROUNDS, DURATION, THREADS and CONNECTIONS must be whole numbers, not \"$n\"" >&2; exit 1 ;; esac
done
trap cleanup EXIT
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

bin=$(service_binary)
start_origin
url="http://127.0.0.1:$service_port/thumbnail?url=http://127.0.0.1:$origin_port/harbor-1024x768.jpg&width=200&quality=80"
csv=${CSV:-$here/overhead.csv}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "round,rate,requests_per_second,p50_ms,p99_ms,cpu_us_per_request" >"$csv"

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

to_ms() { # wrk prints 1.23ms, 456.00us or 1.01s
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'
}

for round in $(seq 1 "$rounds"); do
  order="524288 0"
  [ $((round % 2)) -eq 0 ] && order="0 524288"
  for rate in $order; do
    start_service "$bin" --heap-profile-rate "$rate"
    curl -sf -o /dev/null "$url"  # the original is now cached: the load measures the service alone
    wrk -t1 -c2 -d2s "$url" >/dev/null  # warm-up
    before=$(cpu_ticks "$service_pid")
    out=$(wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "$url")
    after=$(cpu_ticks "$service_pid")
    rps=$(awk '/^Requests\/sec/ { print $2 }' <<<"$out")
    requests=$(awk '/requests in/ { print $1 }' <<<"$out")
    cpu=$(awk -v t="$((after - before))" -v n="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t / hz / n * 1e6 }')
    p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
    errors=$(awk '/Non-2xx|Socket errors/' <<<"$out")
    [ -n "$errors" ] && echo "round $round rate $rate: $errors" >&2
    echo "$round,$rate,$rps,$p50,$p99,$cpu" | tee -a "$csv"
    stop_service
  done
done

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$csv" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
def median(rate, key):
    return statistics.median(float(r[key]) for r in rows if r["rate"] == rate)
on_rps, off_rps = median("524288", "requests_per_second"), median("0", "requests_per_second")
on_p99, off_p99 = median("524288", "p99_ms"), median("0", "p99_ms")
on_cpu, off_cpu = median("524288", "cpu_us_per_request"), median("0", "cpu_us_per_request")
print(f"profiler at 512 KiB: {on_rps:.0f} req/s, p99 {on_p99:.2f} ms, {on_cpu:.0f} us CPU per request")
print(f"profiler off:        {off_rps:.0f} req/s, p99 {off_p99:.2f} ms, {off_cpu:.0f} us CPU per request")
print(f"throughput {100 * (on_rps - off_rps) / off_rps:+.1f}%, p99 {100 * (on_p99 - off_p99) / off_p99:+.1f}%, "
      f"CPU per request {100 * (on_cpu - off_cpu) / off_cpu:+.1f}% with the profiler on")
PY
