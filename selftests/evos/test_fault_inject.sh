#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Allocation failures injected where coroutines and workers are made.
# Under traffic, coro_alloc() fails (fail_function, by probability and by
# interval) and the bpf_coro slab cache fails (failslab scoped to it):
# each failure injected is one suspension failed and counted, one packet
# gone on in place, and the handles balance (the fault modes of
# coro_xdp.c).  A cpumap program cannot tail-call an awaiting XDP program
# (coro_xdp.c, cpumap_tail).  Worker registration with worker_alloc()
# failing, at the first worker and after two threads were made, and a
# resize failing the same way: -ENOMEM, no pool and no thread left behind
# (the running pool untouched), and the next registration works.

. "$(dirname "$0")/lib.sh"

NS_A=fault_a
NS_B=fault_b
PIN=/sys/fs/bpf/evos-fault
FF=/sys/kernel/debug/fail_function
FS=/sys/kernel/debug/failslab
CORO_SLAB=/sys/kernel/slab/bpf_coro
WOBJ=$BPF_OBJ_DIR/evos_worker.bpf.o
CORO_XDP=$EVOS_BUILD/selftests/coro_xdp
export PATH=$EVOS_BUILD/selftests:$PATH
ctl() { "$EVOSCTL" --pin-root "$PIN" "$@"; }

# Whatever a driver stopped midway left armed, and the pool.
cleanup()
{
	echo 0 > "$FF/probability"
	echo '!coro_alloc' > "$FF/inject"
	echo '!worker_alloc' > "$FF/inject"
	echo 0 > "$FS/probability"
	echo 0 > "$CORO_SLAB/failslab"
	echo N > "$FS/cache-filter"
	ctl workers stop >/dev/null
	veth_cleanup "$NS_A" "$NS_B"
} 2>/dev/null
trap cleanup EXIT

SCENARIOS=("failfn 2000" "failfn_interval 2000" "failslab 2000" "cpumap_tail 1")
WORKER_CHECKS=12

echo "1..$((1 + WORKER_CHECKS + $(scenario_plan "$CORO_XDP" "${SCENARIOS[@]}")))"
rc=0

if grep -qw coro_alloc "$FF/injectable" && grep -qw worker_alloc "$FF/injectable" &&
   [ -w "$FS/cache-filter" ] && [ -w "$CORO_SLAB/failslab" ]; then
	echo "ok - coro_alloc and worker_alloc are injectable; failslab can be scoped to the bpf_coro cache"
else
	echo "not ok - coro_alloc and worker_alloc are injectable; failslab can be scoped to the bpf_coro cache"
	grep alloc "$FF/injectable" | sed 's/^/#   injectable: /'
	rc=1
fi

veth_scenarios "$NS_A" "$NS_B" "$CORO_XDP" "${SCENARIOS[@]}" || rc=1

# fail_function on FUNC: SKIP calls go through, the next one fails, once.
ff_arm()
{
	echo 0 > "$FF/verbose" && echo 1 > "$FF/interval" && echo 1 > "$FF/times" &&
		echo $(($2 + 1)) > "$FF/space" && echo "$1" > "$FF/inject" &&
		echo 100 > "$FF/probability"
}

# Disarm it; prints the failures left in its budget (0: the one was used).
ff_disarm()
{
	echo 0 > "$FF/probability"
	cat "$FF/times"
	echo "!$1" > "$FF/inject"
	echo 0 > "$FF/space"
}

# "NAME WORKERS" of the registered pool ("- 0": none), from the kernel's
# evos_worker iterator.
pool() { ctl --json workers status | jq -r '"\(.pool // "-") \(.workers | length)"'; }
worker_pids() { ctl --json workers status | jq -r '[.workers[].pid] | join(" ")'; }
pinned() { if [ -e "$PIN/links/workers" ]; then echo pinned; else echo none; fi; }

# The number of evos_worker threads once it is $1 (1 s at most).
threads()
{
	local i n
	for i in $(seq 50); do
		n=$(cat /proc/[0-9]*/comm 2>/dev/null | grep -c '^evos_worker/')
		[ "$n" = "$1" ] && break
		sleep 0.02
	done
	echo "$n"
}

# A failed registration: one failure injected, no pool, no thread, nothing pinned.
check_gone()
{
	check_eq "$1: one failure injected; no pool, no worker thread, no link pinned" \
		"$(ff_disarm worker_alloc) $(pool) $(threads 0) $(pinned)" "0 - 0 0 none"
}

ENOMEM_HINT="the kernel is short of memory"
start3="worker pool of 3 with the third worker_alloc() failing (two threads made)"
ff_arm worker_alloc 2
check_fails "$start3: -ENOMEM" "cannot start the workers: $ENOMEM_HINT" \
	ctl workers start "$WOBJ" --count 3 --cpus 0-1
check_gone "$start3"

start2="worker pool of 2 with the first worker_alloc() failing"
ff_arm worker_alloc 0
check_fails "$start2: -ENOMEM" "cannot start the workers: $ENOMEM_HINT" \
	ctl workers start "$WOBJ" --count 2 --cpus 0-1
check_gone "$start2"

check "a pool of 3 registers after the failures" ctl workers start "$WOBJ" --count 3 --cpus 0-1
check_eq "pool 'evos' with 3 workers, 3 evos_worker threads" "$(pool) $(threads 3)" "evos 3 3"

pids=$(worker_pids)
resize="resize to 4 with the second worker_alloc() failing (one thread made)"
ff_arm worker_alloc 1
check_fails "$resize: -ENOMEM" "cannot change the workers: $ENOMEM_HINT" ctl workers set --count 4
check_eq "$resize: one failure injected; the pool runs on untouched: same 3 workers, same threads ($pids)" \
	"$(ff_disarm worker_alloc) $(pool) $(threads 3) $(worker_pids)" "0 evos 3 3 $pids"

check "resize to 2 works afterwards" ctl workers set --count 2
check_eq "pool 'evos' with 2 workers, 2 evos_worker threads" "$(pool) $(threads 2)" "evos 2 2"
check "workers stop" ctl workers stop
check_eq "no pool, no evos_worker thread left" "$(pool) $(threads 0)" "- 0 0"

tap_done && exit $rc
exit 1
