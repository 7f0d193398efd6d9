/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small JSON writer: one document per call sequence, compact (one line),
 * strings escaped per RFC 8259.  Keys are given for members of objects and
 * NULL for elements of arrays and for the top-level value.
 */
#ifndef NFO_TOOL_JSON_H
#define NFO_TOOL_JSON_H

#include <stdbool.h>
#include <stdio.h>

#define JW_MAX_DEPTH 32

struct jw {
	FILE	*f;
	int	depth;
	bool	need_comma[JW_MAX_DEPTH];
};

void jw_init(struct jw *w, FILE *f);
void jw_obj_open(struct jw *w, const char *key);
void jw_obj_close(struct jw *w);
void jw_arr_open(struct jw *w, const char *key);
void jw_arr_close(struct jw *w);
void jw_str(struct jw *w, const char *key, const char *s);
void jw_int(struct jw *w, const char *key, long long v);
void jw_uint(struct jw *w, const char *key, unsigned long long v);
void jw_double(struct jw *w, const char *key, double v);
void jw_bool(struct jw *w, const char *key, bool v);
void jw_null(struct jw *w, const char *key);
/* Ends the document: a newline, and a flush (watch mode streams). */
void jw_end(struct jw *w);

/* Writes @s as a quoted, escaped JSON string. */
void jw_escape(FILE *f, const char *s);

#endif /* NFO_TOOL_JSON_H */
