/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Type-state specifications for kfuncs.
 *
 * A kfunc set may carry a table of rules that say in which state an object
 * must be for a kfunc to be called on it, and in which state the kfunc
 * leaves it.  The verifier tracks the state of each object instance along
 * every path and enforces the rules; it knows no rule of its own.  See
 * Documentation/bpf/evos-typestate.rst.
 *
 * A class names the states of one kind of object:
 *
 *	BPF_TS_STATES(door_class,
 *		[DOOR_CLOSED] = BPF_TS_STATE("Closed", 0),
 *		[DOOR_OPEN]   = BPF_TS_STATE("Open", BPF_TS_S_NO_EXIT));
 *	BPF_TS_CLASS(door_class, "door", BPF_TS_OBJ_REF, DOOR_CLOSED);
 *
 * and the rules name kfuncs of the set:
 *
 *	BPF_TS_TABLE(door_typestate,
 *		BPF_TS_RULE(door_open,
 *			    BPF_TS_MOVE(0, &door_class, BIT(DOOR_CLOSED),
 *					DOOR_OPEN, BPF_TS_ON_ZERO)));
 *
 * The table goes into struct btf_kfunc_id_set.typestate.
 */
#ifndef _LINUX_BPF_TYPESTATE_H
#define _LINUX_BPF_TYPESTATE_H

#include <linux/bits.h>
#include <linux/jump_label.h>
#include <linux/types.h>

struct btf;
struct btf_kfunc_id_set;

#define BPF_TS_MAX_STATES	16
#define BPF_TS_MAX_ARGS		5	/* every argument of a kfunc */
#define BPF_TS_MAX_CTX		4	/* ctx classes one program may use */

/* No state: a global function's ctx, whose caller is not known. */
#define BPF_TS_UNKNOWN		0xff
/* Instance ids the verifier uses besides reference ids. */
#define BPF_TS_INST_NONE	0
#define BPF_TS_INST_CTX		U32_MAX

/**
 * enum bpf_ts_object - what the instances of a class are
 * @BPF_TS_OBJ_CTX: the program's context; one instance per program run.
 * @BPF_TS_OBJ_REF: objects returned by a KF_ACQUIRE kfunc; one instance
 *	per acquired reference.
 */
enum bpf_ts_object {
	BPF_TS_OBJ_CTX,
	BPF_TS_OBJ_REF,
};

/*
 * Events that the verifier reports on the context, to which a class may
 * react with a reset (bpf_ts_class.reset_on) or which a state may forbid
 * (BPF_TS_S_NO_PKT).
 */
#define BPF_TS_EV_PKT_READ	BIT(0)	/* the packet is read */
#define BPF_TS_EV_PKT_WRITE	BIT(1)	/* the packet is written */
#define BPF_TS_EV_PKT_RESIZE	BIT(2)	/* head, tail or meta moved */
#define BPF_TS_EV_PKT_CHANGE	(BPF_TS_EV_PKT_WRITE | BPF_TS_EV_PKT_RESIZE)
#define BPF_TS_EV_ALL		(BPF_TS_EV_PKT_READ | BPF_TS_EV_PKT_CHANGE)

/* State flags */
#define BPF_TS_S_NO_PKT		BIT(0)	/* no packet access of any kind */
#define BPF_TS_S_NO_EXIT	BIT(1)	/* must not hold when the program ends */
#define BPF_TS_S_NO_AWAIT	BIT(2)	/* must not hold at bpf_coro_await() */
#define BPF_TS_S_EXCLUSIVE	BIT(3)	/* one instance of the class at most */
#define BPF_TS_S_RET		BIT(4)	/* the program must return ->ret */

/**
 * struct bpf_ts_state - one state of a class
 * @name: the name the verifier prints.
 * @flags: BPF_TS_S_* constraints that hold while an instance is in it.
 * @ret: with BPF_TS_S_RET, the only return value of the program.
 * @ret_name: the name of @ret, for messages.
 */
struct bpf_ts_state {
	const char *name;
	u32 flags;
	s32 ret;
	const char *ret_name;
};

#define BPF_TS_STATE(_name, _flags)					\
	{ .name = (_name), .flags = (_flags) }
#define BPF_TS_STATE_RET(_name, _flags, _ret)				\
	{ .name = (_name), .flags = (_flags) | BPF_TS_S_RET,		\
	  .ret = (_ret), .ret_name = #_ret }

/**
 * struct bpf_ts_class - a named set of states of one kind of object
 * @name: the class's name, for messages.
 * @object: what its instances are.
 * @states: the states, indexed by state number.
 * @nr_states: how many.
 * @initial: the state of a new instance.
 * @reset_on: BPF_TS_EV_* events after which a state other than @initial
 *	no longer holds; the instance goes back to @initial.
 * @rt_holds: optional; whether an instance (the kfunc's argument) is in
 *	@state at run time.  With CONFIG_BPF_TYPESTATE_CHECK, kfuncs check
 *	their declared pre-states against it (bpf_ts_rt_check()).
 */
struct bpf_ts_class {
	const char *name;
	enum bpf_ts_object object;
	const struct bpf_ts_state *states;
	u8 nr_states;
	u8 initial;
	u32 reset_on;
	bool (*rt_holds)(const void *obj, u8 state);
};

/* The states of class @_class, as designated initializers of its states. */
#define BPF_TS_STATES(_class, ...)					\
	static const struct bpf_ts_state _class##_states[] = { __VA_ARGS__ }

/*
 * Class @_class, of the states BPF_TS_STATES() gave it; more fields
 * (.reset_on, .rt_holds) may follow as designated initializers.
 */
#define BPF_TS_CLASS(_class, _name, _object, _initial, ...)		\
	static const struct bpf_ts_class _class = {			\
		.name = (_name),					\
		.object = (_object),					\
		.states = _class##_states,				\
		.nr_states = ARRAY_SIZE(_class##_states),		\
		.initial = (_initial),					\
		__VA_ARGS__						\
	}

/**
 * enum bpf_ts_when - when a transition takes place
 * @BPF_TS_ALWAYS: whenever the kfunc returns.
 * @BPF_TS_ON_ZERO: only when it returns 0.  The kfunc returns int, 0 or a
 *	negative errno; the verifier follows the two outcomes separately.
 */
enum bpf_ts_when {
	BPF_TS_ALWAYS,
	BPF_TS_ON_ZERO,
};

#define BPF_TS_KEEP		(-1)

/**
 * struct bpf_ts_arg - the rule for one argument of a kfunc
 * @cls: the class of the object passed; NULL ends the list.
 * @arg: the argument, from 0.
 * @pre: the states it may be in (bit per state).
 * @post: the state it moves to, or BPF_TS_KEEP.
 * @when: when it moves.
 * @bound_to: if not BPF_TS_KEEP, the object must be tied to the instance
 *	passed as this argument.
 */
struct bpf_ts_arg {
	const struct bpf_ts_class *cls;
	u8 arg;
	u16 pre;
	s8 post;
	u8 when;
	s8 bound_to;
};

/* The argument must be in one of the states @pre. */
#define BPF_TS_REQUIRE(_arg, _cls, _pre)				\
	{ .cls = (_cls), .arg = (_arg), .pre = (_pre),			\
	  .post = BPF_TS_KEEP, .bound_to = BPF_TS_KEEP }
/* ... and moves to @post, always or on a 0 return. */
#define BPF_TS_MOVE(_arg, _cls, _pre, _post, _when)			\
	{ .cls = (_cls), .arg = (_arg), .pre = (_pre),			\
	  .post = (_post), .when = (_when), .bound_to = BPF_TS_KEEP }
/* ... and is tied to the instance passed as argument @_to. */
#define BPF_TS_REQUIRE_BOUND(_arg, _cls, _pre, _to)			\
	{ .cls = (_cls), .arg = (_arg), .pre = (_pre),			\
	  .post = BPF_TS_KEEP, .bound_to = (_to) }

/**
 * struct bpf_ts_ret - the object a KF_ACQUIRE kfunc returns
 * @cls: its class (its state starts at @cls->initial); NULL: no rule.
 * @bind_arg: if not BPF_TS_KEEP, the object is tied to the instance passed
 *	as this argument.
 */
struct bpf_ts_ret {
	const struct bpf_ts_class *cls;
	s8 bind_arg;
};

#define BPF_TS_RETURNS(_cls, _bind_arg)					\
	.ret = { .cls = (_cls), .bind_arg = (_bind_arg) }

/**
 * struct bpf_ts_rule - what one kfunc requires and does
 * @kfunc: the kfunc's name; it must be in the kfunc set.
 * @args: rules per argument, ended by an entry with a NULL class.
 * @ret: the returned object's class and binding.
 */
struct bpf_ts_rule {
	const char *kfunc;
	struct bpf_ts_arg args[BPF_TS_MAX_ARGS + 1];
	struct bpf_ts_ret ret;
};

#define BPF_TS_RULE(_kfunc, ...)					\
	{ .kfunc = #_kfunc, .args = { __VA_ARGS__ } }
#define BPF_TS_RULE_RET(_kfunc, _ret, ...)				\
	{ .kfunc = #_kfunc, _ret, .args = { __VA_ARGS__ } }

/**
 * struct bpf_ts_table - the rules registered with a kfunc set
 * @rules: the rules.
 * @cnt: how many.
 */
struct bpf_ts_table {
	const struct bpf_ts_rule *rules;
	u32 cnt;
};

/* Table @_table of the rules that follow. */
#define BPF_TS_TABLE(_table, ...)					\
	static const struct bpf_ts_rule _table##_rules[] = { __VA_ARGS__ }; \
	static const struct bpf_ts_table _table = {			\
		.rules = _table##_rules,				\
		.cnt = ARRAY_SIZE(_table##_rules),			\
	}

/* A table resolved against the BTF of the kfuncs' owner. */
struct bpf_ts_set;

#ifdef CONFIG_BPF_SYSCALL
int bpf_ts_set_add(struct bpf_ts_set **head, struct btf *btf,
		   const struct btf_kfunc_id_set *kset);
void bpf_ts_sets_free(struct bpf_ts_set *head);
const struct bpf_ts_rule *bpf_ts_find_rule(const struct bpf_ts_set *head,
					   u32 func_id);
#endif

#ifdef CONFIG_BPF_TYPESTATE_CHECK
DECLARE_STATIC_KEY_FALSE(bpf_ts_rt_check_enabled);
void __bpf_ts_rt_check(const struct bpf_ts_table *tab, const char *kfunc,
		       void *const *args, u32 nargs);
/**
 * bpf_ts_rt_check() - check a kfunc's declared pre-states at run time
 * @tab: the kfunc set's type-state table.
 * @kfunc: the kfunc, as named in @tab.
 * @...: the kfunc's arguments, all of them, in order.
 *
 * The first statement of an annotated kfunc.  When the check is on
 * (sysctl kernel.bpf_typestate_check), every argument with a rule and a
 * class with ->rt_holds must be in one of the states the rule requires;
 * a mismatch means the table misses a transition that the kfuncs make,
 * and is reported and counted (kernel.bpf_typestate_mismatches).
 */
#define bpf_ts_rt_check(tab, kfunc, ...)					\
	do {								\
		if (static_branch_unlikely(&bpf_ts_rt_check_enabled)) {	\
			void *const __ts_args[] = { __VA_ARGS__ };	\
									\
			__bpf_ts_rt_check(tab, #kfunc, __ts_args,	\
					  ARRAY_SIZE(__ts_args));	\
		}							\
	} while (0)
#else
static inline void bpf_ts_rt_check_off(const struct bpf_ts_table *tab,
				       const char *kfunc)
{
}

#define bpf_ts_rt_check(tab, kfunc, ...) bpf_ts_rt_check_off(tab, #kfunc)
#endif

static inline const char *bpf_ts_state_name(const struct bpf_ts_class *cls,
					    u8 state)
{
	if (state == BPF_TS_UNKNOWN)
		return "unknown";
	return state < cls->nr_states ? cls->states[state].name : "?";
}

static inline u32 bpf_ts_state_flags(const struct bpf_ts_class *cls, u8 state)
{
	return state < cls->nr_states ? cls->states[state].flags : 0;
}

#endif /* _LINUX_BPF_TYPESTATE_H */
