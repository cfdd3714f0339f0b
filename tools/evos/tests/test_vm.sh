#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host test of the VM runner: it boots the EvOS kernel, returns the guest
# command's status, and turns a panic or a hang into a reported failure
# instead of a hang of its own.

. "$(dirname "$0")/../../../selftests/evos/lib.sh"
VM=$EVOS_TOP/tools/evos/vm

tap_plan 9

check_fails "vm without a command explains how to give one" "put it after '--'" "$VM"
check_fails "vm rejects a bad --cpus value" "--cpus must be 2, 3 or 4" "$VM" --cpus 9 -- true

out=$("$VM" -- uname -r 2>&1)
case "$out" in
*-evos*) ok "vm -- uname -r prints the EvOS release ($out)" ;;
*) not_ok "vm -- uname -r prints the EvOS release"; echo "# got: $out" ;;
esac

"$VM" -- false >/dev/null 2>&1
check_eq "vm -- false exits with status 1" "$?" 1

"$VM" -- sh -c 'exit 7' >/dev/null 2>&1
check_eq "vm returns the guest command's exit status" "$?" 7

out=$("$VM" -- sh -c 'grep -c " / 9p .*ro," /proc/mounts; echo x > /tmp/w && cat /tmp/w; nproc' 2>&1)
check_eq "guest: host root read-only over 9p, writable /tmp, 2 CPUs" "$(echo $out)" "1 x 2"

share=$(mktemp -d "${EVOS_CACHE:-$HOME/.cache/evos}/share.XXXXXX")
"$VM" --share "$share" -- sh -c "echo result > $share/out" >/dev/null 2>&1
check_eq "--share gives the guest a writable host directory" "$(cat "$share/out" 2>/dev/null)" "result"
rm -rf "$share"

out=$("$VM" -- sh -c 'echo c > /proc/sysrq-trigger; sleep 30' 2>&1)
rc=$?
if [ "$rc" = 125 ] && grep -q "Kernel panic" <<< "$out" && grep -q "last lines of the serial console" <<< "$out"; then
	ok "a guest panic is reported with the console tail (status 125)"
else
	not_ok "a guest panic is reported with the console tail (status $rc)"
	echo "$out" | tail -5 | sed 's/^/#   /'
fi

start=$SECONDS
out=$("$VM" --timeout 20 -- sleep 600 2>&1)
rc=$?
if [ "$rc" = 124 ] && grep -q "timed out" <<< "$out"; then
	ok "a guest that does not finish is stopped at the timeout (status 124, $((SECONDS - start))s)"
else
	not_ok "a guest that does not finish is stopped at the timeout (status $rc)"
fi

tap_done
