#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# XDP detach while a SYSCALL program on another CPU resumes coroutines
# that keep awaiting again: see detach_resumer.c.

. "$(dirname "$0")/lib.sh"

veth_run detr_a detr_b "$EVOS_BUILD/selftests/detach_resumer" detr_a detr_b 5
