// SPDX-License-Identifier: GPL-2.0
/*
 * A small assembler for raw BPF instructions: jumps, subprogram calls and
 * callback references go to labels, resolved at the end.
 */
#include <string.h>
#include <linux/filter.h>

#include "fuzz.h"

enum { FIX_JMP, FIX_JMP32, FIX_CALL, FIX_FUNC };

void as_init(struct fz_asm *a, struct bpf_insn *buf, int max)
{
	memset(a, 0, sizeof(*a));
	a->insns = buf;
	a->max = max;
}

void as_emit(struct fz_asm *a, struct bpf_insn insn)
{
	if (a->len >= a->max) {
		a->overflow = true;
		return;
	}
	a->insns[a->len++] = insn;
}

void as_emit2(struct fz_asm *a, const struct bpf_insn insn[2])
{
	as_emit(a, insn[0]);
	as_emit(a, insn[1]);
}

int as_label(struct fz_asm *a)
{
	if (a->nr_labels >= FZ_MAX_LABELS) {
		a->overflow = true;
		return 0;
	}
	a->label_pos[a->nr_labels] = -1;
	return a->nr_labels++;
}

void as_place(struct fz_asm *a, int label)
{
	a->label_pos[label] = a->len;
}

static void add_fix(struct fz_asm *a, int label, int kind)
{
	if (a->nr_fix >= FZ_MAX_FIXUPS) {
		a->overflow = true;
		return;
	}
	a->fix[a->nr_fix].insn = a->len;
	a->fix[a->nr_fix].label = label;
	a->fix[a->nr_fix].kind = kind;
	a->nr_fix++;
}

void as_jmp(struct fz_asm *a, struct bpf_insn insn, int label)
{
	add_fix(a, label, BPF_CLASS(insn.code) == BPF_JMP32 &&
		BPF_OP(insn.code) == BPF_JA ? FIX_JMP32 : FIX_JMP);
	as_emit(a, insn);
}

void as_call(struct fz_asm *a, int label)
{
	add_fix(a, label, FIX_CALL);
	as_emit(a, BPF_CALL_REL(0));
}

void as_ld_func(struct fz_asm *a, int reg, int label)
{
	struct bpf_insn ld[2] = { BPF_LD_IMM64_RAW(reg, BPF_PSEUDO_FUNC, 0) };

	add_fix(a, label, FIX_FUNC);
	as_emit2(a, ld);
}

void as_kfunc(struct fz_asm *a, int btf_id)
{
	as_emit(a, BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, btf_id));
}

bool as_used(const struct fz_asm *a, int label)
{
	int i;

	for (i = 0; i < a->nr_fix; i++)
		if (a->fix[i].label == label)
			return true;
	return false;
}

int as_finish(struct fz_asm *a)
{
	int i;

	if (a->overflow)
		return -1;
	for (i = 0; i < a->nr_fix; i++) {
		int pos = a->label_pos[a->fix[i].label], at = a->fix[i].insn;
		int rel = pos - at - 1;

		if (pos < 0)
			return -1;
		switch (a->fix[i].kind) {
		case FIX_JMP:
			if (rel < -32768 || rel > 32767)
				return -1;
			a->insns[at].off = rel;
			break;
		case FIX_JMP32:
		case FIX_CALL:
		case FIX_FUNC:
			a->insns[at].imm = rel;
			break;
		}
	}
	return 0;
}
