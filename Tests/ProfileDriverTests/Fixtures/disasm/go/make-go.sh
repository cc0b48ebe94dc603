#!/usr/bin/env bash
# Remakes the Go fixtures of -disasm (not run by CI; the files are committed):
#   godemo      main.go built by `go build -trimpath` (golang-go; paths in its line table are
#               godemo/main.go)
#   cpu.pb.gz   runtime/pprof's CPU profile of one run of it, the binary then at
#               /tmp/pprof-godisasm/godemo (a path that does not exist afterwards: both pprofs find
#               the binary here through PPROF_BINARY_PATH)
#   *.golden    go tool pprof's output for each line of goldens.txt, with PPROF_BINARY_PATH set to
#               this folder, and go-list-spin.golden its -list of main.spin
# go tool pprof disassembles a Go binary with its own disassembler, which reads the binary's line
# table: every instruction whose line changes gets its file and line, sampled or not.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=/tmp/pprof-godisasm
rm -rf "$dir" && mkdir -p "$dir"
trap 'rm -rf "$dir"' EXIT
cp "$here/main.go" "$dir/"
printf 'module godemo\n\ngo 1.19\n' >"$dir/go.mod"
(cd "$dir" && go build -trimpath -o godemo . && ./godemo "$dir/cpu.pb.gz")
cp "$dir/godemo" "$dir/cpu.pb.gz" "$here/"
cd "$here"
export TZ=UTC PPROF_BINARY_PATH="$here"
grep -v '^#' goldens.txt | while read -r name args; do
	[ -n "$name" ] || continue
	# shellcheck disable=SC2086
	go tool pprof $args cpu.pb.gz >"$name.golden" 2>/dev/null || { echo "make-go: go tool pprof failed for $name" >&2; exit 1; }
done
# -list reads no binary: the profile's lines, and the source, which the line table names
# godemo/main.go.
go tool pprof -list=main.spin -trim_path=godemo -source_path=. cpu.pb.gz >go-list-spin.golden 2>/dev/null
echo "make-go: remade godemo, cpu.pb.gz and the goldens in $here"
