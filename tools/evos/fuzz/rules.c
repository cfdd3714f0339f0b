// SPDX-License-Identifier: GPL-2.0
/*
 * The rules a rejected program may name.  The coroutine rules are the
 * messages of Documentation/bpf/evos-coroutines.rst, with what varies
 * (registers, slots, instruction numbers, types) written as '*'.  A
 * rejection whose log matches none of them is a finding.
 */
#include <string.h>
#include <linux/kernel.h>

#include "fuzz.h"

#define AWAIT_BODY "await is allowed only in the main program body"
#define SURVIVE "only scalars, ctx and values of array maps the program uses survive an await"

const struct fz_rule_desc fz_rules[NR_FZ_RULES] = {
	[R_AWAIT_SUBPROG] = { "await in subprogram",
		"bpf_coro_await in subprogram *: " AWAIT_BODY },
	[R_AWAIT_CALLBACK] = { "await in callback",
		"bpf_coro_await in a callback: " AWAIT_BODY },
	[R_KFUNC_NOT_ALLOWED] = { "kfunc not allowed",
		"calling kernel function * is not allowed" },
	[R_DEVMAP] = { "devmap program",
		"bpf_coro_await in a devmap program: a devmap program cannot hand its packet over; await in the device's XDP program" },
	[R_CPUMAP] = { "cpumap program",
		"bpf_coro_await in a cpumap program: its packets carry no rx queue, which a resumed run needs; await in the device's XDP program" },
	[R_FREPLACE] = { "freplace program",
		"bpf_coro_await in an freplace program: the program it replaces would not see the suspension; await in the target program itself" },
	[R_DEV_BOUND] = { "device-bound program",
		"bpf_coro_await in a device-bound program: a resumed run has no driver context for its metadata kfuncs; load it without BPF_F_XDP_DEV_BOUND_ONLY" },
	[R_TOO_MANY] = { "too many await points",
		"bpf_coro_await: too many await points (at most 64)" },
	[R_ARG0] = { "arg#0 not ctx",
		"bpf_coro_await: arg#0 is *; expected the program's ctx" },
	[R_LOCK] = { "spin lock held",
		"bpf_coro_await with a bpf_spin_lock held: unlock it before awaiting" },
	[R_RCU] = { "rcu section",
		"bpf_coro_await in a bpf_rcu_read_lock() section: unlock it before awaiting" },
	[R_PREEMPT] = { "preemption disabled",
		"bpf_coro_await with preemption disabled: call bpf_preempt_enable() before awaiting" },
	[R_ITER] = { "iterator live",
		"bpf_coro_await with an iterator live at fp*: destroy it before awaiting" },
	[R_DYNPTR_REF] = { "referenced dynptr live",
		"bpf_coro_await with a referenced dynptr live at fp*: submit or discard it before awaiting" },
	[R_REF_HELD] = { "reference held",
		"bpf_coro_await with a reference held: * holds * (id=*, acquired at insn *); release or stash it before awaiting" },
	[R_INVALID_REG] = { "register invalidated",
		"R* is invalid: it held *, which bpf_coro_await at insn * invalidated; " SURVIVE },
	[R_INVALID_SLOT] = { "stack slot invalidated",
		"fp* is invalid: it held *, which bpf_coro_await at insn * invalidated; " SURVIVE },
	[R_DYNPTR_INVALID] = { "dynptr invalidated",
		"fp* is invalid: it held a dynptr, which bpf_coro_await at insn * invalidated; create the dynptr again after the await" },
	[R_CTX_SCALAR] = { "ctx or scalar in a register",
		"bpf_coro_await: R* holds ctx on one path to insn * and a scalar on another; keep ctx where no scalar lives across the await" },
	[R_SLEEP_HELPER] = { "sleepable helper after await",
		"sleepable helper * after bpf_coro_await at insn *: a resumed run cannot sleep" },
	[R_SLEEP_KFUNC] = { "sleepable kfunc after await",
		"sleepable kfunc * after bpf_coro_await at insn *: a resumed run cannot sleep" },
	[R_GLOBAL_FN] = { "global function after await",
		"global function * called after bpf_coro_await at insn *: a resumed run cannot sleep, and a global function of a sleepable program may; use a static function" },
	[R_THROW] = { "bpf_throw after await",
		"bpf_throw after bpf_coro_await at insn *: a resumed run cannot sleep, and the exception callback of a sleepable program may" },
	[R_STACK] = { "stack reserve",
		"bpf_coro_await: the program uses * bytes of stack and an await point needs 48 more, beyond the limit of 512" },
	[R_LEAK] = { "queue_fn leaks the handle",
		"queue_fn of bpf_coro_await at insn * leaks the coroutine handle (id=*); stash it with bpf_kptr_xchg() or release it with bpf_coro_release()" },
	[R_CONSUMED] = { "handle consumed",
		"R* is invalid: the bpf_coro handle it held was consumed at insn *; a handle cannot be used after it was resumed, released or stashed" },
	[R_OPAQUE_LOAD] = { "load through handle",
		"R* is a bpf_coro handle, which is opaque: no load through it" },
	[R_OPAQUE_STORE] = { "store through handle",
		"R* is a bpf_coro handle, which is opaque: no store through it" },
	[R_PLAIN_STORE] = { "plain store of handle",
		"R* is a bpf_coro handle: a plain store cannot move it into a map; use bpf_kptr_xchg()" },
	[R_RESUME_ASYNC] = { "resume in async callback",
		"bpf_coro_resume in an async callback: resume coroutines from a worker or from a SYSCALL program's main body" },

	[R_CTX_DATA_SLOT] = { "ctx or data in a stack slot",
		"bpf_coro_await: fp* holds ctx on one path to insn * and data on another; keep ctx where no data lives across the await" },
	[R_TAIL_CALLS] = { "tail calls",
		"bpf_coro_await in a program that makes tail calls: a program with await points cannot tail-call; make the tail call from a program without await points" },

	[G_READ_OK] = { "!read_ok", "R* !read_ok", .generic = true },
	[G_INVALID_MEM] = { "invalid mem access", "invalid mem access", .generic = true },
	[G_UNBOUNDED] = { "unbounded", "unbounded", .generic = true },
	[G_BACK_EDGE] = { "back-edge", "back-edge from insn", .generic = true },
	[G_COMBINED_STACK] = { "combined stack size",
		"combined stack size of * calls is *. Too large", .generic = true },
	[G_TAIL_DEPTH] = { "tail call stack depth",
		"tail_calls are not allowed when call stack of previous frames is * bytes. Too large",
		.generic = true },
	[G_SLEEPABLE_MAPS] = { "map type in sleepable program",
		"Sleepable programs can only use array, hash, ringbuf and local storage maps",
		.generic = true },
	[G_MUST_SLEEPABLE] = { "sleepable kfunc in non-sleepable program",
		"program must be sleepable to call sleepable kfunc *", .generic = true },
	[G_CB_RET] = { "callback return value",
		"callback return the register R0 has * should have been in *", .generic = true },
	[G_UNRELEASED] = { "unreleased reference",
		"Unreleased reference id=* alloc_insn=*", .generic = true },
	[G_KPTR_STORE] = { "store to referenced kptr",
		"store to referenced kptr disallowed", .generic = true },
	[G_INFINITE_LOOP] = { "infinite loop", "infinite loop detected at insn *",
		.generic = true },
	[G_TOO_COMPLEX] = { "program too complex", "BPF program is too large. Processed *",
		.generic = true },
	[G_LOCK_CALLS] = { "call under lock",
		"function calls are not allowed while holding a lock", .generic = true },
};

/* Does @s (of @n chars) contain a match of @pat, '*' matching any text? */
static bool glob_at(const char *pat, const char *s, const char *end)
{
	if (!*pat)
		return true;
	if (*pat == '*') {
		for (; s <= end; s++)
			if (glob_at(pat + 1, s, end))
				return true;
		return false;
	}
	return s < end && *s == *pat && glob_at(pat + 1, s + 1, end);
}

static bool line_matches(const char *pat, const char *s, size_t n)
{
	const char *end = s + n, *p;

	for (p = s; p < end; p++)
		if (*p == *pat && glob_at(pat, p, end))
			return true;
	return false;
}

/* Lines of the log that only report statistics. */
static bool stat_line(const char *s, size_t n)
{
	static const char *const prefixes[] = {
		"processed ", "verification time", "stack depth", "mark_precise",
		"func#", "sub ", "last_idx", "parent ",
	};
	size_t i;

	if (!n)
		return true;
	for (i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (!strncmp(s, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

static void copy_line(char *dst, size_t size, const char *s, size_t n)
{
	if (!size)
		return;
	if (n >= size)
		n = size - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

int fz_match_rule(const char *log, char *line, size_t line_size)
{
	const char *s = log, *nl, *last_msg = NULL;
	size_t last_len = 0;
	int rule = -1, r;

	if (line_size)
		line[0] = '\0';
	while (*s) {
		size_t n;

		nl = strchr(s, '\n');
		n = nl ? (size_t)(nl - s) : strlen(s);
		for (r = 0; r < NR_FZ_RULES; r++) {
			if (line_matches(fz_rules[r].pattern, s, n)) {
				rule = r;
				copy_line(line, line_size, s, n);
				break;
			}
		}
		/* Message lines, not instructions ("12: (85) ...") or states. */
		if (!stat_line(s, n) && !(s[0] >= '0' && s[0] <= '9') && s[0] != ';' &&
		    s[0] != ' ') {
			last_msg = s;
			last_len = n;
		}
		if (!nl)
			break;
		s = nl + 1;
	}
	if (rule < 0 && last_msg)
		copy_line(line, line_size, last_msg, last_len);
	return rule;
}
