/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A strict RFC 8259 validator for the tool's fuzzers and tests: a whole
 * document (one value, surrounding whitespace allowed), strings in valid
 * UTF-8 (no overlong forms, no surrogates), escapes as the RFC lists
 * them.  json_check_str() also decodes one string, so a fuzzer can
 * compare what the writer escaped with what it was given.
 */
#ifndef NFO_TEST_JSONCHECK_H
#define NFO_TEST_JSONCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct jc {
	const char	*p, *end;
	int		depth;
	char		*out;		/* decoded string, when wanted */
	size_t		out_len, out_cap;
};

static void jc_put(struct jc *c, unsigned char b)
{
	if (c->out && c->out_len < c->out_cap)
		c->out[c->out_len] = (char)b;
	c->out_len++;
}

static void jc_put_cp(struct jc *c, unsigned long cp)
{
	if (cp < 0x80) {
		jc_put(c, (unsigned char)cp);
	} else if (cp < 0x800) {
		jc_put(c, (unsigned char)(0xc0 | cp >> 6));
		jc_put(c, (unsigned char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		jc_put(c, (unsigned char)(0xe0 | cp >> 12));
		jc_put(c, (unsigned char)(0x80 | ((cp >> 6) & 0x3f)));
		jc_put(c, (unsigned char)(0x80 | (cp & 0x3f)));
	} else {
		jc_put(c, (unsigned char)(0xf0 | cp >> 18));
		jc_put(c, (unsigned char)(0x80 | ((cp >> 12) & 0x3f)));
		jc_put(c, (unsigned char)(0x80 | ((cp >> 6) & 0x3f)));
		jc_put(c, (unsigned char)(0x80 | (cp & 0x3f)));
	}
}

/* Length of the valid UTF-8 sequence at @s (at most @n bytes), 0 if none. */
static size_t jc_utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned long cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static int jc_hex4(struct jc *c, unsigned long *v)
{
	int i;

	*v = 0;
	if (c->end - c->p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char h = *c->p++;

		*v <<= 4;
		if (h >= '0' && h <= '9')
			*v |= (unsigned long)(h - '0');
		else if (h >= 'a' && h <= 'f')
			*v |= (unsigned long)(h - 'a' + 10);
		else if (h >= 'A' && h <= 'F')
			*v |= (unsigned long)(h - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

static int jc_string(struct jc *c)
{
	if (c->p >= c->end || *c->p != '"')
		return -1;
	c->p++;
	while (c->p < c->end) {
		unsigned char b = (unsigned char)*c->p;
		unsigned long cp, lo;
		size_t n;

		if (b == '"') {
			c->p++;
			return 0;
		}
		if (b < 0x20)
			return -1;
		if (b != '\\') {
			n = jc_utf8_len((const unsigned char *)c->p,
					(size_t)(c->end - c->p));
			if (!n)
				return -1;
			while (n--)
				jc_put(c, (unsigned char)*c->p++);
			continue;
		}
		if (++c->p >= c->end)
			return -1;
		switch (*c->p++) {
		case '"':	jc_put(c, '"'); break;
		case '\\':	jc_put(c, '\\'); break;
		case '/':	jc_put(c, '/'); break;
		case 'b':	jc_put(c, '\b'); break;
		case 'f':	jc_put(c, '\f'); break;
		case 'n':	jc_put(c, '\n'); break;
		case 'r':	jc_put(c, '\r'); break;
		case 't':	jc_put(c, '\t'); break;
		case 'u':
			if (jc_hex4(c, &cp))
				return -1;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return -1;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (c->end - c->p < 2 || c->p[0] != '\\' ||
				    c->p[1] != 'u')
					return -1;
				c->p += 2;
				if (jc_hex4(c, &lo) || lo < 0xdc00 ||
				    lo > 0xdfff)
					return -1;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
			}
			jc_put_cp(c, cp);
			break;
		default:
			return -1;
		}
	}
	return -1;
}

static void jc_ws(struct jc *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' ||
				 *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

static int jc_number(struct jc *c)
{
	const char *s = c->p;

	if (c->p < c->end && *c->p == '-')
		c->p++;
	if (c->p >= c->end)
		return -1;
	if (*c->p == '0') {
		c->p++;
	} else if (*c->p >= '1' && *c->p <= '9') {
		while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
			c->p++;
	} else {
		return -1;
	}
	if (c->p < c->end && *c->p == '.') {
		c->p++;
		if (c->p >= c->end || *c->p < '0' || *c->p > '9')
			return -1;
		while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
			c->p++;
	}
	if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
		c->p++;
		if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
			c->p++;
		if (c->p >= c->end || *c->p < '0' || *c->p > '9')
			return -1;
		while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
			c->p++;
	}
	return c->p > s ? 0 : -1;
}

static int jc_word(struct jc *c, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n))
		return -1;
	c->p += n;
	return 0;
}

static int jc_value(struct jc *c)
{
	char close;

	jc_ws(c);
	if (c->p >= c->end)
		return -1;
	switch (*c->p) {
	case '"':
		return jc_string(c);
	case 't':
		return jc_word(c, "true");
	case 'f':
		return jc_word(c, "false");
	case 'n':
		return jc_word(c, "null");
	case '{':
	case '[':
		break;
	default:
		return jc_number(c);
	}
	close = *c->p == '{' ? '}' : ']';
	if (++c->depth > 512)
		return -1;
	c->p++;
	jc_ws(c);
	if (c->p < c->end && *c->p == close) {
		c->p++;
		c->depth--;
		return 0;
	}
	for (;;) {
		if (close == '}') {
			jc_ws(c);
			if (jc_string(c))
				return -1;
			jc_ws(c);
			if (c->p >= c->end || *c->p++ != ':')
				return -1;
		}
		if (jc_value(c))
			return -1;
		jc_ws(c);
		if (c->p >= c->end)
			return -1;
		if (*c->p == ',') {
			c->p++;
			continue;
		}
		if (*c->p++ != close)
			return -1;
		c->depth--;
		return 0;
	}
}

/* 0 when @s (@len bytes) is exactly one JSON document. */
static inline int json_check_doc(const char *s, size_t len)
{
	struct jc c = { .p = s, .end = s + len };

	if (jc_value(&c))
		return -1;
	jc_ws(&c);
	return c.p == c.end ? 0 : -1;
}

/*
 * 0 when @s (@len bytes) is exactly one JSON string; its decoded bytes go
 * to @out (@cap bytes, may be NULL) and their count to *@out_len.
 */
static inline int json_check_str(const char *s, size_t len, char *out,
				 size_t cap, size_t *out_len)
{
	struct jc c = { .p = s, .end = s + len, .out = out, .out_cap = cap };

	if (jc_string(&c) || c.p != c.end)
		return -1;
	*out_len = c.out_len;
	return 0;
}

#endif /* NFO_TEST_JSONCHECK_H */
