#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Coroutine memory and memory cgroups, on veth: a program loaded from one
# cgroup parks coroutines from the softirq of traffic sent from another;
# their handles and frames are charged to the loader's cgroup, and come
# off it once released.  With the loader's memory.max just above its
# usage, the suspensions beyond it fail and their packets go on in place.
# See the memcg modes of coro_xdp.c.

. "$(dirname "$0")/lib.sh"

NS_A=memcg_a
NS_B=memcg_b
CGROUP=/sys/fs/cgroup

cleanup()
{
	veth_cleanup "$NS_A" "$NS_B"
	# The driver makes these and removes them; not if it was killed.
	rmdir "$CGROUP/evos_coro_loader" "$CGROUP/evos_coro_sender" 2>/dev/null
}
trap cleanup EXIT

SCENARIOS=("memcg 4000" "memcg_max 8000")
CORO_XDP=$EVOS_BUILD/selftests/coro_xdp
export PATH=$EVOS_BUILD/selftests:$PATH

echo "1..$(($(scenario_plan "$CORO_XDP" "${SCENARIOS[@]}") + 1))"

# The guest's init mounts cgroup2 there; a bare system may not have.
mountpoint -q "$CGROUP" || mount -t cgroup2 cgroup2 "$CGROUP"
fstype=$(stat -f -c %T "$CGROUP")
ctrls=$(cat "$CGROUP/cgroup.controllers" 2>/dev/null)
if [ "$fstype" = cgroup2fs ] && grep -qw memory <<< "$ctrls"; then
	echo "ok 1 - cgroup2 at $CGROUP, with the memory controller"
else
	echo "not ok 1 - cgroup2 at $CGROUP, with the memory controller"
	echo "#   file system '$fstype', controllers '$ctrls'"
	exit 1
fi

veth_scenarios "$NS_A" "$NS_B" "$CORO_XDP" "${SCENARIOS[@]}"
