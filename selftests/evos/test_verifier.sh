#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Verifier tests: every program of build/selftests/progs/verifier_*.bpf.o
# must be accepted or rejected with the exact message it states.
exec "$EVOS_BUILD/selftests/verifier_loader" "$EVOS_BUILD"/selftests/progs/verifier_*.bpf.o
