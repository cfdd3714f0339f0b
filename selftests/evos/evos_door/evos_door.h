/* SPDX-License-Identifier: GPL-2.0 */
/*
 * evos_door: the objects of the type-state test module, shared by the
 * module and the BPF programs that test it.
 */
#ifndef __EVOS_DOOR_H
#define __EVOS_DOOR_H

/* Door states, in the verifier's view and at run time. */
enum {
	EVOS_DOOR_CLOSED,
	EVOS_DOOR_OPEN,
	EVOS_DOOR_LOCKED,
};

struct evos_door {
	int id;
	int state;
};

struct evos_door_key {
	int door_id;
};

#endif /* __EVOS_DOOR_H */
