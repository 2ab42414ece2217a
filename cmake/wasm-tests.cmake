# The Wycheproof test (tests/c/test_crypto_vectors.c) compiled into the WASM
# build — same C wrappers, same BearSSL configuration and optimisation as
# js/dist/wasmtls.wasm — as a Node-run program (NODERAWFS reads the vector
# files). tests/node/wycheproof-wasm.test.mjs runs it and compares every
# verdict line with the native build's.
add_executable(test_crypto_vectors_wasm
  ${PROJECT_SOURCE_DIR}/tests/c/test_crypto_vectors.c ${PROJECT_SOURCE_DIR}/tests/c/wt_json.c)
target_include_directories(test_crypto_vectors_wasm PRIVATE ${PROJECT_SOURCE_DIR}/tests/c)
target_link_libraries(test_crypto_vectors_wasm PRIVATE wasmtls bearssl)
target_compile_options(test_crypto_vectors_wasm PRIVATE ${WT_WARNINGS} ${WT_WASM_CFLAGS})
target_link_options(test_crypto_vectors_wasm PRIVATE ${WT_WASM_CFLAGS}
  -sNODERAWFS=1 -sALLOW_MEMORY_GROWTH -sEXIT_RUNTIME=1 -sENVIRONMENT=node)
set_target_properties(test_crypto_vectors_wasm PROPERTIES SUFFIX ".js")
