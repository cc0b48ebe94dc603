#!/usr/bin/env bash
# Runs our pprof over every command-line golden and lists the ones that differ.
# usage: scripts/check-goldens.sh PATH/TO/pprof [NAME-REGEX]
set -uo pipefail
ours=${1:?usage: check-goldens.sh PATH/TO/pprof [NAME-REGEX]}
filter=${2:-.}
cd "$(dirname "$0")/.."
fx=Tests/ProfileDriverTests/Fixtures
pass=0; fail=0; failed=()
while read -r name args; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  [[ "$name" =~ $filter ]] || continue
  # shellcheck disable=SC2086
  if TZ=UTC "$ours" $args 2>/dev/null | cmp -s - "$fx/goldens/$name.txt"; then
    pass=$((pass+1))
  else
    fail=$((fail+1)); failed+=("$name")
  fi
done < "$fx/goldens.txt"
printf '%s\n' "${failed[@]}"
echo "$pass passed, $fail failed"
