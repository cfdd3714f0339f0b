#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host test of the kernel tree manager on a miniature base: overlays and
# patches land in the tree, a file that leaves the overlay goes back to the
# base, a patch that does not apply names itself and its file, and edits
# made in the unpacked tree are never overwritten.

. "$(dirname "$0")/../../../selftests/evos/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A miniature base and a miniature work tree with a copy of ktree.
mkdir -p "$tmp/base/linux-x/kernel/bpf" "$tmp/base/linux-x/net" "$tmp/work/tools/evos"
printf 'int verifier;\n' > "$tmp/base/linux-x/kernel/bpf/verifier.c"
printf 'int filter;\n' > "$tmp/base/linux-x/net/filter.c"
# As in Debian's linux-source: everything at the top level is ignored.
printf '/*\n!/debian/\n' > "$tmp/base/linux-x/.gitignore"
tar -C "$tmp/base" -cJf "$tmp/base.tar.xz" linux-x
cp "$EVOS_TOP/tools/evos/ktree" "$tmp/work/tools/evos/ktree"
mkdir -p "$tmp/work/kernel/bpf" "$tmp/work/kernel/patches" "$tmp/work/include/linux"
printf 'int coro;\n' > "$tmp/work/kernel/bpf/coro.c"
printf 'struct coro;\n' > "$tmp/work/include/linux/coro.h"
cat > "$tmp/work/kernel/patches/0001-net-filter-c.patch" <<'P'
EvOS: changes to net/filter.c

--- a/net/filter.c
+++ b/net/filter.c
@@ -1 +1,2 @@
 int filter;
+int evos_filter;
P

export EVOS_KERNEL_TARBALL=$tmp/base.tar.xz EVOS_CACHE=$tmp/cache
ktree() { "$tmp/work/tools/evos/ktree" "$@"; }
eval "$(ktree vars)"

tap_plan 10

check "prepare unpacks, overlays and patches" ktree prepare
check_eq "overlay file is in the tree" "$(cat "$EVOS_KSRC/kernel/bpf/coro.c")" "int coro;"
check_eq "patch is applied" "$(tail -1 "$EVOS_KSRC/net/filter.c")" "int evos_filter;"

mtime=$(stat -c %Y "$EVOS_KSRC/kernel/bpf/coro.c")
sleep 1.1
ktree prepare >/dev/null
check_eq "an unchanged overlay file is not rewritten" "$(stat -c %Y "$EVOS_KSRC/kernel/bpf/coro.c")" "$mtime"

rm "$tmp/work/include/linux/coro.h"
ktree prepare >/dev/null
check "a file deleted from the overlay disappears from the tree" test ! -e "$EVOS_KSRC/include/linux/coro.h"

sed -i 's/^ int filter;/ int filtre;/' "$tmp/work/kernel/patches/0001-net-filter-c.patch"
check_fails "a patch that does not apply names the patch and the file" \
	"patch 0001-net-filter-c.patch does not apply to net/filter.c" ktree prepare
sed -i 's/^ int filtre;/ int filter;/' "$tmp/work/kernel/patches/0001-net-filter-c.patch"
ktree prepare >/dev/null

printf 'int verifier_edit;\n' >> "$EVOS_KSRC/kernel/bpf/verifier.c"
check_fails "prepare refuses to overwrite an edit made in the tree" \
	"kernel/bpf/verifier.c" ktree prepare
ktree patches >/dev/null
check "kernel-patches turns the edit into a patch" \
	grep -q '^+int verifier_edit;' "$tmp/work/kernel/patches/0002-kernel-bpf-verifier-c.patch"
ktree reset >/dev/null
check_eq "the edit survives a reset through its patch" \
	"$(tail -1 "$EVOS_KSRC/kernel/bpf/verifier.c")" "int verifier_edit;"

printf 'int udp_lean;\n' > "$EVOS_KSRC/net/lean.c"
ktree patches >/dev/null
check "a new file outside the overlay, ignored by the tree's .gitignore, becomes a patch" \
	grep -q '^+int udp_lean;' "$tmp/work/kernel/patches/0003-net-lean-c.patch"

tap_done
