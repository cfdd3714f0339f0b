// SPDX-License-Identifier: GPL-2.0
/*
 * Emitting a generated program.  As each piece is emitted, the rules it
 * breaks are noted, by the phase of the verifier that finds them (the
 * verdict the documentation predicts), and what it adds to the
 * accumulator in M_ARR when it runs goes into the program's trace (the
 * result the runs must produce).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <linux/filter.h>

#include "gen.h"

static const int held_rules[NR_HELD] = {
	R_LOCK, R_RCU, R_PREEMPT, R_ITER, R_REF_HELD, R_DYNPTR_REF, R_REF_HELD,
};

void mut(struct gen *g, const char *fmt, ...)
{
	struct fz_prog *p = g->p;
	size_t len = strlen(p->mutations);
	va_list ap;

	if (len + 4 >= sizeof(p->mutations))
		return;
	if (len)
		len += snprintf(p->mutations + len, sizeof(p->mutations) - len, "; ");
	va_start(ap, fmt);
	vsnprintf(p->mutations + len, sizeof(p->mutations) - len, fmt, ap);
	va_end(ap);
}

void expect(struct gen *g, int phase, int rule)
{
	g->p->expect[phase] |= 1ULL << rule;
}

static void trace(struct gen *g, int op, int bit, __u64 v)
{
	struct fz_prog *p = g->p;

	if (p->nr_trace >= FZ_MAX_TRACE) {
		p->overflow = true;
		return;
	}
	p->trace[p->nr_trace].op = op;
	p->trace[p->nr_trace].bit = bit;
	p->trace[p->nr_trace].v = v;
	p->nr_trace++;
}

static void touch(struct gen *g, int off)
{
	if (g->in_main && -off > g->max_stack)
		g->max_stack = -off;
}

/* @reg = fp + @off */
static void emit_fp_ptr(struct gen *g, int reg, int off)
{
	E(BPF_MOV64_REG(reg, BPF_REG_10));
	E(BPF_ALU64_IMM(BPF_ADD, reg, off));
}

bool sleepable(struct gen *g)
{
	return g->p->sleepable;
}

bool is_syscall(struct gen *g)
{
	return g->p->type == T_SYSCALL;
}

/* Code after an await point on some path (queue_fn included). */
static bool after_await(struct gen *g)
{
	return g->cur_seg > 0 || g->in_loop || g->entry_loop;
}

/* goto @label, as "goto" or, at random, as a 32-bit "gotol" */
static void emit_goto(struct gen *g, int label)
{
	if (fz_chance(g->r, 50))
		as_jmp(&g->a, BPF_RAW_INSN(BPF_JMP32 | BPF_JA, 0, 0, 0, 0), label);
	else
		as_jmp(&g->a, BPF_JMP_A(0), label);
}

static void emit_ld_map(struct gen *g, int reg, int m)
{
	struct bpf_insn ld[2] = { BPF_LD_MAP_FD(reg, g->env->map_fd[m]) };

	as_emit2(&g->a, ld);
}

static void emit_ld_value(struct gen *g, int reg, int m, int off)
{
	struct bpf_insn ld[2] = { BPF_LD_MAP_VALUE(reg, g->env->map_fd[m], off) };

	as_emit2(&g->a, ld);
}

/* The accumulator M_ARR[ARR_ACC] += @reg (not R1). */
static void emit_acc(struct gen *g, int reg)
{
	emit_ld_value(g, BPF_REG_1, M_ARR, ARR_ACC);
	E(BPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_1, reg, 0));
}

static void emit_acc_imm(struct gen *g, __u64 v)
{
	E(BPF_MOV64_IMM(BPF_REG_3, (int)v));
	emit_acc(g, BPF_REG_3);
	trace(g, T_ADD, 0, v);
}

/* R1 = bit @bit of the selector M_ARR[ARR_SEL]. */
static void emit_sel_bit(struct gen *g, int bit)
{
	emit_ld_value(g, BPF_REG_1, M_ARR, ARR_SEL);
	E(BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_1, 0));
	E(BPF_ALU64_IMM(BPF_AND, BPF_REG_1, 1 << bit));
}

/* bpf_throw(0) if bit @bit of the selector is set. */
static void emit_throw_if(struct gen *g, int bit)
{
	int l = as_label(&g->a);

	emit_sel_bit(g, bit);
	as_jmp(&g->a, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), l);
	E(BPF_MOV64_IMM(BPF_REG_1, 0));
	as_kfunc(&g->a, g->env->kfunc[K_THROW]);
	as_place(&g->a, l);
}

static void emit_store_loc(struct gen *g, int loc, int src)
{
	if (loc > 0) {
		E(BPF_MOV64_REG(loc, src));
	} else {
		E(BPF_STX_MEM(BPF_DW, BPF_REG_10, src, loc));
		touch(g, loc);
	}
}

static void emit_load_loc(struct gen *g, int dst, int loc)
{
	if (loc > 0) {
		E(BPF_MOV64_REG(dst, loc));
	} else {
		E(BPF_LDX_MEM(BPF_DW, dst, BPF_REG_10, loc));
		touch(g, loc);
	}
}

void loc_name(int loc, char *buf, size_t size)
{
	if (loc > 0)
		snprintf(buf, size, "R%d", loc);
	else
		snprintf(buf, size, "fp%d", loc);
}

/* A free R6-R9 or value slot; 0 if none is left. */
int alloc_loc(struct gen *g, int reg_pct)
{
	int i, free_regs = 0, free_slots = 0, n;

	for (i = 0; i < 4; i++)
		free_regs += !(g->regs_used & (1u << i));
	for (i = 0; i < NR_SLOTS; i++)
		free_slots += !(g->slots_used & (1u << i));
	if (!free_regs && !free_slots)
		return 0;
	if (free_regs && (!free_slots || fz_chance(g->r, reg_pct))) {
		n = fz_below(g->r, free_regs);
		for (i = 0; i < 4; i++)
			if (!(g->regs_used & (1u << i)) && !n--) {
				g->regs_used |= 1u << i;
				return BPF_REG_6 + i;
			}
	}
	n = fz_below(g->r, free_slots);
	for (i = 0; i < NR_SLOTS; i++)
		if (!(g->slots_used & (1u << i)) && !n--) {
			g->slots_used |= 1u << i;
			return SLOT_OFF(i);
		}
	return 0;
}

void add_item(struct gen *g, int seg, int order, int kind, int a, int b)
{
	struct item *it;

	if (g->nr_items >= MAX_ITEMS) {
		g->p->overflow = true;
		return;
	}
	it = &g->items[g->nr_items++];
	it->kind = kind;
	it->a = a;
	it->b = b;
	it->seg = seg;
	it->order = order;
}

/* A random segment: 0 before the first await, k after group k-1. */
int any_seg(struct gen *g)
{
	return fz_below(g->r, g->nr_groups + 1);
}

/* --- context reads -------------------------------------------------------- */

/*
 * R2 = packet (or metadata, @meta) start of the XDP ctx in @base, checked
 * to have @len bytes before R3 (data or data_end); jumps to @skip if not.
 */
static void emit_pkt_check(struct gen *g, int base, bool meta, int len, int skip)
{
	E(BPF_LDX_MEM(BPF_W, BPF_REG_2, base, meta ? offsetof(struct xdp_md, data_meta) :
					offsetof(struct xdp_md, data)));
	E(BPF_LDX_MEM(BPF_W, BPF_REG_3, base, meta ? offsetof(struct xdp_md, data) :
					offsetof(struct xdp_md, data_end)));
	E(BPF_MOV64_REG(BPF_REG_4, BPF_REG_2));
	E(BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, len));
	as_jmp(&g->a, BPF_JMP_REG(BPF_JGT, BPF_REG_4, BPF_REG_3, 0), skip);
}

/*
 * Read through the ctx in @base: at XDP, packet byte 0 after a bounds
 * check (the packet is derived from ctx again); for SYSCALL, the u64 at
 * offset 0.  Adds what it read to the accumulator.
 */
static void emit_ctx_read(struct gen *g, int base)
{
	int skip;

	if (g->p->type == T_TC) {
		E(BPF_LDX_MEM(BPF_W, BPF_REG_2, base, 0));
		return;
	}
	if (!g->xdp) {
		E(BPF_LDX_MEM(BPF_DW, BPF_REG_2, base, 0));
		emit_acc(g, BPF_REG_2);
		trace(g, T_ADD, 0, FZ_CTXV);
		return;
	}
	skip = as_label(&g->a);
	emit_pkt_check(g, base, false, 1, skip);
	E(BPF_LDX_MEM(BPF_B, BPF_REG_4, BPF_REG_2, 0));
	emit_acc(g, BPF_REG_4);
	as_place(&g->a, skip);
	trace(g, T_ADD, 0, FZ_PKT_BYTE(g->pkt_shift));
}

/* emit_pkt_check() on the program's ctx (through R1). */
static void emit_pkt_range(struct gen *g, bool meta, int len, int skip)
{
	emit_load_loc(g, BPF_REG_1, g->ctx_loc);
	emit_pkt_check(g, BPF_REG_1, meta, len, skip);
}

/* R0 = lookup of key @key in map @m. */
static void emit_lookup(struct gen *g, int m, int key)
{
	E(BPF_ST_MEM(BPF_W, BPF_REG_10, -8, key));
	touch(g, -8);
	emit_fp_ptr(g, BPF_REG_2, -8);
	emit_ld_map(g, BPF_REG_1, m);
	E(BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem));
}

/* --- values kept across the await ----------------------------------------- */

static void emit_def_kind(struct gen *g, struct val *v)
{
	static const int maps[NR_VK] = { [VK_ARRAY] = M_ARR, [VK_HASH] = M_HASH,
					 [VK_PCPU] = M_PCPU };

	switch (v->kind) {
	case VK_CTX:
		emit_load_loc(g, BPF_REG_2, g->ctx_loc);
		emit_store_loc(g, v->loc, BPF_REG_2);
		break;
	case VK_PKT:
		emit_pkt_range(g, false, 8, g->fail);
		emit_store_loc(g, v->loc, BPF_REG_2);
		break;
	case VK_ARRAY:
	case VK_HASH:
	case VK_PCPU:
		emit_lookup(g, maps[v->kind], 0);
		as_jmp(&g->a, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), g->fail);
		emit_store_loc(g, v->loc, BPF_REG_0);
		break;
	case VK_FP:
		E(BPF_ST_MEM(BPF_DW, BPF_REG_10, v->fp_off, (int)v->v));
		touch(g, v->fp_off);
		emit_fp_ptr(g, BPF_REG_2, v->fp_off);
		emit_store_loc(g, v->loc, BPF_REG_2);
		break;
	case VK_INNER:
		emit_lookup(g, M_OUTER, 0);
		as_jmp(&g->a, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), g->fail);
		E(BPF_MOV64_REG(BPF_REG_1, BPF_REG_0));
		emit_fp_ptr(g, BPF_REG_2, -8);
		E(BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem));
		as_jmp(&g->a, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), g->fail);
		emit_store_loc(g, v->loc, BPF_REG_0);
		break;
	case VK_MAPPTR:
		emit_ld_map(g, BPF_REG_2, M_HASH);
		emit_store_loc(g, v->loc, BPF_REG_2);
		break;
	case VK_BTF:
		E(BPF_EMIT_CALL(BPF_FUNC_get_current_task_btf));
		emit_store_loc(g, v->loc, BPF_REG_0);
		break;
	case VK_SCALAR:
		if (v->from_map) {
			/* a value the verifier cannot know */
			emit_ld_value(g, BPF_REG_1, M_ARR, ARR_VAL);
			E(BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_1, 0));
			E(BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, (int)v->v));
		} else {
			E(BPF_MOV64_IMM(BPF_REG_2, (int)v->v));
		}
		emit_store_loc(g, v->loc, BPF_REG_2);
		break;
	}
}

static void emit_def(struct gen *g, struct val *v)
{
	int other, join;

	if (!v->merge) {
		emit_def_kind(g, v);
		return;
	}
	/* One path holds the value, the other a scalar; they merge here. */
	other = as_label(&g->a);
	join = as_label(&g->a);
	emit_sel_bit(g, v->bit);
	as_jmp(&g->a, BPF_JMP_IMM(v->pol ? BPF_JEQ : BPF_JNE, BPF_REG_1, 0, 0), other);
	emit_def_kind(g, v);
	as_jmp(&g->a, BPF_JMP_A(0), join);
	as_place(&g->a, other);
	E(BPF_MOV64_IMM(BPF_REG_2, 0x77));
	emit_store_loc(g, v->loc, BPF_REG_2);
	as_place(&g->a, join);
}

static void emit_use(struct gen *g, struct val *v)
{
	int rule = v->loc > 0 ? R_INVALID_REG : R_INVALID_SLOT, l;

	if (v->merge) {
		/*
		 * A read that keeps it live: the ctx/scalar merge reaches the
		 * await with both; an invalidated value is refused here.
		 */
		emit_load_loc(g, BPF_REG_2, v->loc);
		E(BPF_JMP_IMM(BPF_JEQ, BPF_REG_2, 0x77, 1));
		E(BPF_MOV64_IMM(BPF_REG_2, 0));
		if (v->kind == VK_CTX)
			expect(g, P_VERIFY, v->loc > 0 ? R_CTX_SCALAR : R_CTX_DATA_SLOT);
		else
			expect(g, P_VERIFY, rule);
		if (v->kind == VK_PKT && g->has_tail)
			expect(g, P_VERIFY, G_INVALID_MEM);
		return;
	}
	if (vk_invalidated(v->kind))
		expect(g, P_VERIFY, rule);
	/* a tail call before the await turns a packet pointer into a scalar */
	if (v->kind == VK_PKT && g->has_tail)
		expect(g, P_VERIFY, G_INVALID_MEM);
	switch (v->kind) {
	case VK_CTX:
		emit_load_loc(g, BPF_REG_5, v->loc);
		emit_ctx_read(g, BPF_REG_5);
		break;
	case VK_PKT:
		emit_load_loc(g, BPF_REG_2, v->loc);
		E(BPF_LDX_MEM(BPF_B, BPF_REG_3, BPF_REG_2, 0));
		emit_acc(g, BPF_REG_3);
		trace(g, T_ADD, 0, FZ_PKT_BYTE(g->pkt_shift));
		break;
	case VK_ARRAY:
		emit_load_loc(g, BPF_REG_2, v->loc);
		E(BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_2, ARR_VAL));
		emit_acc(g, BPF_REG_3);
		trace(g, T_ADD, 0, FZ_AV);
		break;
	case VK_MAPPTR:
		l = as_label(&g->a);
		emit_load_loc(g, BPF_REG_1, v->loc);
		E(BPF_ST_MEM(BPF_W, BPF_REG_10, -8, 0));
		emit_fp_ptr(g, BPF_REG_2, -8);
		E(BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem));
		as_jmp(&g->a, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), l);
		E(BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_0, 0));
		emit_acc(g, BPF_REG_3);
		as_place(&g->a, l);
		trace(g, T_ADD, 0, FZ_HV);
		break;
	case VK_HASH:
	case VK_PCPU:
	case VK_FP:
	case VK_INNER:
	case VK_BTF:
		emit_load_loc(g, BPF_REG_2, v->loc);
		E(BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_2, 0));
		emit_acc(g, BPF_REG_3);
		trace(g, T_ADD, 0, v->kind == VK_HASH ? FZ_HV : v->kind == VK_PCPU ? FZ_PV :
				   v->kind == VK_FP ? v->v : 0);
		break;
	case VK_SCALAR:
		emit_load_loc(g, BPF_REG_3, v->loc);
		emit_acc(g, BPF_REG_3);
		trace(g, T_ADD, 0, v->from_map ? FZ_AV + v->v : v->v);
		break;
	}
}

/* --- held resources ------------------------------------------------------- */

static void emit_held(struct gen *g, int kind, int mode)
{
	const int *k = g->env->kfunc;
	int skip = as_label(&g->a), release;

	switch (kind) {
	case H_LOCK:
		if (mode == HELD_RELEASE) {
			E(BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, LOCK_SPILL));
			E(BPF_EMIT_CALL(BPF_FUNC_spin_unlock));
			break;
		}
		emit_lookup(g, M_LOCKS, 0);
		as_jmp(&g->a, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0),
		       mode == HELD_BEFORE ? skip : g->fail);
		E(BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_0, LOCK_SPILL));
		touch(g, LOCK_SPILL);
		E(BPF_MOV64_REG(BPF_REG_1, BPF_REG_0));
		E(BPF_EMIT_CALL(BPF_FUNC_spin_lock));
		if (mode == HELD_BEFORE) {
			E(BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, LOCK_SPILL));
			E(BPF_EMIT_CALL(BPF_FUNC_spin_unlock));
		}
		break;
	case H_RCU:
	case H_PREEMPT:
		if (mode != HELD_RELEASE)
			as_kfunc(&g->a, k[kind == H_RCU ? K_RCU_LOCK : K_PREEMPT_DISABLE]);
		if (mode != HELD_ACQUIRE)
			as_kfunc(&g->a, k[kind == H_RCU ? K_RCU_UNLOCK : K_PREEMPT_ENABLE]);
		break;
	case H_ITER:
		touch(g, ITER_OFF);
		if (mode != HELD_RELEASE) {
			emit_fp_ptr(g, BPF_REG_1, ITER_OFF);
			E(BPF_MOV64_IMM(BPF_REG_2, 0));
			E(BPF_MOV64_IMM(BPF_REG_3, 4));
			as_kfunc(&g->a, k[K_ITER_NEW]);
		}
		if (mode == HELD_BEFORE) {
			emit_fp_ptr(g, BPF_REG_1, ITER_OFF);
			as_kfunc(&g->a, k[K_ITER_NEXT]);
		}
		if (mode != HELD_ACQUIRE) {
			emit_fp_ptr(g, BPF_REG_1, ITER_OFF);
			as_kfunc(&g->a, k[K_ITER_DESTROY]);
		}
		break;
	case H_REF:
	case H_HANDLE:
		/* a cpumask, or the coroutine handle taken out of slot 3 */
		release = k[kind == H_REF ? K_CPUMASK_RELEASE : K_RELEASE];
		if (mode == HELD_RELEASE) {
			E(BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, REF_SPILL));
			as_kfunc(&g->a, release);
			break;
		}
		if (kind == H_REF) {
			as_kfunc(&g->a, k[K_CPUMASK_CREATE]);
		} else {
			emit_lookup(g, M_SLOTS, 3);
			as_jmp(&g->a, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), skip);
			E(BPF_MOV64_REG(BPF_REG_1, BPF_REG_0));
			E(BPF_MOV64_IMM(BPF_REG_2, 0));
			E(BPF_EMIT_CALL(BPF_FUNC_kptr_xchg));
		}
		as_jmp(&g->a, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0),
		       mode == HELD_BEFORE ? skip : g->fail);
		if (mode == HELD_BEFORE) {
			E(BPF_MOV64_REG(BPF_REG_1, BPF_REG_0));
			as_kfunc(&g->a, release);
		} else {
			E(BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_0, REF_SPILL));
			touch(g, REF_SPILL);
		}
		break;
	case H_RINGBUF:
		touch(g, RB_OFF);
		if (mode != HELD_RELEASE) {
			emit_ld_map(g, BPF_REG_1, M_RINGBUF);
			E(BPF_MOV64_IMM(BPF_REG_2, 8));
			E(BPF_MOV64_IMM(BPF_REG_3, 0));
			emit_fp_ptr(g, BPF_REG_4, RB_OFF);
			E(BPF_EMIT_CALL(BPF_FUNC_ringbuf_reserve_dynptr));
		}
		if (mode != HELD_ACQUIRE) {
			emit_fp_ptr(g, BPF_REG_1, RB_OFF);
			E(BPF_MOV64_IMM(BPF_REG_2, 0));
			E(BPF_EMIT_CALL(BPF_FUNC_ringbuf_discard_dynptr));
		}
		break;
	}
	as_place(&g->a, skip);
	if (mode == HELD_ACQUIRE)
		expect(g, P_VERIFY, held_rules[kind]);
}

/* --- items ---------------------------------------------------------------- */

/* R1-R3 of a copy of 8 bytes from user address 0 to COPY_BUF */
static void emit_copy_args(struct gen *g)
{
	emit_fp_ptr(g, BPF_REG_1, COPY_BUF);
	touch(g, COPY_BUF);
	E(BPF_MOV64_IMM(BPF_REG_2, 8));
	E(BPF_MOV64_IMM(BPF_REG_3, 0));
}

static void emit_sleep_helper(struct gen *g)
{
	emit_copy_args(g);
	E(BPF_EMIT_CALL(BPF_FUNC_copy_from_user));
	if (after_await(g))
		expect(g, P_VERIFY, R_SLEEP_HELPER);
}

static void emit_item(struct gen *g, struct item *it)
{
	int l1, l2;

	switch (it->kind) {
	case I_DEF:
		emit_def(g, &g->vals[it->a]);
		break;
	case I_USE:
		emit_use(g, &g->vals[it->a]);
		break;
	case I_PKT:
	case I_CTXREAD:
		emit_load_loc(g, BPF_REG_5, g->ctx_loc);
		emit_ctx_read(g, BPF_REG_5);
		break;
	case I_ALOOK:
	case I_HLOOK:
	case I_PLOOK:
		l1 = as_label(&g->a);
		emit_lookup(g, it->kind == I_ALOOK ? M_ARR : it->kind == I_HLOOK ? M_HASH : M_PCPU,
			    0);
		as_jmp(&g->a, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), l1);
		E(BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_0, it->kind == I_ALOOK ? ARR_VAL : 0));
		emit_acc(g, BPF_REG_3);
		as_place(&g->a, l1);
		trace(g, T_ADD, 0, it->kind == I_ALOOK ? FZ_AV : it->kind == I_HLOOK ? FZ_HV : FZ_PV);
		break;
	case I_STATIC:
		if (g->static_kind == ST_TAIL || g->static_kind == ST_AWAIT)
			emit_load_loc(g, BPF_REG_1, g->ctx_loc);
		else
			E(BPF_MOV64_IMM(BPF_REG_1, 5));
		as_call(&g->a, g->l_static);
		if (g->static_kind == ST_THROW)
			trace(g, T_THROW, g->static_bit, 0);
		if (g->static_kind != ST_AWAIT) {
			E(BPF_MOV64_REG(BPF_REG_3, BPF_REG_0));
			emit_acc(g, BPF_REG_3);
			trace(g, T_ADD, 0, 6);
		}
		if (g->static_kind == ST_SLEEP && after_await(g))
			expect(g, P_VERIFY, R_SLEEP_HELPER);
		if (g->static_kind == ST_THROW && sleepable(g) && after_await(g))
			expect(g, P_VERIFY, R_THROW);
		break;
	case I_TAIL:
		emit_load_loc(g, BPF_REG_1, g->ctx_loc);
		emit_ld_map(g, BPF_REG_2, g->xdp ? M_PA_XDP : M_PA_SYS);
		E(BPF_MOV64_IMM(BPF_REG_3, 0));
		E(BPF_EMIT_CALL(BPF_FUNC_tail_call));
		break;
	case I_MAYGOTO:
		l1 = as_label(&g->a);
		l2 = as_label(&g->a);
		E(BPF_MOV64_IMM(BPF_REG_2, 0));
		as_place(&g->a, l1);
		as_jmp(&g->a, BPF_RAW_INSN(BPF_JMP | BPF_JCOND, 0, BPF_MAY_GOTO, 0, 0), l2);
		E(BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, 1));
		as_jmp(&g->a, BPF_JMP_IMM(BPF_JLT, BPF_REG_2, 3, 0), l1);
		as_place(&g->a, l2);
		E(BPF_MOV64_REG(BPF_REG_3, BPF_REG_2));
		emit_acc(g, BPF_REG_3);
		trace(g, T_ADD, 0, 3);
		break;
	case I_SLEEP_HELPER:
		emit_sleep_helper(g);
		break;
	case I_SLEEP_KFUNC:
		emit_copy_args(g);
		E(BPF_MOV64_IMM(BPF_REG_4, 0));
		as_kfunc(&g->a, g->env->kfunc[K_COPY_STR]);
		if (!sleepable(g))
			expect(g, P_VERIFY, G_MUST_SLEEPABLE);
		else if (after_await(g))
			expect(g, P_VERIFY, R_SLEEP_KFUNC);
		break;
	case I_GLOBAL:
		E(BPF_MOV64_IMM(BPF_REG_1, 5));
		as_call(&g->a, g->l_global);
		E(BPF_MOV64_REG(BPF_REG_3, BPF_REG_0));
		emit_acc(g, BPF_REG_3);
		trace(g, T_ADD, 0, 6);
		if (sleepable(g) && after_await(g))
			expect(g, P_VERIFY, R_GLOBAL_FN);
		break;
	case I_THROW:
		emit_throw_if(g, it->a);
		trace(g, T_THROW, it->a, 0);
		if (sleepable(g) && after_await(g))
			expect(g, P_VERIFY, R_THROW);
		break;
	case I_HELD:
		emit_held(g, it->a, it->b);
		break;
	case I_DYN_NEW:
		emit_ld_value(g, BPF_REG_1, M_ARR, ARR_DYN);
		E(BPF_MOV64_IMM(BPF_REG_2, 8));
		E(BPF_MOV64_IMM(BPF_REG_3, 0));
		emit_fp_ptr(g, BPF_REG_4, DYN_OFF);
		touch(g, DYN_OFF);
		E(BPF_EMIT_CALL(BPF_FUNC_dynptr_from_mem));
		g->dyn_new_seg = g->cur_seg;
		break;
	case I_DYN_READ:
		emit_fp_ptr(g, BPF_REG_1, DYN_BUF);
		touch(g, DYN_BUF);
		E(BPF_MOV64_IMM(BPF_REG_2, 8));
		emit_fp_ptr(g, BPF_REG_3, DYN_OFF);
		E(BPF_MOV64_IMM(BPF_REG_4, 0));
		E(BPF_MOV64_IMM(BPF_REG_5, 0));
		E(BPF_EMIT_CALL(BPF_FUNC_dynptr_read));
		E(BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_10, DYN_BUF));
		emit_acc(g, BPF_REG_3);
		trace(g, T_ADD, 0, FZ_DV);
		if (g->dyn_new_seg < g->cur_seg)
			expect(g, P_VERIFY, R_DYNPTR_INVALID);
		break;
	case I_STACK_DEF:
		for (l1 = 0; l1 < g->nr_stack_words; l1++) {
			E(BPF_ST_MEM(BPF_DW, BPF_REG_10, g->stack_words[l1], (int)g->stack_vals[l1]));
			touch(g, g->stack_words[l1]);
		}
		break;
	case I_STACK_USE:
		for (l1 = 0; l1 < g->nr_stack_words; l1++) {
			E(BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_10, g->stack_words[l1]));
			emit_acc(g, BPF_REG_3);
			trace(g, T_ADD, 0, g->stack_vals[l1]);
		}
		break;
	case I_LOOPCB:
		E(BPF_MOV64_IMM(BPF_REG_1, 1));
		as_ld_func(&g->a, BPF_REG_2, g->l_loopcb);
		E(BPF_MOV64_IMM(BPF_REG_3, 0));
		E(BPF_MOV64_IMM(BPF_REG_4, 0));
		E(BPF_EMIT_CALL(BPF_FUNC_loop));
		expect(g, P_VERIFY, R_AWAIT_CALLBACK);
		break;
	case I_ACC1:
		emit_acc_imm(g, it->a);
		break;
	case I_ADJUST_HEAD:
	case I_META_WRITE:
		emit_load_loc(g, BPF_REG_1, g->ctx_loc);
		E(BPF_MOV64_IMM(BPF_REG_2, it->kind == I_ADJUST_HEAD ? g->pkt_shift : -8));
		E(BPF_EMIT_CALL(it->kind == I_ADJUST_HEAD ? BPF_FUNC_xdp_adjust_head :
				BPF_FUNC_xdp_adjust_meta));
		as_jmp(&g->a, BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 0), g->fail);
		if (it->kind == I_ADJUST_HEAD)
			break;
		l1 = as_label(&g->a);
		emit_pkt_range(g, true, 8, l1);
		E(BPF_MOV64_IMM(BPF_REG_5, (int)g->meta_v));
		E(BPF_STX_MEM(BPF_DW, BPF_REG_2, BPF_REG_5, 0));
		as_place(&g->a, l1);
		break;
	case I_META_READ:
	case I_PKT_READ1:
		l1 = as_label(&g->a);
		emit_pkt_range(g, it->kind == I_META_READ, it->kind == I_META_READ ? 8 : 2, l1);
		if (it->kind == I_META_READ)
			E(BPF_LDX_MEM(BPF_DW, BPF_REG_5, BPF_REG_2, 0));
		else
			E(BPF_LDX_MEM(BPF_B, BPF_REG_5, BPF_REG_2, 1));
		emit_acc(g, BPF_REG_5);
		as_place(&g->a, l1);
		trace(g, T_ADD, 0, it->kind == I_META_READ ? g->meta_v : g->pkt_w);
		break;
	case I_PKT_WRITE:
		l1 = as_label(&g->a);
		emit_pkt_range(g, false, 2, l1);
		E(BPF_MOV64_IMM(BPF_REG_5, (int)g->pkt_w));
		E(BPF_STX_MEM(BPF_B, BPF_REG_2, BPF_REG_5, 1));
		as_place(&g->a, l1);
		break;
	case I_CTX_WRITE:
		emit_load_loc(g, BPF_REG_1, g->ctx_loc);
		E(BPF_MOV64_IMM(BPF_REG_2, (int)g->ctx_w));
		E(BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_2, 8));
		break;
	case I_TSTORE:
		/* allocates: with GFP_ATOMIC after an await */
		l1 = as_label(&g->a);
		E(BPF_EMIT_CALL(BPF_FUNC_get_current_task_btf));
		E(BPF_MOV64_REG(BPF_REG_2, BPF_REG_0));
		emit_ld_map(g, BPF_REG_1, M_TSTORE);
		E(BPF_MOV64_IMM(BPF_REG_3, 0));
		E(BPF_MOV64_IMM(BPF_REG_4, BPF_LOCAL_STORAGE_GET_F_CREATE));
		E(BPF_EMIT_CALL(BPF_FUNC_task_storage_get));
		as_jmp(&g->a, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), l1);
		E(BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_0, 0));
		E(BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1));
		E(BPF_STX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 0));
		as_place(&g->a, l1);
		break;
	case I_CTX_READ8:
		emit_load_loc(g, BPF_REG_1, g->ctx_loc);
		E(BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_1, 8));
		emit_acc(g, BPF_REG_2);
		trace(g, T_ADD, 0, g->ctx_w);
		break;
	}
}

static void emit_seg(struct gen *g, int seg)
{
	int order, i;

	g->cur_seg = seg;
	for (order = 0; order < 3; order++)
		for (i = 0; i < g->nr_items; i++)
			if (g->items[i].seg == seg && g->items[i].order == order)
				emit_item(g, &g->items[i]);
}

/* --- await points --------------------------------------------------------- */

static void emit_await_call(struct gen *g, int group, int cookie, bool check)
{
	if (group == g->arg0_group) {
		switch (g->arg0_kind) {
		case 0:		/* ctx + 8 */
			emit_load_loc(g, BPF_REG_1, g->ctx_loc);
			E(BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 8));
			break;
		case 1:
			emit_ld_value(g, BPF_REG_1, M_ARR, 0);
			break;
		case 2:
			E(BPF_MOV64_IMM(BPF_REG_1, 0));
			break;
		default:
			emit_fp_ptr(g, BPF_REG_1, -8);
			break;
		}
		expect(g, P_VERIFY, R_ARG0);
	} else {
		emit_load_loc(g, BPF_REG_1, g->ctx_loc);
	}
	as_ld_func(&g->a, BPF_REG_2, g->l_qfn);
	E(BPF_MOV64_IMM(BPF_REG_3, cookie));
	as_kfunc(&g->a, g->env->kfunc[K_AWAIT]);
	if (check)
		as_jmp(&g->a, BPF_JMP_IMM(BPF_JSLT, BPF_REG_0, 0, 0), g->fail);
	trace(g, T_AWAIT, 0, cookie);
}

static void emit_group(struct gen *g, int i)
{
	struct group *gr = &g->groups[i];
	int head, end, other;
	struct item in = { .kind = gr->inloop, .seg = i };

	switch (gr->kind) {
	case GR_PLAIN:
		emit_await_call(g, i, gr->cookie[0], gr->check);
		emit_acc_imm(g, i + 1);
		g->p->nr_sites++;
		break;
	case GR_LOOP:
	case GR_MAYGOTO:
		head = as_label(&g->a);
		end = as_label(&g->a);
		E(BPF_MOV64_IMM(BPF_REG_2, 0));
		emit_store_loc(g, gr->cnt_loc, BPF_REG_2);
		as_place(&g->a, head);
		trace(g, T_LOOP, 0, gr->n);
		if (gr->kind == GR_MAYGOTO)
			as_jmp(&g->a, BPF_RAW_INSN(BPF_JMP | BPF_JCOND, 0, BPF_MAY_GOTO, 0, 0),
			       end);
		if (gr->inloop >= 0) {
			/* from the second iteration on, this follows an await */
			g->in_loop = true;
			in.a = gr->inloop == I_THROW ? gr->bit : 0x40;
			emit_item(g, &in);
			g->in_loop = false;
		}
		emit_await_call(g, i, gr->cookie[0], gr->check);
		emit_acc_imm(g, i + 1);
		emit_load_loc(g, BPF_REG_2, gr->cnt_loc);
		E(BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, 1));
		emit_store_loc(g, gr->cnt_loc, BPF_REG_2);
		as_jmp(&g->a, BPF_JMP_IMM(BPF_JLT, BPF_REG_2, gr->n, 0), head);
		as_place(&g->a, end);
		trace(g, T_END, 0, 0);
		g->p->nr_sites++;
		break;
	case GR_COND:
		end = as_label(&g->a);
		emit_sel_bit(g, gr->bit);
		as_jmp(&g->a, BPF_JMP_IMM(gr->pol ? BPF_JEQ : BPF_JNE, BPF_REG_1, 0, 0), end);
		trace(g, T_IF, gr->bit, gr->pol);
		emit_await_call(g, i, gr->cookie[0], gr->check);
		emit_acc_imm(g, i + 1);
		as_place(&g->a, end);
		trace(g, T_END, 0, 0);
		g->p->nr_sites++;
		break;
	case GR_BOTH:
		other = as_label(&g->a);
		end = as_label(&g->a);
		emit_sel_bit(g, gr->bit);
		as_jmp(&g->a, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), other);
		trace(g, T_IF, gr->bit, 1);
		emit_await_call(g, i, gr->cookie[0], gr->check);
		emit_acc_imm(g, i + 1);
		emit_goto(g, end);
		as_place(&g->a, other);
		trace(g, T_ELSE, 0, 0);
		emit_await_call(g, i, gr->cookie[1], gr->check);
		emit_acc_imm(g, 0x80 + i);
		as_place(&g->a, end);
		trace(g, T_END, 0, 0);
		g->p->nr_sites += 2;
		break;
	}
}

/* --- subprograms ---------------------------------------------------------- */

static void begin_func(struct gen *g, int label, const char *name)
{
	struct fz_prog *p = g->p;

	as_place(&g->a, label);
	if (p->nr_funcs < 16) {
		p->func_start[p->nr_funcs] = g->a.len;
		p->func_name[p->nr_funcs] = name;
		p->nr_funcs++;
	}
}

static void emit_release(struct gen *g, int reg)
{
	E(BPF_MOV64_REG(BPF_REG_1, reg));
	as_kfunc(&g->a, g->env->kfunc[K_RELEASE]);
}

static void emit_ret0(struct gen *g)
{
	E(BPF_MOV64_IMM(BPF_REG_0, 0));
	E(BPF_EXIT_INSN());
}

/* queue_fn(h, cookie): stash h in slot cookie, releasing what was there. */
static void emit_stash(struct gen *g)
{
	int have = as_label(&g->a), out = as_label(&g->a);

	E(BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_7, -4));
	emit_fp_ptr(g, BPF_REG_2, -4);
	emit_ld_map(g, BPF_REG_1, M_SLOTS);
	E(BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem));
	as_jmp(&g->a, BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 0), have);
	emit_release(g, BPF_REG_6);
	emit_ret0(g);
	as_place(&g->a, have);
	E(BPF_MOV64_REG(BPF_REG_1, BPF_REG_0));
	E(BPF_MOV64_REG(BPF_REG_2, BPF_REG_6));
	E(BPF_EMIT_CALL(BPF_FUNC_kptr_xchg));
	as_jmp(&g->a, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), out);
	emit_release(g, BPF_REG_0);
	as_place(&g->a, out);
	emit_ret0(g);
}

static void emit_queue_fn(struct gen *g)
{
	int l;

	begin_func(g, g->l_qfn, "queue_fn");
	E(BPF_MOV64_REG(BPF_REG_6, BPF_REG_1));
	E(BPF_MOV64_REG(BPF_REG_7, BPF_REG_2));
	switch (g->queue_kind) {
	case Q_STASH:
		emit_stash(g);
		break;
	case Q_RELEASE:
		emit_release(g, BPF_REG_6);
		emit_ret0(g);
		break;
	case Q_LEAK:
		emit_ret0(g);
		expect(g, P_VERIFY, R_LEAK);
		break;
	case Q_PLAIN:
		l = as_label(&g->a);
		E(BPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0));
		emit_fp_ptr(g, BPF_REG_2, -4);
		emit_ld_map(g, BPF_REG_1, M_SLOTS);
		E(BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem));
		as_jmp(&g->a, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), l);
		E(BPF_STX_MEM(BPF_DW, BPF_REG_0, BPF_REG_6, 0));
		emit_ret0(g);
		as_place(&g->a, l);
		emit_release(g, BPF_REG_6);
		emit_ret0(g);
		expect(g, P_VERIFY, R_PLAIN_STORE);
		break;
	case Q_LOAD:
		E(BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_6, 0));
		emit_release(g, BPF_REG_6);
		emit_ret0(g);
		expect(g, P_VERIFY, R_OPAQUE_LOAD);
		break;
	case Q_STORE:
		E(BPF_MOV64_IMM(BPF_REG_2, 0));
		E(BPF_STX_MEM(BPF_DW, BPF_REG_6, BPF_REG_2, 0));
		emit_release(g, BPF_REG_6);
		emit_ret0(g);
		expect(g, P_VERIFY, R_OPAQUE_STORE);
		break;
	case Q_DOUBLE:
		emit_release(g, BPF_REG_6);
		emit_release(g, BPF_REG_6);
		emit_ret0(g);
		expect(g, P_VERIFY, R_CONSUMED);
		break;
	case Q_AWAIT:
		E(BPF_MOV64_REG(BPF_REG_1, BPF_REG_6));
		as_ld_func(&g->a, BPF_REG_2, g->l_qfn2);
		E(BPF_MOV64_IMM(BPF_REG_3, 0));
		as_kfunc(&g->a, g->env->kfunc[K_AWAIT]);
		emit_release(g, BPF_REG_6);
		emit_ret0(g);
		expect(g, P_VERIFY, R_AWAIT_CALLBACK);
		break;
	case Q_RET1:
		emit_release(g, BPF_REG_6);
		E(BPF_MOV64_IMM(BPF_REG_0, 1));
		E(BPF_EXIT_INSN());
		expect(g, P_VERIFY, G_CB_RET);
		break;
	case Q_RESUME:
		E(BPF_MOV64_REG(BPF_REG_1, BPF_REG_6));
		as_kfunc(&g->a, g->env->kfunc[K_RESUME]);
		emit_ret0(g);
		expect(g, P_VERIFY, is_syscall(g) ? R_RESUME_ASYNC : R_KFUNC_NOT_ALLOWED);
		break;
	case Q_SLEEP:
		/* queue_fn also runs when a resumed run awaits again */
		g->in_loop = true;
		emit_sleep_helper(g);
		g->in_loop = false;
		emit_stash(g);
		break;
	}
}

static void emit_subprogs(struct gen *g)
{
	g->in_main = false;
	emit_queue_fn(g);
	/* only the functions something calls or refers to */
	if (as_used(&g->a, g->l_qfn2)) {
		begin_func(g, g->l_qfn2, "queue_fn2");
		as_kfunc(&g->a, g->env->kfunc[K_RELEASE]);
		emit_ret0(g);
	}
	if (as_used(&g->a, g->l_static)) {
		begin_func(g, g->l_static, "static_fn");
		switch (g->static_kind) {
		case ST_PLAIN:
			E(BPF_MOV64_REG(BPF_REG_0, BPF_REG_1));
			E(BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1));
			break;
		case ST_STACK:
			E(BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -16));
			E(BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -16));
			E(BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1));
			break;
		case ST_TAIL:
			emit_ld_map(g, BPF_REG_2, g->xdp ? M_PA_XDP : M_PA_SYS);
			E(BPF_MOV64_IMM(BPF_REG_3, 0));
			E(BPF_EMIT_CALL(BPF_FUNC_tail_call));
			E(BPF_MOV64_IMM(BPF_REG_0, 6));
			break;
		case ST_SLEEP:
			emit_fp_ptr(g, BPF_REG_1, -8);
			E(BPF_MOV64_IMM(BPF_REG_2, 8));
			E(BPF_MOV64_IMM(BPF_REG_3, 0));
			E(BPF_EMIT_CALL(BPF_FUNC_copy_from_user));
			E(BPF_MOV64_IMM(BPF_REG_0, 6));
			break;
		case ST_THROW:
			emit_throw_if(g, g->static_bit);
			E(BPF_MOV64_IMM(BPF_REG_0, 6));
			break;
		case ST_AWAIT:
			as_ld_func(&g->a, BPF_REG_2, g->l_qfn);
			E(BPF_MOV64_IMM(BPF_REG_3, 0));
			as_kfunc(&g->a, g->env->kfunc[K_AWAIT]);
			E(BPF_MOV64_IMM(BPF_REG_0, 0));
			break;
		}
		E(BPF_EXIT_INSN());
	}
	if (as_used(&g->a, g->l_loopcb)) {
		begin_func(g, g->l_loopcb, "loop_cb");
		E(BPF_MOV64_IMM(BPF_REG_1, 0));
		as_ld_func(&g->a, BPF_REG_2, g->l_qfn);
		E(BPF_MOV64_IMM(BPF_REG_3, 0));
		as_kfunc(&g->a, g->env->kfunc[K_AWAIT]);
		E(BPF_MOV64_IMM(BPF_REG_0, 1));
		E(BPF_EXIT_INSN());
	}
	if (as_used(&g->a, g->l_global)) {
		begin_func(g, g->l_global, "global_fn");
		E(BPF_MOV64_REG(BPF_REG_0, BPF_REG_1));
		E(BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1));
		E(BPF_EXIT_INSN());
	}
}

/* --- the program ----------------------------------------------------------- */

static void expect_late(struct gen *g)
{
	struct fz_prog *p = g->p;
	int main_depth = (g->max_stack + 7) / 8 * 8;
	int total = main_depth + (p->nr_sites ? 48 : 0);
	int t16 = (total + 15) / 16 * 16;

	if (p->nr_sites > 64)
		expect(g, P_VERIFY, R_TOO_MANY);
	switch (p->type) {
	case T_XDP_DEVMAP:
		expect(g, P_VERIFY, R_DEVMAP);
		break;
	case T_XDP_CPUMAP:
		expect(g, P_VERIFY, R_CPUMAP);
		break;
	case T_XDP_DEV_BOUND:
		expect(g, P_VERIFY, R_DEV_BOUND);
		break;
	case T_TC:
		expect(g, P_VERIFY, R_KFUNC_NOT_ALLOWED);
		break;
	}
	if (p->nr_sites && main_depth + 48 > 512)
		expect(g, P_STACK, R_STACK);
	if ((g->static_kind == ST_STACK || g->static_kind == ST_SLEEP) && t16 + 16 > 512)
		expect(g, P_DEPTH, G_COMBINED_STACK);
	if (g->static_kind == ST_TAIL && t16 >= 256)
		expect(g, P_DEPTH, G_TAIL_DEPTH);
	if (g->has_tail) {
		if (p->sleepable)
			expect(g, P_VERIFY, G_SLEEPABLE_MAPS);
		if (p->nr_sites)
			expect(g, P_LOWER, R_TAIL_CALLS);
	}
}

void emit_program(struct gen *g)
{
	struct fz_prog *p = g->p;
	int i, entry, out;

	p->nr_funcs = 1;
	p->func_start[0] = 0;
	p->func_name[0] = "fz_main";
	entry = as_label(&g->a);
	out = as_label(&g->a);
	as_place(&g->a, entry);
	if (g->entry_loop)
		trace(g, T_LOOP, 0, g->entry_n);
	emit_store_loc(g, g->ctx_loc, BPF_REG_1);
	for (i = 0; i <= g->nr_groups; i++) {
		emit_seg(g, i);
		if (i < g->nr_groups)
			emit_group(g, i);
	}
	if (g->entry_loop) {
		/* M_ARR[ARR_LOOP] counts the iterations; back to insn 0 */
		emit_ld_value(g, BPF_REG_1, M_ARR, ARR_LOOP);
		E(BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_1, 0));
		E(BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, 1));
		E(BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_2, 0));
		as_jmp(&g->a, BPF_JMP_IMM(BPF_JGE, BPF_REG_2, g->entry_n, 0), out);
		emit_load_loc(g, BPF_REG_1, g->ctx_loc);
		as_jmp(&g->a, BPF_RAW_INSN(BPF_JMP | BPF_JCOND, 0, BPF_MAY_GOTO, 0, 0), out);
		emit_goto(g, entry);
		trace(g, T_END, 0, 0);
	}
	as_place(&g->a, out);
	E(BPF_MOV64_IMM(BPF_REG_0, (int)p->ret));
	E(BPF_EXIT_INSN());
	if (as_used(&g->a, g->fail)) {
		as_place(&g->a, g->fail);
		E(BPF_MOV64_IMM(BPF_REG_0, g->xdp ? XDP_DROP : 1));
		E(BPF_EXIT_INSN());
	}
	expect_late(g);
	emit_subprogs(g);
}
