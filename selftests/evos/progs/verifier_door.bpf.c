// SPDX-License-Identifier: GPL-2.0
/*
 * Type-state rules that a module declares (selftests/evos/evos_door): the
 * verifier enforces them as it does the kernel's own, with no change to
 * it.  test_verifier loads evos_door.ko before these programs.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "door_kfuncs.h"
#include "evos_test.h"

char LICENSE[] SEC("license") = "GPL";

SEC("syscall") __success __retval(1) __ts_mismatches(0)
int door_walk(void *ctx)
{
	struct evos_door *d = bpf_evos_door_new(1);
	int id = -1;

	if (!d)
		return -1;
	if (!bpf_evos_door_open(d)) {
		id = bpf_evos_door_pass(d);
		bpf_evos_door_close(d);
	}
	bpf_evos_door_free(d);
	return id;
}

SEC("syscall") __failure
__msg("bpf_evos_door_pass: arg#0 (d) is in state Closed; requires Open (set at insn 1)")
int pass_closed(void *ctx)
{
	struct evos_door *d = bpf_evos_door_new(1);
	int id;

	if (!d)
		return -1;
	id = bpf_evos_door_pass(d);
	bpf_evos_door_free(d);
	return id;
}

/* open may fail, and then the door is still Closed. */
SEC("syscall") __failure
__msg("bpf_evos_door_pass: arg#0 (d) is in state Closed; requires Open (set at insn 1)")
int open_unchecked(void *ctx)
{
	struct evos_door *d = bpf_evos_door_new(1);
	int id;

	if (!d)
		return -1;
	bpf_evos_door_open(d);
	id = bpf_evos_door_pass(d);
	bpf_evos_door_close(d);
	bpf_evos_door_free(d);
	return id;
}

SEC("syscall") __success __retval(0) __ts_mismatches(0)
int lock_own_key(void *ctx)
{
	struct evos_door *d = bpf_evos_door_new(1);
	struct evos_door_key *k;

	if (!d)
		return -1;
	k = bpf_evos_door_key(d);
	if (!k) {
		bpf_evos_door_free(d);
		return -1;
	}
	bpf_evos_door_lock(d, k);
	bpf_evos_door_unlock(d, k);
	bpf_evos_key_free(k);
	bpf_evos_door_free(d);
	return 0;
}

/* A key opens the lock of the door it was cut for, not another's. */
SEC("syscall") __failure
__msg("bpf_evos_door_lock: arg#1 (k) is tied to id=4; requires the instance in arg#0 (d, id=2)")
int lock_other_key(void *ctx)
{
	struct evos_door *a = bpf_evos_door_new(1), *b;
	struct evos_door_key *k;

	if (!a)
		return -1;
	b = bpf_evos_door_new(2);
	if (!b) {
		bpf_evos_door_free(a);
		return -1;
	}
	k = bpf_evos_door_key(b);
	if (k) {
		bpf_evos_door_lock(a, k);
		bpf_evos_key_free(k);
	}
	bpf_evos_door_free(b);
	bpf_evos_door_free(a);
	return 0;
}

SEC("syscall") __failure
__msg("bpf_evos_door_open: arg#0 (d) is in state Locked; requires Closed (set at insn 11)")
int open_locked(void *ctx)
{
	struct evos_door *d = bpf_evos_door_new(1);
	struct evos_door_key *k;

	if (!d)
		return -1;
	k = bpf_evos_door_key(d);
	if (!k) {
		bpf_evos_door_free(d);
		return -1;
	}
	bpf_evos_door_lock(d, k);
	bpf_evos_key_free(k);
	if (!bpf_evos_door_open(d))
		bpf_evos_door_close(d);
	bpf_evos_door_free(d);
	return 0;
}

SEC("syscall") __failure
__msg("bpf_evos_door_free: arg#0 (d) is in state Open; requires Closed or Locked (set at insn 6)")
int free_open(void *ctx)
{
	struct evos_door *d = bpf_evos_door_new(1);

	if (!d)
		return -1;
	bpf_evos_door_open(d);
	bpf_evos_door_free(d);
	return 0;
}

SEC("syscall") __failure
__msg("At program exit: door id=2 is in state Open (set at insn 6), which must not hold when the program ends")
int open_at_exit(void *ctx)
{
	struct evos_door *d = bpf_evos_door_new(1);

	if (!d)
		return -1;
	if (bpf_evos_door_open(d)) {
		bpf_evos_door_free(d);
		return -1;
	}
	return 0;
}

/*
 * The rule of bpf_evos_door_slam() is incomplete on purpose: the verifier
 * still believes the door Open and accepts this.  The run-time check sees
 * it twice: at bpf_evos_door_pass() and at bpf_evos_door_close(), which
 * both require Open.
 */
SEC("syscall") __success __retval(7) __ts_mismatches(2)
int slam_then_pass(void *ctx)
{
	struct evos_door *d = bpf_evos_door_new(7);
	int id = -1;

	if (!d)
		return -1;
	if (!bpf_evos_door_open(d)) {
		bpf_evos_door_slam(d);
		id = bpf_evos_door_pass(d);
		bpf_evos_door_close(d);
	}
	bpf_evos_door_free(d);
	return id;
}
