/*
 * test_record_native.c — the record layer's host-AEAD hook (wt_aead_native,
 * src/wt_crypto.h): a record sealed through the hook opens with wt_aead alone
 * and the other way round (the same bytes), "cannot" at any call falls back to
 * wt_aead with the same result, an "invalid" answer gives BAD_RECORD_MAC with
 * the buffer wiped, and every handle is freed on a key change and on
 * wt_record_dir_wipe (which keeps the hook for the next keys). TLS 1.3 and
 * TLS 1.2 (GCM explicit nonce, ChaCha20), all three AEADs.
 *
 * The "host" here is a second, independent wt_aead_key per handle, so the
 * hook computes the real AEAD: equal bytes on both paths are a real check.
 */
#include <string.h>
#include "wt_test.h"
#include "wt_record.h"
#include "wt_error.h"

#define MAX_H 8

typedef struct {
	wt_aead_key keys[MAX_H + 1];
	int live[MAX_H + 1];
	int next;
	int inits, seals, opens, frees;
	int cannot_init, cannot_seal, cannot_open, say_invalid;
	int wrote_on_invalid;
} host;

static int32_t
h_init(void *ctx, wt_aead_alg alg, const uint8_t *key, size_t key_len)
{
	host *h = ctx;
	h->inits++;
	if (h->cannot_init || h->next >= MAX_H) return -1;
	int32_t id = ++h->next;
	if (wt_aead_init(&h->keys[id], alg, key, key_len) != 0) return -1;
	h->live[id] = 1;
	return id;
}

static int
h_seal(void *ctx, int32_t id, const uint8_t *nonce, const uint8_t *aad, size_t aad_len,
	uint8_t *data, size_t len, uint8_t *tag)
{
	host *h = ctx;
	if (id <= 0 || id > MAX_H || !h->live[id]) return -5;
	if (h->cannot_seal) return -1;
	h->seals++;
	wt_aead_seal(&h->keys[id], nonce, aad, aad_len, data, len, tag);
	return 0;
}

static int
h_open(void *ctx, int32_t id, const uint8_t *nonce, const uint8_t *aad, size_t aad_len,
	uint8_t *data, size_t len, const uint8_t *tag)
{
	host *h = ctx;
	if (id <= 0 || id > MAX_H || !h->live[id]) return -5;
	if (h->cannot_open) return -1;
	if (h->say_invalid) {
		/* a host that says "invalid" must not have written: the record layer still wipes */
		return 0;
	}
	h->opens++;
	/* like the JS side: decrypt a copy, write back only if the tag verified */
	static uint8_t tmp[WT_MAX_CIPHERTEXT];
	memcpy(tmp, data, len);
	if (!wt_aead_open(&h->keys[id], nonce, aad, aad_len, tmp, len, tag)) return 0;
	memcpy(data, tmp, len);
	return 1;
}

static void
h_free(void *ctx, int32_t id)
{
	host *h = ctx;
	if (id > 0 && id <= MAX_H && h->live[id]) {
		h->live[id] = 0;
		wt_aead_wipe(&h->keys[id]);
		h->frees++;
	}
}

static int
live_count(const host *h)
{
	int n = 0;
	for (int i = 0; i <= MAX_H; i++) n += h->live[i];
	return n;
}

static void
dir_with(wt_record_dir *d, host *h)
{
	memset(d, 0, sizeof *d);
	if (h) {
		d->native.ctx = h;
		d->native.init = h_init;
		d->native.seal = h_seal;
		d->native.open = h_open;
		d->native.free = h_free;
	}
}

static void
set_keys(wt_record_dir *d, int tls12, wt_aead_alg alg)
{
	static const uint8_t secret[48] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	static const uint8_t key[32] = { 0x42, 0x43, 0x44 };
	static const uint8_t iv[12] = { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2 };
	if (tls12) wt_record_dir_set12(d, alg, key, iv);
	else wt_record_dir_set(d, alg == WT_AEAD_AES_256_GCM ? &br_sha384_vtable : &br_sha256_vtable, alg, secret);
}

static uint8_t rec_a[WT_MAX_CIPHERTEXT + 64], rec_b[WT_MAX_CIPHERTEXT + 64];

static void
fill(uint8_t *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++) p[i] = (uint8_t)(seed * 31 + i * 7);
}

/* One case: sealer and opener each with or without the hook; records must be identical and open. */
static void
round_trip(int tls12, wt_aead_alg alg, size_t len)
{
	host hs, ho;
	memset(&hs, 0, sizeof hs);
	memset(&ho, 0, sizeof ho);
	wt_record_dir seal_n, seal_w, open_n, open_w;
	dir_with(&seal_n, &hs);
	dir_with(&seal_w, NULL);
	dir_with(&open_n, &ho);
	dir_with(&open_w, NULL);
	set_keys(&seal_n, tls12, alg);
	set_keys(&seal_w, tls12, alg);
	set_keys(&open_n, tls12, alg);
	set_keys(&open_w, tls12, alg);
	CHECKF(seal_n.nh > 0 && open_n.nh > 0 && seal_w.nh == 0, "tls12=%d alg=%d handles", tls12, alg);
	for (unsigned r = 0; r < 3; r++) {
		fill(rec_a + 5, len, r);
		fill(rec_b + 5, len, r);
		size_t na = wt_record_seal(&seal_n, rec_a, WT_CT_APPLICATION_DATA, len);
		size_t nb = wt_record_seal(&seal_w, rec_b, WT_CT_APPLICATION_DATA, len);
		CHECKF(na == nb && memcmp(rec_a, rec_b, na) == 0, "tls12=%d alg=%d len=%zu: hook and wt_aead seal the same bytes", tls12, alg, len);
		uint8_t type = 0;
		size_t pt = 0;
		int err = wt_record_open(&open_n, rec_a, na, &type, &pt);
		CHECKF(err == 0 && type == WT_CT_APPLICATION_DATA && pt == len, "open through the hook: err %d", err);
		uint8_t want[64];
		fill(want, sizeof want, r);
		CHECK(memcmp(rec_a + 5, want, len < sizeof want ? len : sizeof want) == 0);
		err = wt_record_open(&open_w, rec_b, nb, &type, &pt);
		CHECK(err == 0 && pt == len);
	}
	CHECK(hs.seals == 3 && ho.opens == 3);
	/* a key change frees the old handle and takes a new one */
	set_keys(&seal_n, tls12, alg);
	CHECK(hs.inits == 2 && hs.frees == 1 && live_count(&hs) == 1);
	/* wipe frees it and keeps the hook */
	wt_record_dir_wipe(&seal_n);
	CHECK(live_count(&hs) == 0 && seal_n.nh == 0 && seal_n.native.init == h_init);
	set_keys(&seal_n, tls12, alg);
	CHECK(live_count(&hs) == 1 && seal_n.nh > 0);
	wt_record_dir_wipe(&seal_n);
	wt_record_dir_wipe(&open_n);
	wt_record_dir_wipe(&seal_w);
	wt_record_dir_wipe(&open_w);
	CHECK(live_count(&hs) == 0 && live_count(&ho) == 0);
}

/* "cannot" at init, seal or open: wt_aead does the call, same result. */
static void
cannot(int tls12, wt_aead_alg alg)
{
	for (int which = 0; which < 3; which++) {
		host h;
		memset(&h, 0, sizeof h);
		h.cannot_init = which == 0;
		h.cannot_seal = which == 1;
		h.cannot_open = which == 2;
		wt_record_dir a, b;
		dir_with(&a, &h);
		dir_with(&b, &h);
		set_keys(&a, tls12, alg);
		set_keys(&b, tls12, alg);
		CHECK(which == 0 ? a.nh == 0 : a.nh > 0);
		fill(rec_a + 5, 1000, 5);
		size_t n = wt_record_seal(&a, rec_a, WT_CT_APPLICATION_DATA, 1000);
		uint8_t type;
		size_t pt;
		CHECKF(wt_record_open(&b, rec_a, n, &type, &pt) == 0 && pt == 1000, "cannot case %d", which);
		uint8_t want[1000];
		fill(want, sizeof want, 5);
		CHECK(memcmp(rec_a + 5, want, sizeof want) == 0);
		CHECK(h.seals == (which == 2));   /* the hook did what it could, wt_aead the rest */
		CHECK(h.opens == (which == 1));
		wt_record_dir_wipe(&a);
		wt_record_dir_wipe(&b);
		CHECK(live_count(&h) == 0);
	}
}

/* A bad tag through the hook: BAD_RECORD_MAC, and the record's bytes are wiped. */
static void
bad_tag(int tls12, wt_aead_alg alg)
{
	host h;
	memset(&h, 0, sizeof h);
	wt_record_dir a, b;
	dir_with(&a, &h);
	dir_with(&b, &h);
	set_keys(&a, tls12, alg);
	set_keys(&b, tls12, alg);
	for (int flip = 0; flip < 2; flip++) {
		fill(rec_a + 5, 300, 1);
		size_t n = wt_record_seal(&a, rec_a, WT_CT_APPLICATION_DATA, 300);
		rec_a[flip ? n - 1 : n / 2] ^= 0x10;   /* a tag bit, a ciphertext bit */
		uint8_t type;
		size_t pt;
		int err = wt_record_open(&b, rec_a, n, &type, &pt);
		CHECKF(err == WT_ERR_BAD_RECORD_MAC, "flip %d: err %d", flip, err);
		size_t pre = tls12 && alg != WT_AEAD_CHACHA20_POLY1305 ? 8 : 0;
		int zero = 1;
		for (size_t i = 5 + pre; i < n - WT_AEAD_TAG_LEN; i++) zero &= rec_a[i] == 0;
		CHECK(zero);
		/* the sequence number did not advance: the receiver fails for good (sticky) anyway,
		 * but the next seal/open pair stays in step for this check */
		b.seq = a.seq;
	}
	/* a host that answers "invalid" for a good record: the layer believes it and wipes */
	h.say_invalid = 1;
	fill(rec_a + 5, 300, 2);
	size_t n = wt_record_seal(&a, rec_a, WT_CT_APPLICATION_DATA, 300);
	uint8_t type;
	size_t pt;
	CHECK(wt_record_open(&b, rec_a, n, &type, &pt) == WT_ERR_BAD_RECORD_MAC);
	size_t pre = tls12 && alg != WT_AEAD_CHACHA20_POLY1305 ? 8 : 0;
	int zero = 1;
	for (size_t i = 5 + pre; i < n - WT_AEAD_TAG_LEN; i++) zero &= rec_a[i] == 0;
	CHECK(zero);
	wt_record_dir_wipe(&a);
	wt_record_dir_wipe(&b);
	CHECK(live_count(&h) == 0);
}

int
main(void)
{
	static const wt_aead_alg algs[] = { WT_AEAD_AES_128_GCM, WT_AEAD_AES_256_GCM, WT_AEAD_CHACHA20_POLY1305 };
	for (int tls12 = 0; tls12 < 2; tls12++) {
		for (size_t i = 0; i < 3; i++) {
			round_trip(tls12, algs[i], 0);
			round_trip(tls12, algs[i], 1);
			round_trip(tls12, algs[i], 16384);
			cannot(tls12, algs[i]);
			bad_tag(tls12, algs[i]);
		}
	}
	return WT_TEST_SUMMARY();
}
