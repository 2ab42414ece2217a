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

target_compile_options(bearssl PRIVATE ${WT_WASM_CFLAGS})

add_library(wasmtls STATIC ${WT_SOURCES})
target_include_directories(wasmtls PUBLIC ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(wasmtls PUBLIC bearssl)
target_compile_options(wasmtls PRIVATE ${WT_WARNINGS} ${WT_WASM_CFLAGS})

file(GLOB WT_WASM_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/wasm/*.c)
set(WT_JS_LIBRARY ${PROJECT_SOURCE_DIR}/wasm/wt_imports.js)
add_executable(wasmtls_wasm ${WT_WASM_SOURCES})
target_link_libraries(wasmtls_wasm PRIVATE wasmtls bearssl)
target_compile_options(wasmtls_wasm PRIVATE ${WT_WARNINGS} ${WT_WASM_CFLAGS})
target_link_options(wasmtls_wasm PRIVATE
  ${WT_WASM_CFLAGS}
  -sSTANDALONE_WASM --no-entry
  -sALLOW_MEMORY_GROWTH -sMALLOC=emmalloc
  -sERROR_ON_UNDEFINED_SYMBOLS=1 -sLLD_REPORT_UNDEFINED
  -sEXPORTED_FUNCTIONS=_malloc,_free
  "SHELL:--js-library ${WT_JS_LIBRARY}")
set_target_properties(wasmtls_wasm PROPERTIES
  OUTPUT_NAME wasmtls SUFFIX ".wasm"
  RUNTIME_OUTPUT_DIRECTORY "${WT_WASM_OUT_DIR}"
  LINK_DEPENDS "${WT_JS_LIBRARY}")
