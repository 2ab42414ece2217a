/*
 * wt_fmt.c — see wt_fmt.h.
 */
#include <stdint.h>
#include "wt_fmt.h"

typedef struct {
	char *out;
	size_t cap, len;
} wt_fmt_sink;

static void
wt_fmt_put(wt_fmt_sink *s, char c)
{
	if (s->len + 1 < s->cap) s->out[s->len++] = c;
}

/* An unsigned value in base 10 or 16, left-padded with `pad` to `width`, after `sign` if any. */
static void
wt_fmt_uint(wt_fmt_sink *s, unsigned long long v, unsigned base, char sign, char pad, int width)
{
	char digits[24];
	int n = 0;
	do {
		unsigned d = (unsigned)(v % base);
		digits[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= base;
	} while (v != 0);
	int total = n + (sign != 0);
	if (sign && pad == '0') wt_fmt_put(s, sign);
	for (; width > total; width--) wt_fmt_put(s, pad);
	if (sign && pad != '0') wt_fmt_put(s, sign);
	while (n > 0) wt_fmt_put(s, digits[--n]);
}

size_t
wt_vfmt(char *out, size_t cap, const char *fmt, va_list ap)
{
	wt_fmt_sink s = { out, cap, 0 };
	if (out == NULL || cap == 0) return 0;
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') { wt_fmt_put(&s, *p); continue; }
		const char *start = p++;
		char pad = ' ';
		int width = 0, prec = -1, lng = 0, size = 0;
		if (*p == '0') { pad = '0'; p++; }
		while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
		if (p[0] == '.' && p[1] == '*') { prec = va_arg(ap, int); p += 2; }
		if (*p == 'l') { lng = 1; p++; if (*p == 'l') { lng = 2; p++; } }
		else if (*p == 'z') { size = 1; p++; }
		switch (*p) {
		case 'd': {
			long long v = lng == 2 ? va_arg(ap, long long) : lng == 1 ? va_arg(ap, long)
				: size ? (long long)va_arg(ap, size_t) : va_arg(ap, int);
			unsigned long long m = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
			wt_fmt_uint(&s, m, 10, v < 0 ? '-' : 0, pad, width);
			break;
		}
		case 'u':
		case 'x': {
			unsigned long long v = lng == 2 ? va_arg(ap, unsigned long long) : lng == 1 ? va_arg(ap, unsigned long)
				: size ? va_arg(ap, size_t) : va_arg(ap, unsigned);
			wt_fmt_uint(&s, v, *p == 'x' ? 16 : 10, 0, pad, width);
			break;
		}
		case 's': {
			const char *str = va_arg(ap, const char *);
			if (str == NULL) str = "(null)";
			for (int i = 0; str[i] && (prec < 0 || i < prec); i++) wt_fmt_put(&s, str[i]);
			break;
		}
		case '%':
			wt_fmt_put(&s, '%');
			break;
		default:   /* not ours: written as it stands */
			for (const char *q = start; q <= p && *q; q++) wt_fmt_put(&s, *q);
			if (*p == '\0') p--;
			break;
		}
	}
	out[s.len] = '\0';
	return s.len;
}

size_t
wt_fmt(char *out, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t n = wt_vfmt(out, cap, fmt, ap);
	va_end(ap);
	return n;
}
