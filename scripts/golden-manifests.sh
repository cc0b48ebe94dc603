# How the golden manifests read, for Tests/record-goldens.sh (which runs go tool pprof) and
# scripts/check-goldens.sh (which runs ours): one reading, so both run the very same commands.
# Sourced, not run; paths are relative to the repository root.
#
#   Tests/ProfileDriverTests/Fixtures/goldens.txt        NAME ARG ARG ...
#   Tests/ProfileDriverTests/Fixtures/shell-goldens.txt  NAME ARG ... -- LINE ;; LINE ;; ...

golden_fixtures=Tests/ProfileDriverTests/Fixtures

# manifest_entries FILE: prints the entries (leading blanks, comments and blank lines dropped).
manifest_entries() {
	sed -e 's/^[[:space:]]*//' -e '/^#/d' -e '/^$/d' "$1"
}

# trim TEXT: prints TEXT without surrounding blanks.
trim() {
	local t=${1#"${1%%[![:space:]]*}"}
	printf '%s' "${t%"${t##*[![:space:]]}"}"
}

# shell_entry ENTRY STDIN-FILE: reads one shell-goldens.txt entry. Sets shell_name and
# shell_args (the arguments as one string, split on blanks by the caller) and writes the LINEs,
# one per line, to STDIN-FILE. Returns 1 when the entry has no ` -- `.
shell_entry() {
	local entry=$1 rest script
	shell_name=${entry%%[[:space:]]*}
	rest=${entry#"$shell_name"}
	case $rest in
	*" -- "*) ;;
	*) return 1 ;;
	esac
	shell_args=${rest%% -- *}
	script=${rest#* -- }
	: >"$2"
	while [[ $script == *";;"* ]]; do
		trim "${script%%;;*}" >>"$2"
		printf '\n' >>"$2"
		script=${script#*;;}
	done
	trim "$script" >>"$2"
	printf '\n' >>"$2"
}

# shell_stdout: the shell's stdout as the goldens keep it, every "(pprof) " prompt removed
# (a filter, stdin to stdout).
shell_stdout() {
	sed 's/(pprof) //g'
}
