/*
 * capture_flight.c — make seed corpus files for the engine fuzz targets from
 * a real server. Connects to HOST PORT with the fuzz targets' deterministic
 * engine (wt_fuzz_engine.h: same RNG, so the same key share), completes the
 * handshake, sends one line, reads the answer until the server closes or
 * 2 s pass, and writes:
 *
 *   WIRE_OUT  control byte + every byte the server sent (fuzz_handshake_wire)
 *   MSGS_OUT  control byte + the same records decrypted: type, u16 length,
 *             plaintext (fuzz_handshake_messages)
 *
 *   capture_flight HOST PORT GROUP(0|1|2|3) WIRE_OUT MSGS_OUT
 *
 * Run by scripts/fuzz.sh --capture against openssl s_server; the outputs
 * are committed under tests/fuzz/corpus/.
 */
#define _GNU_SOURCE
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>
#include "wt_fuzz_engine.h"

static void
send_all(void *ctx, const uint8_t *p, size_t n)
{
	int fd = *(int *)ctx;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w <= 0) return;
		p += w;
		n -= (size_t)w;
	}
}

int
main(int argc, char **argv)
{
	static wt_fuzz_conn c;
	static uint8_t stream[1 << 20];
	static uint8_t rec[5 + WT_MAX_CIPHERTEXT + 64];
	if (argc != 6) {
		fprintf(stderr, "usage: capture_flight HOST PORT GROUP WIRE_OUT MSGS_OUT\n");
		return 2;
	}
	int gsel = atoi(argv[3]) & 3;
	uint8_t ctl = (uint8_t)(1 | gsel << 1);   /* insecure: the corpus must not depend on a CA */
	struct addrinfo hints = { 0 }, *res;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(argv[1], argv[2], &hints, &res)) return 1;
	int fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
	if (fd < 0 || connect(fd, res->ai_addr, res->ai_addrlen)) { perror("connect"); return 1; }
	freeaddrinfo(res);
	if (wt_fuzz_conn_start(&c, 1, wt_fuzz_groups[gsel])) return 1;
	wt_fuzz_conn_drain(&c, send_all, &fd);

	FILE *wire = fopen(argv[4], "wb"), *msgs = fopen(argv[5], "wb");
	if (!wire || !msgs) { perror("fopen"); return 1; }
	fputc(ctl, wire);
	fputc(ctl, msgs);
	size_t have = 0;
	int sent_line = 0;
	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		if (poll(&pfd, 1, 2000) <= 0) break;
		ssize_t r = read(fd, stream + have, sizeof stream - have);
		if (r <= 0) break;
		fwrite(stream + have, 1, (size_t)r, wire);
		have += (size_t)r;
		/* hand every complete record to the engine, logging its plaintext */
		size_t off = 0;
		while (have - off >= 5) {
			size_t len = (size_t)stream[off + 3] << 8 | stream[off + 4];
			if (have - off < 5 + len) break;
			uint8_t type = stream[off];
			const uint8_t *pt = stream + off + 5;
			size_t pt_len = len;
			if (c.e.rd.on && type != WT_CT_CHANGE_CIPHER_SPEC) {
				wt_record_dir copy = c.e.rd;
				memcpy(rec, stream + off, 5 + len);
				if (wt_record_open(&copy, rec, 5 + len, &type, &pt_len)) {
					fprintf(stderr, "capture_flight: record does not decrypt\n");
					return 1;
				}
				pt = rec + 5;
			}
			uint8_t hdr[3] = { type, (uint8_t)(pt_len >> 8), (uint8_t)pt_len };
			fwrite(hdr, 1, 3, msgs);
			fwrite(pt, 1, pt_len, msgs);
			if (wt_fuzz_conn_feed(&c, stream + off, 5 + len, 0, send_all, &fd)) {
				fprintf(stderr, "capture_flight: engine error %d: %s\n",
					wt_engine_error(&c.e), wt_engine_error_detail(&c.e));
				return 1;
			}
			wt_fuzz_conn_drain(&c, send_all, &fd);
			off += 5 + len;
		}
		memmove(stream, stream + off, have - off);
		have -= off;
		if (!sent_line && wt_engine_state(&c.e) == WT_ST_CONNECTED) {
			size_t room = 0;
			uint8_t *w = wt_engine_write_buf(&c.e, &room);
			if (w && room >= 6) {
				memcpy(w, "hello\n", 6);
				wt_engine_write_done(&c.e, 6);
				wt_fuzz_conn_drain(&c, send_all, &fd);
				sent_line = 1;
			}
		}
	}
	fclose(wire);
	fclose(msgs);
	close(fd);
	fprintf(stderr, "capture_flight: state %d, %s\n", (int)wt_engine_state(&c.e),
		wt_engine_state(&c.e) == WT_ST_CONNECTED ? "connected" : "not connected");
	return wt_engine_state(&c.e) == WT_ST_CONNECTED ? 0 : 1;
}
