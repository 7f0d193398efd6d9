// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the checksum arithmetic.
 *
 * Input: byte 0 selects the operation, byte 1 a position, the next 16
 * bytes are a new value, the rest is a buffer whose first two bytes act as
 * its checksum field.  Asserted against the plain reference of
 * pktbuild.h:
 *  - nfo_csum_partial() folds like the reference at any offset/length;
 *  - after a 2-, 4- or 16-byte change fixed with nfo_csum_replace*() (or
 *    the L4 variants in complete mode), the field equals a recomputation;
 *  - partial mode keeps the seed congruent to the changed sum.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "../../src/logic/csum.c"
#include "pktbuild.h"

#include "fuzz.h"

#define BUF_MAX 2048

static bool all_zero(const u8 *p, unsigned int n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static u8 buf[BUF_MAX + 8] __attribute__((aligned(8)));
	unsigned int op, n, m, blen, w, off, slots, exp, got, seed, res;
	__be32 from[4], to[4];
	__be16 from2, to2;
	const u8 *newv;
	__sum16 f;
	u64 s_old, s_new;

	if (size < 2)
		return 0;
	op = data[0];
	n = (unsigned int)(size - 2);

	/* Any offset and length of the raw input, odd ones included. */
	m = n < BUF_MAX ? n : BUF_MAX;
	off = data[1] % (m + 1);
	blen = m - off;
	memcpy(buf, data + 2, m);
	FUZZ_ASSERT(raw16_host(nfo_csum_fold(nfo_csum_partial(buf + off,
							      blen, 0))) ==
		    ref_csum(ref_sum(buf + off, blen)));

	if (n < 16 + 4)
		return 0;
	newv = data + 2;
	blen = (n - 16) & ~1u;
	if (blen > BUF_MAX)
		blen = BUF_MAX;
	memcpy(buf, data + 2 + 16, blen);

	w = (op & 3) == 0 ? 2 : (op & 3) == 1 ? 4 : 16;
	if (blen < 2 + w)
		return 0;
	slots = (blen - 2 - w) / 2 + 1;
	off = 2 + 2 * (data[1] % slots);

	if (op & 4) {
		/* Partial mode: the field is a seed, not a checksum. */
		memcpy(&f, buf, 2);
		memcpy(from, buf + off, w);
		memcpy(to, newv, w);
		memcpy(&from2, buf + off, 2);
		memcpy(&to2, newv, 2);
		s_old = ref_sum(buf + off, w);
		s_new = ref_sum(newv, w);
		seed = raw16_host(f);
		if (w == 16)
			nfo_l4_csum_replace16(&f, from, to, true, true);
		else if (w == 4)
			nfo_l4_csum_replace4(&f, from[0], to[0], true, true);
		else
			nfo_l4_csum_replace2(&f, from2, to2, true,
					     true);
		res = raw16_host(f);
		/* res == seed - old + new (mod 0xffff) */
		FUZZ_ASSERT((res + s_old + 0xffffull * 64 - seed - s_new) %
			    0xffff == 0);
		return 0;
	}

	/* Make the field a valid checksum, then change the region. */
	put16(buf, 0);
	put16(buf, ref_csum(ref_sum(buf, blen)));
	memcpy(&f, buf, 2);
	memset(from, 0, sizeof(from));
	memset(to, 0, sizeof(to));
	memcpy(from, buf + off, w);
	memcpy(to, newv, w);
	memcpy(&from2, buf + off, 2);
	memcpy(&to2, newv, 2);
	memcpy(buf + off, newv, w);

	switch (w + (op & 8)) {
	case 2:
		nfo_csum_replace2(&f, from2, to2);
		break;
	case 2 + 8:
		nfo_l4_csum_replace2(&f, from2, to2, false, op & 16);
		break;
	case 4:
		nfo_csum_replace4(&f, from[0], to[0]);
		break;
	case 4 + 8:
		nfo_l4_csum_replace4(&f, from[0], to[0], false, op & 16);
		break;
	case 16:
		nfo_csum_replace16(&f, from, to);
		break;
	default:
		nfo_l4_csum_replace16(&f, from, to, false, op & 16);
		break;
	}
	got = raw16_host(f);
	put16(buf, 0);
	exp = ref_csum(ref_sum(buf, blen));
	if (all_zero(buf + 2, blen - 2)) {
		/* -0 vs +0: both represent the all-zero sum. */
		FUZZ_ASSERT(got == 0 || got == 0xffff);
	} else {
		FUZZ_ASSERT(got == exp);
	}
	return 0;
}
