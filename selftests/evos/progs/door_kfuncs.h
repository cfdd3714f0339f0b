/* SPDX-License-Identifier: GPL-2.0 */
/* The kfuncs of the evos_door test module, for BPF programs. */
#ifndef __DOOR_KFUNCS_H
#define __DOOR_KFUNCS_H

#include "../evos_door/evos_door.h"

extern struct evos_door *bpf_evos_door_new(int id) __ksym;
extern void bpf_evos_door_free(struct evos_door *d) __ksym;
extern int bpf_evos_door_open(struct evos_door *d) __ksym;
extern void bpf_evos_door_close(struct evos_door *d) __ksym;
extern int bpf_evos_door_pass(struct evos_door *d) __ksym;
extern void bpf_evos_door_slam(struct evos_door *d) __ksym;
extern struct evos_door_key *bpf_evos_door_key(struct evos_door *d) __ksym;
extern void bpf_evos_key_free(struct evos_door_key *k) __ksym;
extern void bpf_evos_door_lock(struct evos_door *d, struct evos_door_key *k) __ksym;
extern void bpf_evos_door_unlock(struct evos_door *d, struct evos_door_key *k) __ksym;

#endif /* __DOOR_KFUNCS_H */
