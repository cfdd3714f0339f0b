#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One AF_XDP socket fed at once by b0's NAPI on CPU 0 (datagrams that did
# not await) and by coroutines resumed on CPU 1: see xsk_producers.c.

. "$(dirname "$0")/lib.sh"

NS_A=xskp_a
NS_B=xskp_b
trap 'veth_cleanup "$NS_A" "$NS_B"' EXIT

veth_cleanup "$NS_A" "$NS_B"
if ! veth_pair "$NS_A" "$NS_B"; then
	echo "1..1"
	echo "not ok 1 - veth pair"
	exit 1
fi
exec "$EVOS_BUILD/selftests/xsk_producers" "$NS_A" "$NS_B" 4000
