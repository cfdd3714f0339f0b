// SPDX-License-Identifier: GPL-2.0
/*
 * The PRNG the generator draws from, and what a generated program must
 * produce when it runs: its trace (a structured list of what it adds to
 * the accumulator, where it awaits and where it may bpf_throw), walked
 * with the selector a run is given.  Also the verdict the rules predict.
 */
#include <string.h>

#include "fuzz.h"

/* --- PRNG ----------------------------------------------------------------- */

__u64 fz_mix(__u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

__u64 fz_rand(struct fz_rng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return fz_mix(r->s);
}

unsigned int fz_below(struct fz_rng *r, unsigned int n)
{
	return n ? fz_rand(r) % n : 0;
}

bool fz_chance(struct fz_rng *r, unsigned int pct)
{
	return fz_below(r, 100) < pct;
}

/* --- the verdict --------------------------------------------------------- */

__u64 fz_expected_rules(const struct fz_prog *p)
{
	int i;

	for (i = 0; i < NR_FZ_PHASES; i++)
		if (p->expect[i])
			return p->expect[i] | p->maybe;
	return p->maybe;
}

/* --- the result of a run --------------------------------------------------- */

struct sim {
	const struct fz_prog *p;
	__u64 sel;
	bool first_only, stop;
	struct fz_outcome *out;
};

/* The index after the T_END (or T_ELSE) that closes the block at @i. */
static int block_end(const struct fz_prog *p, int i, bool stop_at_else)
{
	int depth = 0;

	for (; i < p->nr_trace; i++) {
		int op = p->trace[i].op;

		if (op == T_IF || op == T_LOOP)
			depth++;
		else if (op == T_END && depth-- == 0)
			return i;
		else if (op == T_ELSE && depth == 0 && stop_at_else)
			return i;
	}
	return i;
}

static void sim_block(struct sim *s, int from, int to)
{
	const struct fz_prog *p = s->p;
	int i = from, end, mid, k;

	while (i < to && !s->stop) {
		const struct fz_op *op = &p->trace[i];

		switch (op->op) {
		case T_ADD:
			s->out->acc += op->v;
			i++;
			break;
		case T_AWAIT:
			s->out->awaits++;
			/* destroyed there: released by queue_fn, or no slot */
			if (p->queue_release || op->v >= FZ_SLOTS) {
				s->out->lost = true;
				s->stop = true;
			}
			if (s->first_only)
				s->stop = true;
			i++;
			break;
		case T_THROW:
			if ((s->sel >> op->bit) & 1) {
				s->out->thrown = true;
				s->out->ret = 0;
				s->stop = true;
			}
			i++;
			break;
		case T_IF:
			mid = block_end(p, i + 1, true);
			end = p->trace[mid].op == T_ELSE ? block_end(p, mid + 1, false) : mid;
			if (((s->sel >> op->bit) & 1) == op->v)
				sim_block(s, i + 1, mid);
			else if (mid != end)
				sim_block(s, mid + 1, end);
			i = end + 1;
			break;
		case T_LOOP:
			end = block_end(p, i + 1, false);
			for (k = 0; k < (int)op->v && !s->stop; k++)
				sim_block(s, i + 1, end);
			i = end + 1;
			break;
		default:
			i++;
			break;
		}
	}
}

void fz_simulate(const struct fz_prog *p, __u64 sel, bool first_only, struct fz_outcome *out)
{
	struct sim s = { .p = p, .sel = sel, .first_only = first_only, .out = out };

	memset(out, 0, sizeof(*out));
	out->ret = p->ret;
	sim_block(&s, 0, p->nr_trace);
}
