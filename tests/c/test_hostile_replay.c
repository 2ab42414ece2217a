/*
 * test_hostile_replay.c — replays the real openssl handshakes committed as
 * fuzz seeds (tests/fuzz/corpus/fuzz_handshake_messages/, made by
 * tests/fuzz/capture_flight.c) through the engine, first unchanged (must
 * connect), then with one authenticated-but-wrong field: a flipped byte in
 * the Finished verify_data (BAD_FINISHED), in the CertificateVerify
 * signature (BAD_SIGNATURE), and a handshake message type changed to one
 * that is out of order (UNEXPECTED_MESSAGE). Records are re-encrypted with
 * the engine's own read keys, so the record MAC is valid and the check under
 * test is the one that must catch it — what a proxy cannot do on the wire.
 * Each connected replay is then compacted (wt_engine_compact) and must go on
 * working in the smaller areas: full write windows, a post-handshake
 * NewSessionTicket and KeyUpdate from the server, close_notify.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../fuzz/wt_fuzz_engine.h"
#include "wt_error.h"
#include "wt_test.h"

#ifndef WT_SOURCE_DIR
#define WT_SOURCE_DIR "."
#endif

enum { MUT_NONE, MUT_FINISHED, MUT_CERT_VERIFY, MUT_ORDER };

static wt_fuzz_conn c;
static uint8_t rec[5 + WT_MAX_CIPHERTEXT + 64];
static uint8_t body[WT_MAX_PLAINTEXT];

static void
count_bytes(void *ctx, const uint8_t *p, size_t n)
{
	(void)p;
	*(size_t *)ctx += n;
}

/* Seal a TLS 1.3 handshake message with the engine's read keys and feed it; `*sent` gets what the engine sent back. */
static int
feed_sealed_handshake(const uint8_t *msg, size_t len, size_t *sent)
{
	wt_record_dir copy = c.e.rd;
	memcpy(rec + 5, msg, len);
	size_t n = wt_record_seal(&copy, rec, WT_CT_HANDSHAKE, len);
	*sent = 0;
	return wt_fuzz_conn_feed(&c, rec, n, 0, count_bytes, sent);
}

/* After a clean replay: compact, then use every path that writes or reads. */
static void
check_compacted(const char *name)
{
	static uint8_t small[128], large[WT_RECORD_OUT_SIZE];
	wt_fuzz_conn_drain(&c, NULL, NULL);
	uint8_t *old_end = c.e.hs + c.e.hs_cap;
	size_t pending = 0;
	CHECKF(wt_engine_write_buf(&c.e, &pending) && pending > 0, "%s: write window before compacting", name);
	wt_engine_write_done(&c.e, 1);   /* one byte left unsent: compacting must refuse */
	CHECKF(wt_engine_compact(&c.e, WT_MIN_HS_SIZE, small, sizeof small) == WT_ERR_BAD_ARGUMENT,
		"%s: compact with output pending", name);
	wt_fuzz_conn_drain(&c, NULL, NULL);
	CHECKF(wt_engine_compact(&c.e, WT_MIN_HS_SIZE, small, WT_MIN_OUT_SIZE - 1) == WT_ERR_BAD_ARGUMENT,
		"%s: compact with too small an output area", name);
	CHECKF(wt_engine_compact(&c.e, WT_MIN_HS_SIZE, small, sizeof small) == 0, "%s: compact", name);
	CHECKF(c.e.hs == c.e.in + WT_RECORD_IN_SIZE && c.e.hs_cap == WT_MIN_HS_SIZE && c.e.out == small,
		"%s: new layout", name);
	int wiped = 1;
	for (uint8_t *p = c.e.hs; p < old_end; p++) wiped &= *p == 0;
	CHECKF(wiped, "%s: the released areas are wiped", name);
	/* the small area alone: short records only */
	size_t n = 0;
	uint8_t *w = wt_engine_write_buf(&c.e, &n);
	CHECKF(w && n > 0 && n + 2 * WT_RECORD_OVERHEAD + 2 <= sizeof small, "%s: small window %zu", name, n);
	if (w) { memset(w, 'x', n); CHECKF(wt_engine_write_done(&c.e, n) == 0, "%s: short write", name); }
	CHECKF(wt_engine_set_out(&c.e, large, sizeof large) == WT_ERR_BAD_ARGUMENT, "%s: set_out with output pending", name);
	wt_fuzz_conn_drain(&c, NULL, NULL);
	/* the large area: full records, each with room for an alert after it */
	CHECKF(wt_engine_set_out(&c.e, large, sizeof large) == 0, "%s: set_out large", name);
	int small_wiped = 1;
	for (size_t i = 0; i < sizeof small; i++) small_wiped &= small[i] == 0;
	CHECKF(small_wiped, "%s: the area given back is wiped", name);
	for (int i = 0; i < 3; i++) {
		w = wt_engine_write_buf(&c.e, &n);
		CHECKF(w && n == WT_MAX_PLAINTEXT, "%s: full window (%zu)", name, n);
		if (!w) return;
		memset(w, 'a' + i, n);
		CHECKF(wt_engine_write_done(&c.e, n) == 0, "%s: write", name);
		size_t out = 0;
		wt_engine_send_buf(&c.e, &out);
		CHECKF(out == n + (c.e.version == WT_VERSION_TLS13 ? 22 : 29), "%s: one record of %zu bytes, got %zu", name, n, out);
		wt_fuzz_conn_drain(&c, NULL, NULL);
	}
	CHECKF(wt_engine_set_out(&c.e, small, sizeof small) == 0, "%s: back to the small area", name);
	if (c.e.version == WT_VERSION_TLS13) {
		/* with the small area: a NewSessionTicket (lifetime, age_add, nonce, 200-byte ticket) and a KeyUpdate */
		uint8_t nst[4 + 4 + 4 + 2 + 2 + 200 + 2] = { WT_HS_NEW_SESSION_TICKET, 0, 0, sizeof nst - 4,
			0, 0, 0x0e, 0x10, 1, 2, 3, 4, 1, 7, 0, 200 };
		size_t sent = 0;
		CHECKF(feed_sealed_handshake(nst, sizeof nst, &sent) == 0, "%s: NewSessionTicket after compacting: %s", name, c.e.detail);
		const uint8_t *sess = NULL;
		CHECKF(wt_engine_session(&c.e, &sess) > 0, "%s: a session from it", name);
		static const uint8_t ku[5] = { WT_HS_KEY_UPDATE, 0, 0, 1, 1 };   /* update_requested */
		CHECKF(feed_sealed_handshake(ku, sizeof ku, &sent) == 0, "%s: KeyUpdate after compacting: %s", name, c.e.detail);
		CHECKF(sent == 5 + 5 + 1 + 16, "%s: our KeyUpdate answer, one record (%zu bytes)", name, sent);
	}
	CHECKF(wt_engine_close(&c.e) == 0, "%s: close_notify", name);
	size_t out = 0;
	wt_engine_send_buf(&c.e, &out);
	CHECKF(out > 0 && out <= sizeof small, "%s: close_notify queued in the small area", name);
}

/* Replay one capture with a mutation; return the engine's error (0 when connected). */
static int
replay(const uint8_t *in, size_t size, int mut, wt_state *end_state, const char *compact_name)
{
	static const uint16_t groups[4] = { 0, WT_GROUP_X25519, WT_GROUP_SECP256R1, WT_GROUP_SECP384R1 };
	uint8_t ctl = in[0];
	in++;
	size--;
	if (wt_fuzz_conn_start(&c, ctl & 1, groups[(ctl >> 1) & 3])) return -1;
	wt_fuzz_conn_drain(&c, NULL, NULL);
	int rc = 0;
	while (size >= 3 && rc == 0) {
		uint8_t type = in[0];
		size_t len = (size_t)in[1] << 8 | in[2];
		if (len > size - 3) return -1;
		memcpy(body, in + 3, len);
		in += 3 + len;
		size -= 3 + len;
		if (type == WT_CT_HANDSHAKE && c.e.rd.on) {
			/* walk the messages of this record */
			for (size_t off = 0; off + 4 <= len;) {
				size_t mlen = (size_t)body[off + 1] << 16 | (size_t)body[off + 2] << 8 | body[off + 3];
				if (off + 4 + mlen > len) break;
				if (mut == MUT_FINISHED && body[off] == WT_HS_FINISHED && mlen) body[off + 4] ^= 0x80;
				if (mut == MUT_CERT_VERIFY && body[off] == WT_HS_CERTIFICATE_VERIFY && mlen) body[off + 4 + mlen - 1] ^= 0x01;
				if (mut == MUT_ORDER && body[off] == WT_HS_CERTIFICATE_VERIFY) body[off] = WT_HS_ENCRYPTED_EXTENSIONS;
				off += 4 + mlen;
			}
		}
		size_t rec_len;
		if (c.e.rd.on && type != WT_CT_CHANGE_CIPHER_SPEC) {
			wt_record_dir copy = c.e.rd;
			memcpy(rec + 5, body, len);
			rec_len = wt_record_seal(&copy, rec, type, len);
		} else {
			rec[0] = type; rec[1] = 3; rec[2] = 3;
			rec[3] = (uint8_t)(len >> 8); rec[4] = (uint8_t)len;
			memcpy(rec + 5, body, len);
			rec_len = 5 + len;
		}
		rc = wt_fuzz_conn_feed(&c, rec, rec_len, mut == MUT_NONE ? 7 : 0, NULL, NULL);
	}
	*end_state = wt_engine_state(&c.e);
	rc = wt_engine_error(&c.e);
	if (compact_name && rc == 0 && *end_state == WT_ST_CONNECTED) check_compacted(compact_name);
	wt_engine_wipe(&c.e);
	return rc;
}

int
main(void)
{
	static const char *const names[] = { "openssl-ecdsa-chacha", "openssl-ecdsa-aes256",
		"openssl-rsa-aes128", "openssl-hrr-p256", "openssl-p384-keyshare" };
	static uint8_t file[65536];
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char path[512];
		snprintf(path, sizeof path, "%s/tests/fuzz/corpus/fuzz_handshake_messages/%s", WT_SOURCE_DIR, names[i]);
		FILE *f = fopen(path, "rb");
		CHECKF(f != NULL, "%s", path);
		if (!f) continue;
		size_t n = fread(file, 1, sizeof file, f);
		fclose(f);
		wt_state st;
		int rc = replay(file, n, MUT_NONE, &st, names[i]);
		CHECKF(rc == 0 && st == WT_ST_CONNECTED, "%s: unchanged replay: err %d state %d", names[i], rc, (int)st);
		rc = replay(file, n, MUT_FINISHED, &st, NULL);
		CHECKF(rc == WT_ERR_BAD_FINISHED, "%s: bad Finished: err %d", names[i], rc);
		rc = replay(file, n, MUT_CERT_VERIFY, &st, NULL);
		CHECKF(rc == WT_ERR_BAD_SIGNATURE, "%s: bad CertificateVerify: err %d", names[i], rc);
		rc = replay(file, n, MUT_ORDER, &st, NULL);
		CHECKF(rc == WT_ERR_UNEXPECTED_MESSAGE, "%s: EncryptedExtensions twice: err %d", names[i], rc);
	}
	return WT_TEST_SUMMARY();
}
