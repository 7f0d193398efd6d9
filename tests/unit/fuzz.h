/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the libFuzzer targets: an assertion that aborts (libFuzzer
 * reports the crash with the input), and inputs as C strings.
 */
#ifndef NFO_FUZZ_H
#define NFO_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_ASSERT(c)							\
	do {								\
		if (!(c)) {						\
			fprintf(stderr, "%s:%d: assertion failed: %s\n",	\
				__FILE__, __LINE__, #c);		\
			abort();					\
		}							\
	} while (0)

/* A NUL-terminated copy of the @size bytes at @data, to free(). */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	FUZZ_ASSERT(s);
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif /* NFO_FUZZ_H */
