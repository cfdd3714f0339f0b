/* SPDX-License-Identifier: GPL-2.0 */
/*
 * evosctl - control the EvOS data path: load BPF objects, attach them,
 * and read their counters.
 */
#ifndef __EVOSCTL_H
#define __EVOSCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "json_writer.h"

#define EVOSCTL_VERSION		"0.1"
/* The release of the EvOS kernel whose headers and BTF evosctl was built from. */
#ifndef EVOS_KERNEL_RELEASE
#define EVOS_KERNEL_RELEASE	"unknown"
#endif
#define EVOS_PIN_ROOT_DEFAULT	"/sys/fs/bpf/evos"

/* Exit statuses: 0 on success, 1 when the operation failed, 2 on bad usage. */
#define EXIT_USAGE	2

extern bool json_output;
extern json_writer_t *json_wtr;
extern const char *pin_root;

struct cmd {
	const char *name;
	int (*func)(int argc, char **argv);
};

int cmd_select(const struct cmd *cmds, int argc, char **argv,
	       int (*help)(int argc, char **argv), const char *where);

/*
 * p_err() - report a failure: what failed, why, and what to do about it.
 * Returns 1, the exit status of a failed command.
 */
int p_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int p_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *errno_hint(int err);
/* Help text goes to stdout; with --json, help is null. */
int print_help(const char *text);

/* pin.c: the bpffs layout shared by separate evosctl invocations */
int pin_path(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int check_bpffs(void);
int fmt_path(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool path_exists(const char *path);
int rm_tree(const char *path);
int find_pinned_prog(const char *prog, char *path, size_t size);

int do_load(int argc, char **argv);
int do_unload(int argc, char **argv);
int do_attach(int argc, char **argv);
int do_detach(int argc, char **argv);
int do_stats(int argc, char **argv);
int do_status(int argc, char **argv);
int do_workers(int argc, char **argv);
int do_sched(int argc, char **argv);
int do_xsk(int argc, char **argv);

int detach_all_links(int *count);
/*
 * sched.c: if scx_evos is attached, put its workers and applications back
 * under EEVDF and remove it.  Returns 0 if it was not attached, 1 if it
 * was, or a negative errno if the workers could not be read (then it
 * stays attached, unless @force).
 */
int sched_release(bool force);
/*
 * workers.c: the pool's workers and their counters, as a table, or in JSON
 * a "workers" element for the stats array (@in_stats) or an object; with
 * @in_stats nothing is printed when no pool runs.  Returns 0 or reports.
 */
int print_workers(bool in_stats);

/* kernel.c */
struct bpf_object;
bool object_needs_evos(struct bpf_object *obj);
/* 0 on an EvOS kernel (or when it cannot tell); else reports, returns 1. */
int require_evos_kernel(const char *what);

#endif /* __EVOSCTL_H */
