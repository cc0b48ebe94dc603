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
  for round in 1 2; do
    "$work/fastpath-glibc" glibc
    "$work/fastpath-sampler" off
    "$work/fastpath-sampler" on 524288
    "$work/fastpath-sampler" on 65536
  done
} | tee "$out"
