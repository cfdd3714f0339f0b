#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The lean UDP path into unmodified sockets: bpf/evos_lean_udp on b0
# validates each datagram at XDP on CPU 0 (the sender's CPU, where veth
# runs b0's NAPI), suspends it, and worker 1 resumes it on CPU 1, where the
# server runs, and queues it to the server's socket.  The server is an
# ordinary UDP program (udp_server) using recvfrom, epoll or io_uring.
# Every datagram must arrive intact from its sender, SO_INCOMING_CPU must
# read 1, and the program's counters must show each one resumed and
# delivered by the lean path (a fallback to the stack would deliver too).
# Then delivery must behave as the stack's for the socket: SO_REUSEPORT,
# a socket filter, a full receive buffer, a bound device; and what the lean
# path does not take (no socket, fragments) must reach the stack unchanged.

. "$(dirname "$0")/lib.sh"

NS_A=lean_a
NS_B=lean_b
COUNT=300
PIN=/sys/fs/bpf/evos-lean
ctl() { in_ns "$NS_B" "$EVOSCTL" --pin-root "$PIN" "$@"; }
tmp=$(mktemp -d)
cleanup()
{
	ctl detach >/dev/null 2>&1
	veth_cleanup "$NS_A" "$NS_B"
	rm -rf "$tmp"
}
trap cleanup EXIT

stat() { ctl --json stats | jq -r ".[] | select(.object == \"evos_lean_udp\") | $1"; }
cnt() { stat ".counters.$1.total"; }
# Field $1 of the Udp line of /proc/net/snmp in b0's namespace.
snmp() { in_ns "$NS_B" awk -v f="$1" '/^Udp:/ { if (!n++) { for (i = 2; i <= NF; i++) col[$i] = i } else print $col[f] }' /proc/net/snmp; }
# steer PORT WORKER: datagrams to PORT go to the lean path, via WORKER.
steer()
{
	"$EVOS_BPFTOOL" map update pinned "$PIN/objs/evos_lean_udp/maps/app_worker" \
		key $(($1 & 255)) $(($1 >> 8)) value "$2" 0 0 0
}

# server OUT ARGS...: udp_server in b0's namespace on CPU 1, in the
# background; returns once its sockets are bound.
server()
{
	local out=$1 i
	shift
	in_ns "$NS_B" taskset -c 1 "$EVOS_BUILD/selftests/udp_server" "$@" \
		> "$out" 2> "$out.err" &
	server_pid=$!
	for i in $(seq 100); do
		grep -q ready "$out.err" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# send ARGS...: pktgen from a0 on CPU 0, to 10.9.0.2.
send() { in_ns "$NS_A" taskset -c 0 "$EVOS_BUILD/selftests/pktgen" --dst 10.9.0.2 "$@"; }

# deltas NAME...: "name=delta ..." of the program's counters since snap.
snap() { snapshot=$(ctl --json stats); }
deltas()
{
	local now f out=
	now=$(ctl --json stats)
	for f in "$@"; do
		out="$out $f=$(( $(echo "$now" | jq -r ".[] | select(.object == \"evos_lean_udp\") | .counters.$f.total") -
				 $(echo "$snapshot" | jq -r ".[] | select(.object == \"evos_lean_udp\") | .counters.$f.total") ))"
	done
	echo "${out# }"
}

# settle FIELD WANT: wait, up to 10 s, until FIELD grew by WANT since snap
# (a worker counts a delivery just after the socket has it).
settle()
{
	local i
	for i in $(seq 100); do
		[ "$(deltas "$1")" = "$1=$2" ] && return 0
		sleep 0.1
	done
}

tap_plan 26

if ! veth_pair "$NS_A" "$NS_B"; then
	not_ok "veth pair"
	exit 1
fi
check "evosctl load evos_lean_udp.bpf.o and attach it to b0" \
	eval 'ctl load "$BPF_OBJ_DIR/evos_lean_udp.bpf.o" && ctl attach xdp b0 evos_lean_udp'
check "evosctl workers start --count 2 --cpus 0-1; port 9000 steered to worker 1 (CPU 1)" \
	eval 'ctl workers start "$BPF_OBJ_DIR/evos_worker.bpf.o" --count 2 --cpus 0-1 >/dev/null && steer 9000 1'

# The three servers, connected to the sender so that the kernel records
# the CPU of delivery in SO_INCOMING_CPU, with a receive buffer that holds
# the whole burst: the sender outruns a server under TCG.
for mode in recvfrom epoll uring; do
	snap
	server "$tmp/$mode" --bind 10.9.0.2:9000 --count "$COUNT" --mode "$mode" \
		--connect 10.9.0.1:20000 --rcvbuf 1048576
	send --port 9000 --count "$COUNT" --sport 20000
	wait "$server_pid"
	settle delivered "$COUNT"
	check_eq "$mode: every datagram arrived intact from 10.9.0.1:20000; SO_INCOMING_CPU reads 1" \
		"$(cat "$tmp/$mode")" \
		"received=$COUNT intact=$COUNT from=$COUNT incoming_cpu=1 per_socket=$COUNT drops=0"
	check_eq "$mode: each validated at XDP, suspended, resumed by worker 1, delivered by the lean path" \
		"$(deltas rx suspended resumed delivered not_lean no_socket queue_failed)" \
		"rx=$COUNT suspended=$COUNT resumed=$COUNT delivered=$COUNT not_lean=0 no_socket=0 queue_failed=0"
done
check_eq "the kernel suspended and resumed every coroutine of evos_lean_udp once" \
	"$(stat '.coroutines.evos_lean_udp | "\(.suspended) \(.resumed) \(.destroyed)"')" \
	"$((3 * COUNT)) $((3 * COUNT)) 0"

# SO_REUSEPORT: two sockets in a group share the flows.
snap
server "$tmp/reuse" --rcvbuf 1048576 --bind 10.9.0.2:9000 --count "$COUNT" --mode epoll --reuseport 2
send --port 9000 --count "$COUNT" --flows 16
wait "$server_pid"
settle delivered "$COUNT"
out=$(cat "$tmp/reuse")
per=${out##*per_socket=}
per=${per%% *}
check_eq "SO_REUSEPORT: the group received every datagram" "${out%% incoming_cpu*}" \
	"received=$COUNT intact=$COUNT from=$COUNT"
check "SO_REUSEPORT: both sockets of the group received some ($per)" \
	test "${per%,*}" -gt 0 -a "${per#*,}" -gt 0
check_eq "SO_REUSEPORT: all delivered by the lean path" "$(deltas delivered)" "delivered=$COUNT"

# A socket filter takes the even sequence numbers; the others are dropped
# and counted as the stack counts them (InErrors).
snap
errs=$(snmp InErrors)
server "$tmp/filter" --rcvbuf 1048576 --bind 10.9.0.2:9000 --count $((COUNT / 2)) --even-only \
	--hold-until "$tmp/sent-filter" --timeout-ms 1000
send --port 9000 --count "$COUNT"
touch "$tmp/sent-filter"
wait "$server_pid"
settle delivered "$COUNT"
check_eq "socket filter: the server received the even half" "$(cut -d' ' -f1-2 "$tmp/filter")" \
	"received=$((COUNT / 2)) intact=$((COUNT / 2))"
check_eq "socket filter: all queued by the lean path, the odd half dropped by the filter (Udp InErrors, the socket's drops)" \
	"$(deltas delivered) $(( $(snmp InErrors) - errs )) $(sed 's/.*drops=//' "$tmp/filter")" \
	"delivered=$COUNT $((COUNT / 2)) $((COUNT / 2))"

# A full receive buffer drops, and counts in RcvbufErrors, as in the stack.
snap
errs=$(snmp RcvbufErrors)
server "$tmp/full" --bind 10.9.0.2:9000 --count "$COUNT" --rcvbuf 4096 \
	--hold-until "$tmp/sent-full" --timeout-ms 1000
send --port 9000 --count "$COUNT"
touch "$tmp/sent-full"
wait "$server_pid"
settle delivered "$COUNT"
got=$(sed 's/^received=\([0-9]*\).*/\1/' "$tmp/full")
check_eq "full receive buffer: what the socket did not take counts in Udp RcvbufErrors and the socket's drops" \
	"$(deltas delivered) $(( $(snmp RcvbufErrors) - errs )) $(sed 's/.*drops=//' "$tmp/full")" \
	"delivered=$COUNT $((COUNT - got)) $((COUNT - got))"
check "full receive buffer: the socket took some and dropped some ($got of $COUNT)" \
	test "$got" -gt 0 -a "$got" -lt "$COUNT"

# A socket bound to b0 gets the datagrams; one bound to lo does not, and
# the lean path leaves them to the stack, which finds no socket either.
snap
server "$tmp/dev" --rcvbuf 1048576 --bind 10.9.0.2:9000 --count "$COUNT" --bind-dev b0
send --port 9000 --count "$COUNT"
wait "$server_pid"
settle delivered "$COUNT"
check_eq "SO_BINDTODEVICE b0: every datagram, by the lean path" \
	"$(cut -d' ' -f1-2 "$tmp/dev") $(deltas delivered)" \
	"received=$COUNT intact=$COUNT delivered=$COUNT"
snap
noports=$(snmp NoPorts)
server "$tmp/lo" --rcvbuf 1048576 --bind 10.9.0.2:9000 --count "$COUNT" --bind-dev lo \
	--hold-until "$tmp/sent-lo" --timeout-ms 500
send --port 9000 --count "$COUNT"
touch "$tmp/sent-lo"
wait "$server_pid"
settle no_socket "$COUNT"
check_eq "SO_BINDTODEVICE lo: no socket for b0's datagrams; the stack counts them in NoPorts" \
	"$(cut -d' ' -f1 "$tmp/lo") $(deltas no_socket delivered) $(( $(snmp NoPorts) - noports ))" \
	"received=0 no_socket=$COUNT delivered=0 $COUNT"

# Fragments are not for the lean path: the stack reassembles and delivers.
snap
ip -n "$NS_A" link set a0 mtu 1000
server "$tmp/frag" --rcvbuf 1048576 --bind 10.9.0.2:9000 --count "$COUNT"
send --port 9000 --count "$COUNT" --size 1400
wait "$server_pid"
ip -n "$NS_A" link set a0 mtu 1500
check_eq "fragments: every datagram reassembled by the stack and received intact" \
	"$(cut -d' ' -f1-2 "$tmp/frag")" "received=$COUNT intact=$COUNT"
check_eq "fragments: refused by bpf_evos_ip_rcv, none delivered by the lean path" \
	"$(deltas rx not_lean delivered)" "rx=$COUNT not_lean=$COUNT delivered=0"

# Frames the lean path does not take go to the stack unchanged: a bad UDP
# checksum (the stack drops it and counts it), IP options, a broadcast.
mac_b=$(ip -n "$NS_B" -br link show b0 | awk '{print $3}')
raw() { in_ns "$NS_A" taskset -c 0 "$EVOS_BUILD/selftests/rawgen" --dev a0 --src 10.9.0.1 \
	--port 9000 --count "$COUNT" "$@"; }
snap
csum=$(snmp InCsumErrors)
server "$tmp/badcsum" --rcvbuf 1048576 --bind 10.9.0.2:9000 --count "$COUNT" \
	--hold-until "$tmp/sent-badcsum" --timeout-ms 500
raw --dst-mac "$mac_b" --dst 10.9.0.2 --bad-udp-csum
touch "$tmp/sent-badcsum"
wait "$server_pid"
settle not_lean "$COUNT"
check_eq "bad UDP checksum: refused by bpf_evos_udp_rcv; the stack drops it and counts Udp InCsumErrors" \
	"$(cut -d' ' -f1 "$tmp/badcsum") $(deltas not_lean delivered) $(( $(snmp InCsumErrors) - csum ))" \
	"received=0 not_lean=$COUNT delivered=0 $COUNT"
snap
server "$tmp/opts" --rcvbuf 1048576 --bind 10.9.0.2:9000 --count "$COUNT"
raw --dst-mac "$mac_b" --dst 10.9.0.2 --ip-options
wait "$server_pid"
settle not_lean "$COUNT"
check_eq "IP options: refused by bpf_evos_ip_rcv; the stack delivers every datagram intact" \
	"$(cut -d' ' -f1-2 "$tmp/opts") $(deltas not_lean delivered)" \
	"received=$COUNT intact=$COUNT not_lean=$COUNT delivered=0"
snap
server "$tmp/bcast" --rcvbuf 1048576 --bind 0.0.0.0:9000 --count "$COUNT"
raw --dst-mac ff:ff:ff:ff:ff:ff --dst 10.9.0.255
wait "$server_pid"
settle not_lean "$COUNT"
check_eq "broadcast: refused by bpf_evos_ip_rcv; the stack delivers every datagram intact" \
	"$(cut -d' ' -f1-2 "$tmp/bcast") $(deltas not_lean delivered)" \
	"received=$COUNT intact=$COUNT not_lean=$COUNT delivered=0"
snap
server "$tmp/lo-dst" --rcvbuf 1048576 --bind 0.0.0.0:9000 --count "$COUNT" \
	--hold-until "$tmp/sent-lo-dst" --timeout-ms 500
raw --dst-mac "$mac_b" --dst 127.0.0.1
touch "$tmp/sent-lo-dst"
wait "$server_pid"
settle not_lean "$COUNT"
check_eq "a loopback destination from the wire: refused by bpf_evos_ip_rcv, and by the stack (martian)" \
	"$(cut -d' ' -f1 "$tmp/lo-dst") $(deltas not_lean delivered)" \
	"received=0 not_lean=$COUNT delivered=0"

# A port outside app_worker is not the program's: the stack delivers it.
snap
server "$tmp/other" --rcvbuf 1048576 --bind 10.9.0.2:9100 --count "$COUNT"
send --port 9100 --count "$COUNT"
wait "$server_pid"
check_eq "a port not steered goes to the stack: received, not seen by the lean path" \
	"$(cut -d' ' -f1-2 "$tmp/other") $(deltas rx)" "received=$COUNT intact=$COUNT rx=0"

check "evosctl detach leaves no program attached to b0" \
	eval 'ctl workers stop >/dev/null && ctl detach >/dev/null && ! ip -n "$NS_B" link show b0 | grep -q xdp'
tap_done
