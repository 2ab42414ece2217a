/*
 * ct_mlkem.c — constant-time check of ML-KEM-768 under valgrind (the
 * "ctgrind" technique): secret inputs are marked undefined with
 * VALGRIND_MAKE_MEM_UNDEFINED, so memcheck reports every conditional jump
 * ("Conditional jump or move depends on uninitialised value(s)") and every
 * memory address ("Use of uninitialised value of size 8") computed from
 * them. Outputs are marked defined again before they are compared.
 *
 * src/wt_mlkem.c is compiled into this program (with -DWT_CTGRIND, which
 * makes its WT_CT_PUBLIC() mark rho as public where FIPS 203 publishes it),
 * at the library's optimisation level, so the code checked is the code
 * shipped, and the internal functions are reachable for `compress`.
 *
 *   ct_mlkem keygen|dk-from-seed|encaps|decaps
 *                                   the real checks (run by run.sh clean);
 *                                   dk-from-seed: wt_mlkem768_dk_from_seed
 *                                   with d, z secret and ek public
 *   ct_mlkem leak-branch            a deliberately leaky Decaps: the early-exit
 *                                   comparison implicit rejection must avoid
 *   ct_mlkem leak-index             a deliberately leaky table lookup on a
 *                                   secret byte
 *   ct_mlkem compress               exhaustive check of the division-free
 *                                   Compress_d against exact arithmetic
 *
 * Each mode prints "ct: <mode> ok" when it ran to the end.
 */
#include "../../../src/wt_mlkem.c"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECRET(p, n) ((void)VALGRIND_MAKE_MEM_UNDEFINED((p), (n)))
#define PUBLIC(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))

static uint8_t ek[WT_MLKEM768_EK_LEN], dk[WT_MLKEM768_DK_LEN], ct[WT_MLKEM768_CT_LEN];
static uint8_t ek2[WT_MLKEM768_EK_LEN], dk2[WT_MLKEM768_DK_LEN], ct2[WT_MLKEM768_CT_LEN];

static void
fill(uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++) p[i] = (uint8_t)(v + i * 31);
}

/* A key pair and an encapsulation, all public (defined). */
static void
setup(uint8_t ss[32])
{
	uint8_t seed[64], m[32];
	fill(seed, sizeof seed, 1);
	fill(m, sizeof m, 2);
	if (wt_mlkem768_keygen_derand(ek, dk, seed, sizeof seed) != 0
	    || wt_mlkem768_encaps_derand(ct, ss, ek, sizeof ek, m) != 0) {
		fprintf(stderr, "setup failed\n");
		exit(2);
	}
}

/* Mark the secret parts of dk: dk_PKE and z (ek || H(ek) inside it is public). */
static void
secret_dk(uint8_t *d)
{
	SECRET(d, DK_PKE_LEN);
	SECRET(d + WT_MLKEM768_DK_LEN - 32, 32);
}

static int
check_keygen(void)
{
	uint8_t seed[64];
	fill(seed, sizeof seed, 1);
	SECRET(seed, sizeof seed);                      /* d and z */
	int rc = wt_mlkem768_keygen_derand(ek2, dk2, seed, sizeof seed);
	PUBLIC(ek2, sizeof ek2);
	PUBLIC(dk2, sizeof dk2);
	return rc == 0 && memcmp(ek, ek2, sizeof ek) == 0 && memcmp(dk, dk2, sizeof dk) == 0;
}

/* dk from (seed, ek): d and z secret, ek public (the caller's own share). */
static int
check_dk_from_seed(void)
{
	uint8_t seed[64];
	fill(seed, sizeof seed, 1);
	SECRET(seed, sizeof seed);                      /* d and z */
	memset(dk2, 0, sizeof dk2);
	int rc = wt_mlkem768_dk_from_seed(dk2, ek, sizeof ek, seed, sizeof seed);
	PUBLIC(dk2, sizeof dk2);
	return rc == 0 && memcmp(dk, dk2, sizeof dk) == 0;
}

static int
check_encaps(const uint8_t ss[32])
{
	uint8_t m[32], ss2[32];
	fill(m, sizeof m, 2);
	SECRET(m, sizeof m);                            /* the message is the secret */
	int rc = wt_mlkem768_encaps_derand(ct2, ss2, ek, sizeof ek, m);
	PUBLIC(ct2, sizeof ct2);
	PUBLIC(ss2, sizeof ss2);
	return rc == 0 && memcmp(ct, ct2, sizeof ct) == 0 && memcmp(ss, ss2, 32) == 0;
}

static int
check_decaps(const uint8_t ss[32])
{
	uint8_t ss2[32], ss3[32];
	memcpy(dk2, dk, sizeof dk);
	secret_dk(dk2);
	/* The valid ciphertext (K') and a modified one (implicit rejection). */
	int rc = wt_mlkem768_decaps(ss2, ct, sizeof ct, dk2, sizeof dk2);
	memcpy(ct2, ct, sizeof ct);
	ct2[100] ^= 4;
	rc |= wt_mlkem768_decaps(ss3, ct2, sizeof ct2, dk2, sizeof dk2);
	PUBLIC(ss2, sizeof ss2);
	PUBLIC(ss3, sizeof ss3);
	return rc == 0 && memcmp(ss, ss2, 32) == 0 && memcmp(ss, ss3, 32) != 0;
}

/*
 * The leaky variant: Decaps as it must NOT be written — the re-encryption
 * is compared with memcmp-style early exit and the result picked by a branch.
 */
static int
leaky_decaps(uint8_t ss[32], const uint8_t *c, const uint8_t *d)
{
	uint8_t m[32], kr[64], c2[WT_MLKEM768_CT_LEN];
	kpke_decrypt(m, d, c);
	hash_g(kr, m, 32, d + DK_PKE_LEN + EK_PKE_LEN, 32);
	kpke_encrypt(c2, d + DK_PKE_LEN, m, kr + 32);
	for (size_t i = 0; i < sizeof c2; i++) {
		if (c[i] != c2[i]) {                    /* secret-dependent branch */
			wt_shake256(ss, 32, d + WT_MLKEM768_DK_LEN - 32, 32);
			return 0;
		}
	}
	memcpy(ss, kr, 32);
	return 0;
}

static int
check_leak_branch(const uint8_t ss[32])
{
	uint8_t ss2[32];
	memcpy(dk2, dk, sizeof dk);
	secret_dk(dk2);
	leaky_decaps(ss2, ct, dk2);
	PUBLIC(ss2, sizeof ss2);
	return memcmp(ss, ss2, 32) == 0;
}

static volatile uint8_t leak_sink;

static int
check_leak_index(void)
{
	static uint8_t table[256];
	uint8_t seed[64], out;
	for (int i = 0; i < 256; i++) table[i] = (uint8_t)(i * 7);
	fill(seed, sizeof seed, 1);
	SECRET(seed, sizeof seed);
	out = table[seed[3]];                           /* secret-dependent address */
	PUBLIC(&out, 1);
	leak_sink = out;
	return 1;
}

/* Compress_d by multiply-and-shift equals round(2^d x / q) mod 2^d, exactly. */
static int
check_compress(void)
{
	static const unsigned ds[] = { 1, 4, 5, 10, 11 };
	for (size_t k = 0; k < sizeof ds / sizeof ds[0]; k++) {
		unsigned d = ds[k];
		for (uint32_t x = 0; x < Q; x++) {
			/* round(2^d x / q): 2 * 2^d x vs (2 n + 1) q, in exact integers */
			uint32_t want = (uint32_t)((((uint64_t)x << (d + 1)) + Q) / (2 * Q)) & ((1u << d) - 1);
			if (compress(x, d) != want) {
				fprintf(stderr, "Compress_%u(%u) = %u, want %u\n", d, x, compress(x, d), want);
				return 0;
			}
			if (d < 12 && compress(decompress(compress(x, d), d), d) != compress(x, d)) return 0;
		}
	}
	for (uint32_t x = 0; x < (1u << 26); x += 7) {
		if (reduce(x) != x % Q) return 0;
	}
	if (reduce(0xFFFFFFFFu) != 0xFFFFFFFFu % Q) return 0;
	return 1;
}

int
main(int argc, char **argv)
{
	uint8_t ss[32];
	const char *mode = argc > 1 ? argv[1] : "";
	int ok;

	setup(ss);
	if (!strcmp(mode, "keygen")) ok = check_keygen();
	else if (!strcmp(mode, "dk-from-seed")) ok = check_dk_from_seed();
	else if (!strcmp(mode, "encaps")) ok = check_encaps(ss);
	else if (!strcmp(mode, "decaps")) ok = check_decaps(ss);
	else if (!strcmp(mode, "leak-branch")) ok = check_leak_branch(ss);
	else if (!strcmp(mode, "leak-index")) ok = check_leak_index();
	else if (!strcmp(mode, "compress")) ok = check_compress();
	else {
		fprintf(stderr, "usage: %s keygen|dk-from-seed|encaps|decaps|leak-branch|leak-index|compress\n", argv[0]);
		return 2;
	}
	if (!ok) {
		fprintf(stderr, "ct: %s: wrong result\n", mode);
		return 1;
	}
	printf("ct: %s ok\n", mode);
	return 0;
}
