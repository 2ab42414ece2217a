/*
 * wt_client.c — native debug driver for the engine: a TLS client over a
 * blocking TCP socket, like `openssl s_client -quiet`. Not part of the
 * library; it is the simplest possible caller of the sans-IO API and the
 * base for fuzz targets.
 *
 *   wt_client HOST PORT [--servername NAME] [--ca FILE]... [--alpn a,b]
 *             [--group x25519|secp256r1|secp384r1] [--insecure] [--events]
 *
 * stdin goes to the server; what the server sends goes to stdout; the
 * handshake summary and any error go to stderr. Exit 0 on a clean close.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "wt_engine.h"
#include "wt_x509.h"

static int
os_random(void *ctx, uint8_t *out, size_t len)
{
	(void)ctx;
	while (len) {
		ssize_t n = getrandom(out, len, 0);
		if (n < 0) {
			if (errno == EINTR) continue;
			return -1;
		}
		out += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
tcp_connect(const char *host, const char *port)
{
	struct addrinfo hints = { 0 }, *res, *ai;
	hints.ai_socktype = SOCK_STREAM;
	int rc = getaddrinfo(host, port, &hints, &res);
	if (rc) {
		fprintf(stderr, "wt_client: %s: %s\n", host, gai_strerror(rc));
		return -1;
	}
	int fd = -1;
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0) continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) perror("wt_client: connect");
	return fd;
}

static uint8_t *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) { perror(path); return NULL; }
	size_t cap = 4096, n = 0;
	uint8_t *buf = malloc(cap);
	size_t k;
	while (buf && (k = fread(buf + n, 1, cap - n, f)) > 0) {
		n += k;
		if (n == cap) buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	*len = n;
	return buf;
}

static const char *
event_name(const wt_event *ev)
{
	static char buf[64];
	switch (ev->kind) {
	case WT_EV_HANDSHAKE: snprintf(buf, sizeof buf, "handshake type %u", ev->type); break;
	case WT_EV_HRR: snprintf(buf, sizeof buf, "HelloRetryRequest for %s", wt_group_name(ev->type)); break;
	case WT_EV_CCS: return "change_cipher_spec";
	case WT_EV_ALERT: snprintf(buf, sizeof buf, "alert %s", wt_alert_name(ev->type & 0xff)); break;
	case WT_EV_VERIFIED: return "chain verified";
	case WT_EV_KEYS: snprintf(buf, sizeof buf, "keys (epoch %u)", ev->type); break;
	default: return "?";
	}
	return buf;
}

static void
drain_events(wt_engine *e, int show)
{
	unsigned n;
	const wt_event *ev = wt_engine_events(e, &n);
	for (unsigned i = 0; show && i < n; i++)
		fprintf(stderr, "  %s %s (%u bytes)\n", ev[i].dir ? "->" : "<-", event_name(&ev[i]), ev[i].len);
	wt_engine_events_clear(e);
}

static int
flush_out(wt_engine *e, int fd)
{
	size_t len;
	const uint8_t *p;
	while ((p = wt_engine_send_buf(e, &len)) && len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR) continue;
			return -1;
		}
		wt_engine_send_done(e, (size_t)n);
	}
	return 0;
}

static int
write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k < 0) {
			if (errno == EINTR) continue;
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	const char *host = NULL, *port = NULL, *sni = NULL, *alpn_arg = NULL;
	const char *ca_files[16];
	int num_ca = 0, insecure = 0, show_events = 0;
	uint16_t group = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--servername") && i + 1 < argc) sni = argv[++i];
		else if (!strcmp(argv[i], "--ca") && i + 1 < argc && num_ca < 16) ca_files[num_ca++] = argv[++i];
		else if (!strcmp(argv[i], "--alpn") && i + 1 < argc) alpn_arg = argv[++i];
		else if (!strcmp(argv[i], "--group") && i + 1 < argc) {
			const char *g = argv[++i];
			group = !strcmp(g, "secp256r1") ? WT_GROUP_SECP256R1 : !strcmp(g, "secp384r1") ? WT_GROUP_SECP384R1 : WT_GROUP_X25519;
		}
		else if (!strcmp(argv[i], "--insecure")) insecure = 1;
		else if (!strcmp(argv[i], "--events")) show_events = 1;
		else if (!host) host = argv[i];
		else if (!port) port = argv[i];
		else { fprintf(stderr, "wt_client: unexpected argument %s\n", argv[i]); return 2; }
	}
	if (!host || !port) {
		fprintf(stderr, "usage: wt_client HOST PORT [--servername NAME] [--ca FILE]... [--alpn a,b] [--group G] [--insecure] [--events]\n");
		return 2;
	}

	static br_x509_trust_anchor anchors[256];
	static uint8_t arena[256 * 1024];
	wt_trust_store ts;
	wt_trust_init(&ts, anchors, 256, arena, sizeof arena);
	for (int i = 0; i < num_ca; i++) {
		size_t len;
		uint8_t *data = read_file(ca_files[i], &len);
		if (!data) return 1;
		int n = wt_trust_add(&ts, data, len);
		free(data);
		if (n < 0) { fprintf(stderr, "wt_client: %s: %s\n", ca_files[i], wt_err_name(-n)); return 1; }
	}

	uint8_t alpn[256];
	size_t alpn_len = 0;
	if (alpn_arg) {
		const char *s = alpn_arg;
		while (*s) {
			size_t n = strcspn(s, ",");
			if (n == 0 || n > 255 || alpn_len + 1 + n > sizeof alpn) return 2;
			alpn[alpn_len++] = (uint8_t)n;
			memcpy(alpn + alpn_len, s, n);
			alpn_len += n;
			s += n + (s[n] == ',');
		}
	}

	static uint8_t chain[32768];
	wt_config cfg = { 0 };
	cfg.server_name = sni ? sni : host;
	cfg.anchors = ts.anchors;
	cfg.num_anchors = ts.num;
	cfg.now = (int64_t)time(NULL);
	cfg.rng = os_random;
	cfg.alpn = alpn;
	cfg.alpn_len = alpn_len;
	cfg.key_share_group = group;
	cfg.flags = insecure ? WT_FLAG_INSECURE_SKIP_VERIFY : 0;
	cfg.chain_buf = chain;
	cfg.chain_cap = sizeof chain;

	static wt_engine eng;
	static uint8_t work[WT_MIN_BUFFER_SIZE + 32768];
	int err = wt_engine_init(&eng, &cfg, work, sizeof work);
	if (!err) err = wt_engine_start(&eng);
	if (err) { fprintf(stderr, "wt_client: %s\n", wt_err_name(err)); return 1; }

	int fd = tcp_connect(host, port);
	if (fd < 0) return 1;

	int stdin_open = 1, reported = 0;
	for (;;) {
		drain_events(&eng, show_events);
		if (flush_out(&eng, fd) < 0) { perror("wt_client: send"); break; }
		wt_state st = wt_engine_state(&eng);
		if (st == WT_ST_FAILED) break;
		if (st == WT_ST_CONNECTED && !reported) {
			reported = 1;
			fprintf(stderr, "wt_client: %s %s %s alpn=%.*s\n",
				eng.version == WT_VERSION_TLS13 ? "TLSv1.3" : "TLSv1.2",
				wt_cipher_name(eng.cipher), wt_group_name(eng.group),
				(int)eng.alpn_sel_len, (const char *)eng.alpn_sel);
		}
		size_t len;
		const uint8_t *rp = wt_engine_read_buf(&eng, &len);
		if (len) {
			if (write_all(1, rp, len) < 0) break;
			wt_engine_read_done(&eng, len);
			continue;
		}
		if (st == WT_ST_CLOSED) {
			wt_engine_close(&eng);
			flush_out(&eng, fd);
			break;
		}

		struct pollfd pf[2] = { { fd, POLLIN, 0 }, { 0, POLLIN, 0 } };
		size_t wlen = 0;
		wt_engine_write_buf(&eng, &wlen);
		int nfds = (stdin_open && wlen) ? 2 : 1;
		if (poll(pf, (nfds_t)nfds, -1) < 0) { if (errno == EINTR) continue; break; }

		if (pf[0].revents) {
			uint8_t *p = wt_engine_recv_buf(&eng, &len);
			if (len) {
				ssize_t n = recv(fd, p, len, 0);
				if (n < 0) { if (errno == EINTR) continue; perror("wt_client: recv"); break; }
				if (n == 0) { wt_engine_eof(&eng); break; }
				wt_engine_recv_done(&eng, (size_t)n);
			}
		}
		if (nfds == 2 && pf[1].revents) {
			uint8_t *p = wt_engine_write_buf(&eng, &wlen);
			ssize_t n = read(0, p, wlen);
			if (n <= 0) {
				stdin_open = 0;
				wt_engine_close(&eng);
			} else {
				wt_engine_write_done(&eng, (size_t)n);
			}
		}
	}
	drain_events(&eng, show_events);
	flush_out(&eng, fd);
	close(fd);
	err = wt_engine_error(&eng);
	if (err) fprintf(stderr, "wt_client: %s: %s\n", wt_err_name(err), wt_engine_error_detail(&eng));
	wt_engine_wipe(&eng);
	return err ? 1 : 0;
}
