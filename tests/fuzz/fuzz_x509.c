/*
 * fuzz_x509.c — libFuzzer target for everything a caller or a server hands
 * wasmtls as certificates: wt_trust_add (the `ca` option: PEM or DER),
 * wt_cert_parse, wt_cert_matches_host and wt_chain_verify (the server's
 * Certificate list).
 *
 * Input: byte 0 picks the host name to check; the rest is used three ways:
 * as a trust store input, as one DER certificate, and as a chain of
 * u24-length-prefixed certificates (the Certificate message layout) verified
 * against the committed test roots (root*.pem and inter.pem in tests/fixtures/x509,
 * and the path-validation anchors of tests/fixtures/x509-path), with their
 * facts kept (anchor checks, anchor nameConstraints) and the search log on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wt_x509.h"

static br_x509_trust_anchor anchors[16];
static wt_anchor_info infos[16];
static uint8_t arena[16384];
static wt_trust_store roots;
static int roots_ready;

static void
load_roots(void)
{
	static const char *const files[] = { "x509/root.pem", "x509/root2.pem", "x509/root3-sha1.pem",
		"x509/inter.pem", "x509-path/root.pem", "x509-path/root-nc.pem", "x509-path/roll-old.pem",
		"x509-path/root-expired.pem", "x509-path/root-crit.pem" };
	static uint8_t pem[16384];
	wt_trust_init(&roots, anchors, 16, arena, sizeof arena);
	wt_trust_keep_info(&roots, infos);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char path[512];
		snprintf(path, sizeof path, "%s/tests/fixtures/%s", WT_SOURCE_DIR, files[i]);
		FILE *f = fopen(path, "rb");
		if (!f) continue;
		size_t n = fread(pem, 1, sizeof pem, f);
		fclose(f);
		(void)wt_trust_add(&roots, pem, n);
	}
	roots_ready = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const hosts[] = { "localhost", "www.example.com", "127.0.0.1", "::1",
		"a.b.example.org", "xn--bcher-kva.example" };
	if (!roots_ready) load_roots();
	if (size < 1) return 0;
	const char *host = hosts[data[0] % (sizeof hosts / sizeof hosts[0])];
	data++;
	size--;

	/* 1. As a `ca` option (PEM or DER) into a small store. */
	{
		br_x509_trust_anchor ta[4];
		wt_anchor_info ti[4];
		static uint8_t ar[4096];
		wt_trust_store ts;
		wt_trust_init(&ts, ta, 4, ar, sizeof ar);
		wt_trust_keep_info(&ts, ti);
		int n = wt_trust_add(&ts, data, size);
		if (n > 4 || ts.num > 4 || ts.arena_used > sizeof ar) abort();
		for (size_t i = 0; i < ts.num; i++) {
			const uint8_t *nc = ti[i].name_constraints;
			if (nc && (nc < ar || nc + ti[i].name_constraints_len > ar + ts.arena_used)) abort();
		}
	}

	/* 2. As one DER certificate. */
	{
		wt_cert_info ci;
		if (wt_cert_parse(&ci, data, size) == 0) {
			if (ci.san && (ci.san < data || ci.san + ci.san_len > data + size)) abort();
			(void)wt_cert_matches_host(&ci, host, strlen(host));
		}
	}

	/* 3. As a server's certificate list. */
	{
		wt_span chain[8];
		size_t n = 0, off = 0;
		while (n < 8 && off + 3 <= size) {
			size_t len = (size_t)data[off] << 16 | (size_t)data[off + 1] << 8 | data[off + 2];
			off += 3;
			if (len > size - off) len = size - off;
			chain[n].der = data + off;
			chain[n].len = len;
			n++;
			off += len;
		}
		wt_verify_params p = { .anchors = anchors, .num_anchors = roots.num, .host = host,
			.host_len = strlen(host), .now = 1767225600, .anchor_info = infos };
		wt_pubkey key;
		char detail[256] = "", log[1024];
		wt_verify_result res = { .log = log, .log_cap = sizeof log };
		(void)wt_chain_verify_ex(&p, chain, n, &key, &res, detail, sizeof detail);
		if (memchr(detail, 0, sizeof detail) == NULL || memchr(log, 0, sizeof log) == NULL) abort();
		if (res.path_len > WT_MAX_PATH + 1 || res.sig_checks > WT_VERIFY_SIG_BUDGET) abort();
	}
	return 0;
}
