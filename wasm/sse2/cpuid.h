/*
 * Included by BearSSL's inner.h next to x86intrin.h (see there). A wasm
 * runtime that instantiated the SIMD build has SIMD128, so the "CPU" reports
 * SSE2 (EDX bit 26) and nothing else.
 */
#ifndef WT_SSE2_CPUID_H
#define WT_SSE2_CPUID_H
static inline int
__get_cpuid(unsigned leaf, unsigned *eax, unsigned *ebx, unsigned *ecx, unsigned *edx)
{
	(void)leaf;
	*eax = *ebx = *ecx = 0;
	*edx = 0x04000000u;
	return 1;
}
#endif
