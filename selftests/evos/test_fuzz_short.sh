#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A short fixed-seed run of the coroutine verifier fuzzer (tools/evos/fuzz):
# 200 generated programs.  Each must get the verdict the documented rules
# predict (a rejection must name a rule the program breaks); each accepted
# one runs on CPU 0, its coroutines are resumed on CPU 0 and from CPU 1,
# released, overwritten or outlived by their program, and its result,
# counters and kernel.bpf_coro_handles are checked.  The run must reach
# both verdicts, at least 20 distinct rules, and resumes on both CPUs.
# One TAP result per 50 programs.  A long run: make fuzz N=... SEED=...

. "$(dirname "$0")/lib.sh"

FUZZ=$EVOS_BUILD/fuzz/evos_fuzz
SEED=${EVOS_FUZZ_SEED:-20261127}
COUNT=${EVOS_FUZZ_COUNT:-200}
DEV=evos_fz0

# Device-bound programs bind to one end of a veth pair.
trap 'ip link del "$DEV" 2>/dev/null' EXIT
dev=()
if ip link add "$DEV" type veth peer name evos_fz1; then
	dev=(--dev "$DEV")
else
	echo "# no veth pair: no device-bound programs"
fi

"$FUZZ" --seed "$SEED" --count "$COUNT" --batch 50 --min-rules 20 "${dev[@]}"
