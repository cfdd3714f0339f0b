#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host test: the EvOS Kconfig options are off unless asked for (a defconfig
# of the patched tree with what they depend on turned on leaves them
# unset), and the configuration fragment that make kernel merges turns
# them on in the kernel it builds.

. "$(dirname "$0")/../../../selftests/evos/lib.sh"

eval "$("$EVOS_TOP/tools/evos/ktree" vars)" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
options=(BPF_CORO BPF_EVOS_WORKERS)

echo "1..3"
if make -s -C "$EVOS_KSRC" O="$tmp" defconfig >"$tmp/log" 2>&1 &&
   "$EVOS_KSRC/scripts/config" --file "$tmp/.config" -e BPF_SYSCALL -e BPF_JIT -e NET &&
   make -s -C "$EVOS_KSRC" O="$tmp" olddefconfig >>"$tmp/log" 2>&1; then
	got=$(for o in "${options[@]}"; do
		grep -c "^CONFIG_$o=y" "$tmp/.config"
	done | tr '\n' ' ')
	dep=$(grep -c '^CONFIG_BPF_JIT=y' "$tmp/.config")
	check_eq "x86_64 defconfig of the patched tree, with BPF_SYSCALL and BPF_JIT on, leaves ${options[*]} off" \
		"$dep $got" "1 0 0 "
else
	sed 's/^/#   /' "$tmp/log" | tail -5
	echo "not ok - make defconfig in the patched tree"
fi
check_eq "kernel/configs/evos.config turns ${options[*]} on" \
	"$(for o in "${options[@]}"; do grep -c "^CONFIG_$o=y" "$EVOS_TOP/kernel/configs/evos.config"; done | tr '\n' ' ')" \
	"1 1 "
if [ -r "$EVOS_KOBJ/.config" ]; then
	check_eq "the kernel make kernel built has ${options[*]} on" \
		"$(for o in "${options[@]}"; do grep -c "^CONFIG_$o=y" "$EVOS_KOBJ/.config"; done | tr '\n' ' ')" \
		"1 1 "
else
	echo "not ok - no built kernel configuration at $EVOS_KOBJ/.config; run 'make kernel'"
fi
