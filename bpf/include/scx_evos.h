/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * scx_evos: the records that the scheduler (bpf/scx_evos.bpf.c) keeps and
 * "evosctl sched status" reads.
 */
#ifndef __SCX_EVOS_H
#define __SCX_EVOS_H

#define SCX_EVOS_MAX_APPS	64

/* Why the scheduler stopped: a copy of struct scx_exit_info's text. */
struct scx_evos_exit {
	__s32 kind;		/* enum scx_exit_kind; 0 while it runs */
	__u32 pad;
	__s64 exit_code;
	char reason[128];
	char msg[256];
};

/* What one worker got from the scheduler, by pid (map worker_stats). */
struct scx_evos_worker_stat {
	__u64 runs;
	__u64 run_ns;
	__u64 preempt_kicks;	/* kicks of its CPU made for it */
	__s32 cpu;		/* where it last ran */
	__s32 depth;		/* its queue when it was last queued or stopped */
};

#endif /* __SCX_EVOS_H */
