#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Verifier tests: every program of build/selftests/progs/verifier_*.bpf.o
# must be accepted or rejected with the exact message it states.  The
# evos_door test module, whose kfuncs declare type-state rules of their
# own, is loaded for the run, and the run-time type-state check is on.
. "$(dirname "$0")/lib.sh"

ko=${EVOS_DOOR_KO:-$EVOS_BUILD/selftests/evos_door/evos_door.ko}
check=/proc/sys/kernel/bpf_typestate_check
was=$(cat "$check")
cleanup()
{
	echo "$was" > "$check"
	rmmod evos_door 2>/dev/null
}
trap cleanup EXIT
if ! insmod "$ko"; then
	echo "not ok 1 - insmod $ko"
	echo "1..1"
	exit 1
fi
echo 1 > "$check"
"$EVOS_BUILD/selftests/verifier_loader" "$EVOS_BUILD"/selftests/progs/verifier_*.bpf.o
