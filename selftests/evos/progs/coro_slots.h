/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Coroutine handles in array map slots, for the EvOS test and benchmark
 * programs: the slot type, a queue_fn body that stashes a handle in a
 * slot, releasing whatever was there, and taking a handle out of a slot.
 */
#ifndef __CORO_SLOTS_H
#define __CORO_SLOTS_H

struct slot {
	struct bpf_coro __kptr *h;
};

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

#endif /* __CORO_SLOTS_H */
