#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Smoke test: the guest runs the EvOS kernel, and evosctl loads
# xdp_count.bpf.o, attaches it to one end of a veth pair between two
# network namespaces, and reads back a per-CPU counter that must equal the
# number of UDP packets sent across.

. "$(dirname "$0")/lib.sh"

NS_A=smoke_a
NS_B=smoke_b
COUNT=200
PIN=/sys/fs/bpf/evos-smoke
ctl() { in_ns "$NS_B" "$EVOSCTL" --pin-root "$PIN" "$@"; }

cleanup()
{
	ctl detach >/dev/null 2>&1
	veth_cleanup "$NS_A" "$NS_B"
}
trap cleanup EXIT

tap_plan 9

release=$(uname -r)
case "$release" in
*-evos*) ok "the guest runs the EvOS kernel ($release)" ;;
*) not_ok "the guest runs the EvOS kernel (uname -r is '$release')" ;;
esac

if ! veth_pair "$NS_A" "$NS_B"; then
	not_ok "veth pair between two namespaces"
	exit 1
fi
ok "veth pair between two namespaces"

check "evosctl load xdp_count.bpf.o" ctl load "$BPF_OBJ_DIR/xdp_count.bpf.o"
check "evosctl attach xdp b0 xdp_count" ctl attach xdp b0 xdp_count

attached=$(ip -n "$NS_B" -j link show b0 | jq -r '.[0].xdp.prog.name // empty')
check_eq "b0 has the XDP program attached" "$attached" "xdp_count"

in_ns "$NS_A" "$EVOS_BUILD/selftests/pktgen" --dst 10.9.0.2 --port 9000 --count "$COUNT"
check_eq "pktgen sent $COUNT packets" "$?" 0

got=$(ctl --json stats | jq '.[] | select(.object == "xdp_count") | .counters.rx_udp.total')
check_eq "rx_udp read through evosctl equals the number sent" "$got" "$COUNT"

check "evosctl detach" ctl detach
attached=$(ip -n "$NS_B" -j link show b0 | jq -r '.[0].xdp.prog.name // empty')
check_eq "evosctl detach removes the XDP program" "$attached" ""

tap_done
