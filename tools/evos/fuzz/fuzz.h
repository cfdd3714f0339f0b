/* SPDX-License-Identifier: GPL-2.0 */
/*
 * evos_fuzz: a seeded verifier fuzzer for BPF coroutines.  Programs are
 * generated as raw instructions by mutating base shapes of the accepted
 * selftest programs; each comes with the verdict the documented rules
 * predict and, if it should load, the result its runs must produce.
 */
#ifndef __EVOS_FUZZ_H
#define __EVOS_FUZZ_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>
#include <linux/bpf.h>

#define FZ_MAX_INSNS	4096
#define FZ_MAX_LABELS	1024
#define FZ_MAX_FIXUPS	1024
#define FZ_MAX_TRACE	1024
#define FZ_MUT_LEN	2048

/* --- PRNG (sim.c) ---------------------------------------------------------- */

struct fz_rng {
	__u64 s;
};

__u64 fz_rand(struct fz_rng *r);
/* Uniform in [0, n). */
unsigned int fz_below(struct fz_rng *r, unsigned int n);
/* True with probability pct percent. */
bool fz_chance(struct fz_rng *r, unsigned int pct);
__u64 fz_mix(__u64 x);

/* --- an assembler with labels (asm.c) ------------------------------------- */

struct fz_asm {
	struct bpf_insn *insns;
	int len, max;
	int label_pos[FZ_MAX_LABELS];
	int nr_labels;
	struct {
		int insn, label, kind;
	} fix[FZ_MAX_FIXUPS];
	int nr_fix;
	bool overflow;
};

void as_init(struct fz_asm *a, struct bpf_insn *buf, int max);
void as_emit(struct fz_asm *a, struct bpf_insn insn);
/* Both halves of a 16-byte instruction. */
void as_emit2(struct fz_asm *a, const struct bpf_insn insn[2]);
int as_label(struct fz_asm *a);
void as_place(struct fz_asm *a, int label);
/* A jump whose offset goes to @label. */
void as_jmp(struct fz_asm *a, struct bpf_insn insn, int label);
/* A call of the subprogram at @label. */
void as_call(struct fz_asm *a, int label);
/* @reg = the subprogram at @label, for callbacks. */
void as_ld_func(struct fz_asm *a, int reg, int label);
void as_kfunc(struct fz_asm *a, int btf_id);
/* Whether something jumps to, calls or refers to @label. */
bool as_used(const struct fz_asm *a, int label);
/* Resolves the labels; -1 if one was not placed or room ran out. */
int as_finish(struct fz_asm *a);

/* --- the rules a rejection may name (rules.c) ------------------------------ */

enum fz_rule {
	/* Documentation/bpf/evos-coroutines.rst */
	R_AWAIT_SUBPROG,
	R_AWAIT_CALLBACK,
	R_KFUNC_NOT_ALLOWED,
	R_DEVMAP,
	R_CPUMAP,
	R_FREPLACE,
	R_DEV_BOUND,
	R_TOO_MANY,
	R_ARG0,
	R_LOCK,
	R_RCU,
	R_PREEMPT,
	R_ITER,
	R_DYNPTR_REF,
	R_REF_HELD,
	R_INVALID_REG,
	R_INVALID_SLOT,
	R_DYNPTR_INVALID,
	R_CTX_SCALAR,
	R_SLEEP_HELPER,
	R_SLEEP_KFUNC,
	R_GLOBAL_FN,
	R_THROW,
	R_STACK,
	R_LEAK,
	R_CONSUMED,
	R_OPAQUE_LOAD,
	R_OPAQUE_STORE,
	R_PLAIN_STORE,
	R_RESUME_ASYNC,
	/* printed by the verifier, missing from the documentation */
	R_CTX_DATA_SLOT,
	R_TAIL_CALLS,
	/* generic verifier rules */
	G_READ_OK,
	G_INVALID_MEM,
	G_UNBOUNDED,
	G_BACK_EDGE,
	G_COMBINED_STACK,
	G_TAIL_DEPTH,
	G_SLEEPABLE_MAPS,
	G_MUST_SLEEPABLE,
	G_CB_RET,
	G_UNRELEASED,
	G_KPTR_STORE,
	G_INFINITE_LOOP,
	G_TOO_COMPLEX,
	G_LOCK_CALLS,
	NR_FZ_RULES
};

struct fz_rule_desc {
	const char *name;
	const char *pattern;	/* '*' matches any text */
	bool generic;		/* an upstream verifier rule */
};

extern const struct fz_rule_desc fz_rules[NR_FZ_RULES];

/*
 * The rule named by a verifier log: the last line that matches a rule's
 * pattern; -1 if none does.  *line receives that line (or the log's last
 * message line when no rule matched).
 */
int fz_match_rule(const char *log, char *line, size_t line_size);

/* --- the fuzzing environment (env.c) -------------------------------------- */

enum fz_kfunc {
	K_AWAIT,
	K_RESUME,
	K_RELEASE,
	K_RCU_LOCK,
	K_RCU_UNLOCK,
	K_PREEMPT_DISABLE,
	K_PREEMPT_ENABLE,
	K_ITER_NEW,
	K_ITER_NEXT,
	K_ITER_DESTROY,
	K_CPUMASK_CREATE,
	K_CPUMASK_RELEASE,
	K_COPY_STR,
	K_THROW,
	NR_FZ_KFUNCS
};

enum fz_map {
	M_SLOTS,	/* array of struct { struct bpf_coro __kptr *h; } */
	M_ARR,		/* array: selector, accumulator, ... (ARR_*) */
	M_HASH,		/* hash, key 0 present */
	M_PCPU,		/* per-CPU array */
	M_LOCKS,	/* array of struct { struct bpf_spin_lock l; u64 n; } */
	M_RINGBUF,
	M_PA_XDP,	/* prog arrays, one per program type; [1]: see tail_caller_fd */
	M_PA_SYS,
	M_OUTER,	/* array of maps, [0]: M_INNER */
	M_INNER,	/* array */
	M_TSTORE,	/* task storage, u64 */
	NR_FZ_MAPS
};

#define FZ_SLOTS	4
#define FZ_VAL_SIZE	64
/* Offsets in the M_ARR value */
#define ARR_SEL		0
#define ARR_ACC		8
#define ARR_LOOP	16	/* iterations of a loop from the entry */
#define ARR_VAL		24
#define ARR_DYN		40

/* Values the programs read; the runs check their sum. */
#define FZ_CTXV		0x1234ULL	/* SYSCALL ctx, u64 at 0 */
#define FZ_PKTB		0x5a		/* packet byte 0 */
#define FZ_AV		0x100000ULL	/* M_ARR[ARR_VAL] */
#define FZ_HV		0x20000ULL	/* M_HASH[0] */
#define FZ_PV		0x3000ULL	/* M_PCPU[0] on every CPU */
#define FZ_DV		0x400ULL	/* M_ARR[ARR_DYN] */
/* packet byte @i as the runs send it */
#define FZ_PKT_BYTE(i)	((i) ? (unsigned char)((i) * 7) : FZ_PKTB)

struct fz_env {
	int kfunc[NR_FZ_KFUNCS];	/* BTF ids; 0 if absent */
	int map_fd[NR_FZ_MAPS];
	int resume_fd;		/* SYSCALL: resume slot ctx->slot */
	int release_fd;		/* SYSCALL: release slot ctx->slot */
	int tail_caller_fd;	/* XDP: tail call M_PA_XDP[1] */
	int ifindex;		/* for device-bound programs; 0: none */
	int prog_btf_fd;	/* FUNC types of every function a program may have */
	int nr_cpus;		/* possible CPUs, for the per-CPU map */
};

int fz_env_init(struct fz_env *env, const char *dev);
void fz_env_fini(struct fz_env *env);
const char *fz_map_name(int fd, const struct fz_env *env);
const char *fz_kfunc_name(int btf_id, const struct fz_env *env);
/*
 * The functions a program may have, by name; their FUNC types are in
 * env->prog_btf_fd (callbacks need func_info).  Returns the type id.
 */
int fz_func_type(const char *name);

/* --- generated programs (gen.c, emit.c, sim.c) ---------------------------- */

enum fz_prog_type {
	T_XDP,
	T_SYSCALL,		/* always sleepable, as the kernel requires */
	T_XDP_DEVMAP,
	T_XDP_CPUMAP,
	T_XDP_DEV_BOUND,
	T_TC,
};

enum fz_phase {
	P_VERIFY,	/* before and during do_check() */
	P_STACK,	/* the await points' stack reserve */
	P_DEPTH,	/* check_max_stack_depth() */
	P_LOWER,	/* lowering of the await points */
	NR_FZ_PHASES
};

/* The runtime trace of a generated program, as a structured list. */
enum fz_top {
	T_ADD,		/* the accumulator grows by v */
	T_AWAIT,
	T_IF,		/* runs until T_ELSE/T_END if bit of the selector == v */
	T_ELSE,
	T_END,
	T_LOOP,		/* body v times, until T_END */
	T_THROW,	/* the program ends with 0 if bit of the selector is set */
};

struct fz_op {
	int op;
	int bit;
	__u64 v;
};

struct fz_prog {
	int type;
	bool sleepable;
	bool queue_release;	/* queue_fn releases the handle */

	struct bpf_insn insns[FZ_MAX_INSNS];
	int len;

	/* functions, for func_info */
	int nr_funcs;
	int func_start[16];
	const char *func_name[16];

	/* the verdict the rules predict */
	__u64 expect[NR_FZ_PHASES];	/* rules bound to be hit, by phase */
	__u64 maybe;			/* rules that may or may not be hit */

	/* what an accepted program's runs must produce */
	struct fz_op trace[FZ_MAX_TRACE];
	int nr_trace;
	__u64 ret;			/* return value on completion */
	int nr_sites;

	char mutations[FZ_MUT_LEN];
	bool overflow;			/* the generator ran out of room */
};

void fz_generate(struct fz_prog *p, const struct fz_env *env, struct fz_rng *rng);

/*
 * Rules a rejection may name: those of the first phase with any, and the
 * maybe rules.  The program should load if none is bound to be hit.
 */
__u64 fz_expected_rules(const struct fz_prog *p);

struct fz_outcome {
	__u64 acc;	/* the accumulator */
	int awaits;	/* suspensions */
	bool lost;	/* the last await's queue_fn lost the handle */
	bool thrown;
	__u64 ret;	/* return value */
};

/*
 * What a run with selector @sel produces; @first_only stops at the first
 * await (the coroutine is destroyed there).
 */
void fz_simulate(const struct fz_prog *p, __u64 sel, bool first_only,
		 struct fz_outcome *out);

/* --- loading and running (run.c) ------------------------------------------ */

struct fz_stats {
	long programs, accepted, rejected, findings;
	long by_rule[NR_FZ_RULES];
	long runs, resumes, resumes_cpu[2], releases, overwrites, tail_runs, free_runs;
	long unexpected_accept, unknown_reject, wrong_rule, wrong_reject;
	long kernel_reports;
};

struct fz_opts {
	__u64 seed;
	long count, start;
	bool verbose;
	const char *save_dir;
	const char *dev;
	int batch;
	int min_rules;
};

/* /dev/kmsg, and the thread on CPU 1 */
int fz_run_init(void);
/*
 * Load @p and check the verdict; run it if it loaded.  Returns the number
 * of findings, described on stdout as TAP diagnostics.
 */
int fz_check_prog(struct fz_prog *p, const struct fz_env *env, struct fz_rng *rng,
		  const struct fz_opts *o, long index, struct fz_stats *st);

/* --- reports (report.c) --------------------------------------------------- */

void fz_print_insns(FILE *f, const struct fz_prog *p, const struct fz_env *env);
void fz_save(const struct fz_opts *o, long index, const struct fz_prog *p,
	     const struct fz_env *env, const char *finding, const char *log);

#endif /* __EVOS_FUZZ_H */
