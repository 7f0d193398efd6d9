// SPDX-License-Identifier: GPL-2.0
/*
 * run-as: run a command without privileges, to test who may change what.
 *
 *   run-as UID CMD...          drop to UID (and GID UID), no capabilities
 *   run-as --userns UID CMD... drop to UID, then create a user namespace
 *                              and a network namespace owned by it, and run
 *                              CMD as that user namespace's root: the admin
 *                              of the new netns, and of nothing else
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		perror(path);
		exit(2);
	}
	close(fd);
}

int main(int argc, char **argv)
{
	int userns = 0, i = 1;
	char map[64];
	uid_t uid;

	if (i < argc && !strcmp(argv[i], "--userns")) {
		userns = 1;
		i++;
	}
	if (argc - i < 2) {
		fprintf(stderr, "usage: run-as [--userns] UID CMD...\n");
		return 2;
	}
	uid = (uid_t)atoi(argv[i++]);

	if (setgroups(0, NULL) || setgid(uid) || setuid(uid)) {
		perror("dropping privileges");
		return 2;
	}
	if (userns) {
		/*
		 * Changing uid made us non-dumpable, which leaves our /proc
		 * files to root: we could not write our own id maps.
		 */
		if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)) {
			perror("prctl");
			return 2;
		}
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET)) {
			perror("unshare");
			return 2;
		}
		write_file("/proc/self/setgroups", "deny");
		snprintf(map, sizeof(map), "0 %u 1", (unsigned int)uid);
		write_file("/proc/self/uid_map", map);
		write_file("/proc/self/gid_map", map);
	}
	execvp(argv[i], argv + i);
	perror(argv[i]);
	return 127;
}
