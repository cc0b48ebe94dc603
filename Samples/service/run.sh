#!/usr/bin/env bash
# Runs the image service in both modes under a bounded loopback load and saves the heap profiles
# it serves at /debug/pprof/heap:
#   OUT_DIR/heap-leak.pb.gz   --reproduce-seed-leak: doubling buffers, unbounded cache
#   OUT_DIR/heap-fixed.pb.gz  the default: exact buffers, bounded cache
# The origin is python3's http.server on loopback serving Samples/images; every request names a
# new URL, so the leak's cache grows with each one.
#
# Settings (environment):
#   REQUESTS       requests per mode (default 500; the committed profiles used 2000)
#   OUT_DIR        where the profiles go (default: a new directory under $TMPDIR, printed);
#                  OUT_DIR=Samples/service replaces the committed ones
#   IMAGE_SERVICE  the service binary to run (default: build the release one in .build)
#   ORIGIN_PORT, SERVICE_PORT  loopback ports (default 18181, 18180)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
requests=${REQUESTS:-500}
case $requests in ''|*[!0-9]*) echo "REQUESTS must be a number, not \"$requests\"" >&2; exit 1 ;; esac
out=${OUT_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/service-profiles.XXXXXX")}
mkdir -p "$out"
out=$(cd "$out" && pwd)
trap cleanup EXIT

bin=$(service_binary)
echo "service: $bin; $requests requests per mode; profiles go to $out"
start_origin
for mode in leak fixed; do
  flags=()
  [ "$mode" = leak ] && flags+=(--reproduce-seed-leak)
  start_service "$bin" "${flags[@]}"
  python3 "$here/load.py" --service "http://127.0.0.1:$service_port" --origin "http://127.0.0.1:$origin_port" \
    --requests "$requests" --concurrency 4 --mode "$mode" --tag "$mode" --timeout 900
  curl -sf -o "$out/heap-$mode.pb.gz" "http://127.0.0.1:$service_port/debug/pprof/heap"
  echo "saved $out/heap-$mode.pb.gz ($(stat -c %s "$out/heap-$mode.pb.gz") bytes)"
  stop_service
done

if command -v go >/dev/null; then
  for mode in leak fixed; do
    echo "== go tool pprof -top -nodecount=8 $out/heap-$mode.pb.gz"
    go tool pprof -top -nodecount=8 "$out/heap-$mode.pb.gz" 2>/dev/null | sed -n '1,16p'
  done
fi
