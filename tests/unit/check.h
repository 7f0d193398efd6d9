/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal assertion kit for the userspace unit tests.
 *
 * CHECK(cond) and CHECK_EQ(a, b) count passes and failures; a failure
 * prints file:line, the expression, the values and the current context
 * (check_ctx, set by loops to say which random case it was).  Only the
 * first CHECK_MAX_REPORTS failures are printed.  check_finish() prints the
 * per-file line, appends "passed failed" to the file named by the
 * environment variable NFO_UNIT_RESULTS (used by the runner to add up)
 * and returns the exit status.
 */
#ifndef NFO_TEST_CHECK_H
#define NFO_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_MAX_REPORTS	30

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

static unsigned long check_passed;
static unsigned long check_failed;
static char check_ctx[160];

static inline void check_report(const char *file, int line, const char *what)
{
	if (check_failed > CHECK_MAX_REPORTS)
		return;
	fflush(stdout);
	fprintf(stderr, "%s:%d: FAILED: %s%s%s\n", file, line, what,
		check_ctx[0] ? " | " : "", check_ctx);
	if (check_failed == CHECK_MAX_REPORTS)
		fprintf(stderr, "(further failures not shown)\n");
}

#define CHECK(cond)							\
	do {								\
		if (cond) {						\
			check_passed++;					\
		} else {						\
			check_failed++;					\
			check_report(__FILE__, __LINE__, "CHECK(" #cond ")"); \
		}							\
	} while (0)

#define CHECK_EQ(a, b)							\
	do {								\
		unsigned long long check_a_ = (unsigned long long)(a);	\
		unsigned long long check_b_ = (unsigned long long)(b);	\
		if (check_a_ == check_b_) {				\
			check_passed++;					\
		} else {						\
			char check_m_[256];				\
			check_failed++;					\
			snprintf(check_m_, sizeof(check_m_),		\
				 "CHECK_EQ(%s, %s): 0x%llx != 0x%llx",	\
				 #a, #b, check_a_, check_b_);		\
			check_report(__FILE__, __LINE__, check_m_);	\
		}							\
	} while (0)

#define CHECK_STREQ(a, b)						\
	do {								\
		const char *check_a_ = (a), *check_b_ = (b);		\
		if (check_a_ && check_b_ && !strcmp(check_a_, check_b_)) { \
			check_passed++;					\
		} else {						\
			char check_m_[256];				\
			check_failed++;					\
			snprintf(check_m_, sizeof(check_m_),		\
				 "CHECK_STREQ(%s, %s): \"%s\" != \"%s\"", \
				 #a, #b, check_a_ ? check_a_ : "(null)", \
				 check_b_ ? check_b_ : "(null)");	\
			check_report(__FILE__, __LINE__, check_m_);	\
		}							\
	} while (0)

#define CHECK_CTX(...) snprintf(check_ctx, sizeof(check_ctx), __VA_ARGS__)

static inline int check_finish(const char *name)
{
	const char *res = getenv("NFO_UNIT_RESULTS");
	FILE *f;

	if (check_failed)
		printf("%-18s FAILED (%lu of %lu checks failed)\n", name,
		       check_failed, check_passed + check_failed);
	else
		printf("%-18s ok (%lu checks)\n", name, check_passed);
	if (res && *res) {
		f = fopen(res, "a");
		if (f) {
			fprintf(f, "%lu %lu\n", check_passed, check_failed);
			fclose(f);
		}
	}
	return check_failed ? 1 : 0;
}

/* xorshift64* with a fixed seed: the same cases on every run. */
static unsigned long long check_rng = 0x9e3779b97f4a7c15ull;

static inline void check_seed(unsigned long long seed)
{
	check_rng = seed ? seed : 0x9e3779b97f4a7c15ull;
}

static inline unsigned int check_rand32(void)
{
	check_rng ^= check_rng >> 12;
	check_rng ^= check_rng << 25;
	check_rng ^= check_rng >> 27;
	return (unsigned int)((check_rng * 0x2545f4914f6cdd1dull) >> 32);
}

/* Uniform-enough number in [0, n). */
static inline unsigned int check_below(unsigned int n)
{
	return n ? check_rand32() % n : 0;
}

#endif /* NFO_TEST_CHECK_H */
