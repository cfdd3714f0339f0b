#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host test of the test harness: failures, crashes, missing results and a
# guest that dies are all counted as failures and make run-tests exit
# non-zero; skips are reported with their reason.

. "$(dirname "$0")/../../../selftests/evos/lib.sh"
SUMMARY=$EVOS_TOP/tools/evos/tap-summary.awk

tap_plan 12

summary() { awk -f "$SUMMARY" | tail -1; }

out=$(printf '%s\n' '# evos-test: begin a' '1..2' 'ok 1 - x' 'ok 2 - y # SKIP no device' \
	'# evos-test: end a rc=0' | summary)
check_eq "passes and skips are counted" "$out" "1 passed, 0 failed, 1 skipped"

out=$(printf '%s\n' '# evos-test: begin a' 'ok 1 - x' 'not ok 2 - y' \
	'# evos-test: end a rc=1' | summary)
check_eq "a failure is counted once" "$out" "1 passed, 1 failed"

out=$(printf '%s\n' '# evos-test: begin a' 'ok 1 - x' '# evos-test: end a rc=139' | summary)
check_eq "a crash after passing results is a failure" "$out" "1 passed, 1 failed"

out=$(printf '%s\n' '# evos-test: begin a' '1..3' 'ok 1 - x' '# evos-test: end a rc=0' | summary)
check_eq "fewer results than planned is a failure" "$out" "1 passed, 1 failed"

out=$(printf '%s\n' '# evos-test: begin a' 'ok 1 - x' '# evos-test: guest rc=125' | summary)
check_eq "a test cut short by the guest is a failure" "$out" "1 passed, 1 failed"

printf '%s\n' '# evos-test: begin a' 'ok 1 - x' '# evos-test: end a rc=0' | awk -f "$SUMMARY" >/dev/null
check_eq "all passing exits 0" "$?" 0

# The same through a real guest boot, with a deliberately failing test and
# one that panics the guest.
dir=$(mktemp -d "${EVOS_CACHE:-$HOME/.cache/evos}/harness.XXXXXX")
trap 'rm -rf "$dir"' EXIT
printf '#!/bin/sh\necho 1..2\necho "ok 1 - fine"\necho "not ok 2 - deliberate failure"\nexit 1\n' > "$dir/test_a_fail"
printf '#!/bin/sh\necho 1..1\necho c > /proc/sysrq-trigger\nsleep 30\n' > "$dir/test_b_panic"
chmod +x "$dir"/test_*
out=$(EVOS_SELFTESTS_DIR=$dir "$EVOS_TOP/tools/evos/run-tests" --guest-only 2>/dev/null)
rc=$?
check_eq "run-tests exits non-zero when a guest test fails" "$rc" 1
check "the deliberate failure appears in the output" grep -q "^not ok .*deliberate failure" <<< "$out"
check_eq "a guest panic is a failure of the running test, and the console check fails" \
	"$(tail -1 <<< "$out")" "1 passed, 3 failed"
check "the console check shows the panic" \
	grep -q "^not ok .*console-serial: kernel report in the console: " <<< "$out"

door='bpf typestate: run-time mismatch: bpf_evos_door_pass: arg#0 (door) is in none of the states its rule requires'
lean='bpf typestate: run-time mismatch: bpf_evos_sk_lookup: arg#0 (xdp_stage) is in none of the states its rule requires'
printf '[ 1.0] booted\n[ 2.0] %s\n' "$door" > "$dir/console-door"
printf '[ 1.0] booted\n[ 2.0] %s\n[ 3.0] %s\n' "$door" "$lean" > "$dir/console-lean"
check "the console check passes the mismatches the door module causes on purpose" \
	eval '"$EVOS_TOP/tools/evos/console-check" door "$dir/console-door" >/dev/null'
check_eq "the console check fails on any other run-time type-state mismatch" \
	"$("$EVOS_TOP/tools/evos/console-check" lean "$dir/console-lean" | sed -n 2p)" \
	"not ok 1 - lean: kernel report in the console: [ 3.0] $lean"

tap_done
