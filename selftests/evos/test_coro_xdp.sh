#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# XDP coroutines on veth: packets suspend at XDP on CPU 0 and are resumed on
# CPU 1; and every way a parked coroutine can be destroyed, with 10,000
# parked (see coro_xdp.c for the checks).

. "$(dirname "$0")/lib.sh"

NS_A=coro_a
NS_B=coro_b
trap 'veth_cleanup "$NS_A" "$NS_B"' EXIT

run_mode()
{
	local mode=$1 count=$2

	veth_cleanup "$NS_A" "$NS_B"
	if ! veth_pair "$NS_A" "$NS_B"; then
		echo "not ok - $mode: veth pair"
		return 1
	fi
	"$EVOS_BUILD/selftests/coro_xdp" "$mode" "$NS_A" "$NS_B" "$count"
}

rc=0
echo "1..60"
for m in "resume 1000" "release 10000" "delete 10000" "unload 10000" \
	 "unregister 10000" "limit 400"; do
	run_mode $m | grep -v '^1\.\.' || rc=1
done
exit $rc
