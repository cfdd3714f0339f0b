/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Counters that "evosctl stats" can read.
 *
 * Define an enum that names the counters, then instantiate the map:
 *
 *	enum evos_stat { RX_PACKETS, RX_UDP, NR_STATS };
 *	EVOS_STATS_MAP(enum evos_stat, NR_STATS);
 *
 *	evos_count(RX_PACKETS);
 *
 * The map is a per-CPU array named evos_stats whose key type is the enum,
 * so evosctl takes the counter names from the map's BTF.
 */
#ifndef __EVOS_STATS_H
#define __EVOS_STATS_H

#define EVOS_STATS_MAP(key_enum, nr)					\
	struct {							\
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);		\
		__uint(max_entries, nr);				\
		__type(key, key_enum);					\
		__type(value, __u64);					\
	} evos_stats SEC(".maps")

#define evos_count_add(idx, n)						\
	({								\
		__u32 __key = (idx);					\
		__u64 *__v = bpf_map_lookup_elem(&evos_stats, &__key);	\
		if (__v)						\
			*__v += (n);					\
	})

#define evos_count(idx) evos_count_add(idx, 1)

#endif /* __EVOS_STATS_H */
