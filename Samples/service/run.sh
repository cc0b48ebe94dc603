#!/usr/bin/env bash
# Runs the image service in both modes under a bounded loopback load and saves the heap profiles
# it serves at /debug/pprof/heap:
#   Samples/service/heap-leak.pb.gz   --reproduce-seed-leak: doubling buffers, unbounded cache
#   Samples/service/heap-fixed.pb.gz  the default: exact buffers, bounded cache
# The origin is python3's http.server on loopback serving Samples/images; every request names a
# new URL (?run=N), so the leak's cache grows with each one. REQUESTS (default 2000) per mode.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
requests=${REQUESTS:-2000}
trap cleanup EXIT

bin=$(service_binary)
start_origin
for mode in leak fixed; do
  flags=()
  [ "$mode" = leak ] && flags+=(--reproduce-seed-leak)
  start_service "$bin" "${flags[@]}"
  python3 "$here/load.py" --service "http://127.0.0.1:$service_port" --origin "http://127.0.0.1:$origin_port" \
    --requests "$requests" --concurrency 4 --mode "$mode" --tag "$mode"
  curl -sf -o "$here/heap-$mode.pb.gz" "http://127.0.0.1:$service_port/debug/pprof/heap"
  echo "saved $here/heap-$mode.pb.gz ($(stat -c %s "$here/heap-$mode.pb.gz") bytes)"
  stop_service
done

if command -v go >/dev/null; then
  for mode in leak fixed; do
    echo "== go tool pprof -top heap-$mode.pb.gz"
    go tool pprof -top -nodecount=8 "$here/heap-$mode.pb.gz" 2>/dev/null | sed -n '1,16p'
  done
fi
