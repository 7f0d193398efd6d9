// SPDX-License-Identifier: GPL-2.0
/*
 * json-get: check JSON documents and print values out of them, for
 * scenarios that test --json output.
 *
 *   json-get [-l] [PATH...] <DOC
 *
 * Reads one JSON document from stdin (with -l: one per line, each checked,
 * and PATHs printed for each) and fails (exit 1) unless it is valid JSON
 * (RFC 8259) with nothing after it.  Each PATH prints one line: a
 * dot-separated list of object keys and array indexes ("flows.0.orig.src");
 * "#" as the last component prints the number of elements or members.
 * Strings print unescaped, other values as they appear (objects and arrays
 * in their compact source form).  A PATH that is not there exits 2.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *skip_value(const char *p, int depth);

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A string at p ('"'); decoded into out (may be NULL). Returns past it. */
static const char *string(const char *p, char *out, size_t len)
{
	size_t o = 0;

	if (*p++ != '"')
		return NULL;
	for (;;) {
		unsigned int c = (unsigned char)*p++;

		if (c == '"')
			break;
		if (c < 0x20)
			return NULL;
		if (c == '\\') {
			c = (unsigned char)*p++;
			switch (c) {
			case '"': case '\\': case '/':
				break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'u': {
				int i, h;

				c = 0;
				for (i = 0; i < 4; i++) {
					h = hexval(p[i]);
					if (h < 0)
						return NULL;
					c = c * 16 + (unsigned int)h;
				}
				p += 4;
				/* UTF-8 of the BMP code point (no pairing). */
				if (c >= 0x80 && out) {
					if (c < 0x800) {
						if (o + 2 < len) {
							out[o++] = (char)(0xc0 | (c >> 6));
							out[o++] = (char)(0x80 | (c & 0x3f));
						}
					} else if (o + 3 < len) {
						out[o++] = (char)(0xe0 | (c >> 12));
						out[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
						out[o++] = (char)(0x80 | (c & 0x3f));
					}
					continue;
				}
				break;
			}
			default:
				return NULL;
			}
		}
		if (out && o + 1 < len)
			out[o++] = (char)c;
	}
	if (out)
		out[o] = '\0';
	return p;
}

static const char *number(const char *p)
{
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return NULL;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (*p < '0' || *p > '9')
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return p;
}

static const char *skip_value(const char *p, int depth)
{
	p = ws(p);
	if (depth > 64)
		return NULL;
	switch (*p) {
	case '{':
		p = ws(p + 1);
		if (*p == '}')
			return p + 1;
		for (;;) {
			p = string(ws(p), NULL, 0);
			if (!p)
				return NULL;
			p = ws(p);
			if (*p++ != ':')
				return NULL;
			p = skip_value(p, depth + 1);
			if (!p)
				return NULL;
			p = ws(p);
			if (*p == '}')
				return p + 1;
			if (*p++ != ',')
				return NULL;
		}
	case '[':
		p = ws(p + 1);
		if (*p == ']')
			return p + 1;
		for (;;) {
			p = skip_value(p, depth + 1);
			if (!p)
				return NULL;
			p = ws(p);
			if (*p == ']')
				return p + 1;
			if (*p++ != ',')
				return NULL;
		}
	case '"':
		return string(p, NULL, 0);
	case 't':
		return strncmp(p, "true", 4) ? NULL : p + 4;
	case 'f':
		return strncmp(p, "false", 5) ? NULL : p + 5;
	case 'n':
		return strncmp(p, "null", 4) ? NULL : p + 4;
	default:
		return number(p);
	}
}

/* Prints the value at @path inside the (valid) value at @p. */
static int get(const char *p, const char *path)
{
	char comp[256], key[256];
	const char *dot, *end;
	size_t len, n = 0;

	p = ws(p);
	if (!*path) {
		end = skip_value(p, 0);
		if (*p == '"') {
			char *s = malloc((size_t)(end - p) + 1);

			string(p, s, (size_t)(end - p) + 1);
			puts(s);
			free(s);
		} else {
			printf("%.*s\n", (int)(end - p), p);
		}
		return 0;
	}
	dot = strchr(path, '.');
	len = dot ? (size_t)(dot - path) : strlen(path);
	if (len >= sizeof(comp))
		return 2;
	memcpy(comp, path, len);
	comp[len] = '\0';
	path = dot ? dot + 1 : path + len;
	if (*p != '{' && *p != '[')
		return 2;
	if (!strcmp(comp, "#") && !*path) {
		bool obj = *p == '{';

		p = ws(p + 1);
		while (*p != '}' && *p != ']') {
			if (obj) {
				p = ws(string(p, NULL, 0));
				p++;
			}
			p = ws(skip_value(p, 0));
			n++;
			if (*p == ',')
				p = ws(p + 1);
		}
		printf("%zu\n", n);
		return 0;
	}
	if (*p == '{') {
		p = ws(p + 1);
		while (*p != '}') {
			p = ws(string(p, key, sizeof(key)));
			p = ws(p + 1);
			if (!strcmp(key, comp))
				return get(p, path);
			p = ws(skip_value(p, 0));
			if (*p == ',')
				p = ws(p + 1);
		}
		return 2;
	}
	{
		char *e;
		unsigned long idx = strtoul(comp, &e, 10);

		if (*e || !*comp)
			return 2;
		p = ws(p + 1);
		while (*p != ']') {
			if (n++ == idx)
				return get(p, path);
			p = ws(skip_value(p, 0));
			if (*p == ',')
				p = ws(p + 1);
		}
		return 2;
	}
}

static int doc(const char *text, int npath, char **paths)
{
	const char *end = skip_value(text, 0);
	int i, rc = 0;

	if (!end || *ws(end)) {
		fprintf(stderr, "json-get: not one valid JSON document: %.80s\n", text);
		return 1;
	}
	for (i = 0; i < npath; i++) {
		int r = get(text, paths[i]);

		if (r) {
			fprintf(stderr, "json-get: no %s\n", paths[i]);
			rc = r;
		}
	}
	return rc;
}

int main(int argc, char **argv)
{
	size_t len = 0, cap = 1 << 16;
	char *buf = malloc(cap), *line, *save;
	bool lines = argc > 1 && !strcmp(argv[1], "-l");
	int rc = 0, r, any = 0;
	size_t got;

	if (lines) {
		argc--;
		argv++;
	}
	while (buf && (got = fread(buf + len, 1, cap - len - 1, stdin)) > 0) {
		len += got;
		if (cap - len < 2) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
	}
	if (!buf)
		return 1;
	buf[len] = '\0';
	if (!lines)
		return doc(buf, argc - 1, argv + 1);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		any = 1;
		r = doc(line, argc - 1, argv + 1);
		if (r == 1)
			return 1;
		if (r)
			rc = r;
	}
	return any ? rc : 1;
}
