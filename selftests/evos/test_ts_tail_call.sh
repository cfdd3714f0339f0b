#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A packet that the lean UDP path delivered is dropped by the hook, even
# when a program that tail-called the delivering one returns XDP_PASS:
# see ts_tail_call.c.

. "$(dirname "$0")/lib.sh"

veth_run tsc_a tsc_b "$EVOS_BUILD/selftests/ts_tail_call" tsc_a tsc_b
