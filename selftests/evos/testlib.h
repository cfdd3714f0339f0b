/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the EvOS C selftests: TAP output, CPU pinning, and the
 * coroutine counters of a program (from its fdinfo).
 */
#ifndef __EVOS_TESTLIB_H
#define __EVOS_TESTLIB_H

#include <stdbool.h>
#include <stdint.h>

extern int tap_n, tap_failed;

void tap_plan(int n);
bool tap_ok(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define tap_eq(got, want, desc, ...)					\
	({								\
		long long __g = (long long)(got), __w = (long long)(want); \
		if (!tap_ok(__g == __w, desc, ##__VA_ARGS__))		\
			printf("#   got %lld, want %lld\n", __g, __w);	\
		__g == __w;						\
	})
int tap_exit(void);

int pin_to_cpu(int cpu);
/* Coroutine counter NAME ("created", "resumed", ...) of the program, or -1. */
long long coro_counter(int prog_fd, const char *name);
long long sysctl_read(const char *path);

#endif /* __EVOS_TESTLIB_H */
