/*
 * wt_trust.c — CA certificates (PEM or DER) to BearSSL trust anchors.
 *
 * Each certificate is decoded by br_x509_decoder (its subject-DN callback
 * appends to the store's arena) and by wt_cert_parse (the facts the anchor
 * checks need, kept with wt_trust_keep_info). PEM payload bytes are first
 * decoded into the arena's free space (moved to its top, wiped after use).
 * The public key is copied into the arena too, so an anchor only points
 * into caller memory.
 * An add is all-or-nothing: on any failure the store is rolled back to
 * what it was before the call. In PEM input, blocks other than CERTIFICATE
 * are ignored, and so are certificates whose key BearSSL does not support
 * (e.g. Ed25519 roots in a system bundle); a malformed certificate fails
 * the whole add.
 */
#include <string.h>
#include "wt_x509.h"
#include "wt_pem.h"
#include "wt_bytes.h"
#include "wt_error.h"

void
wt_trust_init(wt_trust_store *ts, br_x509_trust_anchor *anchors, size_t max,
	uint8_t *arena, size_t arena_len)
{
	if (ts == NULL) return;
	ts->anchors = anchors;
	ts->num = 0;
	ts->max = anchors ? max : 0;
	ts->arena = arena;
	ts->arena_len = arena ? arena_len : 0;
	ts->arena_used = 0;
	ts->info = NULL;
}

void
wt_trust_keep_info(wt_trust_store *ts, wt_anchor_info *info)
{
	if (ts != NULL) ts->info = info;
}

/* Decoding state for one certificate. */
typedef struct {
	wt_trust_store *ts;
	br_x509_decoder_context dc;
	size_t dn_start;        /* arena offset of this certificate's DN */
	int overflow;           /* arena too small for the DN */
} wt_anchor_job;

/* Take n bytes of arena; NULL if it is full. */
static uint8_t *
wt_arena_take(wt_trust_store *ts, size_t n)
{
	if (ts->arena_len - ts->arena_used < n) return NULL;
	uint8_t *p = ts->arena + ts->arena_used;
	ts->arena_used += n;
	return p;
}

/* br_x509_decoder subject-DN callback: append to the arena. */
static void
wt_dn_append(void *ctx, const void *buf, size_t len)
{
	wt_anchor_job *job = ctx;
	if (job->overflow) return;
	uint8_t *p = wt_arena_take(job->ts, len);
	if (p == NULL) { job->overflow = 1; return; }
	memcpy(p, buf, len);
}

/*
 * One DER certificate to an anchor (its DN, key and, with wt_trust_keep_info,
 * its facts into the arena). The arena must not grow past `limit` (the
 * certificate may sit above it). \return 0, WT_ERR_BAD_ARGUMENT (undecodable;
 * *unsupported set when BearSSL does not support the key) or BUFFER_TOO_SMALL.
 */
static int
wt_anchor_from_der(wt_trust_store *ts, const uint8_t *der, size_t len, size_t limit, int *unsupported)
{
	wt_anchor_job job;
	size_t full = ts->arena_len;
	int err = 0;
	wt_cert_info ci;

	*unsupported = 0;
	if (ts->num >= ts->max) return WT_ERR_BUFFER_TOO_SMALL;
	ts->arena_len = limit;
	job.ts = ts;
	job.dn_start = ts->arena_used;
	job.overflow = 0;
	br_x509_decoder_init(&job.dc, wt_dn_append, &job);
	br_x509_decoder_push(&job.dc, der, len);
	const br_x509_pkey *pk = br_x509_decoder_get_pkey(&job.dc);
	br_x509_trust_anchor *ta = &ts->anchors[ts->num];

	if (job.overflow) { err = WT_ERR_BUFFER_TOO_SMALL; goto out; }
	if (pk == NULL) {
		*unsupported = br_x509_decoder_last_error(&job.dc) == BR_ERR_X509_UNSUPPORTED;
		err = WT_ERR_BAD_ARGUMENT;
		goto out;
	}
	if (wt_cert_parse(&ci, der, len) != 0) { err = WT_ERR_BAD_ARGUMENT; goto out; }

	memset(ta, 0, sizeof *ta);
	ta->dn.data = ts->arena + job.dn_start;
	ta->dn.len = ts->arena_used - job.dn_start;
	ta->flags = BR_X509_TA_CA;
	ta->pkey.key_type = pk->key_type;
	switch (pk->key_type) {
	case BR_KEYTYPE_RSA: {
		uint8_t *n = wt_arena_take(ts, pk->key.rsa.nlen);
		uint8_t *e = wt_arena_take(ts, pk->key.rsa.elen);
		if (n == NULL || e == NULL) { err = WT_ERR_BUFFER_TOO_SMALL; goto out; }
		memcpy(n, pk->key.rsa.n, pk->key.rsa.nlen);
		memcpy(e, pk->key.rsa.e, pk->key.rsa.elen);
		ta->pkey.key.rsa.n = n;
		ta->pkey.key.rsa.nlen = pk->key.rsa.nlen;
		ta->pkey.key.rsa.e = e;
		ta->pkey.key.rsa.elen = pk->key.rsa.elen;
		break;
	}
	case BR_KEYTYPE_EC: {
		uint8_t *q = wt_arena_take(ts, pk->key.ec.qlen);
		if (q == NULL) { err = WT_ERR_BUFFER_TOO_SMALL; goto out; }
		memcpy(q, pk->key.ec.q, pk->key.ec.qlen);
		ta->pkey.key.ec.curve = pk->key.ec.curve;
		ta->pkey.key.ec.q = q;
		ta->pkey.key.ec.qlen = pk->key.ec.qlen;
		break;
	}
	default:
		err = WT_ERR_BAD_ARGUMENT;
		goto out;
	}
	if (ts->info != NULL) {
		wt_anchor_info *ai = &ts->info[ts->num];
		br_sha256_context h;
		memset(ai, 0, sizeof *ai);
		br_sha256_init(&h);
		br_sha256_update(&h, ci.spki, ci.spki_len);
		br_sha256_out(&h, ai->spki_sha256);
		ai->not_before = ci.not_before;
		ai->not_after = ci.not_after;
		ai->version = ci.version;
		ai->has_bc = ci.has_bc;
		ai->is_ca = ci.is_ca;
		ai->path_len = ci.path_len;
		ai->has_ku = ci.has_ku;
		ai->key_usage = ci.key_usage;
		ai->crit_unknown = ci.crit_unknown || ci.ski_critical || ci.aki_critical;
		ai->key_type = (int)ci.key_type;
		ai->key_bits = ci.key_bits;
		if (ci.name_constraints != NULL) {
			uint8_t *nc = wt_arena_take(ts, ci.name_constraints_len ? ci.name_constraints_len : 1);
			if (nc == NULL) { err = WT_ERR_BUFFER_TOO_SMALL; goto out; }
			memcpy(nc, ci.name_constraints, ci.name_constraints_len);
			ai->name_constraints = nc;
			ai->name_constraints_len = ci.name_constraints_len;
		}
	}
	ts->num++;
out:
	ts->arena_len = full;
	if (err) ts->arena_used = job.dn_start;
	return err;
}

/* PEM payload collection: the DER of one CERTIFICATE block, in the arena's free space. */
typedef struct {
	wt_trust_store *ts;
	size_t len;
	int overflow;
} wt_pem_job;

static void
wt_pem_collect(void *ctx, const void *buf, size_t len)
{
	wt_pem_job *job = ctx;
	wt_trust_store *ts = job->ts;
	if (job->overflow || ts->arena_len - ts->arena_used - job->len < len) { job->overflow = 1; return; }
	memcpy(ts->arena + ts->arena_used + job->len, buf, len);
	job->len += len;
}

/* PEM labels that hold a plain DER certificate. */
static int
wt_is_cert_block(const wt_pem_block *b)
{
	return wt_pem_label_is(b, "CERTIFICATE") || wt_pem_label_is(b, "X509 CERTIFICATE");
}

static int
wt_trust_add_pem(wt_trust_store *ts, const uint8_t *data, size_t len)
{
	wt_pem_text text = { data, len, 0 };
	wt_pem_block b;
	int added = 0, found;

	while ((found = wt_pem_next(&text, &b)) == WT_PEM_FOUND) {
		if (!wt_is_cert_block(&b)) continue;                /* other blocks are not ours */
		wt_pem_job job = { ts, 0, 0 };
		if (wt_pem_decode(&b, wt_pem_collect, &job) != 0) {
			wt_wipe(ts->arena + ts->arena_used, job.len);
			return -WT_ERR_BAD_ARGUMENT;                /* bad Base64 in a certificate */
		}
		if (job.overflow) return -WT_ERR_BUFFER_TOO_SMALL;
		/* the DER goes to the top of the free space; the anchor is built below it */
		int unsupported;
		uint8_t *top = ts->arena + ts->arena_len - job.len;
		memmove(top, ts->arena + ts->arena_used, job.len);
		int err = wt_anchor_from_der(ts, top, job.len, ts->arena_len - job.len, &unsupported);
		wt_wipe(top, job.len);
		if (err == WT_ERR_BAD_ARGUMENT && unsupported) {
			/* e.g. an Ed25519 root in a system bundle: skip it */
		} else if (err) {
			return -err;
		} else {
			added++;
		}
	}
	if (found == WT_PEM_UNTERMINATED && wt_is_cert_block(&b)) return -WT_ERR_BAD_ARGUMENT;   /* no END line */
	return added > 0 ? added : -WT_ERR_BAD_ARGUMENT;
}

int
wt_trust_add(wt_trust_store *ts, const uint8_t *data, size_t len)
{
	if (ts == NULL || data == NULL || len == 0) return -WT_ERR_BAD_ARGUMENT;
	size_t num0 = ts->num, used0 = ts->arena_used;
	int r;

	if (wt_pem_looks(data, len)) {
		r = wt_trust_add_pem(ts, data, len);
	} else {
		int unsupported;
		r = wt_anchor_from_der(ts, data, len, ts->arena_len, &unsupported);
		r = r ? -r : 1;
	}
	if (r < 0) {
		ts->num = num0;
		ts->arena_used = used0;
	}
	return r;
}

/* ------------------------------------------------- caller-allocated growth */

size_t
wt_trust_arena_need(const wt_trust_store *ts, size_t len)
{
	/* the DER at the top of the free space, the anchor below it: twice the input suffices */
	return ts->arena_used + 2 * len + 64;
}

size_t
wt_trust_slots_need(const wt_trust_store *ts, size_t len, size_t limit)
{
	size_t room = ts->num + len / 64 + 1;
	return room > limit ? limit : room;
}

uint8_t *
wt_trust_move_arena(wt_trust_store *ts, uint8_t *to, size_t cap)
{
	uint8_t *from = ts->arena;
	if (ts->arena_used) memcpy(to, from, ts->arena_used);
	for (size_t i = 0; i < ts->num; i++) {
		br_x509_trust_anchor *ta = &ts->anchors[i];
		if (ts->info && ts->info[i].name_constraints)
			ts->info[i].name_constraints = to + (ts->info[i].name_constraints - from);
		ta->dn.data = to + (ta->dn.data - from);
		if (ta->pkey.key_type == BR_KEYTYPE_RSA) {
			ta->pkey.key.rsa.n = to + (ta->pkey.key.rsa.n - from);
			ta->pkey.key.rsa.e = to + (ta->pkey.key.rsa.e - from);
		} else if (ta->pkey.key_type == BR_KEYTYPE_EC) {
			ta->pkey.key.ec.q = to + (ta->pkey.key.ec.q - from);
		}
	}
	if (from) wt_wipe(from, ts->arena_used);
	ts->arena = to;
	ts->arena_len = cap;
	return from;
}

void
wt_trust_set_arrays(wt_trust_store *ts, br_x509_trust_anchor *anchors, wt_anchor_info *info, size_t max)
{
	ts->anchors = anchors;
	ts->info = info;
	ts->max = max;
}

/* ------------------------------------------------------ PEM chain decode */

typedef struct {
	uint8_t *buf;
	size_t cap, len, start;
	int overflow;
} wt_chain_job;

static void
wt_chain_append(void *ctx, const void *data, size_t len)
{
	wt_chain_job *j = ctx;
	if (j->overflow || j->len + len > j->cap) { j->overflow = 1; return; }
	memcpy(j->buf + j->len, data, len);
	j->len += len;
}

int
wt_pem_chain_decode(const uint8_t *data, size_t len, uint8_t *out, size_t cap, size_t *out_len)
{
	wt_chain_job j = { out, cap, 0, 0, 0 };
	int count = 0;
	*out_len = 0;
	if (len && data[0] == 0x30) {                /* DER */
		if (len + 3 > cap) return -WT_ERR_BUFFER_TOO_SMALL;
		wt_put_u24(j.buf, (uint32_t)len);
		memcpy(j.buf + 3, data, len);
		j.len = 3 + len;
		count = 1;
	} else {
		wt_pem_text text = { data, len, 0 };
		wt_pem_block b;
		int found;
		while ((found = wt_pem_next(&text, &b)) == WT_PEM_FOUND) {
			if (!wt_pem_label_is(&b, "CERTIFICATE")) continue;
			j.start = j.len;
			wt_chain_append(&j, "\0\0\0", 3);
			if (wt_pem_decode(&b, wt_chain_append, &j) != 0) return -WT_ERR_BAD_ARGUMENT;
			if (j.overflow) return -WT_ERR_BUFFER_TOO_SMALL;
			wt_put_u24(j.buf + j.start, (uint32_t)(j.len - j.start - 3));
			count++;
		}
		if (found == WT_PEM_UNTERMINATED) return -WT_ERR_BAD_ARGUMENT;
	}
	if (count == 0) return -WT_ERR_BAD_ARGUMENT;
	*out_len = j.len;
	return count;
}
