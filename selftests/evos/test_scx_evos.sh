#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scx_evos through evosctl: the data path (bpf/evos_xdp) on b0 suspends
# datagrams and the workers of progs/sched_workers resume them, while
# scx_evos schedules the workers and a CPU hog named with --app.
#  - lifecycle: detach with none attached, attach without a pool, attach
#    twice, attach without privileges, attach with a thread that does not
#    exist (after the scheduler is registered), changing the workers while
#    attached: each fails, says what to do, and leaves nothing behind;
#  - the workers become SCHED_EXT with the pool's CPUs, every datagram is
#    resumed, and the scheduler's counters show it dispatched the workers;
#  - spread and join: busy workers make the active worker CPUs grow, idle
#    ones make them shrink back;
#  - protection: a busy worker and the hog on one CPU, with
#    --max-share 500/1000: the worker gets about half, the hog the rest;
#    with the hog stopped, the worker gets nearly all of it;
#  - fallback: the scheduler errs (the ctl map), then stalls its workers
#    until the watchdog removes it: each time the kernel goes back to
#    EEVDF and every datagram sent is resumed;
#  - detach puts the workers back on their own CPUs under EEVDF.

. "$(dirname "$0")/lib.sh"
set -o pipefail

NS_A=scx_a
NS_B=scx_b
COUNT=500
PIN=/sys/fs/bpf/evos-scx
SCX=/sys/kernel/sched_ext
ctl() { in_ns "$NS_B" "$EVOSCTL" --pin-root "$PIN" "$@"; }
tmp=$(mktemp -d)
hog=
cleanup()
{
	[ -n "$hog" ] && kill -9 "$hog" 2>/dev/null
	ctl detach >/dev/null 2>&1
	veth_cleanup "$NS_A" "$NS_B"
	rm -rf "$tmp"
}
trap cleanup EXIT

sjson() { ctl --json sched status; }
sfield() { sjson | jq -r ".$1"; }
dstat() { ctl --json stats | jq -r ".[] | select(.object == \"evos_xdp\") | $1"; }
kcoro() { dstat '.coroutines.evos_xdp | "\(.suspended) \(.resumed)"'; }
send() { in_ns "$NS_A" taskset -c 0 "$EVOS_BUILD/selftests/pktgen" --dst 10.9.0.2 --port 9000 \
	--count "$1" --flows 8; }
# wait_resumed N: until the kernel resumed N coroutines of evos_xdp (30 s).
wait_resumed()
{
	local i
	for i in $(seq 300); do
		[ "$(dstat .coroutines.evos_xdp.resumed)" = "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
# busy 0|1: the workers keep calling run, or not; a few datagrams wake
# them, so that they see it.
busy()
{
	"$EVOS_BPFTOOL" map update pinned "$PIN/objs/workers/maps/ctl" key 0 0 0 0 value "$1" 0 0 0
	send 32 >/dev/null
}
# sched_ctl N: the scheduler's test switch (1 exit, 2 error, 3 stall).
sched_ctl() { "$EVOS_BPFTOOL" map update pinned "$PIN/sched/ctl" key 0 0 0 0 value "$1" 0 0 0; }
# wait_field EXPR WANT SECONDS: until sched status gives WANT for EXPR.
wait_field()
{
	local i
	for i in $(seq $(($3 * 10))); do
		[ "$(sfield "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
# CPU time (clock ticks) of task $1.
cputime() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# Scheduling policy of task $1 (field 41 of its stat): 0 normal, 7 ext.
policy() { awk '{ print $41 }' "/proc/$1/stat"; }
cpus_of() { taskset -p "$1" | awk '{ print $NF }'; }
wpids() { ctl --json workers status | jq -r '.workers[].pid'; }

tap_plan 39

if [ ! -e "$SCX/state" ]; then
	not_ok "this kernel has sched_ext ($SCX)"
	exit 1
fi
if ! veth_pair "$NS_A" "$NS_B" 1; then
	not_ok "veth pair"
	exit 1
fi

check_fails "sched detach with nothing attached says so" "scx_evos is not attached" \
	ctl sched detach
check_fails "sched attach without a worker pool says to start one" \
	"no worker pool with CPUs is registered" ctl sched attach
check_eq "nothing was left behind (sched_ext disabled, no sched pins)" \
	"$(cat $SCX/state) $(ls "$PIN/sched" 2>/dev/null | wc -l)" "disabled 0"
check_fails "sched attach with a bad --max-share says what it wants" \
	"--max-share wants X/Y" ctl sched attach --max-share 2000/1000

check "load and attach the data path" \
	eval 'ctl load "$BPF_OBJ_DIR/evos_xdp.bpf.o" >/dev/null && ctl attach xdp b0 evos_xdp >/dev/null'
check "start two workers on CPUs 0-1" \
	ctl workers start "$EVOS_BUILD/selftests/progs/sched_workers.bpf.o" --count 2 --cpus 0-1
check_fails "sched attach without privileges says to run as root" "run evosctl as root" \
	in_ns "$NS_B" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$EVOSCTL" --pin-root "$PIN" sched attach

taskset -c 1 sh -c 'while :; do :; done' &
hog=$!
check "sched attach --slice-us 100 --max-share 500/1000 --app HOG" \
	ctl sched attach --slice-us 100 --max-share 500/1000 --app "$hog"
check_eq "sched_ext runs scx_evos" "$(cat $SCX/state) $(cat $SCX/root/ops)" "enabled evos"
check_eq "both workers and the hog are SCHED_EXT (policy 7)" \
	"$(for p in $(wpids) "$hog"; do policy "$p"; done | tr '\n' ' ')" "7 7 7 "
check_eq "the workers may run on both of the pool's CPUs" \
	"$(for p in $(wpids); do cpus_of "$p"; done | tr '\n' ' ')" "3 3 "
check_fails "a second sched attach says it is attached" "scx_evos is already attached" \
	ctl sched attach
check_eq "and changed nothing" "$(cat $SCX/state) $(sfield running)" "enabled true"
check_fails "changing the workers while it is attached says to detach first" \
	"run 'evosctl sched detach' first" ctl workers set --count 1

kill -STOP "$hog"
d0=$(sfield worker_dispatches)
send "$COUNT"
check "every datagram was suspended and resumed ($COUNT)" wait_resumed "$COUNT"
runs=$(sjson | jq '[.workers[].runs] | add')
check_eq "scx_evos dispatched the workers ($(( $(sfield worker_dispatches) - d0 )) dispatches, $runs runs)" \
	"$([ $(( $(sfield worker_dispatches) - d0 )) -gt 0 ] && [ "$runs" -gt 0 ] && echo yes)" yes

# Spread and join.
check_eq "one active worker CPU while idle" "$(sfield nr_active)" 1
g0=$(sfield grows)
busy 1
check "busy workers spread to two active worker CPUs" wait_field nr_active 2 20
# An EEVDF thread (this shell) may keep a CPU and its worker's turn from
# coming; look for a while.
two_cpus()
{
	local i
	for i in $(seq 50); do
		[ "$(sjson | jq '[.workers[].last_cpu] | unique | length')" = 2 ] && return 0
		sleep 0.2
	done
	return 1
}
check "and the two workers run on two CPUs" two_cpus
check_eq "the scheduler decided it (grows went up)" \
	"$([ "$(sfield grows)" -gt "$g0" ] && echo grew)" grew
s0=$(sfield shrinks)
busy 0
check "idle workers join back onto one CPU" wait_field nr_active 1 20
check_eq "the scheduler decided it (shrinks went up)" \
	"$([ "$(sfield shrinks)" -gt "$s0" ] && echo shrank)" shrank

# The data path's signal: workers that resume nothing, so that coroutines
# queue up, while they use almost no CPU.
g0=$(sfield grows)
base=$(dstat .coroutines.evos_xdp.resumed)
"$EVOS_BPFTOOL" map update pinned "$PIN/objs/workers/maps/ctl" key 0 0 0 0 value 2 0 0 0
send 400 >/dev/null
check "queued coroutines spread the workers over two CPUs" wait_field nr_active 2 20
check_eq "for their depth, not their use (grows went up; deepest queue $(sfield depth_max), use $(sfield util_pct)%)" \
	"$([ "$(sfield grows)" -gt "$g0" ] && [ "$(sfield util_pct)" -lt 70 ] && echo grew)" grew
busy 0
check "released, the workers resume every queued coroutine" wait_resumed $((base + 432))
check "and join back onto one CPU" wait_field nr_active 1 20

# Protection: one worker, busy, on CPU 1 with the hog.
check "sched detach, workers set --count 1 --cpus 1, sched attach again" \
	eval 'ctl sched detach >/dev/null && ctl workers set --count 1 --cpus 1 >/dev/null &&
	      ctl sched attach --slice-us 100 --max-share 500/1000 --app "$hog" >/dev/null'
w=$(wpids)
kill -CONT "$hog"
busy 1
sleep 1
w0=$(cputime "$w"); h0=$(cputime "$hog")
sleep 4
w1=$(cputime "$w"); h1=$(cputime "$hog")
dw=$((w1 - w0)); dh=$((h1 - h0))
wshare=$((dw * 100 / (dw + dh + 1)))
check_eq "with the hog runnable, the worker gets at most about 500/1000 (worker $dw, hog $dh ticks: ${wshare}%)" \
	"$([ "$wshare" -le 62 ] && [ "$wshare" -ge 25 ] && echo bounded)" bounded
kill -STOP "$hog"
sleep 1
w0=$(cputime "$w")
sleep 2
w1=$(cputime "$w")
check_eq "with the hog stopped, the worker gets nearly all of CPU 1 ($((w1 - w0)) of 200 ticks)" \
	"$([ $((w1 - w0)) -ge 150 ] && echo all)" all
busy 0

# Fallback: an error, then a stall the watchdog ends, each under traffic.
base=$(dstat .coroutines.evos_xdp.resumed)
sched_ctl 2
send "$COUNT"
check "after scx_bpf_error, every datagram is still resumed" wait_resumed $((base + COUNT))
wait_field running false 10
check_eq "sched_ext went back to EEVDF, and sched status says why" \
	"$(cat $SCX/state) $(sfield running) $(sfield exit_msg)" \
	"disabled false error requested through the ctl map"
check "sched detach after the error" ctl sched detach
check "sched attach again" ctl sched attach --app "$hog"
sched_ctl 3
base=$(dstat .coroutines.evos_xdp.resumed)
send "$COUNT"
check "with the workers stalled, the watchdog removes scx_evos and every datagram is resumed" \
	wait_resumed $((base + COUNT))
wait_field running false 10
check_eq "the watchdog's reason is recorded" \
	"$(cat $SCX/state) $(sfield exit_reason | grep -c -i 'stall\|watchdog')" "disabled 1"

check "sched detach" ctl sched detach
check_eq "detach put the worker back on CPU 1 under EEVDF and the hog under EEVDF" \
	"$(policy "$w") $(cpus_of "$w") $(policy "$hog")" "0 2 0"

# A failure after the scheduler is registered leaves nothing behind.
check_fails "sched attach with a thread that does not exist names it" \
	"cannot hand thread 999999 to the scheduler" ctl sched attach --app 999999
check_eq "and left nothing behind (sched_ext disabled, no pins, the worker on CPU 1 under EEVDF)" \
	"$(cat $SCX/state) $(ls "$PIN/sched" "$PIN/links/sched" 2>/dev/null | wc -l) $(policy "$w") $(cpus_of "$w")" \
	"disabled 0 0 2"
tap_done
