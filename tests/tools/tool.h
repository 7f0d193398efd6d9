/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers shared by the test tools (each tool is one .c file). */
#ifndef NFO_TOOL_H
#define NFO_TOOL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

/* "aa:bb:cc:dd:ee:ff" to six bytes; -1 if malformed. */
static inline int parse_mac(const char *s, uint8_t *mac)
{
	unsigned int b[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return -1;
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

/*
 * Bytes @from..@size-1 of @buf from a xorshift stream seeded with @x: a
 * payload whose every byte a receiver can check.
 */
static inline void fill_pattern(uint8_t *buf, size_t from, size_t size,
				uint32_t x)
{
	size_t i;

	for (i = from; i < size; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = (uint8_t)x;
	}
}

/* Monotonic seconds. */
static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif /* NFO_TOOL_H */
