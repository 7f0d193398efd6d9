// SPDX-License-Identifier: GPL-2.0
/*
 * nfo_prof: a software-clock sampling profiler for guests without perf
 * (benchmark use only, never loaded by the tests).
 *
 * An hrtimer fires every @period_ns on the CPU that started it and records
 * the kernel address it interrupted and up to NFO_PROF_CALLERS return
 * addresses above it.  Under QEMU's -icount shift=0 a guest ns is an
 * instruction, so a sample is taken every @period_ns instructions on
 * average.  The interval varies at random between half and one and a half
 * periods: guest time is exact there, and a fixed interval would keep
 * hitting the same few points of a loop whose cycle divides it.
 *
 *   echo 1 >/proc/nfo_prof    start (forget earlier samples)
 *   echo 0 >/proc/nfo_prof    stop
 *   cat /proc/nfo_prof        one sample per line: the address, then its
 *                             callers innermost first, hex, 16 digits
 *                             each ("user" for samples in user mode)
 *
 * Locking: one writer (the timer) and readers only after "stop", which
 * cancels the timer and waits for it; @lock serialises start and stop.
 */
#include <linux/hrtimer.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/stacktrace.h>
#include <linux/vmalloc.h>
#include <asm/irq_regs.h>

static unsigned int period_ns = 20000;
module_param(period_ns, uint, 0444);
MODULE_PARM_DESC(period_ns, "sampling period in ns (instructions under icount)");
static unsigned int max_samples = 1 << 18;
module_param(max_samples, uint, 0444);
MODULE_PARM_DESC(max_samples, "samples kept at most");

#define NFO_PROF_CALLERS	5
#define NFO_PROF_SLOTS		(1 + NFO_PROF_CALLERS)
#define NFO_PROF_WALK		40

static DEFINE_MUTEX(lock);	/* start and stop */
static struct hrtimer timer;
/* NFO_PROF_SLOTS per sample, zero-filled; written by the timer only. */
static unsigned long *samples;
static unsigned int nr;
static bool running;
static u32 seed = 1;	/* the timer's own */

/* The next interval: a linear congruential step is random enough here. */
static u64 prof_interval(void)
{
	seed = seed * 1664525 + 1013904223;
	return period_ns / 2 + (u64)(seed >> 8) * period_ns / (1 << 24);
}

/*
 * The walk starts in this handler, on the interrupt stack; the frames of
 * interest follow the interrupted address.
 */
static void prof_callers(unsigned long ip, unsigned long *slot)
{
	unsigned long walk[NFO_PROF_WALK];
	unsigned int n, i, j;

	n = stack_trace_save(walk, NFO_PROF_WALK, 0);
	for (i = 0; i < n && walk[i] != ip; i++)
		;
	for (j = 1, i++; i < n && j < NFO_PROF_SLOTS; i++, j++)
		slot[j] = walk[i];
}

static enum hrtimer_restart prof_tick(struct hrtimer *t)
{
	struct pt_regs *regs = get_irq_regs();
	unsigned long *slot;

	if (regs && nr < max_samples) {
		slot = &samples[(size_t)nr++ * NFO_PROF_SLOTS];
		memset(slot, 0, NFO_PROF_SLOTS * sizeof(*slot));
		if (!user_mode(regs)) {
			slot[0] = instruction_pointer(regs);
			prof_callers(slot[0], slot);
		}
	}
	hrtimer_forward_now(t, ns_to_ktime(prof_interval()));
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
	unsigned int i, j;
	unsigned long *slot;

	mutex_lock(&lock);
	if (!running) {
		for (i = 0; i < nr; i++) {
			slot = &samples[(size_t)i * NFO_PROF_SLOTS];
			if (!slot[0]) {
				seq_puts(seq, "user\n");
				continue;
			}
			seq_printf(seq, "%016lx", slot[0]);
			for (j = 1; j < NFO_PROF_SLOTS && slot[j]; j++)
				seq_printf(seq, " %016lx", slot[j]);
			seq_putc(seq, '\n');
		}
	}
	mutex_unlock(&lock);
	return 0;
}

static int prof_open(struct inode *inode, struct file *file)
{
	return single_open_size(file, prof_show, NULL,
				(size_t)(nr + 1) * NFO_PROF_SLOTS * 17 + 16);
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
	samples = vmalloc(array3_size(max_samples, NFO_PROF_SLOTS,
				      sizeof(*samples)));
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
