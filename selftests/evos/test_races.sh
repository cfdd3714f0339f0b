#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Races on two CPUs that really run at the same time (selftests/evos/
# PARALLEL): teardown of coroutines' program, XDP attachment, device and
# map against an owner that resumes, releases and deletes their handles on
# the other CPU; a worker pool resized under pushes; two pools registered
# at once; evosctl attaching and detaching XDP while traffic flows.  Every
# scenario proves that its race window was hit and that the accounting
# balances; see races.c.  EVOS_RACE_ITERS=N runs N times as many rounds.
# One AF_XDP socket fed by two producers at once is test_xsk_producers.

. "$(dirname "$0")/lib.sh"

NS_A=race_a
NS_B=race_b
trap 'veth_cleanup "$NS_A" "$NS_B"' EXIT
# lib.sh for unregister (veth_link), evosctl and races.bpf.o for evosctl
export EVOS_TOP EVOS_BUILD EVOSCTL

# On one veth pair: unregister deletes it at the end of each round and
# makes it again for the next, so a fresh pair follows it.
SCENARIOS=(resize register progfree detach mapfree mapupdate unregister evosctl)
RACES=$EVOS_BUILD/selftests/races

echo "1..$(scenario_plan "$RACES" "${SCENARIOS[@]}")"

fresh_pair()
{
	veth_cleanup "$NS_A" "$NS_B"
	veth_pair "$NS_A" "$NS_B" && return 0
	echo "not ok - veth pair $NS_A - $NS_B"
	return 1
}

rc=0
fresh_pair || exit 1
for s in "${SCENARIOS[@]}"; do
	# the driver's status, not grep's
	"$RACES" "$s" "$NS_A" "$NS_B" | grep --line-buffered -v '^1\.\.'
	[ "${PIPESTATUS[0]}" = 0 ] || rc=1
	if [ "$s" = unregister ]; then
		fresh_pair || exit 1
	fi
done
exit $rc
