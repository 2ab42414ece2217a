# Constant-time check of ML-KEM-768 under valgrind (tests/c/ct/, see
# docs/SECURITY.md "ML-KEM-768 and SHA-3"). ct_mlkem compiles src/wt_mlkem.c
# itself with -DWT_CTGRIND at the library's optimisation level, without
# sanitizers (valgrind cannot run ASan code), so the compiler of each build
# dir (gcc in build/native, clang in build/asan) is checked.
#   ct_mlkem               KeyGen and dk_from_seed (d, z secret), Encaps (m secret), Decaps
#                          (dk_PKE and z secret; valid and rejected ciphertexts)
#   ct_mlkem_leaky         the same check on a deliberately leaky Decaps
#                          (early-exit comparison): expected to fail (WILL_FAIL)
#   ct_mlkem_catches_leaks the failure is valgrind's finding: the leaky Decaps
#                          gives "Conditional jump or move depends on
#                          uninitialised value(s)", a secret table index "Use
#                          of uninitialised value"
#   mlkem_compress_exact   Compress_d (multiply-and-shift) = exact rounding for
#                          every input, Barrett reduction = x % q (no valgrind)
# Without valgrind (or its headers) the valgrind tests are skipped (77).
find_path(WT_VALGRIND_INCLUDE valgrind/memcheck.h)
set(WT_CT_RUN ${PROJECT_SOURCE_DIR}/tests/c/ct/run.sh)
if(WT_VALGRIND_INCLUDE)
  add_executable(ct_mlkem ${PROJECT_SOURCE_DIR}/tests/c/ct/ct_mlkem.c ${PROJECT_SOURCE_DIR}/src/wt_sha3.c)
  target_include_directories(ct_mlkem PRIVATE ${PROJECT_SOURCE_DIR}/src ${BEARSSL_SOURCE_DIR}/inc ${WT_VALGRIND_INCLUDE})
  target_compile_definitions(ct_mlkem PRIVATE WT_CTGRIND=1)
  # DWARF 4: valgrind 3.19 cannot read clang 14's default DWARF 5.
  target_compile_options(ct_mlkem PRIVATE ${WT_WARNINGS} -gdwarf-4)
  add_test(NAME ct_mlkem COMMAND sh ${WT_CT_RUN} clean $<TARGET_FILE:ct_mlkem> keygen dk-from-seed encaps decaps)
  add_test(NAME ct_mlkem_leaky COMMAND sh ${WT_CT_RUN} clean $<TARGET_FILE:ct_mlkem> leak-branch)
  set_tests_properties(ct_mlkem_leaky PROPERTIES WILL_FAIL TRUE ENVIRONMENT WT_CT_WILL_FAIL=1)
  add_test(NAME ct_mlkem_catches_leaks COMMAND sh -c
    "sh '${WT_CT_RUN}' leak '$<TARGET_FILE:ct_mlkem>' leak-branch 'Conditional jump or move depends on uninitialised value' && sh '${WT_CT_RUN}' leak '$<TARGET_FILE:ct_mlkem>' leak-index 'Use of uninitialised value'")
  add_test(NAME mlkem_compress_exact COMMAND ct_mlkem compress)
else()
  foreach(name ct_mlkem ct_mlkem_leaky ct_mlkem_catches_leaks)
    add_test(NAME ${name} COMMAND sh -c "echo 'valgrind/memcheck.h not found: skipped'; exit 77")
  endforeach()
endif()
set_tests_properties(ct_mlkem ct_mlkem_leaky ct_mlkem_catches_leaks PROPERTIES SKIP_RETURN_CODE 77)

# The wasm SIMD GHASH (src/wt_aes_simd.c), natively: its scalar half
# (ghash_combine) compiled from the source, its vector half modelled lane by
# lane (tests/c/ct/ct_ghash.c).
#   ghash_model_diff       the model equals br_ghash_ctmul64 (no valgrind)
#   ct_ghash               H, Y and data secret: no secret branch or address
#   ct_ghash_catches_leaks a leaky variant (table indexed by a byte of H) is reported
if(WT_VALGRIND_INCLUDE)
  # The BearSSL parts it needs (ctmul64 GHASH, the fallback's aes_ct64) are compiled in with the
  # same DWARF 4 flag: valgrind 3.19 gives up on an executable with any DWARF 5 object in it.
  set(WT_CT_GHASH_BEARSSL ${BEARSSL_SOURCE_DIR}/src/hash/ghash_ctmul64.c
    ${BEARSSL_SOURCE_DIR}/src/symcipher/aes_ct64.c ${BEARSSL_SOURCE_DIR}/src/symcipher/aes_ct64_ctr.c
    ${BEARSSL_SOURCE_DIR}/src/symcipher/aes_ct64_enc.c ${BEARSSL_SOURCE_DIR}/src/symcipher/aes_common.c
    ${BEARSSL_SOURCE_DIR}/src/codec/dec32le.c ${BEARSSL_SOURCE_DIR}/src/codec/enc32le.c)
  add_executable(ct_ghash ${PROJECT_SOURCE_DIR}/tests/c/ct/ct_ghash.c ${WT_CT_GHASH_BEARSSL})
  target_include_directories(ct_ghash PRIVATE ${PROJECT_SOURCE_DIR}/src ${BEARSSL_SOURCE_DIR}/inc
    ${BEARSSL_SOURCE_DIR}/src ${WT_VALGRIND_INCLUDE})
  target_compile_definitions(ct_ghash PRIVATE WT_GHASH_SCALAR_MODEL=1 ${BEARSSL_DEFINES})
  target_compile_options(ct_ghash PRIVATE -gdwarf-4)
  set_source_files_properties(${PROJECT_SOURCE_DIR}/tests/c/ct/ct_ghash.c PROPERTIES COMPILE_OPTIONS "${WT_WARNINGS}")
  add_test(NAME ghash_model_diff COMMAND ct_ghash diff)
  add_test(NAME ct_ghash COMMAND sh ${WT_CT_RUN} clean $<TARGET_FILE:ct_ghash> ghash)
  add_test(NAME ct_ghash_catches_leaks COMMAND sh ${WT_CT_RUN} leak $<TARGET_FILE:ct_ghash> leak-index "Use of uninitialised value")
else()
  foreach(name ct_ghash ct_ghash_catches_leaks)
    add_test(NAME ${name} COMMAND sh -c "echo 'valgrind/memcheck.h not found: skipped'; exit 77")
  endforeach()
endif()
set_tests_properties(ct_ghash ct_ghash_catches_leaks PROPERTIES SKIP_RETURN_CODE 77)

# KyberSlash guard: memcheck does not see a division's data-dependent timing,
# so the compiled ML-KEM and SHA-3 objects of the library must contain no
# integer division instruction at all (x86 div/idiv; skipped elsewhere).
find_program(WT_OBJDUMP objdump)
if(WT_OBJDUMP AND CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64|i.86")
  add_test(NAME mlkem_no_division COMMAND sh -c
    "n=0; for f in $<JOIN:$<TARGET_OBJECTS:wasmtls>, >; do case $f in *wt_mlkem.c.o|*wt_sha3.c.o) d=$('${WT_OBJDUMP}' -d $f | grep -cE '\\s(i?div[bwlq]?)\\s'); echo \"$f: $d division instructions\"; n=$((n + d)); esac; done; test $n -eq 0")
endif()
