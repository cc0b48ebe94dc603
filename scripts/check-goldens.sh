#!/usr/bin/env bash
# Runs a built pprof over every golden recorded from go tool pprof, the way a user runs it: the
# command-line goldens with their arguments, the shell goldens with their lines piped to standard
# input (not a terminal). The tests compare the same goldens in-process; this goes through the
# binary's own output path and its piped-stdin reader. Each run must exit 0 and print go's stdout
# byte for byte (the shell's with its prompts removed, as recorded), and a shell session's standard
# error must be go's too, except in the sessions listed below. A shell session may exit 1: ours
# does when a scripted command failed (docs/shell.md), where go's exits 0; a crash, a timeout or
# any other status fails.
# usage: scripts/check-goldens.sh PATH/TO/pprof [NAME-REGEX]
# Prints the goldens that differ and a count; exits 1 when any differs, 2 on a usage error.
set -uo pipefail
ours=${1:?usage: check-goldens.sh PATH/TO/pprof [NAME-REGEX]}
filter=${2:-.}
[[ -x $ours ]] || { echo "check-goldens: no executable at $ours" >&2; exit 2; }
ours=$(cd "$(dirname "$ours")" && pwd)/$(basename "$ours")
cd "$(dirname "$0")/.." || exit 2
# shellcheck source=scripts/golden-manifests.sh
. scripts/golden-manifests.sh
export TZ=UTC
unset PPROF_BINARY_PATH PPROF_TOOLS PPROF_TMPDIR PPROF_HISTORY
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
set -f # arguments are never globbed

# Sessions whose standard error differs from go's by design: clearer error messages, our own
# commands in `help`, the loaded profiles after `o`. ShellGoldenTests compares them in-process
# with those differences taken out; here only their stdout is compared.
stderr_differs=" shell-granularity shell-options shell-help shell-errors "

pass=0
failed=()
# verdict NAME STATUS OUT GOLDEN [ALSO-ALLOWED-STATUS]: counts a pass, or records how the run failed.
verdict() {
	if [[ $2 != 0 && $2 != "${5:-0}" ]]; then
		failed+=("$1 (exit status $2: $(head -c 300 "$tmp/err" | tr '\n' ' '))")
	elif [[ ! -f $4 ]]; then
		failed+=("$1 (no golden file $4)")
	elif ! cmp -s "$3" "$4"; then
		failed+=("$1 (stdout differs from $4 at $(cmp "$3" "$4" 2>&1 | sed 's/.*: //'))")
	else
		pass=$((pass + 1))
	fi
}

while read -r name args; do
	[[ $name =~ $filter ]] || continue
	# shellcheck disable=SC2086 # split on blanks, as the recording did
	timeout 120 "$ours" $args </dev/null >"$tmp/out" 2>"$tmp/err"
	verdict "$name" $? "$tmp/out" "$golden_fixtures/goldens/$name.txt"
done < <(manifest_entries "$golden_fixtures/goldens.txt")

while IFS= read -r entry; do
	if ! shell_entry "$entry" "$tmp/stdin"; then
		failed+=("${entry%%[[:space:]]*} (no ' -- ' in its shell-goldens.txt entry)")
		continue
	fi
	[[ $shell_name =~ $filter ]] || continue
	# shellcheck disable=SC2086
	timeout 120 "$ours" $shell_args <"$tmp/stdin" 2>"$tmp/err" | shell_stdout >"$tmp/out"
	status=${PIPESTATUS[0]}
	if [[ $stderr_differs != *" $shell_name "* ]] && [[ $status == 0 || $status == 1 ]] &&
		! cmp -s "$tmp/err" "$golden_fixtures/shell-goldens/$shell_name.stderr.txt"; then
		failed+=("shell: $shell_name (stderr differs from shell-goldens/$shell_name.stderr.txt)")
		continue
	fi
	verdict "shell: $shell_name" "$status" "$tmp/out" "$golden_fixtures/shell-goldens/$shell_name.txt" 1
done < <(manifest_entries "$golden_fixtures/shell-goldens.txt")

[[ ${#failed[@]} -eq 0 ]] || printf 'FAIL %s\n' "${failed[@]}"
echo "check-goldens ran $ours"
echo "check-goldens: $pass passed, ${#failed[@]} failed"
if [[ $pass -eq 0 && ${#failed[@]} -eq 0 ]]; then
	echo "check-goldens: no golden matched '$filter'" >&2
	exit 1
fi
[[ ${#failed[@]} -eq 0 ]]
