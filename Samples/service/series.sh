#!/usr/bin/env bash
# Takes a series of heap snapshots from the image service with its own --memprofile-interval, in
# leak mode and in fixed mode, for `pprof -growth`:
#   OUT_DIR/leak/heap.0001.pb.gz …    --reproduce-seed-leak: doubling buffers, unbounded cache
#   OUT_DIR/fixed/heap.0001.pb.gz …   the default: exact buffers, cache bounded at 16 MiB
# The service writes a numbered snapshot every INTERVAL seconds and keeps the newest KEEP. The load
# (load.py, every request a new URL on a loopback origin) comes in batches of BATCH requests, each
# started right after a snapshot appears, so that the next snapshot finds the service idle:
# between snapshots, only what the service keeps changes. The first FILL batches (fixed mode: the
# cache's filling) come before the kept window in both modes. The service samples every 128 KiB
# (RATE): at the default 512 KiB one sample of a small object stands for 512 KiB, more than the
# growth report's noise floor (1% of the fixed service's 20 MB), so a single sampled object that
# happens to stay alive would read as growth.
#
# Settings (environment): BATCHES (4 kept), FILL (3), BATCH (100), INTERVAL (5 s), RATE (131072), OUT_DIR (default:
# a new directory under $TMPDIR; OUT_DIR=Samples/service/series replaces the committed series),
# IMAGE_SERVICE, ORIGIN_PORT, SERVICE_PORT (see lib.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
batches=${BATCHES:-4}
fill=${FILL:-3}
batch=${BATCH:-100}
interval=${INTERVAL:-5}
rate=${RATE:-131072}
for n in "$batches" "$fill" "$batch" "$interval" "$rate"; do
  case $n in ''|*[!0-9]*) echo "BATCHES, FILL, BATCH, INTERVAL and RATE must be whole numbers, not \"$n\"" >&2; exit 1 ;; esac
done
out=${OUT_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/service-series.XXXXXX")}
mkdir -p "$out"
out=$(cd "$out" && pwd)
trap cleanup EXIT

# snapshots DIR: how many numbered snapshots DIR holds now.
snapshots() { find "$1" -maxdepth 1 -name 'heap.[0-9]*.pb.gz' | wc -l; }
# newest DIR: the highest number written so far.
newest() { find "$1" -maxdepth 1 -name 'heap.[0-9]*.pb.gz' -printf '%f\n' | sed 's/^heap\.0*\([0-9]*\)\.pb\.gz$/\1/' | sort -n | tail -n 1; }

# next_snapshot DIR: waits until a snapshot newer than the newest now is written.
next_snapshot() {
  local before now
  before=$(newest "$1")
  for _ in $(seq 1 $((interval * 40))); do
    now=$(newest "$1")
    if [ -n "$now" ] && [ "$now" != "$before" ]; then sleep 0.5; return 0; fi
    sleep 0.25
  done
  echo "no new snapshot in $1 after $((interval * 10)) s" >&2
  return 1
}

bin=$(service_binary)
echo "service: $bin; $fill + $batches batches of $batch requests per mode, a snapshot every $interval s; series go to $out"
start_origin
for mode in leak fixed; do
  dir="$out/$mode"
  rm -rf "$dir"
  mkdir -p "$dir"
  flags=(--memprofile "$dir/heap.pb.gz" --memprofile-interval "$interval" --memprofile-keep "$batches" --heap-profile-rate "$rate")
  [ "$mode" = leak ] && flags+=(--reproduce-seed-leak)
  start_service "$bin" "${flags[@]}"
  for i in $(seq 1 $((fill + batches))); do
    next_snapshot "$dir"
    python3 "$here/load.py" --service "http://127.0.0.1:$service_port" --origin "http://127.0.0.1:$origin_port" \
      --requests "$batch" --concurrency 4 --mode "$mode" --tag "series-$mode-$i" >/dev/null
  done
  stop_service  # the shutdown writes the last snapshot, after the last batch; the oldest beyond KEEP go
  rm -f "$dir/heap.peak.pb.gz" "$dir/heap.series.json"
  echo "$mode: $(ls "$dir" | tr "\n" " ")"
done
