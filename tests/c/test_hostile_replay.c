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

/* Replay one capture with a mutation; return the engine's error (0 when connected). */
static int
replay(const uint8_t *in, size_t size, int mut, wt_state *end_state)
{
	static wt_fuzz_conn c;
	static uint8_t rec[5 + WT_MAX_CIPHERTEXT + 64];
	static uint8_t body[WT_MAX_PLAINTEXT];
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
		int rc = replay(file, n, MUT_NONE, &st);
		CHECKF(rc == 0 && st == WT_ST_CONNECTED, "%s: unchanged replay: err %d state %d", names[i], rc, (int)st);
		rc = replay(file, n, MUT_FINISHED, &st);
		CHECKF(rc == WT_ERR_BAD_FINISHED, "%s: bad Finished: err %d", names[i], rc);
		rc = replay(file, n, MUT_CERT_VERIFY, &st);
		CHECKF(rc == WT_ERR_BAD_SIGNATURE, "%s: bad CertificateVerify: err %d", names[i], rc);
		rc = replay(file, n, MUT_ORDER, &st);
		CHECKF(rc == WT_ERR_UNEXPECTED_MESSAGE, "%s: EncryptedExtensions twice: err %d", names[i], rc);
	}
	return WT_TEST_SUMMARY();
}
