/*
 * wt_json.c — see wt_json.h. Recursive descent with a depth limit; every
 * read is bounded by the end pointer, so malformed input yields an error,
 * never an overrun.
 */
#include "wt_json.h"

#include <stdlib.h>
#include <string.h>

#define WT_JSON_MAX_DEPTH 64

static const char *
ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) {
		p ++;
	}
	return p;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/*
 * Skip one string starting at p (on the opening quote). Returns the
 * pointer after the closing quote, or NULL.
 */
static const char *
skip_string(const char *p, const char *end)
{
	if (p >= end || *p != '"') return NULL;
	p ++;
	while (p < end) {
		unsigned char c = (unsigned char)*p;
		if (c == '"') return p + 1;
		if (c < 0x20) return NULL;
		if (c == '\\') {
			if (end - p < 2) return NULL;
			switch (p[1]) {
			case '"': case '\\': case '/': case 'b':
			case 'f': case 'n': case 'r': case 't':
				p += 2;
				break;
			case 'u':
				if (end - p < 6) return NULL;
				for (int i = 2; i < 6; i ++) {
					if (hexval(p[i]) < 0) return NULL;
				}
				p += 6;
				break;
			default:
				return NULL;
			}
		} else {
			p ++;
		}
	}
	return NULL;
}

static const char *
skip_number(const char *p, const char *end)
{
	const char *s;

	if (p < end && *p == '-') p ++;
	if (p >= end) return NULL;
	if (*p == '0') {
		p ++;
	} else if (*p >= '1' && *p <= '9') {
		while (p < end && *p >= '0' && *p <= '9') p ++;
	} else {
		return NULL;
	}
	if (p < end && *p == '.') {
		p ++;
		s = p;
		while (p < end && *p >= '0' && *p <= '9') p ++;
		if (p == s) return NULL;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p ++;
		if (p < end && (*p == '+' || *p == '-')) p ++;
		s = p;
		while (p < end && *p >= '0' && *p <= '9') p ++;
		if (p == s) return NULL;
	}
	return p;
}

static const char *
skip_lit(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(end - p) < n || memcmp(p, lit, n) != 0) return NULL;
	return p + n;
}

/*
 * Skip one value at p (no leading whitespace). Returns the end of the
 * value, or NULL if malformed; *type receives its type.
 */
static const char *
skip_value(const char *p, const char *end, int depth, wt_json_type *type)
{
	wt_json_type dummy;

	if (type == NULL) type = &dummy;
	if (p >= end || depth > WT_JSON_MAX_DEPTH) return NULL;
	switch (*p) {
	case '{':
		*type = WT_JSON_OBJECT;
		p = ws(p + 1, end);
		if (p < end && *p == '}') return p + 1;
		for (;;) {
			p = skip_string(p, end);
			if (p == NULL) return NULL;
			p = ws(p, end);
			if (p >= end || *p != ':') return NULL;
			p = ws(p + 1, end);
			p = skip_value(p, end, depth + 1, NULL);
			if (p == NULL) return NULL;
			p = ws(p, end);
			if (p >= end) return NULL;
			if (*p == '}') return p + 1;
			if (*p != ',') return NULL;
			p = ws(p + 1, end);
		}
	case '[':
		*type = WT_JSON_ARRAY;
		p = ws(p + 1, end);
		if (p < end && *p == ']') return p + 1;
		for (;;) {
			p = skip_value(p, end, depth + 1, NULL);
			if (p == NULL) return NULL;
			p = ws(p, end);
			if (p >= end) return NULL;
			if (*p == ']') return p + 1;
			if (*p != ',') return NULL;
			p = ws(p + 1, end);
		}
	case '"':
		*type = WT_JSON_STRING;
		return skip_string(p, end);
	case 't':
		*type = WT_JSON_TRUE;
		return skip_lit(p, end, "true");
	case 'f':
		*type = WT_JSON_FALSE;
		return skip_lit(p, end, "false");
	case 'n':
		*type = WT_JSON_NULL;
		return skip_lit(p, end, "null");
	default:
		*type = WT_JSON_NUMBER;
		return skip_number(p, end);
	}
}

static wt_json
make(const char *p, const char *e, wt_json_type t)
{
	wt_json v;

	v.text = p;
	v.len = (size_t)(e - p);
	v.type = t;
	return v;
}

int
wt_json_parse(const char *text, size_t len, wt_json *root)
{
	const char *end = text + len, *p, *e;
	wt_json_type t;

	p = ws(text, end);
	e = skip_value(p, end, 0, &t);
	if (e == NULL || ws(e, end) != end) return -1;
	*root = make(p, e, t);
	return 0;
}

wt_json_iter
wt_json_iter_of(wt_json v)
{
	wt_json_iter it;

	it.p = v.text;
	it.end = v.text + v.len;
	it.first = 1;
	it.is_obj = v.type == WT_JSON_OBJECT;
	if (v.type != WT_JSON_ARRAY && v.type != WT_JSON_OBJECT) {
		it.p = it.end;   /* nothing to iterate */
	} else {
		it.p ++;         /* past '[' or '{' */
	}
	return it;
}

/* Values inside a validated document: re-skipping cannot fail. */
int
wt_json_next(wt_json_iter *it, wt_json *key, wt_json *val)
{
	const char *p = ws(it->p, it->end), *e;
	wt_json_type t;

	if (p >= it->end || *p == ']' || *p == '}') return 0;
	if (!it->first) {
		if (*p != ',') return 0;
		p = ws(p + 1, it->end);
	}
	it->first = 0;
	if (it->is_obj) {
		/* Object member: "key" : value */
		e = skip_string(p, it->end);
		if (e == NULL) return 0;
		if (key) *key = make(p, e, WT_JSON_STRING);
		p = ws(e, it->end);
		if (p >= it->end || *p != ':') return 0;
		p = ws(p + 1, it->end);
	}
	e = skip_value(p, it->end, 0, &t);
	if (e == NULL) return 0;
	*val = make(p, e, t);
	it->p = e;
	return 1;
}

int
wt_json_is(wt_json v, const char *s)
{
	size_t n = strlen(s);

	return v.type == WT_JSON_STRING && v.len == n + 2 && memcmp(v.text + 1, s, n) == 0;
}

int
wt_json_get(wt_json obj, const char *key, wt_json *out)
{
	wt_json_iter it;
	wt_json k, v;

	if (obj.type != WT_JSON_OBJECT) return -1;
	it = wt_json_iter_of(obj);
	while (wt_json_next(&it, &k, &v)) {
		if (wt_json_is(k, key)) {
			*out = v;
			return 0;
		}
	}
	return -1;
}

/* Append code point cp as UTF-8; returns bytes written or -1. */
static int
put_utf8(char *q, size_t room, unsigned long cp)
{
	if (cp < 0x80) {
		if (room < 1) return -1;
		q[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		if (room < 2) return -1;
		q[0] = (char)(0xC0 | (cp >> 6));
		q[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		if (room < 3) return -1;
		q[0] = (char)(0xE0 | (cp >> 12));
		q[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		q[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	if (room < 4) return -1;
	q[0] = (char)(0xF0 | (cp >> 18));
	q[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	q[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	q[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

static unsigned long
hex4(const char *p)
{
	return ((unsigned long)hexval(p[0]) << 12) | ((unsigned long)hexval(p[1]) << 8)
		| ((unsigned long)hexval(p[2]) << 4) | (unsigned long)hexval(p[3]);
}

long
wt_json_str(wt_json v, char *buf, size_t cap)
{
	const char *p, *end;
	size_t n = 0;

	if (v.type != WT_JSON_STRING || cap == 0) return -1;
	p = v.text + 1;
	end = v.text + v.len - 1;
	while (p < end) {
		unsigned long cp;
		int w;

		if (*p != '\\') {
			if (n + 1 >= cap) return -1;
			buf[n ++] = *p ++;
			continue;
		}
		switch (p[1]) {
		case 'b': cp = '\b'; p += 2; break;
		case 'f': cp = '\f'; p += 2; break;
		case 'n': cp = '\n'; p += 2; break;
		case 'r': cp = '\r'; p += 2; break;
		case 't': cp = '\t'; p += 2; break;
		case 'u':
			cp = hex4(p + 2);
			p += 6;
			if (cp >= 0xD800 && cp < 0xDC00 && end - p >= 6
				&& p[0] == '\\' && p[1] == 'u')
			{
				unsigned long lo = hex4(p + 2);
				if (lo >= 0xDC00 && lo < 0xE000) {
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					p += 6;
				}
			}
			break;
		default:  cp = (unsigned char)p[1]; p += 2; break;
		}
		w = put_utf8(buf + n, cap - n - 1, cp);
		if (w < 0) return -1;
		n += (size_t)w;
	}
	buf[n] = 0;
	return (long)n;
}

int
wt_json_int(wt_json v, long *out)
{
	char tmp[32], *e;
	long x;

	if (v.type != WT_JSON_NUMBER || v.len == 0 || v.len >= sizeof tmp) return -1;
	memcpy(tmp, v.text, v.len);
	tmp[v.len] = 0;
	x = strtol(tmp, &e, 10);
	if (*e != 0) return -1;
	*out = x;
	return 0;
}

long
wt_json_hex(wt_json v, uint8_t *out, size_t cap)
{
	const char *p;
	size_t n, i;

	if (v.type != WT_JSON_STRING) return -1;
	p = v.text + 1;
	n = v.len - 2;
	if (n & 1 || n / 2 > cap) return -1;
	for (i = 0; i < n / 2; i ++) {
		int hi = hexval(p[2 * i]), lo = hexval(p[2 * i + 1]);
		if (hi < 0 || lo < 0) return -1;
		out[i] = (uint8_t)((hi << 4) | lo);
	}
	return (long)(n / 2);
}
