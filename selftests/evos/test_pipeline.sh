#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The EvOS pipeline through evosctl: the shipped data path (bpf/evos_xdp)
# on b0 suspends UDP datagrams and hands them to the shipped workers
# (bpf/evos_worker), two of them on CPUs 0 and 1; the workers resume them
# and they go up the stack, or, with "evosctl xsk consume" running, to the
# AF_XDP socket of the rx queue they arrived on (b0 has two).  After each
# round of traffic, the kernel's coroutine counters of evos_xdp must show
# every datagram suspended and resumed once: the data path delivers inline
# when an await fails, so delivery alone proves nothing.  Then the pool
# grows, stops, and everything is detached while traffic flows and
# coroutines are queued (a pool whose run pops nothing), leaving nothing
# behind; and the commands fail clearly when used out of order.

. "$(dirname "$0")/lib.sh"

NS_A=pipe_a
NS_B=pipe_b
COUNT=1000
PIN=/sys/fs/bpf/evos-pipe
ctl() { in_ns "$NS_B" "$EVOSCTL" --pin-root "$PIN" "$@"; }
tmp=$(mktemp -d)
cleanup()
{
	ctl detach >/dev/null 2>&1
	veth_cleanup "$NS_A" "$NS_B"
	rm -rf "$tmp"
}
trap cleanup EXIT

# Column $2 of worker line $1 (0-based id) of the kernel's worker counters.
# The pool as the kernel's evos_worker iterator shows it (evosctl workers status).
wstat() { "$EVOSCTL" --json workers status; }
# Field $2 of worker $1.
wfield() { wstat | jq -r --argjson id "$1" --arg f "$2" '.workers[] | select(.id == $id) | .[$f]'; }
# Datagrams XDP saw arrive on rx queue $1, summed over CPUs.
rxq() { "$EVOS_BPFTOOL" map lookup pinned "$PIN/objs/evos_xdp/maps/rxq_packets" key "$1" 0 0 0 -j |
	jq '[.formatted.values[].value] | add'; }
nthreads() { grep -l '^evos_worker/' /proc/[0-9]*/comm 2>/dev/null | wc -l; }
stat() { ctl --json stats | jq -r ".[] | select(.object == \"evos_xdp\") | $1"; }
# The kernel's coro_suspended and coro_resumed of evos_xdp (its fdinfo).
kcoro() { stat '.coroutines.evos_xdp | "\(.suspended) \(.resumed)"'; }
PARKED=/proc/sys/kernel/bpf_coro_parked

tap_plan 34

if ! veth_pair "$NS_A" "$NS_B" 2; then
	not_ok "veth pair"
	exit 1
fi
check "evosctl load evos_xdp.bpf.o" ctl load "$BPF_OBJ_DIR/evos_xdp.bpf.o"
check "evosctl attach xdp b0 evos_xdp" ctl attach xdp b0 evos_xdp
check_fails "workers set before start fails and says so" "the workers are not started" \
	ctl workers set --count 2
check "evosctl workers start evos_worker.bpf.o --count 2 --cpus 0-1" \
	ctl workers start "$BPF_OBJ_DIR/evos_worker.bpf.o" --count 2 --cpus 0-1
check_eq "two worker threads, on CPUs 0 and 1" "$(nthreads) $(wfield 0 cpu) $(wfield 1 cpu)" "2 0 1"
check_fails "a second start fails and says how to change the pool" "already started" \
	ctl workers start "$BPF_OBJ_DIR/evos_worker.bpf.o"

in_ns "$NS_A" "$EVOS_BUILD/selftests/pktgen" --dst 10.9.0.2 --port 9000 --count "$COUNT" --flows 8
for _ in $(seq 50); do
	[ "$(stat .counters.resumed.total)" = "$COUNT" ] && break
	sleep 0.1
done
check_eq "every datagram suspended at XDP and resumed by a worker" \
	"$(stat .counters.suspended.total) $(stat .counters.resumed.total)" "$COUNT $COUNT"
check_eq "the kernel counted each coroutine completed with XDP_PASS" \
	"$(stat .coroutines.evos_xdp.completed_pass) $(stat .coroutines.evos_xdp.destroyed)" "$COUNT 0"
check_eq "the kernel suspended and resumed each of the $COUNT datagrams once (coro_suspended, coro_resumed)" \
	"$(kcoro)" "$COUNT $COUNT"
watch=$(timeout -s INT 2.5 "$EVOSCTL" --pin-root "$PIN" --json stats --watch 1)
rounds=$(echo "$watch" | grep -c '^\[')
check_eq "evosctl stats --watch repeats until interrupted ($rounds rounds in 2.5 s)" \
	"$([ "$rounds" -ge 2 ] && echo repeats) $(echo "$watch" | grep '^\[' | head -1 |
	    jq -r '.[] | select(.object == "evos_xdp") | .counters.resumed.total')" "repeats $COUNT"
first0=$(rxq 0)
first1=$(rxq 1)
r0=$(wfield 0 resumed)
r1=$(wfield 1 resumed)
check_eq "worker 0 resumed on CPU 0 and worker 1 on CPU 1 (what XDP counted per CPU after the await)" \
	"$(stat '.counters.resumed.percpu[0]') $(stat '.counters.resumed.percpu[1]')" "$r0 $r1"
check_eq "evosctl stats shows the pool: 2 workers, $COUNT resumed in all" \
	"$(ctl --json stats | jq -r '.[] | select(.workers) | .workers |
		"\(.pool) \(.workers | length) \([.workers[].resumed] | add)"')" "evos 2 $COUNT"
check_eq "the flows were spread over both workers ($r0 + $r1)" \
	"$((r0 + r1)) $([ "$r0" -gt 0 ] && [ "$r1" -gt 0 ] && echo both)" "$COUNT both"

# The same through AF_XDP sockets on both queues.
check_fails "xsk consume on more queues than b0 has says how many it has" \
	"'b0' has 2 rx queues, not 3" ctl xsk consume b0 --queues 3
ctl --json xsk consume b0 --queues 2 --count "$COUNT" --timeout 10 --pcap "$tmp/rx.pcap" \
	> "$tmp/xsk.json" 2>&1 &
consumer=$!
sleep 0.5
# The sender spreads flows over a0's queues by a hash seeded at boot: with
# 32 flows, both of b0's rx queues get some.
in_ns "$NS_A" "$EVOS_BUILD/selftests/pktgen" --dst 10.9.0.2 --port 9000 --count "$COUNT" \
	--flows 32 --size 200
wait "$consumer"
check_eq "every datagram reached the sockets once, its payload intact (xsk consume --pcap)" \
	"$("$EVOS_BUILD/selftests/pcap_check" "$tmp/rx.pcap" "$COUNT")" "frames $COUNT bad 0"
check_eq "evosctl xsk consume received all $COUNT datagrams" \
	"$(jq -r .packets "$tmp/xsk.json")" "$COUNT"
# What XDP saw arrive on each queue, minus the first run's share.
got=$(jq -r '[.queues[].packets] | map(tostring) | join(" ")' "$tmp/xsk.json")
want="$(( $(rxq 0) - first0 )) $(( $(rxq 1) - first1 ))"
check_eq "each datagram reached the socket of the queue it arrived on ($want)" "$got" "$want"
check_eq "the datagrams came in on both queues" \
	"$(jq -r '[.queues[] | select(.packets > 0)] | length' "$tmp/xsk.json")" 2
check_eq "each of them went through await and a worker: the kernel suspended and resumed $((2 * COUNT)) in all" \
	"$(kcoro)" "$((2 * COUNT)) $((2 * COUNT))"

# --echo: every datagram goes back out of b0 to the peer.
a0_rx() { ip -n "$NS_A" -j -s link show a0 | jq '.[0].stats64.rx.packets'; }
before=$(a0_rx)
ctl --json xsk consume b0 --queues 2 --echo --count 200 --timeout 10 > "$tmp/echo.json" 2>&1 &
consumer=$!
sleep 0.5
in_ns "$NS_A" "$EVOS_BUILD/selftests/pktgen" --dst 10.9.0.2 --port 9000 --count 200 --flows 32
wait "$consumer"
sleep 0.2
check_eq "xsk consume --echo sent all 200 back to the peer" \
	"$(jq -r '[.queues[].echoed] | add' "$tmp/echo.json") $(( $(a0_rx) - before ))" "200 200"
check_eq "the 200 echoed went through await and a worker: the kernel suspended and resumed $((2 * COUNT + 200)) in all" \
	"$(kcoro)" "$((2 * COUNT + 200)) $((2 * COUNT + 200))"

check "evosctl workers set --count 3" ctl workers set --count 3
check_eq "three workers, the CPU list kept" "$(nthreads) $(wfield 2 cpu)" "3 0"
check "evosctl workers stop" ctl workers stop
check_fails "stopping again fails and says so" "not started" ctl workers stop

# Errors, each with a message that says what to do.
check_fails "attaching to a missing device names it and says where to look" \
	"device 'nosuch0' not found; list devices with 'ip link'" ctl attach xdp nosuch0 evos_xdp
check_fails "consuming a missing device names it" \
	"device 'nosuch0' not found" ctl xsk consume nosuch0 --queues 1
check_fails "attaching a program the object does not have names it" \
	"program 'nosuch' is not loaded" ctl attach xdp b0 nosuch
check_fails "attaching XDP to b0 twice says it is attached" \
	"already" ctl attach xdp b0 evos_xdp
check_fails "loading without privileges says to run as root" "run evosctl as root" \
	in_ns "$NS_B" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$EVOSCTL" --pin-root "$PIN" load "$BPF_OBJ_DIR/xdp_count.bpf.o"

# Lifecycle: detach while traffic flows leaves nothing behind.  The pool is
# the test object's "holding" (progs/workers.bpf.c, its first
# evos_worker_ops, which evosctl registers), whose run pops nothing: every
# coroutine the traffic parks stays queued until the teardown, so the count
# read just before the detach is a lower bound of what the detach finds.
base_parked=$(cat "$PARKED")
check "workers started again for the detach under traffic, with a pool that holds every coroutine" \
	ctl workers start "$EVOS_BUILD/selftests/progs/workers.bpf.o" --count 2 --cpus 0-1
# The sender runs until it is stopped after the detach, so that the detach
# always meets traffic however slow the guest is.
nsenter --net="/run/netns/$NS_A" -- "$EVOS_BUILD/selftests/pktgen" \
	--dst 10.9.0.2 --port 9000 --count 100000000 --flows 32 &
sender=$!
for _ in $(seq 100); do
	[ $(( $(cat "$PARKED") - base_parked )) -ge 100 ] && break
	sleep 0.05
done
parked=$(( $(cat "$PARKED") - base_parked ))
queued=$(wstat | jq '[.workers[].depth] | add // 0')
flowing=$(kill -0 "$sender" 2>/dev/null && echo flowing || echo done)
pool=$(wstat | jq -r '.pool // "-"')
ctl detach >/dev/null
kill "$sender" 2>/dev/null
wait "$sender" || true
check_eq "coroutines were parked when the detach began ($parked parked, $queued queued on pool $pool, traffic $flowing)" \
	"$([ "$parked" -gt 0 ] && [ "$queued" -gt 0 ] && echo parked) $pool $flowing" "parked holding flowing"
leftover=$(( $("$EVOS_BPFTOOL" -j prog show | jq '[.[] | select(.name == "evos_xdp" or .name == "run" or .name == "run_hold" or .name == "xdp_to_worker" or .name == "xdp_peer")] | length') +
	      $("$EVOS_BPFTOOL" -j map show | jq '[.[] | select(.name == "xsks" or .name == "rxq_packets" or .name == "evos_stats" or .name == "evos_workers" or .name == "holding" or .name == "held" or .name == "devs")] | length') +
	      $("$EVOS_BPFTOOL" -j link show | jq '[.[] | select(.type == "struct_ops" or .type == "xdp")] | length') ))
check_eq "after detach under traffic: no worker thread, no pool, no XDP on b0, no programs, maps or links, nothing parked" \
	"$(nthreads) $(wstat | jq -r '.pool // "-"') $(ip -n "$NS_B" -j link show b0 | jq -r '.[0].xdp.prog.name // "none"') $leftover $(cat "$PARKED")" \
	"0 - none 0 $base_parked"
check_fails "detach with nothing attached says there is nothing to detach" \
	"there is nothing to detach" ctl detach
tap_done
