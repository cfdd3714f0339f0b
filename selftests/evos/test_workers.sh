#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# EvOS workers on veth: delivery through per-flow workers (back to the
# peer, and to an AF_XDP socket), a worker that stops, growing and shrinking under traffic, and teardown with 10,000
# coroutines queued.  See workers.c for the scenarios and their checks.

. "$(dirname "$0")/lib.sh"

NS_A=wrk_a
NS_B=wrk_b
trap 'veth_cleanup "$NS_A" "$NS_B"' EXIT

# mode and its number of checks
SCENARIOS=("deliver 12" "stop 8" "list 7" "delay 7" "xsk 8" "resize 9" "teardown 10")

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
	"$EVOS_BUILD/selftests/workers" "$1" "$NS_A" "$NS_B" | grep -v '^1\.\.' || rc=1
done
exit $rc
