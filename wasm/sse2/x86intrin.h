/*
 * Included by BearSSL's inner.h for its x86 intrinsics when BR_SSE2 is set.
 * In the wasm SIMD build only chacha20_sse2.c is compiled with BR_SSE2, and it
 * needs SSE2 alone: Emscripten's <emmintrin.h> maps those onto wasm SIMD128.
 */
#ifndef WT_SSE2_X86INTRIN_H
#define WT_SSE2_X86INTRIN_H
#include <emmintrin.h>
#endif
