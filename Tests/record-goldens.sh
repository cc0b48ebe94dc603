#!/usr/bin/env bash
# Re-records the goldens produced by the reference tool, `go tool pprof`
# (Go 1.19), for the Swift tests in Tests/ProfileDriverTests.
#
# Usage (from anywhere):
#   Tests/record-goldens.sh            re-record every golden, delete stale ones
#   Tests/record-goldens.sh REGEX      re-record only entries whose NAME matches
#                                      the extended regex REGEX (e.g. '^top-cpu')
#
# Manifests (paths relative to the repository root, which is the working
# directory for every run):
#   Tests/ProfileDriverTests/Fixtures/goldens.txt
#       `NAME ARG ARG ...`; goldens/NAME.txt = stdout of `pprof ARG...`.
#   Tests/ProfileDriverTests/Fixtures/shell-goldens.txt
#       `NAME ARG... -- LINE ;; LINE ;; ...`; the LINEs are fed on stdin to
#       `pprof ARG...` (interactive shell, stdin not a terminal);
#       shell-goldens/NAME.txt = its stdout with every "(pprof) " prompt
#       removed, shell-goldens/NAME.stderr.txt = its stderr, verbatim
#       (the shell prints the profile header, help and options there).
#
# Generated profiles (Fixtures/scale/scale-heap.pb.gz, made by Fixtures/scale/generate.go) are
# regenerated first; the generator is deterministic, so an unchanged one rewrites the same bytes.
#
# Every run must exit 0, or the script stops with an error. Each command is
# run RUNS times (default 3) and must print the same stdout every time, since
# some go tool pprof outputs depend on Go map order. Set PPROF to use another
# pprof binary.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/golden-manifests.sh
. scripts/golden-manifests.sh
fixtures=$golden_fixtures
pprof=${PPROF:-$(go env GOROOT)/pkg/tool/linux_amd64/pprof}
filter=${1:-}
runs=${RUNS:-3}

export TZ=UTC
unset PPROF_BINARY_PATH PPROF_TOOLS PPROF_TMPDIR || true

fail() { echo "record-goldens: $*" >&2; exit 1; }
[ -x "$pprof" ] || fail "no pprof at $pprof"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
set -f # arguments are never globbed

check_duplicates() {
	local dups
	dups=$(manifest_entries "$1" | awk '{print $1}' | sort | uniq -d)
	[ -z "$dups" ] || fail "duplicate names in $1: $dups"
}

selected() { [ -z "$filter" ] || [[ $1 =~ $filter ]]; }

recorded=0

# --- generated profiles --------------------------------------------------------
if [ -z "$filter" ] || [[ scale =~ $filter ]] || [[ $filter =~ scale ]]; then
	(cd "$fixtures/scale" && go run generate.go -o scale-heap.pb.gz) || fail "cannot generate the scale profile"
fi

# --- command-line goldens ----------------------------------------------------
manifest=$fixtures/goldens.txt
outdir=$fixtures/goldens
mkdir -p "$outdir"
check_duplicates "$manifest"
declare -A wanted=()
while read -r name rest; do
	wanted[$name.txt]=1
	selected "$name" || continue
	# shellcheck disable=SC2086 # split on whitespace, no globbing (set -f)
	set -- $rest
	if ! "$pprof" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"; then
		cat "$tmp/err" >&2
		fail "$name: pprof $* exited non-zero"
	fi
	for ((i = 1; i < runs; i++)); do
		"$pprof" "$@" </dev/null >"$tmp/again" 2>/dev/null || fail "$name: rerun failed"
		cmp -s "$tmp/out" "$tmp/again" || fail "$name: output differs between runs (not deterministic)"
	done
	[ -s "$tmp/out" ] || echo "record-goldens: warning: $name: empty stdout" >&2
	mv "$tmp/out" "$outdir/$name.txt"
	recorded=$((recorded + 1))
done < <(manifest_entries "$manifest")

if [ -z "$filter" ]; then
	for f in "$outdir"/*.txt; do
		[ -e "$f" ] || continue
		[ -n "${wanted[$(basename "$f")]+x}" ] || { echo "removing stale $f"; rm -f "$f"; }
	done
fi

# --- interactive-shell goldens -----------------------------------------------
manifest=$fixtures/shell-goldens.txt
outdir=$fixtures/shell-goldens
mkdir -p "$outdir"
check_duplicates "$manifest"
wanted=()
while IFS= read -r entry; do
	name=${entry%%[[:space:]]*}
	wanted[$name.txt]=1
	wanted[$name.stderr.txt]=1
	selected "$name" || continue
	shell_entry "$entry" "$tmp/stdin" || fail "$name: shell entry needs ' -- ' between the arguments and the lines"
	# shellcheck disable=SC2086
	set -- $shell_args
	if ! "$pprof" "$@" <"$tmp/stdin" >"$tmp/out" 2>"$tmp/err"; then
		cat "$tmp/err" >&2
		fail "$name: pprof $* (shell) exited non-zero"
	fi
	for ((i = 1; i < runs; i++)); do
		"$pprof" "$@" <"$tmp/stdin" >"$tmp/again" 2>"$tmp/again.err" || fail "$name: rerun failed"
		cmp -s "$tmp/out" "$tmp/again" && cmp -s "$tmp/err" "$tmp/again.err" ||
			fail "$name: output differs between runs (not deterministic)"
	done
	shell_stdout <"$tmp/out" >"$outdir/$name.txt"
	mv "$tmp/err" "$outdir/$name.stderr.txt"
	recorded=$((recorded + 1))
done < <(manifest_entries "$manifest")

if [ -z "$filter" ]; then
	for f in "$outdir"/*.txt; do
		[ -e "$f" ] || continue
		[ -n "${wanted[$(basename "$f")]+x}" ] || { echo "removing stale $f"; rm -f "$f"; }
	done
fi

echo "record-goldens: recorded $recorded goldens with $pprof"
