#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host test of 'make install' and 'make uninstall' into a staging directory:
# every listed file lands where the README says, evosctl runs from there,
# and uninstall leaves nothing behind.

. "$(dirname "$0")/../../../selftests/evos/lib.sh"

tap_plan 9

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mk() { make -s -C "$EVOS_TOP" -o kernel -o deps DESTDIR="$stage" PREFIX=/usr "$@"; }

check "make install DESTDIR=... PREFIX=/usr succeeds" mk install
check "evosctl is installed executable" test -x "$stage/usr/sbin/evosctl"
check "the man page is installed" test -s "$stage/usr/share/man/man8/evosctl.8"
check "the bash completion is installed and parses" \
	bash -n "$stage/usr/share/bash-completion/completions/evosctl"
check "the BPF objects are installed in /usr/lib/evos/bpf" \
	test -s "$stage/usr/lib/evos/bpf/evos_xdp.bpf.o" -a -s "$stage/usr/lib/evos/bpf/evos_worker.bpf.o"
check "the BPF headers are installed in /usr/include/evos" \
	test -s "$stage/usr/include/evos/evos_coro.h" -a -s "$stage/usr/include/evos/evos_worker.h"
check "the installed evosctl runs" bash -c "'$stage/usr/sbin/evosctl' version | grep -q '^evosctl '"
check "make uninstall succeeds" mk uninstall
left=$(find "$stage" -type f | sed "s|^$stage||")
check_eq "make uninstall removes every installed file" "$left" ""
