/*
 * wt_der.h — a tiny strict DER TLV reader on top of wt_reader.
 *
 * Only what certificate parsing needs: single-byte tags (tag numbers 0..30;
 * the multi-byte "high tag number" form is rejected), definite lengths in
 * minimal encoding (short form below 128, long form with no leading zero
 * byte and at most 4 length bytes), and a sub-reader over each value so a
 * nested structure can never read past its parent. Any violation sets the
 * reader's sticky `bad` flag, like every other wt_reader failure.
 */
#ifndef WT_DER_H
#define WT_DER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "wt_bytes.h"

/* Universal tags (with the constructed bit where DER requires it). */
#define WT_DER_BOOLEAN      0x01
#define WT_DER_INTEGER      0x02
#define WT_DER_BIT_STRING   0x03
#define WT_DER_OCTET_STRING 0x04
#define WT_DER_NULL         0x05
#define WT_DER_OID          0x06
#define WT_DER_UTF8STRING   0x0C
#define WT_DER_IA5STRING    0x16
#define WT_DER_UTCTIME      0x17
#define WT_DER_GENTIME      0x18
#define WT_DER_SEQUENCE     0x30
#define WT_DER_SET          0x31

/* Context-specific tags: [n] constructed (EXPLICIT / SEQUENCE-like) and primitive. */
#define WT_DER_CTX_CONS(n)  (0xA0u | (unsigned)(n))
#define WT_DER_CTX_PRIM(n)  (0x80u | (unsigned)(n))

/** \brief One decoded TLV: its tag byte, a reader over its value, and its full encoding. */
typedef struct {
	unsigned tag;          /* the identifier octet (class | constructed | number) */
	wt_reader body;        /* the value bytes */
	const uint8_t *raw;    /* first byte of the whole TLV (tag) */
	size_t raw_len;        /* length of tag + length + value */
} wt_der_tlv;

/**
 * \brief Read one TLV from `r`. \return 1 on success; 0 (and `r->bad` set,
 * `t->body` empty and bad) on truncation, a high tag number, an indefinite
 * or non-minimal length, or a length beyond the remaining input.
 */
static inline int
wt_der_read(wt_reader *r, wt_der_tlv *t)
{
	const uint8_t *start = r->p;
	size_t before = r->n;
	unsigned tag = (unsigned)wt_r_u8(r);
	uint32_t b = wt_r_u8(r);
	size_t len;

	t->tag = 0;
	t->body = wt_reader_of(NULL, 0);
	t->body.bad = 1;
	t->raw = NULL;
	t->raw_len = 0;
	if (r->bad) return 0;
	if ((tag & 0x1F) == 0x1F) { r->bad = 1; r->n = 0; return 0; }
	if (b < 0x80) {
		len = b;
	} else {
		unsigned k = b & 0x7F;
		if (k == 0 || k > 4) { r->bad = 1; r->n = 0; return 0; }   /* indefinite / huge */
		len = 0;
		for (unsigned i = 0; i < k; i++) {
			uint32_t c = wt_r_u8(r);
			if (i == 0 && c == 0) { r->bad = 1; r->n = 0; return 0; }  /* leading zero */
			len = (len << 8) | c;
		}
		if (r->bad) return 0;
		if (len < 0x80) { r->bad = 1; r->n = 0; return 0; }  /* should be short form */
	}
	const uint8_t *v = wt_r_bytes(r, len);
	if (v == NULL) return 0;
	t->tag = tag;
	t->body = wt_reader_of(v, len);
	t->raw = start;
	t->raw_len = before - r->n;
	return 1;
}

/**
 * \brief Read one TLV that must carry `tag`; returns a reader over its value.
 * On any mismatch `r` becomes bad and the returned reader is bad and empty.
 */
static inline wt_reader
wt_der_expect(wt_reader *r, unsigned tag)
{
	wt_der_tlv t;
	if (!wt_der_read(r, &t)) return t.body;
	if (t.tag != tag) {
		r->bad = 1;
		r->n = 0;
		wt_reader bad = { NULL, 0, 1 };
		return bad;
	}
	return t.body;
}

/** \brief The tag of the next TLV without consuming it, or -1 at the end / on error. */
static inline int
wt_der_peek(const wt_reader *r)
{
	if (r->bad || r->n == 0) return -1;
	return r->p[0];
}

/** \brief Does the value in `v` equal the `n` bytes at `bytes`? (Handy for OIDs.) */
static inline int
wt_der_eq(const wt_reader *v, const uint8_t *bytes, size_t n)
{
	return !v->bad && v->n == n && memcmp(v->p, bytes, n) == 0;
}

/**
 * \brief Strict BOOLEAN value: one byte, 0x00 or 0xFF.
 * \return 0 or 1, or -1 (and `v` marked bad) on a bad encoding.
 */
static inline int
wt_der_bool(wt_reader *v)
{
	if (v->bad || v->n != 1 || (v->p[0] != 0x00 && v->p[0] != 0xFF)) {
		v->bad = 1;
		return -1;
	}
	return v->p[0] ? 1 : 0;
}

#endif
