#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# XDP detach while a SYSCALL program on another CPU resumes coroutines
# that keep awaiting again: see detach_resumer.c.

. "$(dirname "$0")/lib.sh"

NS_A=detr_a
NS_B=detr_b
trap 'veth_cleanup "$NS_A" "$NS_B"' EXIT

veth_cleanup "$NS_A" "$NS_B"
if ! veth_pair "$NS_A" "$NS_B"; then
	echo "1..1"
	echo "not ok 1 - veth pair"
	exit 1
fi
"$EVOS_BUILD/selftests/detach_resumer" "$NS_A" "$NS_B" 5
