/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Annotations for EvOS verifier tests, read by test_verifier from the
 * object's BTF: each program states whether the verifier must accept it,
 * or reject it with a given message in the log.
 *
 *	SEC("syscall") __failure __msg("bpf_coro_await in subprogram 1")
 *	int prog(void *ctx) { ... }
 */
#ifndef __EVOS_TEST_H
#define __EVOS_TEST_H

#define __evos_tag(s)	__attribute__((btf_decl_tag("comment:evos_" s)))
#define __success	__evos_tag("expect=success")
#define __failure	__evos_tag("expect=failure")
#define __msg(m)	__evos_tag("msg=" m)

#endif /* __EVOS_TEST_H */
