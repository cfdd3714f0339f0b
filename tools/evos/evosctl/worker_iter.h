/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The record that evosctl's evos_worker iterator program writes for each
 * worker of the pool, and the function that reads them.  The kernel side
 * is the "evos_worker" BPF iterator (struct evos_worker_info in BTF).
 */
#ifndef __EVOS_WORKER_ITER_H
#define __EVOS_WORKER_ITER_H

#define EVOS_POOL_NAME_LEN	16

struct evos_worker_record {
	char pool[EVOS_POOL_NAME_LEN];
	__u32 nr_workers;
	__u32 batch;
	__u64 dropped;
	__u32 id;
	__s32 cpu;
	__s32 pid;
	__u32 depth;
	__u64 runs;
	__u64 busy_ns;
	__u64 idle_ns;
	__u64 resumed;
	__u64 wakeups;
	__u32 stopped;
	__u32 pad;
};

#ifndef __bpf__
/*
 * Read the workers of the registered pool into @recs (at most @max).  With
 * no pool the kernel gives one record with nr_workers 0, which carries the
 * global counters (dropped).
 * Return: the number of records, or a negative errno (-ENOENT: the kernel
 * has no evos_worker iterator).
 */
int evos_worker_records(struct evos_worker_record *recs, int max);
#endif

#endif /* __EVOS_WORKER_ITER_H */
