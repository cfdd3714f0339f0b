/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generator's own view of a program being generated: the values kept
 * across the awaits, the await points (groups), the other pieces (items)
 * by segment (0 before the first await, k after group k-1), and the
 * choices that shape the subprograms.  gen.c chooses, emit.c emits.
 */
#ifndef __EVOS_FUZZ_GEN_H
#define __EVOS_FUZZ_GEN_H

#include "fuzz.h"

enum val_kind {
	VK_CTX, VK_PKT, VK_ARRAY, VK_HASH, VK_PCPU, VK_FP, VK_SCALAR, VK_INNER, VK_MAPPTR,
	VK_BTF, NR_VK
};

/* Kinds an await invalidates. */
static inline bool vk_invalidated(int k)
{
	return k != VK_CTX && k != VK_ARRAY && k != VK_SCALAR;
}

#define MAX_VALS	6
#define MAX_GROUPS	70
#define MAX_ITEMS	256
#define NR_SLOTS	8
#define SLOT_OFF(i)	(-16 - 8 * (i))	/* value slots: fp-16 .. fp-72 */
#define FP_TARGET(i)	(-80 - 8 * (i))	/* what fp values point to */
#define DYN_OFF		-112	/* bpf_dynptr_from_mem(), 16 bytes */
#define DYN_BUF		-120
#define RB_OFF		-128	/* ringbuf dynptr, 16 bytes */
#define LOCK_SPILL	-136
#define ITER_OFF	-144
#define REF_SPILL	-152
#define COPY_BUF	-160
#define DEEP_MIN	176	/* stack growth goes from here down */

struct val {
	int kind, loc, seg;
	bool used, merge;
	int bit, pol;
	__u64 v;
	int fp_off;
	bool from_map;
};

enum group_kind { GR_PLAIN, GR_LOOP, GR_MAYGOTO, GR_COND, GR_BOTH };

struct group {
	int kind, n, bit, pol, cnt_loc;
	int cookie[2];
	bool check;
	int inloop;		/* item kind inside the loop before the await, or -1 */
};

enum item_kind {
	I_DEF, I_USE, I_PKT, I_CTXREAD, I_ALOOK, I_HLOOK, I_PLOOK, I_STATIC, I_TAIL,
	I_MAYGOTO, I_SLEEP_HELPER, I_SLEEP_KFUNC, I_GLOBAL, I_THROW, I_HELD,
	I_DYN_NEW, I_DYN_READ, I_STACK_DEF, I_STACK_USE, I_LOOPCB, I_ACC1,
	I_ADJUST_HEAD, I_META_WRITE, I_META_READ, I_PKT_WRITE, I_PKT_READ1,
	I_CTX_WRITE, I_CTX_READ8, I_TSTORE,
};

enum held_kind { H_LOCK, H_RCU, H_PREEMPT, H_ITER, H_REF, H_RINGBUF, H_HANDLE, NR_HELD };

enum { HELD_BEFORE, HELD_ACQUIRE, HELD_RELEASE };

struct item {
	int kind, a, b, seg, order;
};

enum static_kind { ST_NONE, ST_PLAIN, ST_STACK, ST_TAIL, ST_AWAIT, ST_SLEEP, ST_THROW };

enum queue_kind {
	Q_STASH, Q_RELEASE, Q_LEAK, Q_PLAIN, Q_LOAD, Q_STORE, Q_DOUBLE, Q_AWAIT,
	Q_RET1, Q_RESUME, Q_SLEEP, NR_Q
};

struct gen {
	struct fz_prog *p;
	const struct fz_env *env;
	struct fz_rng *r;
	struct fz_asm a;
	bool bad;
	bool xdp;		/* an XDP context */
	bool in_main;
	int max_stack;
	int fail;		/* label: return the failure value */
	int ctx_loc;
	unsigned int regs_used, slots_used;
	int fp_targets;

	struct val vals[MAX_VALS];
	int nr_vals;
	struct group groups[MAX_GROUPS];
	int nr_groups;
	struct item items[MAX_ITEMS];
	int nr_items;
	int arg0_group;		/* the await given a wrong arg#0, or -1 */
	int arg0_kind;
	int cur_seg;		/* segment being emitted */
	bool in_loop;		/* emitting inside a loop group */

	int static_kind, queue_kind, static_bit;
	bool has_tail;		/* a tail call: it also clears packet pointers */
	int l_qfn, l_qfn2, l_static, l_loopcb, l_global;
	int dyn_new_seg;
	bool entry_loop;	/* a loop back to the first instruction */
	int entry_n;
	int pkt_shift;		/* bpf_xdp_adjust_head() delta */
	__u64 meta_v, pkt_w, ctx_w;
	int held_across;	/* held kind across the awaits, or -1 */
	int stack_words[4], nr_stack_words;
	__u64 stack_vals[4];
};

#define E(insn) as_emit(&g->a, insn)

/* emit.c: pieces of code, with the rules they break and their trace */
void mut(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void expect(struct gen *g, int phase, int rule);
bool sleepable(struct gen *g);
bool is_syscall(struct gen *g);
void loc_name(int loc, char *buf, size_t size);
int alloc_loc(struct gen *g, int reg_pct);
void add_item(struct gen *g, int seg, int order, int kind, int a, int b);
int any_seg(struct gen *g);
/* main, its subprograms, and the rules that depend on the whole program */
void emit_program(struct gen *g);

#endif /* __EVOS_FUZZ_GEN_H */
