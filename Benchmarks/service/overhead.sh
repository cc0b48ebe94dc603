#!/usr/bin/env bash
# The heap profiler's cost on the image service under load: wrk on loopback against one cached
# image (each request decodes, resizes and encodes), with the profiler at 512 KiB and off.
# The two settings run side by side: two services at once, each loaded by its own wrk for the same
# DURATION seconds, so that both meet the same machine (other jobs, CPU frequency, caches) and their
# ratio is not the difference between two moments of a shared machine. ROUNDS rounds, the ports
# swapped each round.
# Besides throughput and latency, each run records the service's own CPU time per request (from
# /proc/PID/stat), the figure to compare: side by side, the two services share the cores, so a
# setting that costs more CPU per request also serves fewer requests.
# Writes Benchmarks/service/overhead.csv (or CSV=FILE) and prints medians.
# Needs wrk and curl: apt-get install -y wrk curl
# Settings: ROUNDS (5), DURATION (10 s), THREADS (1), CONNECTIONS (4), CSV, IMAGE_SERVICE (a
# binary to run instead of building the release one), OFF_SERVICE (another binary for the "off"
# side, e.g. one built before a change, to compare two builds at the same rate: set OFF_RATE too),
# ON_RATE (524288), OFF_RATE (0). A check that it runs end to end:
#   ROUNDS=1 DURATION=1 CSV=/tmp/overhead.csv IMAGE_SERVICE=.build/debug/image-service Benchmarks/service/overhead.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../Samples/service/lib.sh"
rounds=${ROUNDS:-5}
duration=${DURATION:-10}
threads=${THREADS:-1}
connections=${CONNECTIONS:-4}
on_rate=${ON_RATE:-524288}
off_rate=${OFF_RATE:-0}
for n in "$rounds" "$duration" "$threads" "$connections" "$on_rate" "$off_rate"; do
  case $n in ''|*[!0-9]*) echo "ROUNDS, DURATION, THREADS, CONNECTIONS, ON_RATE and OFF_RATE must be whole numbers, not \"$n\"" >&2; exit 1 ;; esac
done
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

on_pid=""
off_pid=""
stop_both() {
  for pid in "$on_pid" "$off_pid"; do
    [ -n "$pid" ] || continue
    kill -INT "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  on_pid=""
  off_pid=""
}
trap 'stop_both; cleanup' EXIT

bin=$(service_binary)
off_bin=${OFF_SERVICE:-$bin}
[ -x "$off_bin" ] || { echo "OFF_SERVICE=$off_bin is not an executable" >&2; exit 1; }
start_origin
csv=${CSV:-$here/overhead.csv}
echo "on: $bin at $on_rate; off: $off_bin at $off_rate"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "round,setting,rate,requests_per_second,p50_ms,p99_ms,cpu_us_per_request" >"$csv"

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

to_ms() { # wrk prints 1.23ms, 456.00us or 1.01s
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'
}

thumbnail_url() { echo "http://127.0.0.1:$1/thumbnail?url=http://127.0.0.1:$origin_port/harbor-1024x768.jpg&width=200&quality=80"; }

# report ROUND SETTING RATE PID TICKS_BEFORE WRK_OUTPUT_FILE: one CSV line.
report() {
  local out after rps requests cpu p50 p99 errors
  out=$(cat "$6")
  after=$(cpu_ticks "$4")
  rps=$(awk '/^Requests\/sec/ { print $2 }' <<<"$out")
  requests=$(awk '/requests in/ { print $1 }' <<<"$out")
  cpu=$(awk -v t="$((after - $5))" -v n="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t / hz / n * 1e6 }')
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
  errors=$(awk '/Non-2xx|Socket errors/' <<<"$out")
  [ -n "$errors" ] && echo "round $1, $2 (rate $3): $errors" >&2
  echo "$1,$2,$3,$rps,$p50,$p99,$cpu" | tee -a "$csv"
}

port_a=$service_port
port_b=$((service_port + 2))
wrk_on=$(mktemp)
wrk_off=$(mktemp)
for round in $(seq 1 "$rounds"); do
  on_port=$port_a off_port=$port_b
  [ $((round % 2)) -eq 0 ] && on_port=$port_b off_port=$port_a
  "$bin" --port "$on_port" --heap-profile-rate "$on_rate" >/dev/null 2>&1 &
  on_pid=$!
  "$off_bin" --port "$off_port" --heap-profile-rate "$off_rate" >/dev/null 2>&1 &
  off_pid=$!
  wait_for "http://127.0.0.1:$on_port/healthz"
  wait_for "http://127.0.0.1:$off_port/healthz"
  for port in "$on_port" "$off_port"; do curl -sf -o /dev/null "$(thumbnail_url "$port")"; done  # the original is now cached
  wrk -t1 -c2 -d2s "$(thumbnail_url "$on_port")" >/dev/null &  # warm-up, both at once
  warm=$!
  wrk -t1 -c2 -d2s "$(thumbnail_url "$off_port")" >/dev/null
  wait "$warm"
  on_before=$(cpu_ticks "$on_pid")
  off_before=$(cpu_ticks "$off_pid")
  wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "$(thumbnail_url "$on_port")" >"$wrk_on" &
  load=$!
  wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "$(thumbnail_url "$off_port")" >"$wrk_off"
  wait "$load"
  report "$round" on "$on_rate" "$on_pid" "$on_before" "$wrk_on"
  report "$round" off "$off_rate" "$off_pid" "$off_before" "$wrk_off"
  stop_both
done
rm -f "$wrk_on" "$wrk_off"

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$csv" "$on_rate" "$off_rate" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
on_rate, off_rate = sys.argv[2], sys.argv[3]
on, off = "on", "off"
def values(setting, key):
    return [float(r[key]) for r in rows if r["setting"] == setting]
def median(setting, key):
    return statistics.median(values(setting, key))
on_rps, off_rps = median(on, "requests_per_second"), median(off, "requests_per_second")
on_p99, off_p99 = median(on, "p99_ms"), median(off, "p99_ms")
on_cpu, off_cpu = median(on, "cpu_us_per_request"), median(off, "cpu_us_per_request")
# Side by side, each round's ratio compares two services that met the same moment.
ratios = [a / b for a, b in zip(values(on, "cpu_us_per_request"), values(off, "cpu_us_per_request"))]
print(f"on, rate {on_rate}: {on_rps:.0f} req/s, p99 {on_p99:.2f} ms, {on_cpu:.0f} us CPU per request")
print(f"off, rate {off_rate}: {off_rps:.0f} req/s, p99 {off_p99:.2f} ms, {off_cpu:.0f} us CPU per request")
print(f"throughput {100 * (on_rps - off_rps) / off_rps:+.1f}%, p99 {100 * (on_p99 - off_p99) / off_p99:+.1f}%, "
      f"CPU per request {100 * (on_cpu - off_cpu) / off_cpu:+.1f}% (medians); "
      f"per-round CPU ratios {', '.join(f'{100 * (r - 1):+.1f}%' for r in ratios)}, median {100 * (statistics.median(ratios) - 1):+.1f}%")
PY
