# BearSSL, built from an unpacked source tree (never committed).
# Default location is .deps/bearssl-0.6 (scripts/fetch-bearssl.sh puts it there);
# override with -DBEARSSL_SOURCE_DIR=/path.
set(BEARSSL_SOURCE_DIR "${PROJECT_SOURCE_DIR}/.deps/bearssl-0.6"
    CACHE PATH "Unpacked BearSSL 0.6 source tree (with inc/ and src/)")

if(NOT EXISTS "${BEARSSL_SOURCE_DIR}/inc/bearssl.h" OR NOT EXISTS "${BEARSSL_SOURCE_DIR}/src/inner.h")
  message(FATAL_ERROR
    "BearSSL source not found at BEARSSL_SOURCE_DIR=${BEARSSL_SOURCE_DIR}\n"
    "Run scripts/fetch-bearssl.sh (or scripts/setup.sh) first, "
    "or pass -DBEARSSL_SOURCE_DIR=/path/to/bearssl-0.6.")
endif()

# No OS entropy / clock / rdrand: the engine is given randomness and time.
set(BEARSSL_DEFINES BR_USE_URANDOM=0 BR_USE_GETENTROPY=0 BR_USE_UNIX_TIME=0 BR_RDRAND=0)
if(EMSCRIPTEN)
  # clang advertises __int128 on wasm32; keep BearSSL on plain 64-bit code paths.
  list(APPEND BEARSSL_DEFINES BR_64=1 BR_INT128=0 BR_UMUL128=0)
endif()

if(EMSCRIPTEN)
  # Explicit subset: only what the engine links (see cmake/bearssl_sources.cmake).
  include(${CMAKE_CURRENT_LIST_DIR}/bearssl_sources.cmake)
  list(TRANSFORM BEARSSL_WASM_SOURCES PREPEND "${BEARSSL_SOURCE_DIR}/src/")
  set(BEARSSL_SOURCES ${BEARSSL_WASM_SOURCES})
else()
  # Native: everything; the linker only pulls the objects that are used.
  file(GLOB_RECURSE BEARSSL_SOURCES "${BEARSSL_SOURCE_DIR}/src/*.c")
endif()

add_library(bearssl STATIC ${BEARSSL_SOURCES})
# Our code includes "bearssl.h" and "inner.h" and must see the same config
# defines; SYSTEM keeps BearSSL headers out of our -Werror.
target_include_directories(bearssl SYSTEM PUBLIC
  "${BEARSSL_SOURCE_DIR}/inc" "${BEARSSL_SOURCE_DIR}/src")
target_compile_definitions(bearssl PUBLIC ${BEARSSL_DEFINES})
set_target_properties(bearssl PROPERTIES C_EXTENSIONS ON)
