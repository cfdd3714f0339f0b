/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Counters that "evosctl stats" can read.
 *
 * Describe the counters as a struct of __u64 fields, instantiate the map,
 * and count by field name:
 *
 *	struct my_stats {
 *		__u64 rx_packets;
 *		__u64 rx_udp;
 *	};
 *	EVOS_STATS_MAP(struct my_stats);
 *
 *	evos_count(rx_packets);
 *
 * The map is a one-entry per-CPU array named evos_stats; evosctl takes the
 * counter names from the BTF of its value type, so a new counter needs no
 * change on the user space side.
 */
#ifndef __EVOS_STATS_H
#define __EVOS_STATS_H

#define EVOS_STATS_MAP(value_type)					\
	struct {							\
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);		\
		__uint(max_entries, 1);					\
		__type(key, __u32);					\
		__type(value, value_type);				\
	} evos_stats SEC(".maps")

#define evos_count_add(field, n)					\
	({								\
		__u32 __key = 0;					\
		__typeof__(evos_stats.value) __s;			\
									\
		__s = bpf_map_lookup_elem(&evos_stats, &__key);		\
		if (__s)						\
			__s->field += (n);				\
	})

#define evos_count(field) evos_count_add(field, 1)

#endif /* __EVOS_STATS_H */
