/*
 * wt_pem.c — PEM blocks and Base64 (RFC 7468, RFC 4648 §4). See wt_pem.h.
 */
#include "wt_pem.h"
#include "wt_bytes.h"

static const char begin_tag[] = "-----BEGIN ";
static const char end_tag[] = "-----END ";
static const char dashes[] = "-----";

/* First occurrence of `s` (k bytes) in p[0..n), or NULL. */
static const uint8_t *
wt_find(const uint8_t *p, size_t n, const char *s, size_t k)
{
	if (k == 0 || n < k) return NULL;
	for (size_t i = 0; i + k <= n; i++) {
		if (p[i] == (uint8_t)s[0] && memcmp(p + i, s, k) == 0) return p + i;
	}
	return NULL;
}

/* Does a BEGIN line end at p (only spaces, tabs and a CR before its LF, or the end of the text)? */
static int
wt_line_ends(const uint8_t *p, const uint8_t *stop)
{
	while (p < stop && (*p == ' ' || *p == '\t' || *p == '\r')) p++;
	return p == stop || *p == '\n';
}

int
wt_pem_next(wt_pem_text *t, wt_pem_block *b)
{
	const size_t bk = sizeof begin_tag - 1, ek = sizeof end_tag - 1, dk = sizeof dashes - 1;
	const uint8_t *stop = t->p + t->n;
	memset(b, 0, sizeof *b);
	for (;;) {
		const uint8_t *at = wt_find(t->p, t->n, begin_tag, bk);
		if (at == NULL) {
			t->p += t->n;
			t->n = 0;
			return WT_PEM_NONE;
		}
		const uint8_t *label = at + bk;
		size_t rest = t->n - (size_t)(label - t->p);
		/* the label ends at the first "-----" of its line */
		size_t i = 0;
		while (i < rest && label[i] != '\n' && label[i] != '\r' &&
		       !(rest - i >= dk && memcmp(label + i, dashes, dk) == 0)) i++;
		/* a BEGIN line starts a line (RFC 7468 §2, and BearSSL's reading) and ends after its dashes
		 * (but for blanks: BearSSL takes "X----- more" as a block named "X----- MORE", which no
		 * reader here asks for, so it is no block either way) */
		if (!(at > t->p ? at[-1] == '\n' : !t->mid_line) || i >= rest || label[i] == '\n' || label[i] == '\r' ||
		    !wt_line_ends(label + i + dk, stop)) {
			/* not a BEGIN line: look again after it */
			t->n -= (size_t)(label - t->p);
			t->p = label;
			t->mid_line = 1;
			continue;
		}
		b->label = label;
		b->label_len = i;
		const uint8_t *body = label + i + dk;
		/* the rest of the BEGIN line */
		while (body < stop && *body != '\n') body++;
		if (body < stop) body++;
		/* "-----END " label "-----" */
		const uint8_t *scan = body;
		for (;;) {
			const uint8_t *e = wt_find(scan, (size_t)(stop - scan), end_tag, ek);
			if (e == NULL) {
				t->p = stop;
				t->n = 0;
				return WT_PEM_UNTERMINATED;
			}
			const uint8_t *el = e + ek;
			/* the END line too starts a line, with the block's own label */
			if ((e == body || e[-1] == '\n') &&
			    (size_t)(stop - el) >= b->label_len + dk && memcmp(el, b->label, b->label_len) == 0 &&
			    memcmp(el + b->label_len, dashes, dk) == 0) {
				b->body = body;
				b->body_len = (size_t)(e - body);
				const uint8_t *next = el + b->label_len + dk;
				t->n = (size_t)(stop - next);
				t->p = next;
				t->mid_line = 1;
				return WT_PEM_FOUND;
			}
			scan = el;
		}
	}
}

int
wt_pem_looks(const uint8_t *data, size_t len)
{
	return wt_find(data, len, begin_tag, sizeof begin_tag - 1) != NULL;
}

int
wt_pem_label_is(const wt_pem_block *b, const char *label)
{
	size_t k = strlen(label);
	return b->label != NULL && b->label_len == k && memcmp(b->label, label, k) == 0;
}

/* The 6-bit value of a Base64 character; -1 whitespace, -2 '=', -3 anything else. */
static int
wt_b64_value(uint8_t c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+') return 62;
	if (c == '/') return 63;
	if (c == ' ' || c == '\t' || c == '\r' || c == '\n') return -1;
	if (c == '=') return -2;
	return -3;
}

int
wt_pem_decode(const wt_pem_block *b, wt_pem_dest dest, void *ctx)
{
	uint8_t out[192];
	size_t n_out = 0;
	uint32_t acc = 0;
	unsigned n_acc = 0, pad = 0;
	int err = 0;

	for (size_t i = 0; i < b->body_len && !err; i++) {
		int v = wt_b64_value(b->body[i]);
		if (v == -1) continue;
		if (v == -3) { err = -1; break; }
		if (v == -2) {
			/* "xx==" or "xxx=": padding completes the last quantum */
			if (n_acc < 2 || n_acc + pad >= 4) { err = -1; break; }
			pad++;
			if (n_acc + pad == 4) {
				out[n_out++] = (uint8_t)(acc >> (n_acc == 2 ? 4 : 10));
				if (n_acc == 3) out[n_out++] = (uint8_t)(acc >> 2);
				n_acc = 0;
				acc = 0;
				pad = 4;   /* ended: only whitespace may follow */
			}
			continue;
		}
		if (pad) { err = -1; break; }   /* data after padding */
		acc = (acc << 6) | (uint32_t)v;
		if (++n_acc == 4) {
			out[n_out++] = (uint8_t)(acc >> 16);
			out[n_out++] = (uint8_t)(acc >> 8);
			out[n_out++] = (uint8_t)acc;
			n_acc = 0;
			acc = 0;
		}
		if (n_out > sizeof out - 3) {
			if (dest) dest(ctx, out, n_out);
			n_out = 0;
		}
	}
	if (!err && (n_acc != 0 || (pad != 0 && pad != 4))) err = -1;   /* an incomplete quantum */
	if (!err && n_out && dest) dest(ctx, out, n_out);
	wt_wipe(out, sizeof out);
	acc = 0;
	return err;
}
