# The Wycheproof test (tests/c/test_crypto_vectors.c) compiled into the WASM
# build — same C wrappers, same BearSSL configuration and optimisation as
# js/dist/wasmtls.wasm — as a Node-run program (NODERAWFS reads the vector
# files). tests/node/wycheproof-wasm.test.mjs runs it and compares every
# verdict line with the native build's.
# The test also signs (RSA key generation, private operations, HMAC-DRBG) to
# make its own negative cases: those BearSSL files are not in the library's
# wasm subset, so they are added to this program only.
set(WT_WASM_TEST_BEARSSL rand/hmac_drbg.c rsa/rsa_i31_keygen.c rsa/rsa_i31_keygen_inner.c
  rsa/rsa_i31_priv.c rsa/rsa_i31_pkcs1_sign.c rsa/rsa_pkcs1_sig_pad.c
  int/i31_moddiv.c int/i31_mulacc.c int/i31_fmont.c int/i31_rshift.c int/i31_modpow2.c
  int/i31_encode.c int/i31_sub.c int/i31_add.c int/i31_tmont.c int/i31_reduce.c
  int/i31_iszero.c int/i31_bitlen.c int/i31_decode.c int/i31_decred.c int/i31_montmul.c
  int/i31_ninv31.c int/i31_modpow.c int/i31_muladd.c)
list(TRANSFORM WT_WASM_TEST_BEARSSL PREPEND "${BEARSSL_SOURCE_DIR}/src/")
list(REMOVE_ITEM WT_WASM_TEST_BEARSSL ${BEARSSL_SOURCES})
add_library(wt_wasm_test_bearssl STATIC ${WT_WASM_TEST_BEARSSL})
target_include_directories(wt_wasm_test_bearssl PRIVATE ${BEARSSL_SOURCE_DIR}/src ${BEARSSL_SOURCE_DIR}/inc)
target_compile_definitions(wt_wasm_test_bearssl PRIVATE ${BEARSSL_DEFINES})
target_compile_options(wt_wasm_test_bearssl PRIVATE ${WT_WASM_CFLAGS})
add_executable(test_crypto_vectors_wasm
  ${PROJECT_SOURCE_DIR}/tests/c/test_crypto_vectors.c ${PROJECT_SOURCE_DIR}/tests/c/wt_json.c)
target_include_directories(test_crypto_vectors_wasm PRIVATE ${PROJECT_SOURCE_DIR}/tests/c)
target_link_libraries(test_crypto_vectors_wasm PRIVATE wasmtls wt_wasm_test_bearssl bearssl)
target_compile_options(test_crypto_vectors_wasm PRIVATE ${WT_WARNINGS} ${WT_WASM_CFLAGS})
target_link_options(test_crypto_vectors_wasm PRIVATE ${WT_WASM_CFLAGS}
  -sNODERAWFS=1 -sALLOW_MEMORY_GROWTH -sEXIT_RUNTIME=1 -sENVIRONMENT=node -sWASM_ASYNC_COMPILATION=0)
set_target_properties(test_crypto_vectors_wasm PROPERTIES SUFFIX ".cjs")

# The ML-KEM-768 / SHA-3 known-answer test (tests/c/test_mlkem.c) the same
# way: tests/node/mlkem-wasm.test.mjs compares its per-file verdict lines with
# the native build's, and `node build/wasm/test_mlkem_wasm.cjs --bench` times
# KeyGen, Encaps and Decaps in wasm (bench/mlkem.mjs).
add_executable(test_mlkem_wasm
  ${PROJECT_SOURCE_DIR}/tests/c/test_mlkem.c ${PROJECT_SOURCE_DIR}/tests/c/wt_json.c)
target_include_directories(test_mlkem_wasm PRIVATE ${PROJECT_SOURCE_DIR}/tests/c)
target_link_libraries(test_mlkem_wasm PRIVATE wasmtls bearssl)
target_compile_options(test_mlkem_wasm PRIVATE ${WT_WARNINGS} ${WT_WASM_CFLAGS})
target_link_options(test_mlkem_wasm PRIVATE ${WT_WASM_CFLAGS}
  -sNODERAWFS=1 -sALLOW_MEMORY_GROWTH -sEXIT_RUNTIME=1 -sENVIRONMENT=node -sWASM_ASYNC_COMPILATION=0)
set_target_properties(test_mlkem_wasm PROPERTIES SUFFIX ".cjs")

# AES-GCM primitive (src/wt_aes_simd.c): Wycheproof + differential test, and
# `--bench` (bench/aes.mjs). In build/wasm-simd this is the vector-permute
# code; in build/wasm the BearSSL fallback (today's AEAD, the baseline).
add_executable(test_aes_simd_wasm
  ${PROJECT_SOURCE_DIR}/tests/c/test_aes_simd.c ${PROJECT_SOURCE_DIR}/tests/c/wt_json.c)
target_include_directories(test_aes_simd_wasm PRIVATE ${PROJECT_SOURCE_DIR}/tests/c)
target_compile_definitions(test_aes_simd_wasm PRIVATE WT_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
target_link_libraries(test_aes_simd_wasm PRIVATE wasmtls bearssl)
target_compile_options(test_aes_simd_wasm PRIVATE ${WT_WARNINGS} ${WT_WASM_CFLAGS})
target_link_options(test_aes_simd_wasm PRIVATE ${WT_WASM_CFLAGS}
  -sNODERAWFS=1 -sALLOW_MEMORY_GROWTH -sEXIT_RUNTIME=1 -sENVIRONMENT=node -sWASM_ASYNC_COMPILATION=0)
set_target_properties(test_aes_simd_wasm PROPERTIES SUFFIX ".cjs")
