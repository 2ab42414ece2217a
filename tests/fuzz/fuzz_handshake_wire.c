/*
 * fuzz_handshake_wire.c — libFuzzer target: the fuzz input plays the server,
 * byte for byte, as it would arrive on the wire. The engine starts with the
 * deterministic RNG (so a captured real server flight replays and decrypts:
 * see corpus/handshake_wire/) and fixed time.
 *
 * Input byte 0: bit 0 = skip certificate checks (reach CertificateVerify and
 * Finished with any chain), bits 1-2 = initial key share group
 * (wt_fuzz_groups: 0 = X25519MLKEM768 + x25519), bits 3-7 = receive chunk size (0 = whole windows, else 1..31 bytes: fragmented reads).
 * The rest is the server's byte stream; EOF is signalled at its end. The
 * openssl35-* seeds are real X25519MLKEM768 flights from OpenSSL 3.5.
 */
#include "wt_fuzz_engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static wt_fuzz_conn c;
	if (size < 1) return 0;
	uint8_t ctl = data[0];
	/* bits 6-7 of the control byte: a session to resume (none, TLS 1.3, with 0-RTT, TLS 1.2) */
	if (wt_fuzz_conn_start_with(&c, ctl & 1, wt_fuzz_groups[(ctl >> 1) & 3], (ctl >> 6) & 3) != 0) abort();
	wt_fuzz_conn_drain(&c, NULL, NULL);
	int rc = wt_fuzz_conn_feed(&c, data + 1, size - 1, ctl >> 3, NULL, NULL);
	if (rc == 0) {
		wt_engine_eof(&c.e);
		wt_fuzz_conn_drain(&c, NULL, NULL);
	}
	/* a failed engine must say why */
	if (wt_engine_state(&c.e) == WT_ST_FAILED && wt_engine_error(&c.e) == 0) abort();
	wt_engine_wipe(&c.e);
	return 0;
}
