# SPDX-License-Identifier: GPL-2.0
#
# TAP and network namespace helpers for the EvOS shell selftests.
# Source it; it expects EVOS_TOP and EVOS_BUILD (run_kselftests sets them).

: "${EVOS_TOP:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${EVOS_BUILD:=$EVOS_TOP/build}"
EVOSCTL=${EVOSCTL:-$EVOS_BUILD/evosctl}
BPF_OBJ_DIR=$EVOS_BUILD/bpf

tap_n=0
tap_failed=0

tap_plan() { echo "1..$1"; }

# ok DESC / not_ok DESC / skip DESC REASON
ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok() { tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_n - $*"; }
skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1 # SKIP $2"; }

# check DESC CMD...: one result, from CMD's exit status.
check()
{
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# check_eq DESC GOT WANT
check_eq()
{
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		echo "#   got:  '$2'"
		echo "#   want: '$3'"
	fi
}

# check_fails DESC MSG CMD...: CMD must fail and print MSG (a fixed string)
# on its standard error or output.
check_fails()
{
	local desc=$1 msg=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -ne 0 ] && grep -qF -- "$msg" <<< "$out"; then
		ok "$desc"
	else
		not_ok "$desc"
		echo "#   exit status $rc, output:"
		sed 's/^/#     /' <<< "$out"
		echo "#   wanted a failure mentioning: $msg"
	fi
}

tap_done() { [ "$tap_failed" -eq 0 ]; }

# in_ns NS CMD...: run CMD in network namespace NS.  Unlike "ip netns exec",
# nsenter keeps the mount namespace, so bpffs stays visible.
in_ns()
{
	local ns=$1
	shift
	nsenter --net="/run/netns/$ns" -- "$@"
}

# veth_link NS_A NS_B [QUEUES]: in the existing namespaces NS_A and NS_B,
# the veth pair a0 (in NS_A, 10.9.0.1) - b0 (in NS_B, 10.9.0.2), up, with
# full checksums and static neighbours so that no ARP is needed.  The
# namespaces' own settings are veth_pair's.
veth_link()
{
	local a=$1 b=$2 qa=${3:-1} mac_a mac_b
	ip -n "$a" link add a0 numtxqueues "$qa" numrxqueues "$qa" type veth \
		peer name b0 netns "$b" numtxqueues "$qa" numrxqueues "$qa" || return 1
	ip -n "$a" addr add 10.9.0.1/24 dev a0
	ip -n "$b" addr add 10.9.0.2/24 dev b0
	ip -n "$a" link set a0 up
	ip -n "$b" link set b0 up
	# A packet that becomes an xdp_frame (redirect, coroutine) loses the
	# skb's checksum offload state, as with cpumap: send full checksums.
	in_ns "$a" ethtool -K a0 tx off >/dev/null
	in_ns "$b" ethtool -K b0 tx off >/dev/null
	mac_a=$(ip -n "$a" -br link show a0 | awk '{print $3}')
	mac_b=$(ip -n "$b" -br link show b0 | awk '{print $3}')
	ip -n "$a" neigh add 10.9.0.2 lladdr "$mac_b" dev a0 nud permanent
	ip -n "$b" neigh add 10.9.0.1 lladdr "$mac_a" dev b0 nud permanent
}

# veth_pair NS_A NS_B [QUEUES]: the namespaces NS_A and NS_B, with lo up
# and no IPv6, and the veth pair of veth_link between them.
veth_pair()
{
	local a=$1 b=$2 rc
	ip netns add "$a" || return 1
	ip netns add "$b" || return 1
	ip -n "$a" link set lo up
	ip -n "$b" link set lo up
	veth_link "$a" "$b" "${3:-1}"
	rc=$?
	ip netns exec "$a" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$b" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	return $rc
}

veth_cleanup()
{
	local ns
	for ns in "$@"; do
		ip netns del "$ns" 2>/dev/null
	done
	return 0
}

# veth_run NS_A NS_B CMD...: CMD on a fresh veth pair (veth_pair), the
# namespaces removed afterwards.  A pair that cannot be made is a failed
# TAP test.  Returns CMD's status.
veth_run()
{
	local a=$1 b=$2 rc
	shift 2
	veth_cleanup "$a" "$b"
	if ! veth_pair "$a" "$b"; then
		echo "1..1"
		echo "not ok 1 - veth pair $a - $b"
		veth_cleanup "$a" "$b"
		return 1
	fi
	"$@"
	rc=$?
	veth_cleanup "$a" "$b"
	return $rc
}

# scenario_plan DRIVER SCENARIO...: the number of checks of the scenarios
# ("MODE [ARG]"), from "DRIVER --tests MODE"; a mode it does not know
# counts as one check.
scenario_plan()
{
	local driver=$1 s n plan=0
	shift
	for s in "$@"; do
		n=$("$driver" --tests "${s%% *}") || n=1
		plan=$((plan + n))
	done
	echo "$plan"
}

# veth_scenarios NS_A NS_B DRIVER SCENARIO...: "DRIVER MODE NS_A NS_B ARG"
# for each scenario "MODE ARG", each on a fresh veth pair (veth_run), its
# TAP results without its plan.  Fails when a driver failed.
veth_scenarios()
{
	local a=$1 b=$2 driver=$3 s rc=0
	shift 3
	for s in "$@"; do
		# the driver's status, not grep's
		veth_run "$a" "$b" "$driver" ${s%% *} "$a" "$b" ${s##* } |
			grep -v '^1\.\.'
		[ "${PIPESTATUS[0]}" = 0 ] || rc=1
	done
	return $rc
}
