#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Teardown at chosen points of a coroutine's life, on two vCPUs that run
# at the same time: see teardown_windows.c.

. "$(dirname "$0")/lib.sh"

veth_run tdw_a tdw_b "$EVOS_BUILD/selftests/teardown_windows" tdw_a tdw_b
