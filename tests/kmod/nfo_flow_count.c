// SPDX-License-Identifier: GPL-2.0
/*
 * nfo_flow_count: for the tests only, the number of nft_offload's flow
 * objects alive (allocated and not yet freed after their grace period), so
 * that a scenario can require none left at the end of a case, without the
 * shipped module keeping a count for it.
 *
 * A kretprobe on nfo_flow_alloc() counts the flows it returns, a kprobe on
 * nfo_flow_free_rcu(), where every flow ends, the flows freed.  The probes
 * follow nft_offload: set when it loads (or now, if it is loaded), gone
 * when it unloads, and set again when it comes back.  Load this module
 * before nft_offload has flows: a flow made before is not counted, so its
 * free takes the count below zero, which shows.
 *
 *   /sys/module/nfo_flow_count/parameters/objects   flows alive
 *   /sys/module/nfo_flow_count/parameters/missed    allocations the
 *       kretprobe could not follow (then the count is off: a test fails)
 */
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/string.h>

static atomic_long_t objects = ATOMIC_LONG_INIT(0);

static int objects_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%ld\n", atomic_long_read(&objects));
}

static const struct kernel_param_ops objects_ops = {
	.get	= objects_get,
};
module_param_cb(objects, &objects_ops, NULL, 0444);
MODULE_PARM_DESC(objects, "nft_offload flow objects alive");

static int alloc_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	if (regs_return_value(regs))
		atomic_long_inc(&objects);
	return 0;
}

static struct kretprobe alloc_probe = {
	.kp.symbol_name	= "nfo_flow_alloc",
	.handler	= alloc_return,
	/* Callers at once: one softirq per CPU, and a task's flush. */
	.maxactive	= 64,
};

/* Missed by the kretprobe's earlier registrations; under probes_lock. */
static int missed_before;

static int missed_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n",
			  READ_ONCE(missed_before) +
			  READ_ONCE(alloc_probe.nmissed));
}

static const struct kernel_param_ops missed_ops = {
	.get	= missed_get,
};
module_param_cb(missed, &missed_ops, NULL, 0444);
MODULE_PARM_DESC(missed, "allocations not followed");

static int free_pre(struct kprobe *p, struct pt_regs *regs)
{
	atomic_long_dec(&objects);
	return 0;
}

static struct kprobe free_probe = {
	.symbol_name	= "nfo_flow_free_rcu",
	.pre_handler	= free_pre,
};

static DEFINE_MUTEX(probes_lock);
/* Whether the probes are set; under probes_lock. */
static bool armed;

static int arm(void)
{
	int err;

	mutex_lock(&probes_lock);
	err = 0;
	if (armed)
		goto out;
	/* A kprobe structure is registered afresh each time. */
	alloc_probe.kp.addr = NULL;
	alloc_probe.kp.flags = 0;
	free_probe.addr = NULL;
	free_probe.flags = 0;
	err = register_kretprobe(&alloc_probe);
	if (err)
		goto out;
	err = register_kprobe(&free_probe);
	if (err) {
		unregister_kretprobe(&alloc_probe);
		goto out;
	}
	armed = true;
out:
	mutex_unlock(&probes_lock);
	return err;
}

static void disarm(void)
{
	mutex_lock(&probes_lock);
	if (armed) {
		unregister_kprobe(&free_probe);
		unregister_kretprobe(&alloc_probe);
		WRITE_ONCE(missed_before,
			   missed_before + alloc_probe.nmissed);
		WRITE_ONCE(alloc_probe.nmissed, 0);
		armed = false;
	}
	mutex_unlock(&probes_lock);
}

/*
 * nft_offload coming: its text is in place (probes may be set) and no
 * flow exists before its init has run.  Going: its exit, which frees the
 * last flows, has run.
 */
static int module_event(struct notifier_block *nb, unsigned long state,
			void *data)
{
	struct module *mod = data;

	if (strcmp(mod->name, "nft_offload"))
		return NOTIFY_DONE;
	if (state == MODULE_STATE_COMING) {
		int err = arm();

		if (err)
			pr_err("nfo_flow_count: probes on nft_offload: %d\n",
			       err);
	} else if (state == MODULE_STATE_GOING) {
		disarm();
	}
	return NOTIFY_DONE;
}

static struct notifier_block module_nb = {
	.notifier_call	= module_event,
};

static int __init nfo_flow_count_init(void)
{
	int err;

	err = register_module_notifier(&module_nb);
	if (err)
		return err;
	/* nft_offload loaded already: now.  Not loaded: when it comes. */
	err = arm();
	if (err != -ENOENT && err != -EINVAL && err) {
		unregister_module_notifier(&module_nb);
		return err;
	}
	return 0;
}

static void __exit nfo_flow_count_exit(void)
{
	unregister_module_notifier(&module_nb);
	disarm();
}

module_init(nfo_flow_count_init);
module_exit(nfo_flow_count_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("tests only: count nft_offload's live flow objects");
