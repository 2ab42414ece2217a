# BearSSL files compiled into the wasm build (paths relative to src/).
#
# Initial list: the objects the native linker pulls in for the BearSSL API the
# engine is specified to use (SHA-2, HMAC, HKDF, AES-ct64 CTR + GHASH-ctmul64
# + GCM, ChaCha20-ct, Poly1305-ctmul, br_ec_all_m31, ECDSA-i31 verify, RSA-i31
# public + PKCS#1 verify, MGF1, x509_minimal (not _full: no MD5/SHA-1),
# x509_decoder, PEM decoder). Once the engine is complete, regenerate the
# exact set with `bash scripts/bearssl-subset.sh` (native link map). A missing
# file shows up as an undefined-symbol error linking js/dist/wasmtls.wasm.
set(BEARSSL_WASM_SOURCES
  aead/gcm.c
  codec/ccopy.c
  codec/dec32be.c
  codec/dec32le.c
  codec/dec64be.c
  codec/enc32be.c
  codec/enc32le.c
  codec/enc64be.c
  codec/pemdec.c
  ec/ec_all_m31.c
  ec/ec_c25519_m31.c
  ec/ec_p256_m31.c
  ec/ec_prime_i31.c
  ec/ec_secp256r1.c
  ec/ec_secp384r1.c
  ec/ec_secp521r1.c
  ec/ecdsa_atr.c
  ec/ecdsa_i31_bits.c
  ec/ecdsa_i31_vrfy_asn1.c
  ec/ecdsa_i31_vrfy_raw.c
  ec/ecdsa_rta.c
  hash/ghash_ctmul64.c
  hash/mgf1.c
  hash/multihash.c
  hash/sha2big.c
  hash/sha2small.c
  hash/sha1.c           # OCSP CertID hashes (wt_ocsp.c)
  int/i31_add.c
  int/i31_bitlen.c
  int/i31_decmod.c
  int/i31_decode.c
  int/i31_encode.c
  int/i31_fmont.c
  int/i31_iszero.c
  int/i31_modpow.c
  int/i31_modpow2.c
  int/i31_montmul.c
  int/i31_muladd.c
  int/i31_ninv31.c
  int/i31_rshift.c
  int/i31_sub.c
  int/i31_tmont.c
  int/i32_div32.c
  kdf/hkdf.c
  mac/hmac.c
  rsa/rsa_i31_pkcs1_vrfy.c
  rsa/rsa_i31_pub.c
  rsa/rsa_pkcs1_sig_unpad.c
  symcipher/aes_ct64.c
  symcipher/aes_ct64_ctr.c
  symcipher/aes_ct64_enc.c
  symcipher/chacha20_ct.c
  symcipher/poly1305_ctmul.c
  x509/x509_decoder.c
  x509/x509_minimal.c
)
