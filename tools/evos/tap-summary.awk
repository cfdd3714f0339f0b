# SPDX-License-Identifier: GPL-2.0
#
# tap-summary.awk - merge the TAP of several EvOS test programs into one
# stream, numbered once, ending with "N passed, N failed[, N skipped]".
#
# Input: each program's TAP between "# evos-test: begin NAME" and
# "# evos-test: end NAME rc=RC", and "# evos-test: guest rc=RC" after a
# guest run.  A program that exits non-zero without reporting a failure,
# reports fewer results than it planned, reports none, or never ends (the
# guest crashed or hung) counts as a failure.  Exit status: 1 if anything
# failed.

function result(ok, desc, directive) {
	n++
	if (directive ~ /^[Ss][Kk][Ii][Pp]/) {
		skipped++
		printf "ok %d - %s # %s\n", n, desc, directive
	} else if (ok) {
		passed++
		printf "ok %d - %s\n", n, desc
	} else {
		failed++
		printf "not ok %d - %s\n", n, desc
	}
	fflush()
}
function finish_test(rc) {
	if (cur == "")
		return
	if (rc != 0 && cur_failed == 0)
		result(0, cur ": exited with status " rc " without reporting a failure", "")
	if (plan > 0 && cur_seen < plan)
		result(0, cur ": reported " cur_seen " of " plan " planned results", "")
	if (cur_seen == 0 && rc == 0)
		result(0, cur ": reported no results", "")
	cur = ""
}
BEGIN { n = passed = failed = skipped = 0; cur = ""; print "TAP version 13" }
/^# evos-test: begin / {
	finish_test(1)
	cur = $4; plan = 0; cur_seen = 0; cur_failed = 0
	print; fflush(); next
}
/^# evos-test: end / {
	rc = $5; sub(/^rc=/, "", rc)
	print; finish_test(rc + 0); next
}
/^# evos-test: guest rc=/ {
	rc = $4; sub(/^rc=/, "", rc)
	if (cur != "") {
		result(0, cur ": did not finish (the guest stopped, status " rc ")", "")
		cur = ""
	} else if (rc != 0) {
		result(0, "guest: the VM run failed with status " rc, "")
	}
	print; fflush(); next
}
cur != "" && /^1\.\.[0-9]+/ { plan = substr($1, 4) + 0; next }
cur != "" && /^(not )?ok([ \t]|$)/ {
	line = $0
	ok = (line !~ /^not /)
	sub(/^(not )?ok[ \t]*[0-9]*[ \t]*-?[ \t]*/, "", line)
	directive = ""
	if (match(line, /[ \t]#[ \t]*/)) {
		directive = substr(line, RSTART + RLENGTH)
		line = substr(line, 1, RSTART - 1)
	}
	cur_seen++
	if (!ok && directive !~ /^[Ss][Kk][Ii][Pp]/)
		cur_failed++
	result(ok, cur ": " line, directive)
	next
}
/^#/ { print; fflush(); next }
{ print "# " $0; fflush() }
END {
	if (cur != "")
		result(0, cur ": did not finish", "")
	printf "1..%d\n", n
	if (n == 0) {
		failed++
		print "# no test ran"
	}
	if (skipped)
		printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped
	else
		printf "%d passed, %d failed\n", passed, failed
	exit failed ? 1 : 0
}