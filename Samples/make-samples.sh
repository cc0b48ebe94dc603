#!/bin/sh
# Rebuilds Samples/goprog and regenerates the sample profiles in Samples/.
# The profiles are committed test data: after re-running this script, every
# golden must be re-recorded (Tests/record-goldens.sh), since the numbers,
# addresses and timestamps all change.
set -eu
cd "$(dirname "$0")"
samples=$(pwd)

# Build outside the repo, and remove the binary afterwards, so that the
# mapping path recorded in the profiles points at a file that no longer
# exists and go tool pprof never tries to re-symbolize against it.
tmp=$(mktemp -d /tmp/imgseed.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
(cd goprog && go build -trimpath -o "$tmp/imgseed" .)
bin=$tmp/imgseed

# 1. The leaky service: heap + allocs at the end, CPU (labelled) for the whole
#    run, goroutines halfway through.
"$bin" -n 120 \
	-heap "$samples/heap-leak.pb.gz" \
	-allocs "$samples/allocs-leak.pb.gz" \
	-cpu "$samples/cpu.pb.gz" \
	-goroutine "$samples/goroutine.pb.gz"

# 2. The same batch with -fixed: exact-size buffers, bounded cache.
"$bin" -n 120 -fixed \
	-heap "$samples/heap-fixed.pb.gz" \
	-allocs "$samples/allocs-fixed.pb.gz"

# 3. Contention: mutex and block profiling at rate 1 (a separate run, so the
#    profiling overhead does not distort the CPU profile above).
"$bin" -n 60 -workers 6 \
	-mutex "$samples/mutex.pb.gz" \
	-block "$samples/block.pb.gz"

# 4. A small run with runtime.MemProfileRate = 1: every allocation sampled.
"$bin" -n 6 -workers 2 -memrate 1 \
	-heap "$samples/heap-rate1.pb.gz"

ls -l "$samples"/*.pb.gz
