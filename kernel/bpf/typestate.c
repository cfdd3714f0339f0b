// SPDX-License-Identifier: GPL-2.0
/*
 * Type-state tables of kfunc sets: checked and resolved to BTF ids when the
 * set is registered, looked up by the verifier.  The verifier enforces what
 * the tables say; see Documentation/bpf/evos-typestate.rst.
 */
#include <linux/bpf.h>
#include <linux/bpf_typestate.h>
#include <linux/btf.h>
#include <linux/btf_ids.h>
#include <linux/slab.h>
#include <linux/sysctl.h>

/**
 * struct bpf_ts_set - a type-state table, resolved against one BTF
 * @next: the next table registered for the same BTF.
 * @tab: the table.
 * @ids: the BTF id of each rule's kfunc.
 */
struct bpf_ts_set {
	struct bpf_ts_set *next;
	const struct bpf_ts_table *tab;
	u32 ids[];
};

/* State flags that only mean something for the context, or for references. */
#define TS_CTX_ONLY	(BPF_TS_S_NO_PKT | BPF_TS_S_RET)
#define TS_REF_ONLY	BPF_TS_S_EXCLUSIVE

static bool ts_class_ok(const struct bpf_ts_class *cls)
{
	u32 bad = cls->object == BPF_TS_OBJ_CTX ? TS_REF_ONLY : TS_CTX_ONLY;
	u8 s;

	if (!cls->name || !cls->states || !cls->nr_states ||
	    cls->nr_states > BPF_TS_MAX_STATES || cls->initial >= cls->nr_states ||
	    (cls->object == BPF_TS_OBJ_REF && cls->reset_on))
		return false;
	for (s = 0; s < cls->nr_states; s++)
		if (!cls->states[s].name || (cls->states[s].flags & bad))
			return false;
	return true;
}

/* Whether @id is a kfunc of @kset, and its KF_* flags. */
static bool ts_kset_has(const struct btf_kfunc_id_set *kset, u32 id, u32 *flags)
{
	u32 i;

	for (i = 0; i < kset->set->cnt; i++) {
		if (kset->set->pairs[i].id == id) {
			*flags = kset->set->pairs[i].flags;
			return true;
		}
	}
	return false;
}

static int ts_rule_check(const struct btf *btf,
			 const struct btf_kfunc_id_set *kset,
			 const struct bpf_ts_rule *rule, u32 *id)
{
	const struct btf_type *func, *proto, *ret;
	const struct bpf_ts_arg *a;
	u32 nargs, flags;
	s32 fid;

	fid = btf_find_by_name_kind(btf, rule->kfunc, BTF_KIND_FUNC);
	if (fid <= 0 || !ts_kset_has(kset, fid, &flags)) {
		pr_err("bpf typestate: %s is not a kfunc of this set\n", rule->kfunc);
		return -EINVAL;
	}
	func = btf_type_by_id(btf, fid);
	proto = btf_type_by_id(btf, func->type);
	nargs = btf_type_vlen(proto);
	ret = btf_type_skip_modifiers(btf, proto->type, NULL);

	for (a = rule->args; a < rule->args + BPF_TS_MAX_ARGS && a->cls; a++) {
		if (!ts_class_ok(a->cls) || a->arg >= nargs ||
		    (a->post != BPF_TS_KEEP && a->post >= a->cls->nr_states) ||
		    !a->pre || a->pre >= BIT(a->cls->nr_states) ||
		    (a->bound_to != BPF_TS_KEEP &&
		     (a->bound_to >= nargs || a->cls->object != BPF_TS_OBJ_REF))) {
			pr_err("bpf typestate: %s: bad rule for arg#%u\n",
			       rule->kfunc, a->arg);
			return -EINVAL;
		}
		if (a->when == BPF_TS_ON_ZERO &&
		    (!ret || !btf_type_is_int(ret) || ret->size != sizeof(int))) {
			pr_err("bpf typestate: %s: a transition on 0 needs an int return\n",
			       rule->kfunc);
			return -EINVAL;
		}
	}
	if (rule->ret.cls &&
	    (!ts_class_ok(rule->ret.cls) ||
	     rule->ret.cls->object != BPF_TS_OBJ_REF ||
	     !(flags & KF_ACQUIRE) ||
	     (rule->ret.bind_arg != BPF_TS_KEEP && rule->ret.bind_arg >= nargs))) {
		pr_err("bpf typestate: %s: the returned object needs KF_ACQUIRE and a reference class\n",
		       rule->kfunc);
		return -EINVAL;
	}
	*id = fid;
	return 0;
}

/**
 * bpf_ts_set_add() - resolve a kfunc set's type-state table
 * @head: the list of tables of @btf.
 * @btf: the BTF of the kfuncs' owner.
 * @kset: the kfunc set; its ->typestate is the table.
 *
 * Checks every rule against the set and the kfuncs' prototypes.  A table
 * registered with several program types is resolved once.
 *
 * Return: 0, or -EINVAL for a malformed table, -ENOMEM.
 */
int bpf_ts_set_add(struct bpf_ts_set **head, struct btf *btf,
		   const struct btf_kfunc_id_set *kset)
{
	const struct bpf_ts_table *tab = kset->typestate;
	struct bpf_ts_set *set;
	u32 i;
	int err;

	for (set = *head; set; set = set->next)
		if (set->tab == tab)
			return 0;

	set = kzalloc(struct_size(set, ids, tab->cnt), GFP_KERNEL);
	if (!set)
		return -ENOMEM;
	set->tab = tab;
	for (i = 0; i < tab->cnt; i++) {
		err = ts_rule_check(btf, kset, &tab->rules[i], &set->ids[i]);
		if (err) {
			kfree(set);
			return err;
		}
	}
	set->next = *head;
	/* The verifier may walk the list while a module registers. */
	smp_store_release(head, set);
	return 0;
}

/**
 * bpf_ts_sets_free() - free the resolved tables of a BTF
 * @head: the first.
 */
void bpf_ts_sets_free(struct bpf_ts_set *head)
{
	struct bpf_ts_set *next;

	for (; head; head = next) {
		next = head->next;
		kfree(head);
	}
}

/**
 * bpf_ts_find_rule() - the rule of a kfunc
 * @head: the resolved tables of the kfunc's BTF.
 * @func_id: the kfunc's BTF id.
 *
 * Return: the rule, or NULL when no table names the kfunc.
 */
const struct bpf_ts_rule *bpf_ts_find_rule(const struct bpf_ts_set *head,
					   u32 func_id)
{
	const struct bpf_ts_set *set;
	u32 i;

	for (set = head; set; set = READ_ONCE(set->next))
		for (i = 0; i < set->tab->cnt; i++)
			if (set->ids[i] == func_id)
				return &set->tab->rules[i];
	return NULL;
}

#ifdef CONFIG_BPF_TYPESTATE_CHECK
static atomic_long_t bpf_ts_rt_mismatches;

DEFINE_STATIC_KEY_FALSE(bpf_ts_rt_check_enabled);
EXPORT_SYMBOL_GPL(bpf_ts_rt_check_enabled);

/**
 * __bpf_ts_rt_check() - the run-time check of bpf_ts_rt_check()
 * @tab: the table.
 * @kfunc: the kfunc's name.
 * @args: its arguments.
 * @nargs: how many.
 */
void __bpf_ts_rt_check(const struct bpf_ts_table *tab, const char *kfunc,
		       void *const *args, u32 nargs)
{
	const struct bpf_ts_rule *rule = NULL;
	const struct bpf_ts_arg *a;
	u32 i;
	u8 s;

	for (i = 0; i < tab->cnt && !rule; i++)
		if (!strcmp(tab->rules[i].kfunc, kfunc))
			rule = &tab->rules[i];
	if (WARN_ONCE(!rule, "bpf typestate: %s has no rule\n", kfunc))
		return;

	for (a = rule->args; a < rule->args + BPF_TS_MAX_ARGS && a->cls; a++) {
		if (!a->cls->rt_holds || a->arg >= nargs)
			continue;
		for (s = 0; s < a->cls->nr_states; s++)
			if ((a->pre & BIT(s)) && a->cls->rt_holds(args[a->arg], s))
				break;
		if (s < a->cls->nr_states)
			continue;
		atomic_long_inc(&bpf_ts_rt_mismatches);
		pr_err_ratelimited("bpf typestate: run-time mismatch: %s: arg#%u (%s) is in none of the states its rule requires\n",
				   kfunc, a->arg, a->cls->name);
	}
}
EXPORT_SYMBOL_GPL(__bpf_ts_rt_check);

static int bpf_ts_check_sysctl(const struct ctl_table *table, int write,
			       void *buffer, size_t *lenp, loff_t *ppos)
{
	int on = static_key_enabled(&bpf_ts_rt_check_enabled), err;
	struct ctl_table t = *table;

	t.data = &on;
	err = proc_dointvec_minmax(&t, write, buffer, lenp, ppos);
	if (err || !write)
		return err;
	if (on)
		static_branch_enable(&bpf_ts_rt_check_enabled);
	else
		static_branch_disable(&bpf_ts_rt_check_enabled);
	return 0;
}

static int bpf_ts_mismatches_sysctl(const struct ctl_table *table, int write,
				    void *buffer, size_t *lenp, loff_t *ppos)
{
	unsigned long n = atomic_long_read(&bpf_ts_rt_mismatches);
	struct ctl_table t = *table;

	t.data = &n;
	return proc_doulongvec_minmax(&t, write, buffer, lenp, ppos);
}

static struct ctl_table bpf_ts_sysctls[] = {
	{
		.procname	= "bpf_typestate_check",
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= bpf_ts_check_sysctl,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_ONE,
	},
	{
		.procname	= "bpf_typestate_mismatches",
		.maxlen		= sizeof(unsigned long),
		.mode		= 0444,
		.proc_handler	= bpf_ts_mismatches_sysctl,
	},
};

static int __init bpf_ts_sysctl_init(void)
{
	register_sysctl_init("kernel", bpf_ts_sysctls);
	return 0;
}
late_initcall(bpf_ts_sysctl_init);
#endif /* CONFIG_BPF_TYPESTATE_CHECK */
