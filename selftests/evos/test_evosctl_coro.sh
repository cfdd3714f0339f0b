#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# evosctl shows the kernel's coroutine counters: a SYSCALL program loaded
# by evosctl awaits once, is resumed once, and
# "evosctl stats" reports it, in text and JSON.  The runs go through
# syscall_run, a BPF_PROG_TEST_RUN of the pinned programs.

. "$(dirname "$0")/lib.sh"

PIN=/sys/fs/bpf/evos-coro
OBJ=$EVOS_BUILD/selftests/progs/coro_syscall.bpf.o
ctl() { "$EVOSCTL" --pin-root "$PIN" "$@"; }
trap 'ctl detach >/dev/null 2>&1' EXIT

tap_plan 6

check "evosctl load coro_syscall.bpf.o" ctl load "$OBJ"
progs=$PIN/objs/coro_syscall/progs

# struct run_args { __u64 tag; __u32 slot; }: tag 7, slot 0
run() { "$EVOS_BUILD/selftests/syscall_run" "$progs/$1" 7 0; }
check_eq "the await run suspended (-EINPROGRESS), the resume run completed with 42" \
	"$(run roundtrip) $(run resume_slot)" "-115 42"

json=$(ctl --json stats)
c() { echo "$json" | jq -r ".[] | select(.object == \"coro_syscall\") | .coroutines.roundtrip.$1"; }
check_eq "evosctl --json stats: roundtrip created 1" "$(c created)" 1
check_eq "evosctl --json stats: resumed 1, completed 1, destroyed 0" \
	"$(c resumed) $(c completed) $(c destroyed)" "1 1 0"
check_eq "evosctl --json stats: one await point" "$(c points)" 1

text=$(ctl stats)
if echo "$text" | grep -q "coroutines of roundtrip:" &&
   echo "$text" | grep -Eq "^ +created +1$"; then
	ok "evosctl stats shows the coroutines of roundtrip"
else
	not_ok "evosctl stats shows the coroutines of roundtrip"
	echo "$text" | sed 's/^/# /'
fi
tap_done
