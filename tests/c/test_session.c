/*
 * test_session.c — the session encoding (wt_session.h): round trip, every
 * truncation and a wrong magic refused, and the rules for offering a
 * session (server name, lifetime, clock skew).
 */
#include <string.h>
#include "wt_session.h"
#include "wt_engine.h"
#include "wt_test.h"

static wt_session
sample(void)
{
	static const uint8_t ticket[] = { 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03 };
	wt_session s;
	memset(&s, 0, sizeof s);
	s.version = WT_VERSION_TLS13;
	s.cipher = WT_TLS_AES_256_GCM_SHA384;
	s.received_at = 1790000000;
	s.lifetime = 7200;
	s.age_add = 0xfedcba98;
	s.max_early_data = 16384;
	s.flags = 0;
	s.secret_len = 48;
	for (size_t i = 0; i < 48; i++) s.secret[i] = (uint8_t)(i * 5 + 1);
	memcpy(s.server_name, "Example.COM", 11);
	s.server_name_len = 11;
	memcpy(s.alpn, "h2", 2);
	s.alpn_len = 2;
	s.ticket = ticket;
	s.ticket_len = sizeof ticket;
	return s;
}

int
main(void)
{
	uint8_t buf[WT_SESSION_MAX];
	wt_session s = sample(), d;

	size_t n = wt_session_encode(&s, buf, sizeof buf);
	CHECK(n == 4 + 2 + 2 + 8 + 4 + 4 + 4 + 1 + 1 + 48 + 1 + 11 + 1 + 2 + 2 + 7);
	CHECK(wt_session_decode(&d, buf, n) == 0);
	CHECK(d.version == s.version && d.cipher == s.cipher && d.received_at == s.received_at);
	CHECK(d.lifetime == s.lifetime && d.age_add == s.age_add && d.max_early_data == s.max_early_data);
	CHECK(d.secret_len == 48 && memcmp(d.secret, s.secret, 48) == 0);
	CHECK(d.server_name_len == 11 && strcmp(d.server_name, "Example.COM") == 0);
	CHECK(d.alpn_len == 2 && memcmp(d.alpn, "h2", 2) == 0);
	CHECK(d.ticket_len == 7 && d.ticket == buf + n - 7);

	/* every truncation, one byte too many, a wrong magic or version: refused, struct cleared */
	for (size_t k = 0; k < n; k++) CHECKF(wt_session_decode(&d, buf, k) != 0 && d.secret_len == 0, "length %zu", k);
	uint8_t longer[WT_SESSION_MAX + 1];
	memcpy(longer, buf, n);
	longer[n] = 0;
	CHECK(wt_session_decode(&d, longer, n + 1) != 0);
	buf[3] = 2;
	CHECK(wt_session_decode(&d, buf, n) != 0);
	buf[3] = 1;

	/* no room, no ticket, an oversized secret: nothing encoded */
	CHECK(wt_session_encode(&s, buf, n - 1) == 0);
	wt_session t = s;
	t.ticket_len = 0;
	CHECK(wt_session_encode(&t, buf, sizeof buf) == 0);
	t = s;
	t.secret_len = 49;
	CHECK(wt_session_encode(&t, buf, sizeof buf) == 0);

	/* offering rules */
	CHECK(wt_session_usable(&s, "example.com", 11, s.received_at + 10));
	CHECK(!wt_session_usable(&s, "example.org", 11, s.received_at + 10));
	CHECK(!wt_session_usable(&s, "www.example.com", 15, s.received_at + 10));
	CHECK(wt_session_usable(&s, "example.com", 11, s.received_at + 7199));
	CHECK(!wt_session_usable(&s, "example.com", 11, s.received_at + 7200));   /* lifetime over */
	CHECK(wt_session_usable(&s, "example.com", 11, s.received_at - 60));      /* a minute of skew */
	CHECK(!wt_session_usable(&s, "example.com", 11, s.received_at - 61));
	return WT_TEST_SUMMARY();
}
