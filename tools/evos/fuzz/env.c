// SPDX-License-Identifier: GPL-2.0
/*
 * What the generated programs use: kfunc BTF ids from vmlinux, the maps
 * (with BTF for the kptr and spin lock fields), the SYSCALL programs that
 * resume or release a handle from a slot, and the prog arrays' targets.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/btf.h>
#include <linux/filter.h>
#include <linux/kernel.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "fuzz.h"

static const char *const kfunc_names[NR_FZ_KFUNCS] = {
	[K_AWAIT] = "bpf_coro_await",
	[K_RESUME] = "bpf_coro_resume",
	[K_RELEASE] = "bpf_coro_release",
	[K_RCU_LOCK] = "bpf_rcu_read_lock",
	[K_RCU_UNLOCK] = "bpf_rcu_read_unlock",
	[K_PREEMPT_DISABLE] = "bpf_preempt_disable",
	[K_PREEMPT_ENABLE] = "bpf_preempt_enable",
	[K_ITER_NEW] = "bpf_iter_num_new",
	[K_ITER_NEXT] = "bpf_iter_num_next",
	[K_ITER_DESTROY] = "bpf_iter_num_destroy",
	[K_CPUMASK_CREATE] = "bpf_cpumask_create",
	[K_CPUMASK_RELEASE] = "bpf_cpumask_release",
	[K_COPY_STR] = "bpf_copy_from_user_str",
	[K_THROW] = "bpf_throw",
};

static const char *const map_names[NR_FZ_MAPS] = {
	[M_SLOTS] = "slots", [M_ARR] = "arr", [M_HASH] = "hash", [M_PCPU] = "pcpu",
	[M_LOCKS] = "locks", [M_RINGBUF] = "ringbuf", [M_PA_XDP] = "progs_xdp",
	[M_PA_SYS] = "progs_syscall", [M_OUTER] = "outer", [M_INNER] = "inner",
	[M_TSTORE] = "task_storage",
};

static int map_btf_fd = -1;
static int slot_type_id, locked_type_id, u32_type_id, u64_type_id;

const char *fz_map_name(int fd, const struct fz_env *env)
{
	int i;

	for (i = 0; i < NR_FZ_MAPS; i++)
		if (env->map_fd[i] == fd)
			return map_names[i];
	return "?";
}

const char *fz_kfunc_name(int btf_id, const struct fz_env *env)
{
	int i;

	for (i = 0; i < NR_FZ_KFUNCS; i++)
		if (env->kfunc[i] && env->kfunc[i] == btf_id)
			return kfunc_names[i];
	return "?";
}

static int find_kfuncs(struct fz_env *env)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	int i, id;

	if (!vmlinux) {
		fprintf(stderr, "evos_fuzz: no vmlinux BTF: %s\n", strerror(errno));
		return -1;
	}
	for (i = 0; i < NR_FZ_KFUNCS; i++) {
		id = btf__find_by_name_kind(vmlinux, kfunc_names[i], BTF_KIND_FUNC);
		env->kfunc[i] = id > 0 ? id : 0;
	}
	btf__free(vmlinux);
	for (i = K_AWAIT; i <= K_RELEASE; i++) {
		if (!env->kfunc[i]) {
			fprintf(stderr, "evos_fuzz: kernel without %s\n", kfunc_names[i]);
			return -1;
		}
	}
	return 0;
}

/*
 * struct slot { struct bpf_coro __kptr *h; } and
 * struct locked { struct bpf_spin_lock l; u64 n; }, loaded into the kernel.
 */
static int make_map_btf(void)
{
	struct btf *btf = btf__new_empty();
	int u64_id, coro, tag, ptr, lock;

	if (!btf)
		return -1;
	u32_type_id = btf__add_int(btf, "unsigned int", 4, 0);
	u64_id = btf__add_int(btf, "unsigned long long", 8, 0);
	u64_type_id = u64_id;
	coro = btf__add_struct(btf, "bpf_coro", 0);
	tag = btf__add_type_tag(btf, "kptr", coro);
	ptr = btf__add_ptr(btf, tag);
	slot_type_id = btf__add_struct(btf, "slot", 8);
	btf__add_field(btf, "h", ptr, 0, 0);
	lock = btf__add_struct(btf, "bpf_spin_lock", 4);
	btf__add_field(btf, "val", u32_type_id, 0, 0);
	locked_type_id = btf__add_struct(btf, "locked", 16);
	btf__add_field(btf, "l", lock, 0, 0);
	btf__add_field(btf, "n", u64_id, 64, 0);
	if (u64_id < 0 || locked_type_id < 0 || btf__load_into_kernel(btf)) {
		fprintf(stderr, "evos_fuzz: cannot load the maps' BTF: %s\n", strerror(errno));
		btf__free(btf);
		return -1;
	}
	map_btf_fd = dup(btf__fd(btf));
	btf__free(btf);
	return map_btf_fd;
}

/* main and global_fn are global; the others static */
static const char *const func_names[] = {
	"fz_main", "queue_fn", "queue_fn2", "static_fn", "loop_cb", "global_fn",
};
static int func_ids[ARRAY_SIZE(func_names)];

int fz_func_type(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(func_names); i++)
		if (!strcmp(name, func_names[i]))
			return func_ids[i];
	return -1;
}

/* int fz_main(void *ctx), int global_fn(int x), int f(long a, long b) */
static int make_prog_btf(void)
{
	struct btf *btf = btf__new_empty();
	int int_id, long_id, void_ptr, proto, fd = -1;
	size_t i;

	if (!btf)
		return -1;
	int_id = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	long_id = btf__add_int(btf, "long", 8, BTF_INT_SIGNED);
	void_ptr = btf__add_ptr(btf, 0);
	for (i = 0; i < ARRAY_SIZE(func_names); i++) {
		bool global = !strcmp(func_names[i], "fz_main") ||
			      !strcmp(func_names[i], "global_fn");

		proto = btf__add_func_proto(btf, int_id);
		if (!i) {
			btf__add_func_param(btf, "ctx", void_ptr);
		} else if (global) {
			btf__add_func_param(btf, "x", int_id);
		} else {
			btf__add_func_param(btf, "a", long_id);
			btf__add_func_param(btf, "b", long_id);
		}
		func_ids[i] = btf__add_func(btf, func_names[i],
					    global ? BTF_FUNC_GLOBAL : BTF_FUNC_STATIC, proto);
		if (func_ids[i] < 0)
			goto out;
	}
	if (!btf__load_into_kernel(btf))
		fd = dup(btf__fd(btf));
	else
		fprintf(stderr, "evos_fuzz: cannot load the programs' BTF: %s\n",
			strerror(errno));
out:
	btf__free(btf);
	return fd;
}

static int map_create(struct fz_env *env, int m, enum bpf_map_type type, __u32 key,
		      __u32 value, __u32 max, __u32 value_btf)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts);
	char name[16];

	if (type == BPF_MAP_TYPE_ARRAY_OF_MAPS)
		opts.inner_map_fd = env->map_fd[M_INNER];
	if (type == BPF_MAP_TYPE_TASK_STORAGE)
		opts.map_flags = BPF_F_NO_PREALLOC;
	if (value_btf) {
		opts.btf_fd = map_btf_fd;
		opts.btf_key_type_id = u32_type_id;
		opts.btf_value_type_id = value_btf;
	}
	snprintf(name, sizeof(name), "fz_%s", map_names[m]);
	env->map_fd[m] = bpf_map_create(type, name, key, value, max, &opts);
	if (env->map_fd[m] < 0) {
		fprintf(stderr, "evos_fuzz: map %s: %s\n", map_names[m], strerror(errno));
		return -1;
	}
	return 0;
}

#define LOG_SIZE (1 << 16)

static int load(enum bpf_prog_type type, const char *name, const struct bpf_insn *insns,
		int len, __u32 flags)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .prog_flags = flags);
	static char log[LOG_SIZE];
	int fd;

	opts.log_buf = log;
	opts.log_size = sizeof(log);
	opts.log_level = 1;
	log[0] = '\0';
	fd = bpf_prog_load(type, name, "GPL", insns, len, &opts);
	if (fd < 0)
		fprintf(stderr, "evos_fuzz: loading %s: %s\n%s\n", name, strerror(errno), log);
	return fd;
}

/*
 * SYSCALL program: take the handle out of slot ctx->slot and resume it
 * (or release it); -2 when the slot is empty.
 */
static int load_slot_prog(struct fz_env *env, bool resume)
{
	struct bpf_insn buf[32];
	struct bpf_insn ld[2] = { BPF_LD_MAP_FD(BPF_REG_1, env->map_fd[M_SLOTS]) };
	struct fz_asm a;
	int empty;

	as_init(&a, buf, 32);
	empty = as_label(&a);
	as_emit(&a, BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_1, 0));
	as_emit(&a, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_2, -4));
	as_emit(&a, BPF_MOV64_REG(BPF_REG_2, BPF_REG_10));
	as_emit(&a, BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4));
	as_emit2(&a, ld);
	as_emit(&a, BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem));
	as_jmp(&a, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), empty);
	as_emit(&a, BPF_MOV64_REG(BPF_REG_1, BPF_REG_0));
	as_emit(&a, BPF_MOV64_IMM(BPF_REG_2, 0));
	as_emit(&a, BPF_EMIT_CALL(BPF_FUNC_kptr_xchg));
	as_jmp(&a, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), empty);
	as_emit(&a, BPF_MOV64_REG(BPF_REG_1, BPF_REG_0));
	as_kfunc(&a, env->kfunc[resume ? K_RESUME : K_RELEASE]);
	if (!resume)
		as_emit(&a, BPF_MOV64_IMM(BPF_REG_0, 0));
	as_emit(&a, BPF_EXIT_INSN());
	as_place(&a, empty);
	as_emit(&a, BPF_MOV64_IMM(BPF_REG_0, -2));
	as_emit(&a, BPF_EXIT_INSN());
	if (as_finish(&a))
		return -1;
	/* Sleepable, as libbpf loads every SEC("syscall") program. */
	return load(BPF_PROG_TYPE_SYSCALL, resume ? "fz_resume" : "fz_release",
		    buf, a.len, BPF_F_SLEEPABLE);
}

/* XDP: tail call M_PA_XDP[1], where a generated program may be put. */
static int load_tail_caller(struct fz_env *env)
{
	struct bpf_insn insns[] = {
		BPF_LD_MAP_FD(BPF_REG_2, env->map_fd[M_PA_XDP]),
		BPF_MOV64_IMM(BPF_REG_3, 1),
		BPF_EMIT_CALL(BPF_FUNC_tail_call),
		BPF_MOV64_IMM(BPF_REG_0, XDP_ABORTED),
		BPF_EXIT_INSN(),
	};

	return load(BPF_PROG_TYPE_XDP, "fz_tail_caller", insns, 6, 0);
}

/* A prog array's entry 0: a program that returns @ret. */
static int fill_prog_array(struct fz_env *env, int m, enum bpf_prog_type type, int ret)
{
	struct bpf_insn insns[] = {
		BPF_MOV64_IMM(BPF_REG_0, ret),
		BPF_EXIT_INSN(),
	};
	__u32 key = 0;
	int fd, err;

	/* SYSCALL programs must be sleepable */
	fd = load(type, "fz_tail_target", insns, 2,
		  type == BPF_PROG_TYPE_SYSCALL ? BPF_F_SLEEPABLE : 0);
	if (fd < 0)
		return -1;
	err = bpf_map_update_elem(env->map_fd[m], &key, &fd, BPF_ANY);
	close(fd);
	return err;
}

static int fill_maps(struct fz_env *env)
{
	__u64 v[FZ_VAL_SIZE / 8] = {}, *pcpu;
	__u32 key = 0;
	int i, err;

	v[0] = FZ_HV;
	err = bpf_map_update_elem(env->map_fd[M_HASH], &key, v, BPF_ANY);
	pcpu = calloc(env->nr_cpus, FZ_VAL_SIZE);
	if (!pcpu)
		return -1;
	for (i = 0; i < env->nr_cpus; i++)
		pcpu[i * FZ_VAL_SIZE / 8] = FZ_PV;
	err = err ?: bpf_map_update_elem(env->map_fd[M_PCPU], &key, pcpu, BPF_ANY);
	free(pcpu);
	err = err ?: bpf_map_update_elem(env->map_fd[M_OUTER], &key, &env->map_fd[M_INNER],
					 BPF_ANY);
	err = err ?: fill_prog_array(env, M_PA_XDP, BPF_PROG_TYPE_XDP, XDP_PASS);
	err = err ?: fill_prog_array(env, M_PA_SYS, BPF_PROG_TYPE_SYSCALL, 7);
	if (err)
		fprintf(stderr, "evos_fuzz: cannot fill the maps: %s\n", strerror(errno));
	return err;
}

int fz_env_init(struct fz_env *env, const char *dev)
{
	int err;

	memset(env, 0, sizeof(*env));
	memset(env->map_fd, -1, sizeof(env->map_fd));
	env->resume_fd = env->release_fd = env->prog_btf_fd = env->tail_caller_fd = -1;
	env->nr_cpus = libbpf_num_possible_cpus();
	if (env->nr_cpus <= 0)
		return -1;
	if (dev) {
		env->ifindex = if_nametoindex(dev);
		if (!env->ifindex) {
			fprintf(stderr, "evos_fuzz: no device %s\n", dev);
			return -1;
		}
	}
	if (find_kfuncs(env) || make_map_btf() < 0)
		return -1;
	env->prog_btf_fd = make_prog_btf();
	if (env->prog_btf_fd < 0)
		return -1;
	err = map_create(env, M_SLOTS, BPF_MAP_TYPE_ARRAY, 4, 8, FZ_SLOTS, slot_type_id);
	err = err ?: map_create(env, M_ARR, BPF_MAP_TYPE_ARRAY, 4, FZ_VAL_SIZE, 1, 0);
	err = err ?: map_create(env, M_HASH, BPF_MAP_TYPE_HASH, 4, FZ_VAL_SIZE, 4, 0);
	err = err ?: map_create(env, M_PCPU, BPF_MAP_TYPE_PERCPU_ARRAY, 4, FZ_VAL_SIZE, 1, 0);
	err = err ?: map_create(env, M_LOCKS, BPF_MAP_TYPE_ARRAY, 4, 16, 1, locked_type_id);
	err = err ?: map_create(env, M_RINGBUF, BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, 0);
	err = err ?: map_create(env, M_PA_XDP, BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 2, 0);
	err = err ?: map_create(env, M_PA_SYS, BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 1, 0);
	err = err ?: map_create(env, M_INNER, BPF_MAP_TYPE_ARRAY, 4, FZ_VAL_SIZE, 1, 0);
	err = err ?: map_create(env, M_OUTER, BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 1, 0);
	err = err ?: map_create(env, M_TSTORE, BPF_MAP_TYPE_TASK_STORAGE, 4, 8, 0, u64_type_id);
	err = err ?: fill_maps(env);
	if (err)
		return -1;
	env->resume_fd = load_slot_prog(env, true);
	env->release_fd = load_slot_prog(env, false);
	env->tail_caller_fd = load_tail_caller(env);
	return env->resume_fd < 0 || env->release_fd < 0 || env->tail_caller_fd < 0 ? -1 : 0;
}

void fz_env_fini(struct fz_env *env)
{
	int i;

	for (i = 0; i < NR_FZ_MAPS; i++)
		if (env->map_fd[i] >= 0)
			close(env->map_fd[i]);
	if (env->resume_fd >= 0)
		close(env->resume_fd);
	if (env->release_fd >= 0)
		close(env->release_fd);
	if (env->tail_caller_fd >= 0)
		close(env->tail_caller_fd);
	if (map_btf_fd >= 0)
		close(map_btf_fd);
	if (env->prog_btf_fd >= 0)
		close(env->prog_btf_fd);
}
