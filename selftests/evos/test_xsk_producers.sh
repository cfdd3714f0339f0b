#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One AF_XDP socket fed at once by b0's NAPI on CPU 0 (datagrams that did
# not await) and by coroutines resumed on CPU 1: see xsk_producers.c.

. "$(dirname "$0")/lib.sh"

veth_run xskp_a xskp_b "$EVOS_BUILD/selftests/xsk_producers" xskp_a xskp_b 4000
