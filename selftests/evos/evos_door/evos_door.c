// SPDX-License-Identifier: GPL-2.0
/*
 * evos_door - a test module whose kfuncs declare type-state rules of their
 * own, to show that the verifier enforces any kfunc set's rules with no
 * change to it.
 *
 * A door is Closed, Open or Locked; a key is cut for one door and locks
 * and unlocks that door only; a door may not be left open when the program
 * ends.  bpf_evos_door_slam() closes an open door but its rule "forgets"
 * to say so: the verifier then believes the door still open, and the
 * run-time check (CONFIG_BPF_TYPESTATE_CHECK) catches the next kfunc that
 * requires Open.  The kfuncs are for SYSCALL programs.
 */
#include <linux/bpf.h>
#include <linux/bpf_typestate.h>
#include <linux/btf.h>
#include <linux/btf_ids.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "evos_door.h"

static bool door_holds(const void *obj, u8 state)
{
	return ((const struct evos_door *)obj)->state == state;
}

BPF_TS_STATES(door_class,
	      [EVOS_DOOR_CLOSED] = BPF_TS_STATE("Closed", 0),
	      [EVOS_DOOR_OPEN] = BPF_TS_STATE("Open", BPF_TS_S_NO_EXIT),
	      [EVOS_DOOR_LOCKED] = BPF_TS_STATE("Locked", 0));

BPF_TS_CLASS(door_class, "door", BPF_TS_OBJ_REF, EVOS_DOOR_CLOSED,
	     .rt_holds = door_holds);

BPF_TS_STATES(key_class, BPF_TS_STATE("Cut", 0));
BPF_TS_CLASS(key_class, "door_key", BPF_TS_OBJ_REF, 0);

#define CLOSED	BIT(EVOS_DOOR_CLOSED)
#define OPEN	BIT(EVOS_DOOR_OPEN)
#define LOCKED	BIT(EVOS_DOOR_LOCKED)

BPF_TS_TABLE(door_typestate,
	     BPF_TS_RULE_RET(bpf_evos_door_new,
			     BPF_TS_RETURNS(&door_class, BPF_TS_KEEP)),
	     BPF_TS_RULE(bpf_evos_door_free,
			 BPF_TS_REQUIRE(0, &door_class, CLOSED | LOCKED)),
	     BPF_TS_RULE(bpf_evos_door_open,
			 BPF_TS_MOVE(0, &door_class, CLOSED, EVOS_DOOR_OPEN,
				     BPF_TS_ON_ZERO)),
	     BPF_TS_RULE(bpf_evos_door_close,
			 BPF_TS_MOVE(0, &door_class, OPEN, EVOS_DOOR_CLOSED,
				     BPF_TS_ALWAYS)),
	     BPF_TS_RULE(bpf_evos_door_pass,
			 BPF_TS_REQUIRE(0, &door_class, OPEN)),
	     BPF_TS_RULE_RET(bpf_evos_door_key,
			     BPF_TS_RETURNS(&key_class, 0),
			     BPF_TS_REQUIRE(0, &door_class,
					    CLOSED | OPEN | LOCKED)),
	     BPF_TS_RULE(bpf_evos_key_free,
			 BPF_TS_REQUIRE(0, &key_class, BIT(0))),
	     BPF_TS_RULE(bpf_evos_door_lock,
			 BPF_TS_MOVE(0, &door_class, CLOSED, EVOS_DOOR_LOCKED,
				     BPF_TS_ALWAYS),
			 BPF_TS_REQUIRE_BOUND(1, &key_class, BIT(0), 0)),
	     BPF_TS_RULE(bpf_evos_door_unlock,
			 BPF_TS_MOVE(0, &door_class, LOCKED, EVOS_DOOR_CLOSED,
				     BPF_TS_ALWAYS),
			 BPF_TS_REQUIRE_BOUND(1, &key_class, BIT(0), 0)),
	     /* Incomplete on purpose: slam closes, the rule keeps Open. */
	     BPF_TS_RULE(bpf_evos_door_slam,
			 BPF_TS_REQUIRE(0, &door_class, OPEN)));

__bpf_kfunc_start_defs();

/**
 * bpf_evos_door_new() - make a door, Closed
 * @id: its number; a negative one makes a door that will not open.
 *
 * Return: the door, to free with bpf_evos_door_free(), or NULL.
 */
__bpf_kfunc struct evos_door *bpf_evos_door_new(int id)
{
	struct evos_door *d = kzalloc(sizeof(*d), GFP_ATOMIC);

	if (d) {
		d->id = id;
		d->state = EVOS_DOOR_CLOSED;
	}
	return d;
}

/**
 * bpf_evos_door_free() - free a door that is Closed or Locked
 * @d: the door.
 */
__bpf_kfunc void bpf_evos_door_free(struct evos_door *d)
{
	bpf_ts_rt_check(&door_typestate, bpf_evos_door_free, d);
	kfree(d);
}

/**
 * bpf_evos_door_open() - open a Closed door
 * @d: the door.
 *
 * Return: 0 (Open), or -EPERM for a door with a negative id (still Closed).
 */
__bpf_kfunc int bpf_evos_door_open(struct evos_door *d)
{
	bpf_ts_rt_check(&door_typestate, bpf_evos_door_open, d);
	if (d->id < 0)
		return -EPERM;
	d->state = EVOS_DOOR_OPEN;
	return 0;
}

/**
 * bpf_evos_door_close() - close an Open door
 * @d: the door.
 */
__bpf_kfunc void bpf_evos_door_close(struct evos_door *d)
{
	bpf_ts_rt_check(&door_typestate, bpf_evos_door_close, d);
	d->state = EVOS_DOOR_CLOSED;
}

/**
 * bpf_evos_door_pass() - walk through an Open door
 * @d: the door.
 *
 * Return: the door's id.
 */
__bpf_kfunc int bpf_evos_door_pass(struct evos_door *d)
{
	bpf_ts_rt_check(&door_typestate, bpf_evos_door_pass, d);
	return d->id;
}

/**
 * bpf_evos_door_slam() - close an Open door (the rule forgets it)
 * @d: the door.
 */
__bpf_kfunc void bpf_evos_door_slam(struct evos_door *d)
{
	bpf_ts_rt_check(&door_typestate, bpf_evos_door_slam, d);
	d->state = EVOS_DOOR_CLOSED;
}

/**
 * bpf_evos_door_key() - cut a key for a door
 * @d: the door.
 *
 * Return: a key tied to @d, to free with bpf_evos_key_free(), or NULL.
 */
__bpf_kfunc struct evos_door_key *bpf_evos_door_key(struct evos_door *d)
{
	struct evos_door_key *k;

	bpf_ts_rt_check(&door_typestate, bpf_evos_door_key, d);
	k = kzalloc(sizeof(*k), GFP_ATOMIC);
	if (k)
		k->door_id = d->id;
	return k;
}

/**
 * bpf_evos_key_free() - free a key
 * @k: the key.
 */
__bpf_kfunc void bpf_evos_key_free(struct evos_door_key *k)
{
	bpf_ts_rt_check(&door_typestate, bpf_evos_key_free, k);
	kfree(k);
}

/**
 * bpf_evos_door_lock() - lock a Closed door with its own key
 * @d: the door.
 * @k: a key cut for @d.
 */
__bpf_kfunc void bpf_evos_door_lock(struct evos_door *d, struct evos_door_key *k)
{
	bpf_ts_rt_check(&door_typestate, bpf_evos_door_lock, d, k);
	d->state = EVOS_DOOR_LOCKED;
}

/**
 * bpf_evos_door_unlock() - unlock a Locked door with its own key
 * @d: the door.
 * @k: a key cut for @d.
 */
__bpf_kfunc void bpf_evos_door_unlock(struct evos_door *d, struct evos_door_key *k)
{
	bpf_ts_rt_check(&door_typestate, bpf_evos_door_unlock, d, k);
	d->state = EVOS_DOOR_CLOSED;
}

__bpf_kfunc_end_defs();

BTF_KFUNCS_START(door_kfunc_ids)
BTF_ID_FLAGS(func, bpf_evos_door_new, KF_ACQUIRE | KF_RET_NULL)
BTF_ID_FLAGS(func, bpf_evos_door_free, KF_RELEASE)
BTF_ID_FLAGS(func, bpf_evos_door_open, KF_TRUSTED_ARGS)
BTF_ID_FLAGS(func, bpf_evos_door_close, KF_TRUSTED_ARGS)
BTF_ID_FLAGS(func, bpf_evos_door_pass, KF_TRUSTED_ARGS)
BTF_ID_FLAGS(func, bpf_evos_door_slam, KF_TRUSTED_ARGS)
BTF_ID_FLAGS(func, bpf_evos_door_key, KF_ACQUIRE | KF_RET_NULL | KF_TRUSTED_ARGS)
BTF_ID_FLAGS(func, bpf_evos_key_free, KF_RELEASE)
BTF_ID_FLAGS(func, bpf_evos_door_lock, KF_TRUSTED_ARGS)
BTF_ID_FLAGS(func, bpf_evos_door_unlock, KF_TRUSTED_ARGS)
BTF_KFUNCS_END(door_kfunc_ids)

static const struct btf_kfunc_id_set door_kfunc_set = {
	.owner = THIS_MODULE,
	.set = &door_kfunc_ids,
	.typestate = &door_typestate,
};

static int __init evos_door_init(void)
{
	return register_btf_kfunc_id_set(BPF_PROG_TYPE_SYSCALL, &door_kfunc_set);
}

static void __exit evos_door_exit(void)
{
}

module_init(evos_door_init);
module_exit(evos_door_exit);
MODULE_DESCRIPTION("EvOS type-state test module: doors and keys");
MODULE_LICENSE("GPL");
