// SPDX-License-Identifier: GPL-2.0
/*
 * A libFuzzer target's corpus replayed without libFuzzer, for builds that
 * have no libFuzzer (the cross builds run under qemu-user; run-cross.sh).
 * Linked with one fuzz_*.c:
 *
 *   replay_fuzz_X DIR|FILE...
 *
 * calls LLVMFuzzerTestOneInput() once per file, a directory's files in
 * name order, each from a heap copy of exactly its size as libFuzzer
 * passes it.  The target's FUZZ_ASSERT()s abort as they do under
 * libFuzzer; a crash names the input it came on.  Prints
 * "NAME: N inputs replayed"; no input at all is a failure (exit 1).
 */
#define _GNU_SOURCE
/*
 * 64-bit inode numbers and directory offsets on 32-bit targets too: under
 * qemu-user on a 64-bit host, readdir() fails with EOVERFLOW without it.
 */
#define _FILE_OFFSET_BITS 64
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *replay_current;

static void replay_say(const char *s)
{
	ssize_t r = write(2, s, strlen(s));

	(void)r;
}

/* Name the input that was running, then die of the same signal. */
static void replay_crash(int sig)
{
	char num[] = "signal 00";

	num[7] = (char)('0' + sig / 10 % 10);
	num[8] = (char)('0' + sig % 10);
	replay_say("replay: crashed (");
	replay_say(num);
	replay_say(") on ");
	replay_say(replay_current ? replay_current : "(no input)");
	replay_say("\n");
	signal(sig, SIG_DFL);
	raise(sig);
}

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data;
	long size;

	size = f && !fseek(f, 0, SEEK_END) ? ftell(f) : -1;
	if (size < 0 || fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		if (f)
			fclose(f);
		return -1;
	}
	data = malloc(size ? (size_t)size : 1);
	if (!data || fread(data, 1, (size_t)size, f) != (size_t)size) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		fclose(f);
		free(data);
		return -1;
	}
	fclose(f);
	replay_current = path;
	LLVMFuzzerTestOneInput(data, (size_t)size);
	replay_current = NULL;
	free(data);
	return 0;
}

static int replay_cmp(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

/* Every regular file of @dir, in name order; returns how many, or -1. */
static int replay_dir(const char *dir)
{
	char **names = NULL, *path;
	size_t n = 0, i;
	struct dirent *de;
	struct stat st;
	int done = 0;
	DIR *d;

	d = opendir(dir);
	if (!d) {
		fprintf(stderr, "replay: cannot open %s\n", dir);
		return -1;
	}
	for (errno = 0; (de = readdir(d)); errno = 0) {
		if (de->d_name[0] == '.')
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		if (!names || asprintf(&path, "%s/%s", dir, de->d_name) < 0)
			abort();
		names[n++] = path;
	}
	if (errno) {
		fprintf(stderr, "replay: cannot list %s: %s\n", dir,
			strerror(errno));
		done = -1;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), replay_cmp);
	for (i = 0; i < n; i++) {
		if (done >= 0 && !stat(names[i], &st) && S_ISREG(st.st_mode))
			done = replay_file(names[i]) ? -1 : done + 1;
		free(names[i]);
	}
	free(names);
	return done;
}

int main(int argc, char **argv)
{
	static const int sigs[] = {
		SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP,
	};
	const char *name = strrchr(argv[0], '/');
	struct stat st;
	int i, n, total = 0;

	name = name ? name + 1 : argv[0];
	if (!strncmp(name, "replay_", 7))
		name += 7;
	for (i = 0; i < (int)ARRAY_SIZE(sigs); i++)
		signal(sigs[i], replay_crash);
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st)) {
			fprintf(stderr, "replay: no %s\n", argv[i]);
			return 1;
		}
		n = S_ISDIR(st.st_mode) ? replay_dir(argv[i]) :
					  (replay_file(argv[i]) ? -1 : 1);
		if (n < 0)
			return 1;
		total += n;
	}
	printf("%s: %d inputs replayed\n", name, total);
	return total ? 0 : 1;
}
