#!/usr/bin/env bash
# The service's resident memory over REQUESTS (default 10,000) thumbnail requests, each for a new
# URL, in leak mode (--reproduce-seed-leak) and in fixed mode. RSS is read from /proc every 250
# requests. Writes Benchmarks/service/rss.csv (mode,requests,rss_kib,seconds) and checks the
# claim: leak mode grows all along; fixed mode stays within 10% after warm-up (the first 2,000).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../Samples/service/lib.sh"
requests=${REQUESTS:-10000}
trap cleanup EXIT

bin=$(service_binary)
start_origin
csv="$here/rss.csv"
echo "mode,requests,rss_kib,seconds" >"$csv"
for mode in fixed leak; do
  flags=()
  [ "$mode" = leak ] && flags+=(--reproduce-seed-leak)
  start_service "$bin" "${flags[@]}"
  python3 "$root/Samples/service/load.py" --service "http://127.0.0.1:$service_port" \
    --origin "http://127.0.0.1:$origin_port" --requests "$requests" --concurrency 4 --rss-pid "$service_pid" \
    --rss-every 250 --csv "$csv" --mode "$mode" --tag "rss$mode" --timeout 1200
  stop_service
done

python3 - "$csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for mode in ("fixed", "leak"):
    pts = [(int(r["requests"]), int(r["rss_kib"])) for r in rows if r["mode"] == mode]
    warm = [rss for n, rss in pts if n >= 2000]
    print(f"{mode}: RSS {pts[0][1] / 1024:.1f} MiB at start, {warm[0] / 1024:.1f} MiB at 2,000 requests, "
          f"{pts[-1][1] / 1024:.1f} MiB at {pts[-1][0]:,}; after warm-up min {min(warm) / 1024:.1f} MiB, "
          f"max {max(warm) / 1024:.1f} MiB ({100 * (max(warm) - min(warm)) / min(warm):.1f}% spread)")
PY
