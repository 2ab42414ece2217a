/*
 * test_pem.c — wt_pem (src/wt_pem.c): blocks are found with their labels, bodies
 * decode to the bytes BearSSL's br_pem_decoder gives (compared on the same texts),
 * and malformed Base64 or a missing END line is an error, never a short result.
 */
#include <stdio.h>
#include <string.h>
#include "bearssl.h"
#include "wt_pem.h"
#include "wt_test.h"

typedef struct { uint8_t buf[4096]; size_t len; } sink;

static void
put(void *ctx, const void *p, size_t n)
{
	sink *s = ctx;
	if (s->len + n <= sizeof s->buf) memcpy(s->buf + s->len, p, n);
	s->len += n;
}

/* BearSSL's reading of the first block of `text`: its name and bytes; -1 on its error. */
static int
bearssl_first(const char *text, char *name, sink *out)
{
	br_pem_decoder_context pc;
	const uint8_t *p = (const uint8_t *)text;
	size_t len = strlen(text);
	int in = 0;
	br_pem_decoder_init(&pc);
	while (len) {
		size_t k = br_pem_decoder_push(&pc, p, len);
		p += k;
		len -= k;
		switch (br_pem_decoder_event(&pc)) {
		case BR_PEM_BEGIN_OBJ:
			strcpy(name, br_pem_decoder_name(&pc));
			br_pem_decoder_setdest(&pc, put, out);
			in = 1;
			break;
		case BR_PEM_END_OBJ:
			return in ? 0 : -1;
		case BR_PEM_ERROR:
			return -1;
		default:
			break;
		}
	}
	return -1;
}

static int
ours_first(const char *text, char *name, sink *out)
{
	wt_pem_text t = { (const uint8_t *)text, strlen(text), 0 };
	wt_pem_block b;
	if (wt_pem_next(&t, &b) != WT_PEM_FOUND) return -1;
	memcpy(name, b.label, b.label_len);
	name[b.label_len] = 0;
	return wt_pem_decode(&b, put, out);
}

/* Both readers agree on `text` (error or the same name and bytes); `ok` says which is expected. */
#define AGREE(text, ok) do { \
	char n1_[64] = "", n2_[64] = ""; sink a_ = { {0}, 0 }, b_ = { {0}, 0 }; \
	int r1_ = bearssl_first(text, n1_, &a_), r2_ = ours_first(text, n2_, &b_); \
	CHECKF((r2_ == 0) == (ok), "wt_pem on %s: %d", #text, r2_); \
	CHECKF((r1_ == 0) == (ok), "BearSSL on %s: %d", #text, r1_); \
	if ((ok) && r1_ == 0 && r2_ == 0) { \
		CHECKF(strcmp(n1_, n2_) == 0, "names \"%s\" vs \"%s\"", n1_, n2_); \
		CHECK(a_.len == b_.len && memcmp(a_.buf, b_.buf, a_.len) == 0); \
	} \
} while (0)

int
main(void)
{
	AGREE("-----BEGIN CERTIFICATE-----\nTWFu\n-----END CERTIFICATE-----\n", 1);
	AGREE("-----BEGIN X-----\nTQ==\n-----END X-----\n", 1);
	AGREE("junk before\n-----BEGIN PRIVATE KEY-----\nTWFu\nTWFu\n-----END PRIVATE KEY-----\ntrailing", 1);
	/* Where BearSSL is stricter than RFC 7468 §2, wt_pem reads as the RFC says: CRLF line ends
	 * (BearSSL's label then ends in "-----", so such a CA file had no CERTIFICATE block) and
	 * whitespace anywhere in the body (BearSSL refuses a line that starts with a space, or a
	 * quantum that spans two lines). */
	{
		char name[64];
		sink s = { {0}, 0 };
		CHECK(ours_first("-----BEGIN CERTIFICATE-----\r\nTWE=\r\n-----END CERTIFICATE-----\r\n", name, &s) == 0);
		CHECK(strcmp(name, "CERTIFICATE") == 0 && s.len == 2 && memcmp(s.buf, "Ma", 2) == 0);
		s.len = 0;
		CHECK(ours_first("-----BEGIN X-----\n TW Fu\tTW\nFu\n-----END X-----\n", name, &s) == 0);
		CHECK(s.len == 6 && memcmp(s.buf, "ManMan", 6) == 0);
	}
	AGREE("-----BEGIN CERTIFICATE-----\nTW*u\n-----END CERTIFICATE-----\n", 0);     /* not Base64 */
	AGREE("-----BEGIN CERTIFICATE-----\nTQ==TWFu\n-----END CERTIFICATE-----\n", 0); /* data after padding */
	AGREE("-----BEGIN CERTIFICATE-----\nT===\n-----END CERTIFICATE-----\n", 0);     /* too much padding */
	AGREE("-----BEGIN CERTIFICATE-----\nTWFu\n", 0);                                /* no END line */
	/* boundary lines start a line (RFC 7468 §2): a BEGIN or END inside a line is text, not a
	 * boundary */
	AGREE("junk-----BEGIN CERTIFICATE-----\nTWFu\n-----END CERTIFICATE-----\n", 0);
	{
		/* text after a BEGIN line's dashes: not a CERTIFICATE block for either reader (BearSSL
		 * names it "CERTIFICATE----- COMMENT"; wt_pem finds no block) */
		char n1[64] = "", n2[64] = "";
		sink a = { {0}, 0 }, c = { {0}, 0 };
		const char *text = "-----BEGIN CERTIFICATE----- comment\nTWFu\n-----END CERTIFICATE-----\n";
		CHECK(bearssl_first(text, n1, &a) != 0 || strcmp(n1, "CERTIFICATE") != 0);
		CHECK(ours_first(text, n2, &c) != 0);
	}
	AGREE("-----BEGIN CERTIFICATE-----\nTWFuTWFu-----END CERTIFICATE-----\n", 0);
	{
		/* ...and a later, well-formed block is still found */
		char name[64];
		sink s = { {0}, 0 };
		CHECK(ours_first("x-----BEGIN X-----\nTQ==\n-----END X-----\n-----BEGIN CERTIFICATE-----\nTWFu\n-----END CERTIFICATE-----  \n",
		                 name, &s) == 0);
		CHECK(strcmp(name, "CERTIFICATE") == 0 && s.len == 3 && memcmp(s.buf, "Man", 3) == 0);
		s.len = 0;
		/* an END inside a line does not end the block; the real END line after it does (then the
		 * body holds the "-----END" text, which is not Base64: an error, not a short result) */
		CHECK(ours_first("-----BEGIN X-----\nTWFu -----END X-----\n-----END X-----\n", name, &s) == -1);
	}

	/* a long body (more than the decoder's 192-byte piece), every byte value */
	{
		static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		uint8_t raw[1000];
		char text[2000];
		size_t o = 0;
		for (size_t i = 0; i < sizeof raw; i++) raw[i] = (uint8_t)(i * 7 + 3);
		o += (size_t)sprintf(text + o, "-----BEGIN CERTIFICATE-----\n");
		for (size_t i = 0; i < sizeof raw; i += 3) {
			uint32_t v = (uint32_t)raw[i] << 16;
			size_t k = sizeof raw - i < 3 ? sizeof raw - i : 3;
			if (k > 1) v |= (uint32_t)raw[i + 1] << 8;
			if (k > 2) v |= raw[i + 2];
			text[o++] = b64[(v >> 18) & 63];
			text[o++] = b64[(v >> 12) & 63];
			text[o++] = k > 1 ? b64[(v >> 6) & 63] : '=';
			text[o++] = k > 2 ? b64[v & 63] : '=';
			if (i % 48 == 45) text[o++] = '\n';
		}
		o += (size_t)sprintf(text + o, "\n-----END CERTIFICATE-----\n");
		text[o] = 0;
		char name[64];
		sink s = { {0}, 0 };
		CHECK(ours_first(text, name, &s) == 0);
		CHECK(s.len == sizeof raw && memcmp(s.buf, raw, sizeof raw) == 0);
		AGREE(text, 1);
	}

	/* several blocks, in order; the END line must name the same label */
	{
		const char *text = "-----BEGIN A-----\nTWFu\n-----END B-----\n-----END A-----\n"
			"-----BEGIN CERTIFICATE-----\nTWE=\n-----END CERTIFICATE-----\n";
		wt_pem_text t = { (const uint8_t *)text, strlen(text), 0 };
		wt_pem_block b;
		CHECK(wt_pem_next(&t, &b) == WT_PEM_FOUND && wt_pem_label_is(&b, "A"));
		CHECK(wt_pem_decode(&b, NULL, NULL) != 0);   /* "-----END B-----" is inside A's body */
		CHECK(wt_pem_next(&t, &b) == WT_PEM_FOUND && wt_pem_label_is(&b, "CERTIFICATE"));
		sink s = { {0}, 0 };
		CHECK(wt_pem_decode(&b, put, &s) == 0 && s.len == 2 && memcmp(s.buf, "Ma", 2) == 0);
		CHECK(wt_pem_next(&t, &b) == WT_PEM_NONE);
	}
	/* an unterminated block reports its label */
	{
		const char *text = "-----BEGIN CERTIFICATE-----\nTWFu\n";
		wt_pem_text t = { (const uint8_t *)text, strlen(text), 0 };
		wt_pem_block b;
		CHECK(wt_pem_next(&t, &b) == WT_PEM_UNTERMINATED && wt_pem_label_is(&b, "CERTIFICATE"));
		CHECK(wt_pem_next(&t, &b) == WT_PEM_NONE);
	}
	/* no BEGIN line at all, and a BEGIN without its closing dashes */
	{
		const char *text = "hello\n-----BEGIN CERTIFICATE\nTWFu\n";
		wt_pem_text t = { (const uint8_t *)text, strlen(text), 0 };
		wt_pem_block b;
		CHECK(wt_pem_next(&t, &b) == WT_PEM_NONE);
	}
	return WT_TEST_SUMMARY();
}
