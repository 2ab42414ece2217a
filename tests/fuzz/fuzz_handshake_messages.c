/*
 * fuzz_handshake_messages.c — libFuzzer target that reaches every server
 * handshake message parser past the record MAC: the fuzz input is a list of
 * *plaintext* records, and the harness encrypts each one with the engine's
 * current read keys (a copy of its wt_record_dir, peeked from the engine) —
 * exactly as the real server would. So EncryptedExtensions, Certificate,
 * CertificateVerify, Finished, NewSessionTicket and KeyUpdate bodies, and
 * alerts and application data after the handshake, are all parsed for real.
 *
 * Input: byte 0 = control (bit 0: skip certificate checks; bits 1-2: key
 * share group, wt_fuzz_groups: 0 = X25519MLKEM768 + x25519). Then records:
 * type (1 byte), length (2 bytes, big endian, clipped to what is left),
 * plaintext. Before the engine has read keys
 * (ServerHello, HelloRetryRequest, CCS) the record is sent unprotected.
 * The pq-share-N seeds are the OpenSSL 3.5 hybrid flight (openssl35-*) with
 * its 0x11EC server share cut or padded to N bytes.
 * The corpus (corpus/handshake_messages/) holds real openssl flights
 * decrypted by capture_flight.c, so mutations start from valid handshakes.
 * Once connected the engine is compacted as in the WASM build, so the
 * post-handshake messages meet the production buffer layout.
 */
#include "wt_fuzz_engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static wt_fuzz_conn c;
	static uint8_t rec[5 + WT_MAX_CIPHERTEXT + 64];
	if (size < 1) return 0;
	c.compact = 1;
	uint8_t ctl = data[0];
	data++;
	size--;
	/* bits 6-7 of the control byte: a session to resume (none, TLS 1.3, with 0-RTT, TLS 1.2) */
	if (wt_fuzz_conn_start_with(&c, ctl & 1, wt_fuzz_groups[(ctl >> 1) & 3], (ctl >> 6) & 3) != 0) abort();
	wt_fuzz_conn_drain(&c, NULL, NULL);
	while (size >= 3) {
		uint8_t type = data[0];
		size_t len = (size_t)data[1] << 8 | data[2];
		data += 3;
		size -= 3;
		if (len > size) len = size;
		if (len > WT_MAX_PLAINTEXT) len = WT_MAX_PLAINTEXT;
		size_t rec_len;
		if (c.e.rd.on && type != WT_CT_CHANGE_CIPHER_SPEC) {
			wt_record_dir copy = c.e.rd;   /* same key and sequence number as the engine */
			memcpy(rec + 5, data, len);
			rec_len = wt_record_seal(&copy, rec, type, len);
			wt_aead_wipe(&copy.key);
		} else {
			rec[0] = type;
			rec[1] = 3;
			rec[2] = 3;
			rec[3] = (uint8_t)(len >> 8);
			rec[4] = (uint8_t)len;
			memcpy(rec + 5, data, len);
			rec_len = 5 + len;
		}
		data += len;
		size -= len;
		if (wt_fuzz_conn_feed(&c, rec, rec_len, 0, NULL, NULL) != 0) break;
	}
	if (wt_engine_state(&c.e) == WT_ST_FAILED && wt_engine_error(&c.e) == 0) abort();
	wt_engine_wipe(&c.e);
	return 0;
}
