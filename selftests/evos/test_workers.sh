#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# EvOS workers on veth: delivery through per-flow workers (back to the
# peer, and to an AF_XDP socket), a worker that stops, growing and
# shrinking under traffic, teardown with 10,000 coroutines queued, a push
# from an XDP program's main body waking a sleeping worker, one wake-up per
# NAPI poll under a burst, and pool registration (one pool at a time, even
# when two processes attach at once; the batch limit).  See workers.c for
# the scenarios and their checks.

. "$(dirname "$0")/lib.sh"

NS_A=wrk_a
NS_B=wrk_b
trap 'veth_cleanup "$NS_A" "$NS_B"' EXIT

# mode and its number of checks
SCENARIOS=("deliver 12" "stop 8" "list 7" "delay 7" "xsk 8" "resize 9" "teardown 10"
	   "wake 9" "burst 9" "register 11")

total=0
for s in "${SCENARIOS[@]}"; do
	set -- $s
	total=$((total + $2))
done
echo "1..$total"

rc=0
for s in "${SCENARIOS[@]}"; do
	set -- $s
	veth_cleanup "$NS_A" "$NS_B"
	if ! veth_pair "$NS_A" "$NS_B"; then
		echo "not ok - $1: veth pair"
		rc=1
		continue
	fi
	# the driver's status, not grep's
	"$EVOS_BUILD/selftests/workers" "$1" "$NS_A" "$NS_B" | grep -v '^1\.\.'
	[ "${PIPESTATUS[0]}" = 0 ] || rc=1
done
exit $rc
