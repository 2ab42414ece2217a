# Native build: static lib `wasmtls`, ctest executables, tools.
option(WT_SANITIZE "Build our code and tests with -fsanitize=address,undefined" OFF)

set(WT_SAN_FLAGS)
if(WT_SANITIZE)
  set(WT_SAN_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
endif()

# Common settings for everything that is "our code".
function(wt_our_code target)
  target_compile_options(${target} PRIVATE ${WT_WARNINGS} ${WT_SAN_FLAGS})
  target_link_options(${target} PRIVATE ${WT_SAN_FLAGS})
endfunction()

add_library(wasmtls STATIC ${WT_SOURCES})
target_include_directories(wasmtls PUBLIC ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(wasmtls PUBLIC bearssl)
wt_our_code(wasmtls)

enable_testing()
# tests/c/test_*.c: one ctest each. Other tests/c/*.c (helpers such as the
# JSON reader) form the static lib `wt_testsupport`, linked into every test.
file(GLOB WT_TESTS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/c/test_*.c)
file(GLOB WT_TEST_SUPPORT CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/c/*.c)
list(REMOVE_ITEM WT_TEST_SUPPORT ${WT_TESTS})
add_library(wt_testsupport INTERFACE)
if(WT_TEST_SUPPORT)
  add_library(wt_testsupport_objs STATIC ${WT_TEST_SUPPORT})
  target_link_libraries(wt_testsupport_objs PUBLIC wasmtls)
  target_compile_definitions(wt_testsupport_objs PRIVATE WT_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  wt_our_code(wt_testsupport_objs)
  target_link_libraries(wt_testsupport INTERFACE wt_testsupport_objs)
endif()
target_include_directories(wt_testsupport INTERFACE ${PROJECT_SOURCE_DIR}/tests/c)
foreach(src IN LISTS WT_TESTS)
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_link_libraries(${name} PRIVATE wt_testsupport wasmtls bearssl)
  target_compile_definitions(${name} PRIVATE WT_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  wt_our_code(${name})
  add_test(NAME ${name} COMMAND ${name} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
endforeach()

file(GLOB WT_TOOLS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tools/*.c)
foreach(src IN LISTS WT_TOOLS)
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_link_libraries(${name} PRIVATE wasmtls bearssl)
  target_compile_definitions(${name} PRIVATE WT_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  wt_our_code(${name})
endforeach()

# Layers (issue 17): no call cycle between the files of src/, from the symbols
# of their objects (nm); no file of src/ over 900 lines. The same check on the
# WASM build's objects (emnm) when build/wasm exists (else skipped).
find_program(WT_NODE node)
if(WT_NODE)
  add_test(NAME check_layers
    COMMAND ${WT_NODE} ${PROJECT_SOURCE_DIR}/scripts/check-layers.mjs --nm ${CMAKE_NM}
      --src ${PROJECT_SOURCE_DIR}/src --max-lines 900 ${CMAKE_BINARY_DIR}/CMakeFiles/wasmtls.dir/src
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  find_program(WT_EMNM NAMES emnm llvm-nm)
  set(WT_WASM_BUILD_DIR ${PROJECT_SOURCE_DIR}/build/wasm CACHE PATH "WASM build directory the layer check reads")
  if(WT_EMNM)
    add_test(NAME check_layers_wasm
      COMMAND ${WT_NODE} ${PROJECT_SOURCE_DIR}/scripts/check-layers.mjs --nm ${WT_EMNM} --skip-missing
        --src ${PROJECT_SOURCE_DIR}/src ${WT_WASM_BUILD_DIR}/CMakeFiles/wasmtls.dir/src
      WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
    set_tests_properties(check_layers_wasm PROPERTIES SKIP_RETURN_CODE 77)
  endif()
endif()
