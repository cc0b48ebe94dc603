#!/usr/bin/env bash
# Times go tool pprof's shell on PROFILE, command by command: each command line is fed on
# standard input after the profile loads, and timed as (load + command) - (load alone).
#   Benchmarks/go-shell-latency.sh PROFILE
set -u
profile=${1:?usage: Benchmarks/go-shell-latency.sh PROFILE}
go_pprof=${GO_PPROF:-go tool pprof}
run() {
    local start end
    start=$(date +%s%N)
    printf '%b' "$1" | $go_pprof "$profile" >/dev/null 2>&1
    end=$(date +%s%N)
    echo $(((end - start) / 1000000))
}
base=$(run 'quit\n')
echo "load alone: $base ms"
while IFS= read -r commands; do
    t=$(run "$commands\nquit\n")
    printf '%-40s %8d ms\n' "$(printf '%b' "$commands" | paste -sd';')" $((t - base))
done <<'LIST'
top
tree
peek Method164$
list Method164$
tags
traces
granularity=lines\ntop
granularity=lines\ntree
granularity=lines\npeek Method164
granularity=lines\ntraces
LIST
