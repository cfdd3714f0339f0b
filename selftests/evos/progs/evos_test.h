/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Annotations for EvOS verifier tests, read by test_verifier from the
 * object's BTF: each program states whether the verifier must accept it,
 * or reject it with a given message in the log.
 *
 *	SEC("syscall") __failure __msg("bpf_coro_await in subprogram 1")
 *	int prog(void *ctx) { ... }
 *
 * __dev_bound and __freplace("target") say how to load the program;
 * __relink_refused("prog:func") tries to link an extension elsewhere.
 */
#ifndef __EVOS_TEST_H
#define __EVOS_TEST_H

#define __evos_tag(s)	__attribute__((btf_decl_tag("comment:evos_" s)))
#define __success	__evos_tag("expect=success")
#define __failure	__evos_tag("expect=failure")
#define __msg(m)	__evos_tag("msg=" m)
/* Load bound to a veth device, with BPF_F_XDP_DEV_BOUND_ONLY. */
#define __dev_bound	__evos_tag("dev_bound")
/* Load as an freplace extension of program @prog of the same object. */
#define __freplace(prog)	__evos_tag("freplace=" prog)
/*
 * Once loaded (and linked to its own target, which must work), linking
 * the extension to function @func of program @prog, "prog:func", must be
 * refused.
 */
#define __relink_refused(prog_func)	__evos_tag("relink_refused=" prog_func)

/*
 * Run the accepted program once; it must return @n.  With
 * __ts_mismatches(m), the run must add m to the run-time type-state
 * check's count of mismatches.
 */
#define __retval(n)	__evos_tag("retval=" #n)
#define __ts_mismatches(m)	__evos_tag("ts_mismatches=" #m)

#endif /* __EVOS_TEST_H */
