/*
 * wt_fmt.h — the small printf the engine's error details need, so that the
 * wasm module carries no libc printf (musl's pulls in floating point
 * formatting): conversions %d %u %x %s %%, flag 0 and a field width for the
 * integers, precision `.*` for %s, length modifiers l, ll and z.
 *
 * Writes at most cap - 1 characters and a NUL (cap > 0); the output is cut,
 * never overrun. Returns the number of characters written (not counting the
 * NUL), which is < cap: unlike snprintf, never the length it would have had.
 * An unknown conversion is written as is. No allocation, no global state.
 */
#ifndef WT_FMT_H
#define WT_FMT_H

#include <stdarg.h>
#include <stddef.h>

size_t wt_vfmt(char *out, size_t cap, const char *fmt, va_list ap);
size_t wt_fmt(char *out, size_t cap, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

#endif
