// SPDX-License-Identifier: GPL-2.0
/*
 * nfo_prof: a software-clock sampling profiler for guests without perf
 * (benchmark use only, never loaded by the tests).
 *
 * An hrtimer fires every @period_ns on the CPU that started it and records
 * the kernel address it interrupted.  Under QEMU's -icount shift=0 a guest
 * ns is an instruction, so a sample is taken every @period_ns instructions.
 *
 *   echo 1 >/proc/nfo_prof    start (forget earlier samples)
 *   echo 0 >/proc/nfo_prof    stop
 *   cat /proc/nfo_prof        one sampled address per line, hex ("user"
 *                             for samples taken in user mode)
 *
 * Locking: one writer (the timer) and readers only after "stop", which
 * cancels the timer and waits for it; @lock serialises start and stop.
 */
#include <linux/hrtimer.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/vmalloc.h>
#include <asm/irq_regs.h>

static unsigned int period_ns = 20000;
module_param(period_ns, uint, 0444);
MODULE_PARM_DESC(period_ns, "sampling period in ns (instructions under icount)");
static unsigned int max_samples = 1 << 20;
module_param(max_samples, uint, 0444);
MODULE_PARM_DESC(max_samples, "samples kept at most");

static DEFINE_MUTEX(lock);	/* start and stop */
static struct hrtimer timer;
static unsigned long *samples;	/* written by the timer while running */
static unsigned int nr;
static bool running;

static enum hrtimer_restart prof_tick(struct hrtimer *t)
{
	struct pt_regs *regs = get_irq_regs();

	if (regs && nr < max_samples)
		samples[nr++] = user_mode(regs) ? 0 : instruction_pointer(regs);
	hrtimer_forward_now(t, ns_to_ktime(period_ns));
	return HRTIMER_RESTART;
}

static ssize_t prof_write(struct file *file, const char __user *buf,
			  size_t len, loff_t *ppos)
{
	char c;

	if (!len || get_user(c, buf))
		return -EINVAL;
	mutex_lock(&lock);
	if (running) {
		hrtimer_cancel(&timer);
		running = false;
	}
	if (c == '1') {
		nr = 0;
		running = true;
		hrtimer_start(&timer, ns_to_ktime(period_ns),
			      HRTIMER_MODE_REL_PINNED);
	}
	mutex_unlock(&lock);
	return len;
}

static int prof_show(struct seq_file *seq, void *v)
{
	unsigned int i;

	mutex_lock(&lock);
	if (!running) {
		for (i = 0; i < nr; i++) {
			if (samples[i])
				seq_printf(seq, "%lx\n", samples[i]);
			else
				seq_puts(seq, "user\n");
		}
	}
	mutex_unlock(&lock);
	return 0;
}

static int prof_open(struct inode *inode, struct file *file)
{
	return single_open_size(file, prof_show, NULL,
				(size_t)(nr + 1) * 20);
}

static const struct proc_ops prof_ops = {
	.proc_open	= prof_open,
	.proc_read	= seq_read,
	.proc_write	= prof_write,
	.proc_lseek	= seq_lseek,
	.proc_release	= single_release,
};

static int __init prof_init(void)
{
	samples = vmalloc(array_size(max_samples, sizeof(*samples)));
	if (!samples)
		return -ENOMEM;
	hrtimer_init(&timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED);
	timer.function = prof_tick;
	if (!proc_create("nfo_prof", 0600, NULL, &prof_ops)) {
		vfree(samples);
		return -ENOMEM;
	}
	return 0;
}

static void __exit prof_exit(void)
{
	remove_proc_entry("nfo_prof", NULL);
	hrtimer_cancel(&timer);
	vfree(samples);
}

module_init(prof_init);
module_exit(prof_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("software-clock sampling profiler for benchmark guests");
