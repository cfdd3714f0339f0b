// SPDX-License-Identifier: GPL-2.0
/*
 * Saving a program that produced a finding, so that it can become a
 * regression test: its raw instructions (DIR/fuzz-SEED-INDEX.insns, an
 * array of struct bpf_insn, with the map fds of this run in the ld_imm64
 * instructions) and a description (DIR/fuzz-SEED-INDEX.txt: type and
 * flags, mutations, the verdict the rules predict, the finding, a listing
 * that names the maps and kfuncs, and the end of the verifier log).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/filter.h>

#include "fuzz.h"

static const char *const type_names[] = {
	[T_XDP] = "BPF_PROG_TYPE_XDP",
	[T_SYSCALL] = "BPF_PROG_TYPE_SYSCALL, BPF_F_SLEEPABLE",
	[T_XDP_DEVMAP] = "BPF_PROG_TYPE_XDP, expected_attach_type BPF_XDP_DEVMAP",
	[T_XDP_CPUMAP] = "BPF_PROG_TYPE_XDP, expected_attach_type BPF_XDP_CPUMAP",
	[T_XDP_DEV_BOUND] = "BPF_PROG_TYPE_XDP, BPF_F_XDP_DEV_BOUND_ONLY",
	[T_TC] = "BPF_PROG_TYPE_SCHED_CLS",
};

void fz_print_insns(FILE *f, const struct fz_prog *p, const struct fz_env *env)
{
	int i, j;

	for (i = 0; i < p->len; i++) {
		const struct bpf_insn *in = &p->insns[i];
		char note[96] = "";

		for (j = 0; j < p->nr_funcs; j++)
			if (p->func_start[j] == i)
				fprintf(f, "%s:\n", p->func_name[j]);
		if (in->code == (BPF_LD | BPF_DW | BPF_IMM) && i + 1 < p->len) {
			if (in->src_reg == BPF_PSEUDO_MAP_FD)
				snprintf(note, sizeof(note), "map %s", fz_map_name(in->imm, env));
			else if (in->src_reg == BPF_PSEUDO_MAP_VALUE)
				snprintf(note, sizeof(note), "value of map %s + %d",
					 fz_map_name(in->imm, env), p->insns[i + 1].imm);
			else if (in->src_reg == BPF_PSEUDO_FUNC)
				snprintf(note, sizeof(note), "function at %d", i + in->imm + 1);
		} else if (in->code == (BPF_JMP | BPF_CALL)) {
			if (in->src_reg == BPF_PSEUDO_KFUNC_CALL)
				snprintf(note, sizeof(note), "kfunc %s", fz_kfunc_name(in->imm, env));
			else if (in->src_reg == BPF_PSEUDO_CALL)
				snprintf(note, sizeof(note), "call %d", i + in->imm + 1);
			else
				snprintf(note, sizeof(note), "helper %d", in->imm);
		} else if (BPF_CLASS(in->code) == BPF_JMP || BPF_CLASS(in->code) == BPF_JMP32) {
			if (BPF_OP(in->code) != BPF_EXIT)
				snprintf(note, sizeof(note), "to %d", i + in->off + 1);
		}
		fprintf(f, "%5d: code %#04x dst r%d src r%d off %6d imm %11d%s%s\n", i, in->code,
			in->dst_reg, in->src_reg, in->off, in->imm, note[0] ? "  ; " : "", note);
	}
}

void fz_save(const struct fz_opts *o, long index, const struct fz_prog *p,
	     const struct fz_env *env, const char *finding, const char *log)
{
	char path[4096];
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/fuzz-%llu-%ld.insns", o->save_dir,
		 (unsigned long long)o->seed, index);
	f = fopen(path, "w");
	if (!f) {
		printf("# cannot write %s: %s\n", path, strerror(errno));
		return;
	}
	fwrite(p->insns, sizeof(p->insns[0]), p->len, f);
	fclose(f);

	snprintf(path, sizeof(path), "%s/fuzz-%llu-%ld.txt", o->save_dir,
		 (unsigned long long)o->seed, index);
	f = fopen(path, "w");
	if (!f)
		return;
	fprintf(f, "program %ld of seed %llu (evos_fuzz --seed %llu --start %ld --count 1)\n",
		index, (unsigned long long)o->seed, (unsigned long long)o->seed, index);
	fprintf(f, "type: %s\n", type_names[p->type]);
	fprintf(f, "instructions: %d, functions: %d (BTF func_info: int fz_main(void *ctx), int global_fn(int x), static int f(long a, long b))\n",
		p->len, p->nr_funcs);
	fprintf(f, "mutations: %s\n", p->mutations);
	fprintf(f, "finding: %s\n\nlisting:\n", finding);
	fz_print_insns(f, p, env);
	len = strlen(log);
	fprintf(f, "\nverifier log (end):\n%s\n", log + (len > 4000 ? len - 4000 : 0));
	fclose(f);
	printf("#   saved as %s\n", path);
}
