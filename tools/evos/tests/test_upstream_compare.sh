#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host test of make test-upstream's comparison (tools/evos/test-upstream
# --compare): identical results pass, a test that ends differently fails
# and is named, and a difference listed in the known file passes.

. "$(dirname "$0")/../../../selftests/evos/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmp_run() { "$EVOS_TOP/tools/evos/test-upstream" --compare "$tmp/r" > "$tmp/out" 2>&1; }

mkdir -p "$tmp/r/evos" "$tmp/r/base"
echo 6.12-evos > "$tmp/r/evos/kernel"
echo 6.12-base > "$tmp/r/base/kernel"
printf '#0/u a\tOK\n#1/p b\tSKIP\n#2/p c\tOK\n' > "$tmp/r/evos/test_verifier.txt"
cp "$tmp/r/evos/test_verifier.txt" "$tmp/r/base/test_verifier.txt"
: > "$tmp/known"
export EVOS_UPSTREAM_KNOWN=$tmp/known

echo "1..3"
cmp_run
check_eq "identical results pass" "$? $(tail -1 "$tmp/out")" "0 3 passed, 0 failed"

printf '#0/u a\tOK\n#1/p b\tSKIP\n#2/p c\tFAIL\n' > "$tmp/r/evos/test_verifier.txt"
cmp_run
check_eq "a test that fails on EvOS only fails the run and is named" \
	"$? $(grep -c '^#   #2/p c: FAIL on EvOS, OK on base' "$tmp/out")" "1 1"

printf 'test_verifier\t#2/p c\tcause of the difference\n' > "$tmp/known"
cmp_run
check_eq "a known difference passes" "$? $(grep -c '^# known: test_verifier: #2/p c' "$tmp/out")" "0 1"
