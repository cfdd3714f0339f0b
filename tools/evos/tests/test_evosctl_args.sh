#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host test of evosctl's argument handling: usage errors exit with status 2
# and say what to do; help and version work at every level; nothing here
# needs the EvOS kernel.

. "$(dirname "$0")/../../../selftests/evos/lib.sh"

tap_plan 23

check "evosctl help lists the commands" bash -c "set -o pipefail; '$EVOSCTL' help | grep 'attach xdp DEV PROG' >/dev/null"
check "evosctl --help lists the commands" bash -c "set -o pipefail; '$EVOSCTL' --help | grep 'attach xdp DEV PROG' >/dev/null"
out=$("$EVOSCTL" version)
case "$out" in
"evosctl "*) ok "evosctl version prints a version ($out)" ;;
*) not_ok "evosctl version prints a version" ;;
esac
json_version=$("$EVOSCTL" --json version | jq -r .version)
text_version=$("$EVOSCTL" version | awk '{print $2}')
check "evosctl --json version gives the same version as text" \
	test -n "$text_version" -a "$json_version" = "$text_version"
release=$(sed -n 's/^EVOS_KOBJ := //p' "$EVOS_BUILD/paths.mk")/include/config/kernel.release
check_eq "evosctl --json version names the kernel release it was built against" \
	"$("$EVOSCTL" --json version | jq -r .kernel)" "$(cat "$release")"

"$EVOSCTL" frobnicate >/dev/null 2>&1
check_eq "an unknown command exits with status 2" "$?" 2
check_fails "an unknown command points at help" "see 'evosctl help'" "$EVOSCTL" frobnicate
check_fails "an unknown attach type points at 'evosctl attach help'" \
	"see 'evosctl attach help'" "$EVOSCTL" attach tc eth0 prog
check_fails "attach xdp without a program shows its usage" \
	"usage: evosctl attach xdp DEV PROG" "$EVOSCTL" attach xdp eth0
check_fails "load without an object shows its usage" "usage: evosctl load OBJ" "$EVOSCTL" load
check_fails "load of a missing file names the file" "cannot read '/nonexistent.bpf.o'" \
	"$EVOSCTL" load /nonexistent.bpf.o
check_fails "an unknown option points at help" "see 'evosctl help'" "$EVOSCTL" --frob
check_fails "workers start without an object shows its usage" \
	"usage: evosctl workers start OBJ" "$EVOSCTL" workers start
check_fails "workers start --count 0 says what a count is" \
	"--count wants a number of workers from 1 to 64" \
	"$EVOSCTL" workers start x.bpf.o --count 0
check_fails "workers set --cpus with a bad list shows a good one" \
	"--cpus wants a CPU list such as 0-1,3" "$EVOSCTL" workers set --cpus 3-1
check "evosctl workers help lists start, set and stop" \
	bash -c "set -o pipefail; '$EVOSCTL' workers help | grep 'workers set \\[--count N\\]' >/dev/null"
check_fails "sched attach --slice-us 0 says what a slice is" \
	"--slice-us wants a slice from 5 to 100000 microseconds" "$EVOSCTL" sched attach --slice-us 0
check_fails "sched attach --app with a bad ID says what it wants" \
	"--app wants process or thread IDs, not 'x'" "$EVOSCTL" sched attach --app 1 x
check "evosctl sched help lists attach, detach and status" \
	bash -c "set -o pipefail; '$EVOSCTL' sched help | grep -c 'sched attach\\|sched detach\\|sched status' | grep -qx 3"
if [ -e /sys/kernel/sched_ext ]; then
	skip "sched attach on a kernel without sched_ext" "the host kernel has sched_ext"
else
	check_fails "sched attach on a kernel without sched_ext says to boot the EvOS kernel" \
		"this kernel has no sched_ext (CONFIG_SCHED_CLASS_EXT); boot the EvOS kernel" \
		"$EVOSCTL" sched attach
fi
# The host runs a kernel without EvOS (when it does not, this cannot be
# tested here).
if grep -q bpf_coro_await /proc/kallsyms 2>/dev/null; then
	skip "load on a kernel without EvOS" "the host kernel is an EvOS kernel"
	skip "workers start on a kernel without EvOS" "the host kernel is an EvOS kernel"
else
	check_fails "load of an EvOS object on a kernel without EvOS says to boot one" \
		"is not an EvOS kernel" "$EVOSCTL" load "$BPF_OBJ_DIR/evos_xdp.bpf.o"
	check_fails "workers start on a kernel without EvOS says to boot one" \
		"is not an EvOS kernel" "$EVOSCTL" workers start "$BPF_OBJ_DIR/evos_worker.bpf.o"
fi
check_eq "--json errors are JSON on stdout" \
	"$("$EVOSCTL" --json unload '' 2>/dev/null | jq -r 'has("error")')" "true"

tap_done
