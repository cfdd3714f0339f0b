#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host test: the kernel series is checkpatch --strict and kernel-doc clean
# (tools/evos/kcheck), and the check does catch a file that is not.

. "$(dirname "$0")/../../../selftests/evos/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

out=$("$EVOS_TOP/tools/evos/kcheck" 2>&1)
n=$(echo "$out" | grep -c '^ok \|^FAIL ')
echo "1..$((n + 1))"
echo "$out" | while read -r verdict name; do
	case "$verdict" in
	ok) echo "ok - $name" ;;
	FAIL) echo "not ok - $name" ;;
	*) echo "# $verdict $name" ;;
	esac
done

# A function without kernel-doc, with a style problem.
printf '// SPDX-License-Identifier: GPL-2.0\n/**\n * f() - x\n */\nint f(int a){ return a; }\n' > "$tmp/bad.c"
if "$EVOS_TOP/tools/evos/kcheck" "$tmp/bad.c" > "$tmp/out" 2>&1; then
	echo "not ok - kcheck passes a file with style errors"
else
	echo "ok - kcheck fails a file with style errors ($(grep -c '^FAIL' "$tmp/out") checks failed)"
fi
