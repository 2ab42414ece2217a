/*
 * wt_json.h — a tiny, non-allocating JSON reader for the test programs.
 *
 * A value is a view (pointer + length) into the caller's text. The whole
 * document is validated once by wt_json_parse(); after that, lookups walk
 * the text lazily: wt_json_get() finds an object member, wt_json_next()
 * iterates over array elements. Enough for Wycheproof files: objects,
 * arrays, strings (with escapes), numbers, true/false/null. Not for
 * production use.
 */
#ifndef WT_JSON_H
#define WT_JSON_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
	WT_JSON_INVALID = 0,
	WT_JSON_OBJECT,
	WT_JSON_ARRAY,
	WT_JSON_STRING,
	WT_JSON_NUMBER,
	WT_JSON_TRUE,
	WT_JSON_FALSE,
	WT_JSON_NULL
} wt_json_type;

/* One JSON value: text[0 .. len) is exactly its source text. */
typedef struct {
	const char *text;
	size_t len;
	wt_json_type type;
} wt_json;

/* Iterator over the elements of an array or the members of an object. */
typedef struct {
	const char *p;
	const char *end;
	int first;
	int is_obj;
} wt_json_iter;

/* Validate a complete document and return its root value. 0 on success. */
int wt_json_parse(const char *text, size_t len, wt_json *root);

/* Member `key` of an object. 0 if found, -1 otherwise. */
int wt_json_get(wt_json obj, const char *key, wt_json *out);

/* Start iterating over an array (or over an object's values). */
wt_json_iter wt_json_iter_of(wt_json v);

/* Next element; 1 while there is one, 0 at the end. For objects, `key`
 * (may be NULL) receives the member name as a string value. */
int wt_json_next(wt_json_iter *it, wt_json *key, wt_json *val);

/* Decode a string value (escapes resolved, UTF-8) into buf, NUL-terminated.
 * Returns the decoded length, or -1 if not a string or it does not fit. */
long wt_json_str(wt_json v, char *buf, size_t cap);

/* 1 if v is a string equal to s (no escapes in s). */
int wt_json_is(wt_json v, const char *s);

/* An integer number value. 0 on success. */
int wt_json_int(wt_json v, long *out);

/* Decode a hex string value into out. Returns the byte count or -1. */
long wt_json_hex(wt_json v, uint8_t *out, size_t cap);

#endif
