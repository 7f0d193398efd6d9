// SPDX-License-Identifier: GPL-2.0
/*
 * netns-exec: run a command in a named network namespace, as
 * `ip netns exec NAME CMD...` does, in one small process.
 *
 *   netns-exec [--net-only] NAME CMD...
 *
 * Joins /run/netns/NAME, then gives the command a mount namespace of its
 * own with /sys mounted again (sysfs shows the devices of the netns that
 * mounts it), so that /sys/class/net and friends show NAME's devices.
 * Unlike ip, it binds nothing from /etc/netns/NAME and leaves VRF alone:
 * the scenarios use neither. --net-only stops after joining the network
 * namespace: enough for /proc/net, /proc/sys/net and netlink, and the
 * mount namespace and sysfs instance are most of what the rest costs.
 *
 * Why: scenarios (lib.sh's n and nsys) run commands in namespaces
 * thousands of times. Under TCG on the debug kernel (KASAN, lockdep,
 * kmemleak) every start of ip, a dynamically linked program with a dozen
 * libraries, costs half a second of guest time, and `ip netns exec NAME
 * true` 0.7 s; `netns-exec NAME true` costs 0.4 s, and with --net-only
 * about as little as true itself.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char path[PATH_MAX];
	int fd, net_only = 0;

	if (argc > 1 && !strcmp(argv[1], "--net-only")) {
		net_only = 1;
		argv++;
		argc--;
	}
	if (argc < 3 || strchr(argv[1], '/')) {
		fprintf(stderr, "usage: netns-exec [--net-only] NAME CMD...\n");
		return 2;
	}
	snprintf(path, sizeof(path), "/run/netns/%s", argv[1]);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "netns-exec: %s: %s\n", path, strerror(errno));
		return 2;
	}
	if (setns(fd, CLONE_NEWNET)) {
		fprintf(stderr, "netns-exec: setns %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	close(fd);
	if (net_only)
		goto run;
	if (unshare(CLONE_NEWNS) ||
	    mount("", "/", NULL, MS_SLAVE | MS_REC, NULL)) {
		fprintf(stderr, "netns-exec: mount namespace: %s\n", strerror(errno));
		return 2;
	}
	/* The old /sys may be absent: then there is nothing to take away. */
	umount2("/sys", MNT_DETACH);
	if (mount(argv[1], "/sys", "sysfs", 0, NULL)) {
		fprintf(stderr, "netns-exec: mount /sys: %s\n", strerror(errno));
		return 2;
	}
run:
	execvp(argv[2], argv + 2);
	fprintf(stderr, "netns-exec: %s: %s\n", argv[2], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
