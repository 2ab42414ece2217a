# WebAssembly build (emcmake cmake): src/*.c + wasm/*.c + BearSSL subset
# linked into a standalone js/dist/wasmtls.wasm (no JS glue).
set(WT_WASM_OPT "-Oz" CACHE STRING "Optimisation flag for the wasm build (-Oz, -O2, -O0 -g, ...)")
option(WT_WASM_LTO "Link-time optimisation for the wasm build" ON)
set(WT_WASM_OUT_DIR "${PROJECT_SOURCE_DIR}/js/dist" CACHE PATH "Where wasmtls.wasm is written")

separate_arguments(WT_WASM_OPT_LIST UNIX_COMMAND "${WT_WASM_OPT}")
set(WT_WASM_CFLAGS ${WT_WASM_OPT_LIST})
if(WT_WASM_LTO)
  list(APPEND WT_WASM_CFLAGS -flto)
endif()

# Debian's emcc needs acorn from /usr/share/nodejs at link time; set it for
# the link step so a plain `cmake --build build/wasm` works without NODE_PATH.
if(EXISTS "/usr/share/nodejs/acorn" AND EXISTS "/usr/share/emscripten/emcc.py")
  set(CMAKE_C_LINKER_LAUNCHER env NODE_PATH=/usr/share/nodejs)
endif()

# SIMD variant (js/dist/wasmtls-simd.wasm): everything with -msimd128 (the
# compiler vectorises what it can), and ChaCha20 on BearSSL's SSE2 code,
# which Emscripten maps onto wasm SIMD. The JS loads it where the runtime
# validates a SIMD module and the plain build elsewhere.
option(WT_WASM_SIMD "Build the wasm SIMD variant (wasmtls-simd.wasm)" OFF)
if(WT_WASM_SIMD)
  # bulk memory too (memory.copy / memory.fill for memcpy, memset and the wipes): every runtime
  # with wasm SIMD has it; the plain build stays MVP for the others
  list(APPEND WT_WASM_CFLAGS -msimd128 -mbulk-memory)
  set(WT_WASM_SSE2_SOURCE "${BEARSSL_SOURCE_DIR}/src/symcipher/chacha20_sse2.c")
  target_sources(bearssl PRIVATE ${WT_WASM_SSE2_SOURCE})
endif()

target_compile_options(bearssl PRIVATE ${WT_WASM_CFLAGS})

# The primitives where a handshake and a bulk transfer spend their time may be
# built at another level than the rest (e.g. -O3): per-function attributes
# survive LTO, so only these functions are optimised for speed.
set(WT_WASM_HOT_OPT "-O3" CACHE STRING "Optimisation flag for BearSSL's hot primitives (empty: as WT_WASM_OPT)")
set(WT_WASM_HOT_SOURCES_DEFAULT
  codec/ccopy.c ec/ec_p256_m31.c ec/ec_prime_i31.c ec/ec_c25519_m31.c
  int/i31_montmul.c int/i31_mulacc.c int/i31_modpow.c int/i31_modpow2.c int/i31_sub.c int/i31_add.c
  symcipher/aes_ct64.c symcipher/aes_ct64_enc.c symcipher/aes_ct64_ctr.c hash/ghash_ctmul64.c
  symcipher/chacha20_ct.c symcipher/poly1305_ctmul.c hash/sha2small.c)
set(WT_WASM_HOT_SOURCES "${WT_WASM_HOT_SOURCES_DEFAULT}" CACHE STRING "BearSSL sources (under src/) built at WT_WASM_HOT_OPT")
if(WT_WASM_HOT_OPT)
  list(TRANSFORM WT_WASM_HOT_SOURCES PREPEND "${BEARSSL_SOURCE_DIR}/src/")
  set_source_files_properties(${WT_WASM_HOT_SOURCES} PROPERTIES COMPILE_OPTIONS "${WT_WASM_HOT_OPT}")
endif()
# chacha20_sse2.c is written for x86: BR_amd64 + BR_SSE2 turn it on, the
# X86_UP/DOWN pragmas are not needed by clang, and wasm/sse2/ stands in for
# <x86intrin.h> and <cpuid.h> (Emscripten's <emmintrin.h>; SSE2 "present").
# clang notes once per function that '+sse2' is not a wasm feature: harmless.
if(WT_WASM_SIMD)
  set_source_files_properties(${WT_WASM_SSE2_SOURCE} PROPERTIES COMPILE_OPTIONS "${WT_WASM_HOT_OPT};-msse2;-DBR_SSE2=1;-DBR_amd64=1;-DBR_TARGETS_X86_UP=;-DBR_TARGETS_X86_DOWN=;-I${PROJECT_SOURCE_DIR}/wasm/sse2")
endif()

# The AES-GCM primitive (src/wt_aes_simd.c) is a hot path too.
if(WT_WASM_HOT_OPT)
  set_source_files_properties(${PROJECT_SOURCE_DIR}/src/wt_aes_simd.c PROPERTIES COMPILE_OPTIONS "${WT_WASM_HOT_OPT}")
endif()

add_library(wasmtls STATIC ${WT_SOURCES})
target_include_directories(wasmtls PUBLIC ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(wasmtls PUBLIC bearssl)
target_compile_options(wasmtls PRIVATE ${WT_WARNINGS} ${WT_WASM_CFLAGS})
if(WT_WASM_SIMD)
  target_compile_definitions(wasmtls PUBLIC WT_SIMD=1)   # also seen by wasm/*.c (wt_build_simd)
endif()

file(GLOB WT_WASM_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/wasm/*.c)
set(WT_JS_LIBRARY ${PROJECT_SOURCE_DIR}/wasm/wt_imports.js)

# A binaryen pass over the linked module (docs/PERFORMANCE.md, "issue 18 item 3"): emcc's own
# wasm-opt run follows the link level (-Oz), which sees no per-function -O3 and undoes much of
# the hot primitives' inlining; `wasm-opt -O3` afterwards made chain verification 20–45% faster
# and the gzip 0.2–0.3% smaller (+0.7% raw), measured on both builds. Empty: no pass.
set(WT_WASM_POST_OPT "-O3" CACHE STRING "wasm-opt level run on the linked .wasm (empty: none)")
if(WT_WASM_POST_OPT)
  find_program(WT_WASM_OPT_TOOL wasm-opt HINTS /usr/lib/binaryen/bin ENV BINARYEN_ROOT PATH_SUFFIXES bin)
  if(NOT WT_WASM_OPT_TOOL)
    message(WARNING "wasm-opt (binaryen) not found: the wasm is shipped without the ${WT_WASM_POST_OPT} pass")
  endif()
endif()

# One standalone wasm module (no JS glue) from wasm/*.c + the libraries: TARGET, its file name
# without .wasm, the directory it goes to, then compile definitions for wasm/*.c.
function(wt_wasm_module target name dir)
  add_executable(${target} ${WT_WASM_SOURCES})
  target_link_libraries(${target} PRIVATE wasmtls bearssl)
  target_compile_options(${target} PRIVATE ${WT_WARNINGS} ${WT_WASM_CFLAGS})
  target_compile_definitions(${target} PRIVATE ${ARGN})
  target_link_options(${target} PRIVATE
    ${WT_WASM_CFLAGS}
    -sSTANDALONE_WASM --no-entry
    -sALLOW_MEMORY_GROWTH -sMALLOC=emmalloc
    -sERROR_ON_UNDEFINED_SYMBOLS=1 -sLLD_REPORT_UNDEFINED
    -sEXPORTED_FUNCTIONS=_malloc,_free
    "SHELL:--js-library ${WT_JS_LIBRARY}")
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME "${name}" SUFFIX ".wasm"
    RUNTIME_OUTPUT_DIRECTORY "${dir}"
    LINK_DEPENDS "${WT_JS_LIBRARY}")
  if(WT_WASM_POST_OPT AND WT_WASM_OPT_TOOL)
    separate_arguments(post_opt UNIX_COMMAND "${WT_WASM_POST_OPT}")
    # exactly the features the module uses (emcc strips the target_features section)
    set(features --mvp-features --enable-mutable-globals)
    if(WT_WASM_SIMD)
      list(APPEND features --enable-simd --enable-bulk-memory)
    endif()
    add_custom_command(TARGET ${target} POST_BUILD
      COMMAND ${WT_WASM_OPT_TOOL} ${features} ${post_opt} $<TARGET_FILE:${target}> -o $<TARGET_FILE:${target}>
      COMMENT "wasm-opt ${WT_WASM_POST_OPT} on ${name}.wasm"
      VERBATIM)
  endif()
endfunction()

if(WT_WASM_SIMD)
  set(WT_WASM_NAME wasmtls-simd)
else()
  set(WT_WASM_NAME wasmtls)
endif()
# What ships: js/dist/wasmtls(-simd).wasm, the exports js/ uses (and a few readers, wasm/wt_wasm.c).
wt_wasm_module(wasmtls_wasm ${WT_WASM_NAME} "${WT_WASM_OUT_DIR}")
# The same module with the test seams of wasm/wt_wasm.c exported as well (WT_WASM_TEST_SEAMS:
# wt_sig_verify_probe, wt_sig_verify_probe_async), for the tests and benches that call them:
# build/wasm/wasmtls-seams.wasm, build/wasm-simd/wasmtls-simd-seams.wasm. Never shipped.
wt_wasm_module(wasmtls_wasm_seams ${WT_WASM_NAME}-seams "${CMAKE_BINARY_DIR}" WT_WASM_TEST_SEAMS=1)
