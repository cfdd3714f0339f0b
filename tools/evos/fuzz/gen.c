// SPDX-License-Identifier: GPL-2.0
/*
 * Program generator: chooses the mutations.  A program is the shape of the
 * selftests' accepted coroutine programs (an XDP or SYSCALL main body that
 * calls bpf_coro_await() with a queue_fn that stashes the handle in a kptr
 * slot or releases it), mutated: values of every kind kept across the
 * await in R6-R9 or on the stack and used after it, packet accesses and
 * map lookups before or after it, branches that merge at or after it,
 * loops around it (one from the first instruction), calls of static,
 * global and tail-called functions, may_goto, held locks and references,
 * sleeping calls, deep stacks, changes to the packet and ctx.
 *
 * Half of the programs are meant to load, half break one or two rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

static const char *const vk_names[NR_VK] = {
	"ctx", "pkt", "array value", "hash value", "percpu value", "fp", "scalar",
	"inner array value", "map pointer", "trusted task pointer",
};

static const char *const arg0_names[] = { "ctx + 8", "a map value", "a scalar", "fp-8" };

/* what may precede the await in a loop around it */
static const int sleep_in_loop[] = { I_SLEEP_HELPER, I_GLOBAL, I_THROW, I_SLEEP_KFUNC };

/* XDP program types that cannot await, and TC, which has no kfunc */
static const int no_await_types[] = { T_XDP_DEVMAP, T_XDP_CPUMAP, T_XDP_DEV_BOUND, T_TC };

static const int xdp_verdicts[] = { XDP_DROP, XDP_PASS, XDP_TX };

static const char *const group_names[] = {
	"plain", "loop", "may_goto loop", "cond", "both branches",
};

static const char *const held_names[NR_HELD] = {
	"bpf_spin_lock", "rcu read lock", "preempt disable", "iterator", "cpumask reference",
	"ringbuf dynptr", "coroutine handle from slot 3",
};

static const char *const static_names[] = {
	[ST_PLAIN] = "", [ST_STACK] = " with 16 bytes of stack", [ST_TAIL] = " with a tail call",
	[ST_AWAIT] = " that awaits", [ST_SLEEP] = " calling a sleepable helper",
	[ST_THROW] = " that may bpf_throw",
};

static const char *const type_names[] = {
	[T_XDP] = "xdp", [T_SYSCALL] = "syscall", [T_XDP_DEVMAP] = "xdp devmap",
	[T_XDP_CPUMAP] = "xdp cpumap", [T_XDP_DEV_BOUND] = "xdp device-bound", [T_TC] = "tc",
};

static const char *const queue_names[NR_Q] = {
	"stash", "release", "leak", "plain store", "load through handle",
	"store through handle", "double release", "await", "return 1", "resume",
	"sleeping helper",
};

/* --- choosing the mutations ----------------------------------------------- */

static void pick_type(struct gen *g)
{
	struct fz_prog *p = g->p;

	p->type = fz_chance(g->r, 55) ? T_XDP : T_SYSCALL;
	p->sleepable = p->type == T_SYSCALL;
	g->xdp = p->type == T_XDP;
}

enum violation {
	VI_USE_INVAL, VI_MERGE_INVAL, VI_MERGE_CTX, VI_ARG0, VI_SUBAWAIT, VI_LOOPCB,
	VI_TOO_MANY, VI_HELD, VI_DYNPTR, VI_SLEEP, VI_SLEEP_LOOP, VI_GLOBAL, VI_THROW,
	VI_STACK, VI_COMBINED, VI_TAIL, VI_QUEUE, VI_TYPE, NR_VI
};

static const char *const violation_names[NR_VI] = {
	"use an invalidated value", "use a merged invalidated value",
	"merge ctx and a scalar", "wrong arg#0", "await in a subprogram",
	"await in a bpf_loop callback", "too many awaits", "hold across the await",
	"dynptr used after the await", "sleep after the await",
	"sleep in a loop around the await", "global function after the await",
	"bpf_throw after the await", "stack too deep", "combined stack too deep",
	"tail call", "queue_fn breaks a rule", "program type without await",
};

/* Kinds of values a program of this type can hold. */
static int pick_kind(struct gen *g, bool invalidated)
{
	static const int xdp_inval[] = { VK_PKT, VK_PKT, VK_HASH, VK_PCPU, VK_FP, VK_INNER,
					 VK_MAPPTR };
	static const int sys_inval[] = { VK_BTF, VK_HASH, VK_PCPU, VK_FP, VK_INNER, VK_MAPPTR };
	static const int ok[] = { VK_CTX, VK_ARRAY, VK_SCALAR, VK_SCALAR };

	if (g->p->type == T_TC)
		return invalidated ? VK_FP : VK_SCALAR;
	if (invalidated)
		return g->xdp ? xdp_inval[fz_below(g->r, 7)] : sys_inval[fz_below(g->r, 6)];
	return ok[fz_below(g->r, 4)];
}

static struct val *add_val(struct gen *g, int kind)
{
	struct val *v;
	int loc;

	if (g->nr_vals >= MAX_VALS || (kind == VK_FP && g->fp_targets >= 2))
		return NULL;
	loc = alloc_loc(g, 60);
	if (!loc)
		return NULL;
	v = &g->vals[g->nr_vals++];
	memset(v, 0, sizeof(*v));
	v->kind = kind;
	v->loc = loc;
	v->seg = fz_below(g->r, g->nr_groups);
	v->v = 0x10 + fz_below(g->r, 0x7ff0);
	v->from_map = kind == VK_SCALAR && fz_chance(g->r, 40);
	if (kind == VK_FP)
		v->fp_off = FP_TARGET(g->fp_targets++);
	v->used = !vk_invalidated(kind) && fz_chance(g->r, 85);
	return v;
}

static void describe_val(struct gen *g, struct val *v)
{
	char loc[16];

	loc_name(v->loc, loc, sizeof(loc));
	if (v->merge)
		mut(g, "%s in %s on one path (bit %d), a scalar on the other, before await %d%s",
		    vk_names[v->kind], loc, v->bit, v->seg, v->used ? ", used after" : "");
	else
		mut(g, "%s%s in %s before await %d%s", vk_names[v->kind],
		    v->kind == VK_SCALAR && v->from_map ? " (from a map)" : "", loc, v->seg,
		    v->used ? ", used after" : "");
}

/* @many: 0, or 1 for up to 64 await points in a row, 2 for more */
static void pick_groups(struct gen *g, int many)
{
	static const int many_counts[] = { 4, 8, 16, 40, 63, 64 };
	int i, n;

	if (many) {
		n = many == 2 ? 65 + (int)fz_below(g->r, 3) : many_counts[fz_below(g->r, 6)];
		mut(g, "%d await points in a row", n);
	} else {
		n = fz_below(g->r, 100);
		n = n < 60 ? 1 : n < 85 ? 2 : 3;
	}
	g->nr_groups = n;
	for (i = 0; i < n; i++) {
		struct group *gr = &g->groups[i];
		unsigned int k = fz_below(g->r, 100);

		memset(gr, 0, sizeof(*gr));
		gr->inloop = -1;
		gr->kind = many ? GR_PLAIN : k < 40 ? GR_PLAIN : k < 55 ? GR_LOOP :
			   k < 65 ? GR_MAYGOTO : k < 85 ? GR_COND : GR_BOTH;
		gr->n = 1 + fz_below(g->r, 4);
		gr->bit = fz_below(g->r, 16);
		gr->pol = fz_below(g->r, 2);
		gr->check = fz_chance(g->r, 60);
		gr->cookie[0] = fz_chance(g->r, 5) ? FZ_SLOTS + 1 : (int)fz_below(g->r, FZ_SLOTS);
		gr->cookie[1] = fz_chance(g->r, 5) ? FZ_SLOTS + 1 : (int)fz_below(g->r, FZ_SLOTS);
		if (gr->kind == GR_LOOP || gr->kind == GR_MAYGOTO) {
			gr->cnt_loc = alloc_loc(g, 50);
			if (!gr->cnt_loc)
				gr->kind = GR_PLAIN;
		}
		if (many && i)
			continue;
		if (gr->kind == GR_LOOP || gr->kind == GR_MAYGOTO)
			mut(g, "await %d: %s x%d, cookie %d", i, group_names[gr->kind], gr->n,
			    gr->cookie[0]);
		else if (gr->kind == GR_COND)
			mut(g, "await %d: if bit %d is %d, cookie %d", i, gr->bit, gr->pol,
			    gr->cookie[0]);
		else if (gr->kind == GR_BOTH)
			mut(g, "await %d: on both branches of bit %d, cookies %d and %d", i,
			    gr->bit, gr->cookie[0], gr->cookie[1]);
		else
			mut(g, "await %d: plain, cookie %d", i, gr->cookie[0]);
	}
}

/*
 * Changes to the packet or ctx before the first await that the code after
 * the last one must see: bpf_xdp_adjust_head(), metadata, a packet byte,
 * a SYSCALL ctx word.
 */
static void pick_writes(struct gen *g)
{
	if (g->xdp && !g->entry_loop && fz_chance(g->r, 20)) {
		g->pkt_shift = 2 << fz_below(g->r, 3);
		add_item(g, 0, 0, I_ADJUST_HEAD, 0, 0);
		mut(g, "bpf_xdp_adjust_head(ctx, %d) first", g->pkt_shift);
	}
	if (g->xdp && !g->entry_loop && fz_chance(g->r, 20)) {
		g->meta_v = 0x500 + fz_below(g->r, 0x1000);
		add_item(g, 0, 0, I_META_WRITE, 0, 0);
		add_item(g, g->nr_groups, 1, I_META_READ, 0, 0);
		mut(g, "8 bytes of metadata written before await 0, read after the last");
	}
	if (g->xdp && fz_chance(g->r, 20)) {
		g->pkt_w = 0x80 + fz_below(g->r, 0x7f);
		add_item(g, 0, 1, I_PKT_WRITE, 0, 0);
		add_item(g, g->nr_groups, 1, I_PKT_READ1, 0, 0);
		mut(g, "packet byte 1 written before await 0, read after the last");
	}
	if (is_syscall(g) && fz_chance(g->r, 25)) {
		g->ctx_w = 0x700 + fz_below(g->r, 0x1000);
		add_item(g, 0, 1, I_CTX_WRITE, 0, 0);
		add_item(g, g->nr_groups, 1, I_CTX_READ8, 0, 0);
		mut(g, "ctx word 1 written before await 0, read after the last");
	}
}

/* Items placed where no rule is broken. */
static void pick_clean_items(struct gen *g)
{
	int i, n, seg;

	static const int kinds[] = { I_PKT, I_ALOOK, I_HLOOK, I_PLOOK, I_ACC1 };
	static const char *const names[] = { "packet access", "array lookup", "hash lookup",
					     "percpu lookup", "constant" };

	n = fz_below(g->r, 5);
	for (i = 0; i < n; i++) {
		unsigned int k = fz_below(g->r, 5);
		int kind = kinds[k];

		if (kind == I_PKT && !g->xdp)
			kind = I_CTXREAD;
		if (g->p->type == T_TC && (kind == I_CTXREAD || kind == I_PLOOK))
			continue;
		seg = any_seg(g);
		add_item(g, seg, 1, kind, 0x1000 << i, 0);
		mut(g, "%s %s await %d", kind == I_CTXREAD ? "ctx read" : names[k],
		    seg ? "after" : "before", seg ? seg - 1 : 0);
	}
	for (i = 0; i < g->nr_groups; i++) {
		struct group *gr = &g->groups[i];

		if ((gr->kind != GR_LOOP && gr->kind != GR_MAYGOTO) || !fz_chance(g->r, 30))
			continue;
		gr->inloop = I_ACC1;
		if (!sleepable(g) && g->p->type != T_TC && fz_chance(g->r, 60)) {
			gr->inloop = fz_chance(g->r, 50) || !g->env->kfunc[K_THROW] ?
				     I_GLOBAL : I_THROW;
		}
		mut(g, "in loop %d before its await: %s", i,
		    gr->inloop == I_ACC1 ? "constant" : gr->inloop == I_GLOBAL ?
		    "global function" : "bpf_throw");
	}
	if (fz_chance(g->r, 20)) {
		seg = any_seg(g);
		add_item(g, seg, 1, I_MAYGOTO, 0, 0);
		mut(g, "may_goto loop %s await", seg ? "after" : "before");
	}
	if (fz_chance(g->r, 30) && g->static_kind == ST_NONE) {
		unsigned int k = fz_below(g->r, 8);

		g->static_kind = k < 3 ? ST_PLAIN : k < 5 ? ST_STACK : k < 6 ? ST_SLEEP : ST_THROW;
		if ((g->static_kind == ST_SLEEP && !sleepable(g)) ||
		    (g->static_kind == ST_THROW && !g->env->kfunc[K_THROW]) ||
		    (g->static_kind >= ST_SLEEP && g->p->type == T_TC))
			g->static_kind = ST_PLAIN;
		g->static_bit = fz_below(g->r, 16);
		/* sleepable programs may sleep or throw before the first await only */
		seg = g->static_kind >= ST_SLEEP && sleepable(g) ? 0 : any_seg(g);
		add_item(g, seg, 1, I_STATIC, 0, 0);
		mut(g, "static function%s %s await", static_names[g->static_kind],
		    seg ? "after" : "before");
	}
	if (is_syscall(g) && fz_chance(g->r, 15)) {
		seg = any_seg(g);
		add_item(g, seg, 1, I_TSTORE, 0, 0);
		mut(g, "task storage created %s await", seg ? "after" : "before");
	}
	if (g->p->type == T_TC)
		return;
	pick_writes(g);
	if (fz_chance(g->r, 20) && !(sleepable(g) && g->entry_loop)) {
		/* sleepable programs may call them before the await only */
		seg = sleepable(g) ? 0 : any_seg(g);
		add_item(g, seg, 1, I_GLOBAL, 0, 0);
		mut(g, "global function %s await", seg ? "after" : "before");
	}
	if (fz_chance(g->r, 15) && g->env->kfunc[K_THROW] && !(sleepable(g) && g->entry_loop)) {
		seg = sleepable(g) ? 0 : any_seg(g);
		add_item(g, seg, 1, I_THROW, fz_below(g->r, 16), 0);
		mut(g, "bpf_throw on bit %d %s await", g->items[g->nr_items - 1].a,
		    seg ? "after" : "before");
	}
	if (sleepable(g) && fz_chance(g->r, 25)) {
		bool kf = g->env->kfunc[K_COPY_STR] && fz_chance(g->r, 50);

		/* with a loop from the entry, it follows an await too */
		add_item(g, 0, 1, kf ? I_SLEEP_KFUNC : I_SLEEP_HELPER, 0, 0);
		mut(g, "sleepable %s before await%s", kf ? "kfunc" : "helper",
		    g->entry_loop ? ", in the loop from the entry" : "");
	}
	if (fz_chance(g->r, 30)) {
		int h = fz_below(g->r, NR_HELD);

		if (h == H_REF && !is_syscall(g))
			h = H_RCU;
		if (g->env->kfunc[K_ITER_NEW] || h != H_ITER) {
			seg = any_seg(g);
			add_item(g, seg, 1, I_HELD, h, HELD_BEFORE);
			mut(g, "%s taken and dropped %s await", held_names[h], seg ? "after" : "before");
		}
	}
	if (fz_chance(g->r, 15)) {
		seg = any_seg(g);
		add_item(g, seg, 1, I_DYN_NEW, 0, 0);
		add_item(g, seg, 2, I_DYN_READ, 0, 0);
		mut(g, "dynptr made and read %s await", seg ? "after" : "before");
	}
}

static void pick_stack(struct gen *g, bool too_deep)
{
	static const int edges[] = { 456, 464, 448, 440 };
	static const int deep[] = { 472, 480, 488, 504, 512 };
	int s, i;

	if (too_deep)
		s = deep[fz_below(g->r, 5)];
	else if (fz_chance(g->r, 40))
		s = edges[fz_below(g->r, 4)];
	else
		s = DEEP_MIN + 8 * fz_below(g->r, (464 - DEEP_MIN) / 8 + 1);
	g->nr_stack_words = 1 + fz_below(g->r, 4);
	g->stack_words[0] = -s;
	/* distinct words between the deepest one and DEEP_MIN */
	for (i = 1; i < g->nr_stack_words && -g->stack_words[i - 1] > DEEP_MIN; i++)
		g->stack_words[i] = g->stack_words[i - 1] +
				    8 * (1 + (int)fz_below(g->r, 4));
	g->nr_stack_words = i;
	for (i = 1; i < g->nr_stack_words; i++)
		if (-g->stack_words[i] < DEEP_MIN)
			g->stack_words[i] = -DEEP_MIN;
	while (g->nr_stack_words > 1 &&
	       g->stack_words[g->nr_stack_words - 1] == g->stack_words[g->nr_stack_words - 2])
		g->nr_stack_words--;
	for (i = 0; i < g->nr_stack_words; i++)
		g->stack_vals[i] = 0x100 + fz_below(g->r, 0x1000);
	add_item(g, fz_below(g->r, g->nr_groups), 1, I_STACK_DEF, 0, 0);
	add_item(g, g->nr_groups, 1, I_STACK_USE, 0, 0);
	mut(g, "stack used down to fp-%d (%d words)", s, g->nr_stack_words);
}

static bool violate(struct gen *g, int vi)
{
	struct val *v;
	int seg, h, i;

	switch (vi) {
	case VI_USE_INVAL:
		v = add_val(g, pick_kind(g, true));
		if (!v)
			return false;
		v->used = true;
		break;
	case VI_MERGE_INVAL:
	case VI_MERGE_CTX:
		v = add_val(g, vi == VI_MERGE_CTX ? VK_CTX : pick_kind(g, true));
		if (!v)
			return false;
		v->merge = true;
		v->used = true;
		v->bit = fz_below(g->r, 16);
		v->pol = fz_below(g->r, 2);
		break;
	case VI_ARG0:
		g->arg0_group = fz_below(g->r, g->nr_groups);
		g->arg0_kind = fz_below(g->r, 4);
		mut(g, "await %d gets %s as arg#0", g->arg0_group, arg0_names[g->arg0_kind]);
		break;
	case VI_SUBAWAIT:
		if (g->static_kind != ST_NONE)
			return false;
		g->static_kind = ST_AWAIT;
		add_item(g, any_seg(g), 1, I_STATIC, 0, 0);
		expect(g, P_VERIFY, R_AWAIT_SUBPROG);
		mut(g, "await in a static function");
		break;
	case VI_LOOPCB:
		add_item(g, any_seg(g), 1, I_LOOPCB, 0, 0);
		mut(g, "await in a bpf_loop callback");
		break;
	case VI_HELD:
		if (g->held_across >= 0)
			return false;
		for (i = 0; i < g->nr_groups; i++)
			if (g->groups[i].inloop >= 0)
				return false;
		h = fz_below(g->r, NR_HELD);
		if ((h == H_REF && !is_syscall(g)) || (h == H_ITER && !g->env->kfunc[K_ITER_NEW]))
			h = H_PREEMPT;
		if (g->groups[0].kind != GR_PLAIN && g->groups[0].kind != GR_LOOP)
			g->groups[0].kind = GR_PLAIN;
		g->held_across = h;
		add_item(g, 0, 2, I_HELD, h, HELD_ACQUIRE);
		add_item(g, g->nr_groups, 0, I_HELD, h, HELD_RELEASE);
		mut(g, "%s held across the awaits", held_names[h]);
		break;
	case VI_DYNPTR:
		seg = fz_below(g->r, g->nr_groups);
		add_item(g, seg, 1, I_DYN_NEW, 0, 0);
		add_item(g, seg + 1 + fz_below(g->r, g->nr_groups - seg), 1, I_DYN_READ, 0, 0);
		mut(g, "dynptr made before await %d, read after it", seg);
		break;
	case VI_SLEEP:
		if (!sleepable(g)) {
			/* XDP: a sleepable kfunc anywhere */
			if (!g->env->kfunc[K_COPY_STR])
				return false;
			seg = any_seg(g);
			add_item(g, seg, 1, I_SLEEP_KFUNC, 0, 0);
			mut(g, "sleepable kfunc %s await in a non-sleepable program",
			    seg ? "after" : "before");
			break;
		}
		if (fz_chance(g->r, 25)) {
			g->queue_kind = Q_SLEEP;
			mut(g, "queue_fn calls a sleepable helper");
			break;
		}
		if (g->static_kind == ST_NONE && fz_chance(g->r, 30)) {
			g->static_kind = fz_chance(g->r, 50) || !g->env->kfunc[K_THROW] ?
					 ST_SLEEP : ST_THROW;
			g->static_bit = fz_below(g->r, 16);
			add_item(g, 1 + fz_below(g->r, g->nr_groups), 1, I_STATIC, 0, 0);
			mut(g, "static function%s after await", static_names[g->static_kind]);
			break;
		}
		seg = 1 + (int)fz_below(g->r, g->nr_groups);
		i = g->env->kfunc[K_COPY_STR] && fz_chance(g->r, 50) ? I_SLEEP_KFUNC : I_SLEEP_HELPER;
		add_item(g, seg, 1, i, 0, 0);
		mut(g, "sleepable %s after await", i == I_SLEEP_KFUNC ? "kfunc" : "helper");
		break;
	case VI_SLEEP_LOOP:
		if (!sleepable(g) || g->held_across >= 0)
			return false;
		for (i = 0; i < g->nr_groups; i++) {
			struct group *gr = &g->groups[i];

			if (gr->kind != GR_LOOP && gr->kind != GR_MAYGOTO)
				continue;
			gr->n = 2 + fz_below(g->r, 3);
			gr->inloop = sleep_in_loop[fz_below(g->r, 4)];
			if ((gr->inloop == I_THROW && !g->env->kfunc[K_THROW]) ||
			    (gr->inloop == I_SLEEP_KFUNC && !g->env->kfunc[K_COPY_STR]))
				gr->inloop = I_SLEEP_HELPER;
			mut(g, "await %d loops %d times; before its await: %s", i, gr->n,
			    gr->inloop == I_SLEEP_HELPER ? "sleepable helper" :
			    gr->inloop == I_GLOBAL ? "global function" :
			    gr->inloop == I_THROW ? "bpf_throw" : "sleepable kfunc");
			return true;
		}
		return false;
	case VI_GLOBAL:
		if (!sleepable(g))
			return false;
		add_item(g, 1 + fz_below(g->r, g->nr_groups), 1, I_GLOBAL, 0, 0);
		mut(g, "global function after await");
		break;
	case VI_THROW:
		if (!sleepable(g) || !g->env->kfunc[K_THROW])
			return false;
		add_item(g, 1 + fz_below(g->r, g->nr_groups), 1, I_THROW, fz_below(g->r, 16), 0);
		mut(g, "bpf_throw after await");
		break;
	case VI_COMBINED:
		if (g->static_kind != ST_NONE)
			return false;
		g->static_kind = ST_STACK;
		add_item(g, any_seg(g), 1, I_STATIC, 0, 0);
		if (!g->nr_stack_words)
			pick_stack(g, false);
		if (g->stack_words[0] > -456)
			g->stack_words[0] = fz_chance(g->r, 50) ? -456 : -464;
		mut(g, "static function with 16 bytes of stack, main's down to fp%d",
		    g->stack_words[0]);
		break;
	case VI_TAIL:
		if (g->static_kind == ST_NONE && fz_chance(g->r, 40)) {
			g->static_kind = ST_TAIL;
			add_item(g, any_seg(g), 1, I_STATIC, 0, 0);
			mut(g, "tail call in a static function");
		} else {
			seg = any_seg(g);
			add_item(g, seg, 1, I_TAIL, 0, 0);
			mut(g, "tail call %s await", seg ? "after" : "before");
		}
		g->has_tail = true;
		break;
	case VI_QUEUE:
		do {
			g->queue_kind = Q_LEAK + fz_below(g->r, Q_SLEEP - Q_LEAK);
		} while (g->queue_kind == Q_AWAIT && fz_chance(g->r, 50));
		break;
	case VI_TYPE:
		i = fz_below(g->r, 4);
		if (i == 2 && !g->env->ifindex)
			i = 3;
		g->p->type = no_await_types[i];
		g->p->sleepable = false;
		g->xdp = g->p->type != T_TC;
		break;
	default:
		return false;
	}
	return true;
}

/* The rules that depend on the whole program: stack and tail calls. */

void fz_generate(struct fz_prog *p, const struct fz_env *env, struct fz_rng *rng)
{
	struct gen *g = calloc(1, sizeof(*g));
	int i, n, tries;
	char loc[16];

	memset(p, 0, sizeof(*p));
	if (!g) {
		p->overflow = true;
		return;
	}
	g->p = p;
	g->env = env;
	g->r = rng;
	g->in_main = true;
	g->arg0_group = -1;
	g->held_across = -1;
	g->dyn_new_seg = -1;
	as_init(&g->a, p->insns, FZ_MAX_INSNS);
	g->fail = as_label(&g->a);
	g->l_qfn = as_label(&g->a);
	g->l_qfn2 = as_label(&g->a);
	g->l_static = as_label(&g->a);
	g->l_loopcb = as_label(&g->a);
	g->l_global = as_label(&g->a);

	g->bad = fz_chance(rng, 50);
	pick_type(g);
	g->queue_kind = fz_chance(rng, 75) ? Q_STASH : Q_RELEASE;

	/* Violations that change the type or the number of awaits first. */
	n = !g->bad ? 0 : fz_chance(rng, 80) ? 1 : 2;
	{
		int vis[2] = { -1, -1 };

		for (i = 0; i < n; i++)
			vis[i] = fz_below(rng, NR_VI);
		if (vis[0] == VI_TYPE || vis[1] == VI_TYPE)
			violate(g, VI_TYPE);
		pick_groups(g, vis[0] == VI_TOO_MANY || vis[1] == VI_TOO_MANY ? 2 :
			    fz_chance(rng, 4) ? 1 : 0);
		g->ctx_loc = alloc_loc(g, 50);
		loc_name(g->ctx_loc, loc, sizeof(loc));
		mut(g, "ctx in %s", loc);
		if (g->nr_groups <= 3 && p->type != T_TC && fz_chance(rng, 12)) {
			g->entry_loop = true;
			g->entry_n = 1 + fz_below(rng, 3);
			mut(g, "everything in a may_goto loop from the first instruction, %d times",
			    g->entry_n);
		}
		pick_clean_items(g);
		/* values kept across the awaits */
		n = fz_below(rng, 5);
		for (i = 0; i < n; i++) {
			struct val *v = add_val(g, pick_kind(g, fz_chance(rng, 35)));

			if (v && fz_chance(rng, 15) && (v->kind == VK_CTX || vk_invalidated(v->kind))) {
				/*
				 * merged with a scalar, not used: allowed (may be
				 * refused for a ctx whose paths are not pruned)
				 */
				v->merge = true;
				v->used = false;
				v->bit = fz_below(rng, 16);
				v->pol = fz_below(rng, 2);
			}
		}
		if (fz_chance(rng, 45))
			pick_stack(g, vis[0] == VI_STACK || vis[1] == VI_STACK);
		else if (vis[0] == VI_STACK || vis[1] == VI_STACK)
			pick_stack(g, true);
		for (i = 0; i < 2; i++) {
			if (vis[i] < 0 || vis[i] == VI_TYPE || vis[i] == VI_TOO_MANY ||
			    vis[i] == VI_STACK)
				continue;
			/* another one, of those that come after the items */
			for (tries = 0; tries < 8 && !violate(g, vis[i]); tries++)
				do {
					vis[i] = fz_below(rng, NR_VI);
				} while (vis[i] == VI_TYPE || vis[i] == VI_TOO_MANY ||
					 vis[i] == VI_STACK);
		}
		for (i = 0; i < 2; i++)
			if (vis[i] >= 0)
				mut(g, "violation: %s", violation_names[vis[i]]);
	}
	if ((g->static_kind == ST_STACK || g->static_kind == ST_SLEEP) && !g->bad &&
	    g->nr_stack_words && g->stack_words[0] < -440) {
		/* clean programs keep the combined stack in bounds */
		int k = 0;

		for (i = 0; i < g->nr_stack_words; i++)
			if (g->stack_words[i] > -440)
				g->stack_words[k++] = g->stack_words[i];
		if (!k)
			g->stack_words[k++] = -440;
		g->nr_stack_words = k;
		mut(g, "stack kept above fp-440 for the static function");
	}
	mut(g, "%s, queue_fn %s", type_names[p->type], queue_names[g->queue_kind]);
	p->queue_release = g->queue_kind == Q_RELEASE;
	if (g->xdp)
		p->ret = xdp_verdicts[fz_below(rng, 3)];
	else
		p->ret = 0x20 + fz_below(rng, 0x50);
	if (p->type == T_TC)
		p->ret = 0;
	for (i = 0; i < g->nr_vals; i++) {
		struct val *v = &g->vals[i];

		add_item(g, v->seg, 1, I_DEF, i, 0);
		if (v->used)
			add_item(g, g->nr_groups, 1, I_USE, i, 0);
		if (v->merge && !v->used)
			g->p->maybe |= 1ULL << (v->loc > 0 ? R_CTX_SCALAR : R_CTX_DATA_SLOT);
		describe_val(g, v);
	}

	emit_program(g);
	p->len = g->a.len;
	if (as_finish(&g->a))
		p->overflow = true;
	free(g);
}
