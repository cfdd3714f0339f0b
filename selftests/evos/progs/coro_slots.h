/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Coroutine handles in array map slots, for the EvOS test and benchmark
 * programs: the slot type, the maps of slots, a queue_fn body that stashes
 * a handle in a slot, releasing whatever was there, and taking a handle out
 * of a slot; and the one-slot program array a test tail-calls through.
 */
#ifndef __CORO_SLOTS_H
#define __CORO_SLOTS_H

struct slot {
	struct bpf_coro __kptr *h;
};

/* The definition of an array map of @n slots. */
#define __CORO_SLOTS(n)						\
	{							\
		__uint(type, BPF_MAP_TYPE_ARRAY);		\
		__uint(max_entries, n);				\
		__type(key, __u32);				\
		__type(value, struct slot);			\
	}

/* "slots": an array map of @n slots. */
#define CORO_SLOTS(n)	struct __CORO_SLOTS(n) slots SEC(".maps")

/*
 * "outer": an array of one map, an array of @n slots like "slots" (struct
 * inner_slots), which user space makes, puts at index 0 and frees
 * (inner_map_create() in testlib.c).
 */
#define CORO_INNER_SLOTS(n)						\
	struct inner_slots __CORO_SLOTS(n);				\
	struct {							\
		__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);		\
		__uint(max_entries, 1);					\
		__type(key, __u32);					\
		__array(values, struct inner_slots);			\
	} outer SEC(".maps")

/* Stash @h in slot @key of @map; returns 1 if the slot was taken. */
static __always_inline int coro_slot_stash(void *map, struct bpf_coro *h, __u32 key)
{
	struct slot *s;

	s = bpf_map_lookup_elem(map, &key);
	if (!s) {
		bpf_coro_release(h);
		return 0;
	}
	h = bpf_kptr_xchg(&s->h, h);
	if (!h)
		return 0;
	bpf_coro_release(h);
	return 1;
}

/* Take the handle out of slot @key of @map; NULL when there is none. */
static __always_inline struct bpf_coro *coro_slot_take(void *map, __u32 key)
{
	struct slot *s;

	s = bpf_map_lookup_elem(map, &key);
	if (!s)
		return NULL;
	return bpf_kptr_xchg(&s->h, NULL);
}

/* @name: a program array of one slot, for the program to tail-call. */
#define TAIL_CALL_SLOT(name)					\
	struct {						\
		__uint(type, BPF_MAP_TYPE_PROG_ARRAY);		\
		__uint(max_entries, 1);				\
		__type(key, __u32);				\
		__type(value, __u32);				\
	} name SEC(".maps")

#endif /* __CORO_SLOTS_H */
