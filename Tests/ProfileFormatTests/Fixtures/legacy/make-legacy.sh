#!/usr/bin/env bash
# Remakes the real legacy profiles in this folder (not run by CI; the files are committed):
#   cpu.prof            gperftools' CPU profiler (binary, 64-bit words) on cppdemo.cc
#   heapprofile.heap    gperftools' heap profiler (HEAPPROFILE), `@ heapprofile`
#   heap_v2.heap        MallocExtension::GetHeapSample, `@ heap_v2/65536`
#   growth.heap         MallocExtension::GetHeapGrowthStacks, `@ growth`
#   go-heap.txt, go-goroutine.txt, go-threadcreate.txt, go-mutex.txt, go-block.txt
#                       Go's `debug=1` text from goprog/ (Go 1.19)
# The other files here (threadz, Java, contentionz, fragmentation, threadcreate with stacks,
# java-cpu.prof) are written by hand in the documented formats: no producer of them is
# packaged in Debian. Needs g++, libgoogle-perftools-dev and golang-go.
# Programs are built and run outside the repo and deleted, so that the mappings name files
# that do not exist and go tool pprof cannot re-symbolize them differently elsewhere.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/legacy.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

g++ -O1 -g -fno-omit-frame-pointer -o "$tmp/cppdemo" "$here/cppdemo.cc" -lprofiler -ltcmalloc
(cd "$tmp" && TCMALLOC_SAMPLE_PARAMETER=65536 HEAPPROFILE="$tmp/hp" ./cppdemo "$tmp" >/dev/null)
cp "$tmp/cpu.prof" "$tmp/heap_v2.heap" "$tmp/growth.heap" "$here/"
cp "$tmp/hp.0001.heap" "$here/heapprofile.heap"

(cd "$here/goprog" && go build -trimpath -o "$tmp/legacydemo" .)
mkdir "$tmp/go"
"$tmp/legacydemo" "$tmp/go" >/dev/null
for name in heap goroutine threadcreate mutex block; do
	cp "$tmp/go/$name.txt" "$here/go-$name.txt"
done
echo "make-legacy: remade the profiles in $here; re-record the goldens (Tests/record-goldens.sh legacy)"

# A profile to symbolize: cppdemo itself is kept (symbolize/cppdemo) and the profile's memory
# map names it by its path from the repository root, with every other library left out (their
# frames stay addresses), so that go tool pprof and ours symbolize it the same way anywhere.
mkdir -p "$here/symbolize" "$tmp/sym"
g++ -O1 -g -fno-omit-frame-pointer -o "$here/symbolize/cppdemo" "$here/cppdemo.cc" -lprofiler -ltcmalloc
(cd "$tmp/sym" && TCMALLOC_SAMPLE_PARAMETER=65536 "$here/symbolize/cppdemo" "$tmp/sym" >/dev/null)
rel=Tests/ProfileFormatTests/Fixtures/legacy/symbolize/cppdemo
for f in heap_v2.heap cpu.prof; do
	# Keep everything before the memory map, then only the binary's own lines, renamed.
	python3 - "$tmp/sym/$f" "$here/symbolize/$f" "$here/symbolize/cppdemo" "$rel" <<'PY'
import sys
src, dst, binary, rel = sys.argv[1:]
data = open(src, "rb").read()
if data.startswith(b"heap profile:"):
    cut = data.index(b"MAPPED_LIBRARIES:\n") + len(b"MAPPED_LIBRARIES:\n")
else:  # CPU profile: 64-bit words, five of header, records up to the 0 1 0 one, then the map
    import struct
    words = lambda i: struct.unpack_from("<Q", data, 8 * i)[0]
    i = 5
    while True:
        count, depth = words(i), words(i + 1)
        i += 2 + depth
        if count == 0 and depth == 1 and words(i - 1) == 0:
            break
    cut = 8 * i
head, maps = data[:cut], data[cut:]
lines = [l for l in maps.split(b"\n") if l.endswith(binary.encode())]
open(dst, "wb").write(head + b"\n".join(l.replace(binary.encode(), rel.encode()) for l in lines) + b"\n")
PY
done
