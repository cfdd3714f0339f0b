#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# XDP coroutines on veth: packets suspend at XDP on CPU 0 and are resumed
# on CPU 1 from every kind of stash, with every verdict; every way a
# parked coroutine can be destroyed, with 10,000 parked; suspensions that
# reach generic XDP's redirect path; and handles destroyed where the
# destruction must be deferred (LRU eviction with interrupts off, a
# perf_event program in hard interrupt context).  See coro_xdp.c for the
# scenarios and their checks.

. "$(dirname "$0")/lib.sh"

NS_A=coro_a
NS_B=coro_b
trap 'veth_cleanup "$NS_A" "$NS_B"' EXIT

SCENARIOS=(
	"resume 1000" "hash 1000" "list 1000" "rbtree 1000"
	"drop 1000" "tx 1000" "devmap 1000" "cpumap 1000" "xsk 1000" "limit 400"
	"release 10000" "delete 10000" "mapfree 10000" "objdrop 10000"
	"detach 10000" "unload 10000" "unregister 10000"
	"generic 1000" "lru 1000" "hardirq 1000"
)
CORO_XDP=$EVOS_BUILD/selftests/coro_xdp
# coro_xdp runs pktgen, also in $EVOS_BUILD/selftests, when run by hand
export PATH=$EVOS_BUILD/selftests:$PATH

# The plan: the sum of the checks of each scenario, from the driver's table.
echo "1..$(scenario_plan "$CORO_XDP" "${SCENARIOS[@]}")"
veth_scenarios "$NS_A" "$NS_B" "$CORO_XDP" "${SCENARIOS[@]}"
