// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the tool's JSON writer (tool/logic/json.c).
 *
 * Input: byte 0 picks the mode; the rest is text (cut at its first NUL).
 * Mode bit 0 clear: the text is escaped alone; asserted that the result
 * is exactly one valid JSON string, and that it decodes back to the text
 * when the text is valid UTF-8.  Bit 0 set: the text drives the writer
 * (each byte an open, close or value, keys and strings being pieces of
 * the text, depth kept under JW_MAX_DEPTH) and what it wrote must be one
 * valid JSON document.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tool/logic/json.c"
#include "jsoncheck.h"

#include "fuzz.h"

static bool valid_utf8(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t l = jc_utf8_len((const unsigned char *)s + i, n - i);

		if (!l)
			return false;
		i += l;
	}
	return true;
}

static void fuzz_escape(const char *s)
{
	size_t n = strlen(s), cap = n * 4 + 8, dlen = 0, olen = 0;
	char *dec = malloc(cap), *out = NULL;
	FILE *f = open_memstream(&out, &olen);

	FUZZ_ASSERT(dec && f);
	jw_escape(f, s);
	fclose(f);
	FUZZ_ASSERT(json_check_str(out, olen, dec, cap, &dlen) == 0);
	FUZZ_ASSERT(dlen <= cap);
	if (valid_utf8(s, n))
		FUZZ_ASSERT(dlen == n && !memcmp(dec, s, n));
	free(out);
	free(dec);
}

static void fuzz_doc(const char *s)
{
	size_t n = strlen(s), i, olen = 0;
	bool is_obj[JW_MAX_DEPTH];
	char *out = NULL, piece[8];
	FILE *f = open_memstream(&out, &olen);
	struct jw w;
	int depth = 0;

	FUZZ_ASSERT(f);
	jw_init(&w, f);
	jw_obj_open(&w, NULL);
	is_obj[0] = true;
	for (i = 0; i < n; i++) {
		unsigned char op = (unsigned char)s[i];
		const char *key = NULL;

		/* The next bytes are this step's key and string. */
		snprintf(piece, sizeof(piece), "%.*s", (int)(op & 7),
			 s + i + 1);
		if (is_obj[depth])
			key = piece;
		switch (op % 11) {
		case 0:
			if (depth < JW_MAX_DEPTH - 2) {
				jw_obj_open(&w, key);
				is_obj[++depth] = true;
			}
			break;
		case 1:
			if (depth < JW_MAX_DEPTH - 2) {
				jw_arr_open(&w, key);
				is_obj[++depth] = false;
			}
			break;
		case 2:
			if (depth > 0) {
				if (is_obj[depth])
					jw_obj_close(&w);
				else
					jw_arr_close(&w);
				depth--;
			}
			break;
		case 3:
			jw_str(&w, key, piece);
			break;
		case 4:
			jw_str(&w, key, NULL);
			break;
		case 5:
			jw_int(&w, key, (long long)op * -1234567890123LL);
			break;
		case 6:
			jw_uint(&w, key, (unsigned long long)op << 56);
			break;
		case 7:
			jw_double(&w, key, op & 8 ? op / 7.0 :
				  op & 16 ? -1.0 / 0.0 : 0.0 / 0.0);
			break;
		case 8:
			jw_bool(&w, key, op & 1);
			break;
		case 9:
			jw_null(&w, key);
			break;
		default:
			jw_str(&w, key, s + i);
			break;
		}
	}
	while (depth > 0) {
		if (is_obj[depth])
			jw_obj_close(&w);
		else
			jw_arr_close(&w);
		depth--;
	}
	jw_obj_close(&w);
	jw_end(&w);
	fclose(f);
	FUZZ_ASSERT(olen > 0 && out[olen - 1] == '\n');
	FUZZ_ASSERT(!memchr(out, '\n', olen - 1));
	FUZZ_ASSERT(json_check_doc(out, olen) == 0);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1 || size > 4096)
		return 0;
	s = fuzz_strndup(data + 1, size - 1);
	if (data[0] & 1)
		fuzz_doc(s);
	else
		fuzz_escape(s);
	free(s);
	return 0;
}
