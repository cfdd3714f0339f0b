// SPDX-License-Identifier: GPL-2.0
/*
 * Is the running kernel an EvOS kernel, and does an object need one?
 *
 * An EvOS kernel has the coroutine kfuncs and the worker struct_ops in its
 * BTF.  An object needs one when it calls bpf_coro_*() or bpf_evos_*()
 * kfuncs.  Checking first turns a loader's "unresolved symbol" into an
 * error that says what to do.
 */
#include <string.h>
#include <sys/utsname.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "evosctl.h"

static bool is_evos_name(const char *name)
{
	return !strncmp(name, "bpf_coro_", 9) || !strncmp(name, "bpf_evos_", 9);
}

/* EvOS kfuncs the object declares: functions of those names it does not define. */
bool object_needs_evos(struct bpf_object *obj)
{
	struct btf *btf = bpf_object__btf(obj);
	__u32 id, n;

	if (!btf)
		return false;
	n = btf__type_cnt(btf);
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name = btf__name_by_offset(btf, t->name_off);

		if (btf_is_func(t) && is_evos_name(name) &&
		    !bpf_object__find_program_by_name(obj, name))
			return true;
	}
	return false;
}

int require_evos_kernel(const char *what)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	struct utsname u;
	bool evos;

	if (!vmlinux)
		return 0;	/* cannot tell: let the load say */
	evos = btf__find_by_name_kind(vmlinux, "bpf_coro_await", BTF_KIND_FUNC) > 0 &&
	       btf__find_by_name_kind(vmlinux, "evos_worker_ops", BTF_KIND_STRUCT) > 0;
	btf__free(vmlinux);
	if (evos)
		return 0;
	uname(&u);
	return p_err("this kernel (%s) is not an EvOS kernel: it has no BPF coroutines or workers, which %s needs; boot the EvOS kernel (make demo, or tools/evos/vm -- evosctl ...)",
		     u.release, what);
}
