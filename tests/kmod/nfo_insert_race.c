// SPDX-License-Identifier: GPL-2.0
/*
 * nfo_insert_race: for the tests only, widen the moment in which
 * nft_offload hashes a new flow's two directions into its flowtable, so
 * that a scenario (47-insert-race.sh) can have the GC, a conntrack flush,
 * the nf_flow_offload sysctl and device events land inside it.
 *
 * A kretprobe on nfo_flow_insert() marks the CPU as inserting while it
 * runs; a kprobe on nfo_tuple_hash(), which the insert calls to hash each
 * direction, then busy-waits @delay_us.  The wait before the second
 * direction is hashed falls between the two insertions.
 *
 *   /sys/module/nfo_insert_race/parameters/delay_us   the wait (writable)
 *   /sys/module/nfo_insert_race/parameters/widened    waits so far
 *
 * The flag is per CPU: `flow add` runs with bottom halves disabled, so the
 * insert and the hashing it calls stay on one CPU.
 */
#include <linux/delay.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/percpu.h>

static unsigned int delay_us = 5000;
module_param(delay_us, uint, 0644);
MODULE_PARM_DESC(delay_us, "busy wait before each direction is hashed");

static atomic_t widened = ATOMIC_INIT(0);

static int widened_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&widened));
}

static const struct kernel_param_ops widened_ops = {
	.get	= widened_get,
};
module_param_cb(widened, &widened_ops, NULL, 0444);
MODULE_PARM_DESC(widened, "waits made so far");

static DEFINE_PER_CPU(bool, inserting);

static int insert_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	this_cpu_write(inserting, true);
	return 0;
}

static int insert_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	this_cpu_write(inserting, false);
	return 0;
}

static struct kretprobe insert_probe = {
	.kp.symbol_name	= "nfo_flow_insert",
	.entry_handler	= insert_entry,
	.handler	= insert_return,
	.maxactive	= 16,
};

static int hash_pre(struct kprobe *p, struct pt_regs *regs)
{
	unsigned int us = READ_ONCE(delay_us);

	if (!this_cpu_read(inserting))
		return 0;
	atomic_inc(&widened);
	while (us >= 1000) {
		mdelay(1);
		us -= 1000;
	}
	udelay(us);
	return 0;
}

static struct kprobe hash_probe = {
	.symbol_name	= "nfo_tuple_hash",
	.pre_handler	= hash_pre,
};

static int __init nfo_insert_race_init(void)
{
	int err;

	err = register_kretprobe(&insert_probe);
	if (err) {
		pr_err("nfo_insert_race: nfo_flow_insert: %d (is nft_offload loaded?)\n",
		       err);
		return err;
	}
	err = register_kprobe(&hash_probe);
	if (err) {
		pr_err("nfo_insert_race: nfo_tuple_hash: %d\n", err);
		unregister_kretprobe(&insert_probe);
	}
	return err;
}

static void __exit nfo_insert_race_exit(void)
{
	unregister_kprobe(&hash_probe);
	unregister_kretprobe(&insert_probe);
}

module_init(nfo_insert_race_init);
module_exit(nfo_insert_race_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("nft_offload tests: widen the flow insertion window");
