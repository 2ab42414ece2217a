/*
 * fuzz_record.c — libFuzzer target for record protection (wt_record.h).
 *
 * Input: byte 0 picks the AEAD (AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305),
 * the record format (bit 7: TLS 1.2, else TLS 1.3) and a starting sequence number; the rest is one record as it arrives
 * from the network (5-byte header included), opened with a fixed traffic
 * secret. Every input is also sealed as plaintext and must open again to the
 * same bytes and type (a round-trip oracle, not just "no crash").
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "wt_record.h"

static const uint8_t secret[48] = {
	0x3f, 0x1a, 0x7c, 0x22, 0x9e, 0x5b, 0x01, 0xd4, 0x88, 0x6a, 0x4e, 0xf0, 0x13, 0xc7, 0x2d, 0x90,
	0x5e, 0xab, 0x37, 0x64, 0x0b, 0xe9, 0x71, 0x2c, 0xd8, 0x46, 0x9a, 0x15, 0xbe, 0x03, 0x6f, 0x58,
	0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00,
};

static void
dir_for(wt_record_dir *d, uint8_t sel)
{
	wt_aead_alg alg = (wt_aead_alg)(1 + sel % 3);
	memset(d, 0, sizeof *d);
	if (sel & 0x80) {
		wt_record_dir_set12(d, alg, secret, secret + 32);   /* key, then the implicit IV / salt */
	} else {
		const br_hash_class *h = alg == WT_AEAD_AES_256_GCM ? &br_sha384_vtable : &br_sha256_vtable;
		wt_record_dir_set(d, h, alg, secret);
	}
	d->seq = (uint64_t)((sel & 0x7f) >> 2);   /* a few different nonces */
}

/* What sealing adds: header and tag, plus the inner type (1.3) or explicit nonce (1.2 GCM). */
static size_t
overhead_of(const wt_record_dir *d)
{
	return 5 + WT_AEAD_TAG_LEN + (!d->tls12 ? 1 : d->explicit_nonce ? 8 : 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t rec[5 + WT_MAX_CIPHERTEXT + 64];
	if (size < 1) return 0;
	uint8_t sel = data[0];
	data++;
	size--;

	/* 1. Open attacker bytes as a record. */
	if (size <= sizeof rec) {
		wt_record_dir d;
		dir_for(&d, sel);
		memcpy(rec, data, size);
		uint8_t type = 0;
		size_t pt_len = 0;
		int rc = wt_record_open(&d, rec, size, &type, &pt_len);
		if (rc == 0 && (pt_len > WT_MAX_PLAINTEXT || pt_len + overhead_of(&d) > size)) abort();
		wt_aead_wipe(&d.key);
	}

	/* 2. Seal the bytes as plaintext and open them again. */
	if (size <= WT_MAX_PLAINTEXT) {
		wt_record_dir w, r;
		dir_for(&w, sel);
		dir_for(&r, sel);
		uint8_t type = (uint8_t)(WT_CT_ALERT + sel % 3);
		memcpy(rec + 5, data, size);
		size_t n = wt_record_seal(&w, rec, type, size);
		if (n != size + overhead_of(&w) || n > size + WT_RECORD_OVERHEAD) abort();
		uint8_t got_type = 0;
		size_t pt_len = 0;
		if (wt_record_open(&r, rec, n, &got_type, &pt_len) != 0) abort();
		if (got_type != type || pt_len != size || memcmp(rec + 5, data, size) != 0) abort();
		wt_aead_wipe(&w.key);
		wt_aead_wipe(&r.key);
	}
	return 0;
}
