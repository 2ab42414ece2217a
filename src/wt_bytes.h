/*
 * wt_bytes.h — bounds-checked byte reader and writer.
 *
 * Every parse of peer or caller data in wasmtls goes through wt_reader:
 * a read past the end never touches memory, it sets the sticky `bad` flag
 * and yields zeros, so a parser checks `r.bad` once at the end of a message
 * instead of after every field. The writer works the same way for output
 * into a fixed buffer (sticky `bad` on overflow). Neither owns its memory.
 */
#ifndef WT_BYTES_H
#define WT_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct {
	const uint8_t *p;   /* next unread byte */
	size_t n;           /* bytes left */
	int bad;            /* set on any out-of-bounds read; sticky */
} wt_reader;

static inline wt_reader
wt_reader_of(const uint8_t *p, size_t n)
{
	wt_reader r = { p, n, 0 };
	return r;
}

static inline int
wt_r_need(wt_reader *r, size_t k)
{
	if (r->bad || r->n < k) {
		r->bad = 1;
		r->n = 0;
		return 0;
	}
	return 1;
}

static inline uint32_t
wt_r_u8(wt_reader *r)
{
	if (!wt_r_need(r, 1)) return 0;
	uint32_t v = r->p[0];
	r->p += 1; r->n -= 1;
	return v;
}

static inline uint32_t
wt_r_u16(wt_reader *r)
{
	if (!wt_r_need(r, 2)) return 0;
	uint32_t v = ((uint32_t)r->p[0] << 8) | r->p[1];
	r->p += 2; r->n -= 2;
	return v;
}

static inline uint32_t
wt_r_u24(wt_reader *r)
{
	if (!wt_r_need(r, 3)) return 0;
	uint32_t v = ((uint32_t)r->p[0] << 16) | ((uint32_t)r->p[1] << 8) | r->p[2];
	r->p += 3; r->n -= 3;
	return v;
}

static inline uint32_t
wt_r_u32(wt_reader *r)
{
	uint32_t hi = wt_r_u16(r);
	return (hi << 16) | wt_r_u16(r);
}

/* Take k bytes; returns a pointer to them (NULL and `bad` if short). */
static inline const uint8_t *
wt_r_bytes(wt_reader *r, size_t k)
{
	if (!wt_r_need(r, k)) return NULL;
	const uint8_t *p = r->p;
	r->p += k; r->n -= k;
	return p;
}

/* Copy exactly k bytes into dst (zeros and `bad` if short). */
static inline void
wt_r_copy(wt_reader *r, void *dst, size_t k)
{
	const uint8_t *p = wt_r_bytes(r, k);
	if (p) memcpy(dst, p, k); else memset(dst, 0, k);
}

/* A sub-reader over a vector whose length prefix is 1, 2 or 3 bytes. */
static inline wt_reader
wt_r_vec(wt_reader *r, int prefix)
{
	size_t len = prefix == 1 ? wt_r_u8(r) : prefix == 2 ? wt_r_u16(r) : wt_r_u24(r);
	const uint8_t *p = wt_r_bytes(r, len);
	wt_reader sub = { p, p ? len : 0, r->bad };
	return sub;
}

/* True once everything was read without error. */
static inline int
wt_r_done(const wt_reader *r)
{
	return !r->bad && r->n == 0;
}

typedef struct {
	uint8_t *p;         /* start of the buffer */
	size_t cap;         /* its capacity */
	size_t len;         /* bytes written */
	int bad;            /* set on overflow; sticky */
} wt_writer;

static inline wt_writer
wt_writer_of(uint8_t *p, size_t cap)
{
	wt_writer w = { p, cap, 0, 0 };
	return w;
}

/* Reserve k bytes; returns where to write them, or NULL and `bad`. */
static inline uint8_t *
wt_w_reserve(wt_writer *w, size_t k)
{
	if (w->bad || w->cap - w->len < k) {
		w->bad = 1;
		return NULL;
	}
	uint8_t *q = w->p + w->len;
	w->len += k;
	return q;
}

static inline void
wt_w_u8(wt_writer *w, uint32_t v)
{
	uint8_t *q = wt_w_reserve(w, 1);
	if (q) q[0] = (uint8_t)v;
}

static inline void
wt_w_u16(wt_writer *w, uint32_t v)
{
	uint8_t *q = wt_w_reserve(w, 2);
	if (q) { q[0] = (uint8_t)(v >> 8); q[1] = (uint8_t)v; }
}

static inline void
wt_w_u24(wt_writer *w, uint32_t v)
{
	uint8_t *q = wt_w_reserve(w, 3);
	if (q) { q[0] = (uint8_t)(v >> 16); q[1] = (uint8_t)(v >> 8); q[2] = (uint8_t)v; }
}

static inline void
wt_w_u32(wt_writer *w, uint32_t v)
{
	uint8_t *q = wt_w_reserve(w, 4);
	if (q) { q[0] = (uint8_t)(v >> 24); q[1] = (uint8_t)(v >> 16); q[2] = (uint8_t)(v >> 8); q[3] = (uint8_t)v; }
}

static inline void
wt_w_bytes(wt_writer *w, const void *src, size_t k)
{
	uint8_t *q = wt_w_reserve(w, k);
	if (q && k) memcpy(q, src, k);
}

/*
 * Length-prefixed vectors: wt_w_open() reserves a 1/2/3-byte prefix and
 * returns its offset; wt_w_close() fills in the length of what was written
 * since. Vectors nest naturally.
 */
static inline size_t
wt_w_open(wt_writer *w, int prefix)
{
	size_t at = w->len;
	wt_w_reserve(w, (size_t)prefix);
	return at;
}

static inline void
wt_w_close(wt_writer *w, size_t at, int prefix)
{
	if (w->bad) return;
	size_t len = w->len - at - (size_t)prefix;
	if (len >> (8 * prefix)) { w->bad = 1; return; }
	for (int i = prefix - 1; i >= 0; i--) {
		w->p[at + (size_t)i] = (uint8_t)len;
		len >>= 8;
	}
}

/* Big-endian stores and loads used by the record layer. */
static inline void
wt_put_u16(uint8_t *q, uint32_t v)
{
	q[0] = (uint8_t)(v >> 8); q[1] = (uint8_t)v;
}

static inline void
wt_put_u24(uint8_t *q, uint32_t v)
{
	q[0] = (uint8_t)(v >> 16); q[1] = (uint8_t)(v >> 8); q[2] = (uint8_t)v;
}

static inline uint32_t
wt_get_u16(const uint8_t *q)
{
	return ((uint32_t)q[0] << 8) | q[1];
}

static inline void
wt_put_u64(uint8_t *q, uint64_t v)
{
	for (int i = 7; i >= 0; i--) { q[i] = (uint8_t)v; v >>= 8; }
}

/*
 * Wipe secrets in a way the compiler may not elide: memset (word stores, fast
 * on the 50 KiB buffers a connection frees), then an empty asm statement that
 * takes the pointer and clobbers memory, so the stores count as observed —
 * the explicit_bzero / OPENSSL_cleanse technique; clang and gcc, native and wasm.
 */
static inline void
wt_wipe(void *p, size_t n)
{
	if (!p || !n) return;
	memset(p, 0, n);
	__asm__ __volatile__("" : : "r"(p) : "memory");
}

/* Constant-time comparison; 1 when equal. */
static inline int
wt_ct_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint8_t d = 0;
	for (size_t i = 0; i < n; i++) d |= (uint8_t)(a[i] ^ b[i]);
	return d == 0;
}

/*
 * Standard base64 (RFC 4648 §4, with padding) of public data, for messages:
 * writes 4 * ceil(n / 3) characters to `out` (no NUL) and returns that count.
 */
static inline size_t
wt_base64(const uint8_t *p, size_t n, char *out)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
		out[o++] = i + 1 < n ? a[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? a[v & 63] : '=';
	}
	return o;
}

/* ASCII lower case of one byte (names on the wire are compared case-blind, RFC 4343). */
static inline uint8_t
wt_ascii_lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

/* 1 if a[0..n) and b[0..n) are equal ignoring ASCII case (public data only: not constant time). */
static inline int
wt_ascii_ieq(const uint8_t *a, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (wt_ascii_lower(a[i]) != wt_ascii_lower(b[i])) return 0;
	return 1;
}

#endif
