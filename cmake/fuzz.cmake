# Fuzzing and sanitizer build (clang only): -DWT_FUZZ=ON in a separate build
# dir (scripts/build.sh uses build/asan). Our library is instrumented for
# coverage (fuzzer-no-link) next to ASan+UBSan; each tests/fuzz/fuzz_*.c
# becomes a libFuzzer executable, capture_flight.c a plain tool that makes
# seed corpus files. The ctest executables of this dir run under ASan+UBSan.
option(WT_FUZZ "Build libFuzzer targets from tests/fuzz (needs clang)" OFF)
if(WT_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "WT_FUZZ needs clang (CC=clang)")
  endif()
  target_compile_options(wasmtls PRIVATE -fsanitize=fuzzer-no-link)
  file(GLOB WT_FUZZ_TARGETS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/fuzz/fuzz_*.c)
  foreach(src IN LISTS WT_FUZZ_TARGETS)
    get_filename_component(name ${src} NAME_WE)
    add_executable(${name} ${src})
    target_link_libraries(${name} PRIVATE wasmtls bearssl)
    target_compile_definitions(${name} PRIVATE WT_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    target_compile_options(${name} PRIVATE ${WT_WARNINGS} -fsanitize=fuzzer,address,undefined
      -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
  endforeach()
  add_executable(capture_flight ${PROJECT_SOURCE_DIR}/tests/fuzz/capture_flight.c)
  target_include_directories(capture_flight PRIVATE ${PROJECT_SOURCE_DIR}/tests/fuzz)
  target_link_libraries(capture_flight PRIVATE wasmtls bearssl)
  wt_our_code(capture_flight)
endif()
