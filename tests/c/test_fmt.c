/*
 * test_fmt.c — wt_fmt (src/wt_fmt.c), the engine's own small printf: every
 * conversion the error details use gives exactly what the C library's
 * snprintf gives, output is cut (never overrun) at every capacity, and the
 * return value is what was written.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "wt_fmt.h"
#include "wt_test.h"

/* Format with both, compare; then every smaller capacity cuts the same text. */
#define SAME(...) do { \
	char a_[256], b_[256]; \
	size_t n_ = wt_fmt(a_, sizeof a_, __VA_ARGS__); \
	int m_ = snprintf(b_, sizeof b_, __VA_ARGS__); \
	CHECKF(strcmp(a_, b_) == 0, "wt_fmt \"%s\" vs snprintf \"%s\"", a_, b_); \
	CHECK(n_ == (size_t)m_); \
	for (size_t cap_ = 1; cap_ <= n_ + 1; cap_++) { \
		char c_[256]; \
		memset(c_, 'Z', sizeof c_); \
		size_t k_ = wt_fmt(c_, cap_, __VA_ARGS__); \
		CHECK(k_ == cap_ - 1 || (cap_ > n_ && k_ == n_)); \
		CHECK(c_[k_] == '\0' && memcmp(c_, b_, k_) == 0 && c_[cap_] == 'Z'); \
	} \
} while (0)

int
main(void)
{
	SAME("plain text, no conversion");
	SAME("%d %d %d %d", 0, -1, INT_MAX, INT_MIN);
	SAME("%u %u %x %x", 0u, UINT_MAX, 0xbeefu, 0u);
	SAME("%02x:%02x %04x %04x", 5u, 0xabu, 0x1u, 0x12345u);
	SAME("%zu bytes, %zu", (size_t)0, (size_t)SIZE_MAX);
	SAME("%ld %lld %llu", -42L, LLONG_MIN, ULLONG_MAX);
	SAME("%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", 2026LL, 12LL, 1LL, 9LL, 5LL, 0LL);
	SAME("%04lld", -7LL);
	SAME("%5u|%3d|%03d", 42u, 3, -4);
	SAME("name \"%s\" and \"%s\"", "x", "");
	SAME("ALPN \"%.*s\" cut", 3, "h2xyz");
	SAME("100%% sure");
	SAME("%u.%u.%u.%u", 127u, 0u, 0u, 1u);
	/* no room at all: nothing is written, not even a NUL */
	char none[1] = { 'Q' };
	CHECK(wt_fmt(none, 0, "%d", 5) == 0 && none[0] == 'Q');
	CHECK(wt_fmt(NULL, 8, "x") == 0);
	return WT_TEST_SUMMARY();
}
