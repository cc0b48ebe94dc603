#!/usr/bin/env bash
# Remakes the -disasm fixtures in this folder (not run by CI; the files are committed):
#   disdemo     disdemo.c built with gcc -O1 -g -fno-omit-frame-pointer, not position independent
#               and linked at 0x10000000 (see below)
#   cpu.prof    gperftools' CPU profile of one run of it, its memory map cut to the binary's code
#               segment, named /tmp/pprof-disasm/disdemo (a path that does not exist: both pprofs
#               find the binary here through PPROF_BINARY_PATH)
#   *.golden    go tool pprof's output for each line of goldens.txt, run with PPROF_BINARY_PATH
#               set to this folder
# Why the odd link address and the cut map: go tool pprof's own object reader (cmd/pprof) takes a
# mapping's start minus the code segment's address as the load bias and does not translate sample
# addresses before looking them up in the symbol table. With the usual 0x400000 base its legacy
# parser moves the mapping's start to 0x400000, and for a PIE binary the addresses differ from
# the symbols': either way go finds nothing. At 0x10000000, with the code segment alone, the
# bias is 0 and go's disassembly is right. Needs gcc, libgoogle-perftools-dev and golang-go.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=/tmp/pprof-disasm
rm -rf "$dir" && mkdir -p "$dir"
trap 'rm -rf "$dir"' EXIT
cp "$here/disdemo.c" "$dir/"
(cd "$dir" && gcc -O1 -g -fno-omit-frame-pointer -no-pie -Wl,-Ttext-segment=0x10000000 -fdebug-prefix-map="$dir"=. \
	-o disdemo disdemo.c -lprofiler && ./disdemo "$dir/cpu.prof" >/dev/null)
python3 - "$dir/cpu.prof" "$here/cpu.prof" "$dir/disdemo" <<'PY'
import struct, sys
src, dst, binary = sys.argv[1:]
data = open(src, "rb").read()
words = lambda i: struct.unpack_from("<Q", data, 8 * i)[0]
i = 5  # five header words, then records (count, depth, pcs) up to the 0 1 0 trailer, then the map
while True:
    count, depth = words(i), words(i + 1)
    i += 2 + depth
    if count == 0 and depth == 1 and words(i - 1) == 0:
        break
head, maps = data[:8 * i], data[8 * i:]
lines = [l for l in maps.split(b"\n") if l.endswith(binary.encode()) and b" r-xp " in l]
open(dst, "wb").write(head + b"\n".join(lines) + b"\n")
PY
cp "$dir/disdemo" "$here/disdemo"
cd "$here"
export TZ=UTC PPROF_BINARY_PATH="$here"
grep -v '^#' goldens.txt | while read -r name args; do
	[ -n "$name" ] || continue
	# shellcheck disable=SC2086
	go tool pprof $args cpu.prof >"$name.golden" 2>/dev/null || { echo "make-disasm: go tool pprof failed for $name" >&2; exit 1; }
done
echo "make-disasm: remade disdemo, cpu.prof and the goldens in $here"
