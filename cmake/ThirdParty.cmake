# Header-only dependencies as three interface targets (convaula::xsimd, convaula::json,
# convaula::catch2), so the rest of the build never cares where the headers came from.
#
# wasm: adding /usr/include to an Emscripten build pulls glibc's headers in place of
# Emscripten's libc and breaks the compile, so we expose only the three header trees we
# need, through a directory of symlinks inside the build tree.
#
# native: Debian's xsimdConfig.cmake links a non-existent `xtl` target (so the link line
# gets -lxtl and fails); we take xsimd's include directory instead of its target.

add_library(convaula_xsimd INTERFACE)
add_library(convaula_json INTERFACE)
add_library(convaula_catch2 INTERFACE)
add_library(convaula::xsimd ALIAS convaula_xsimd)
add_library(convaula::json ALIAS convaula_json)
add_library(convaula::catch2 ALIAS convaula_catch2)

if(EMSCRIPTEN)
  set(CONVAULA_SYSTEM_INCLUDE_DIR "/usr/include" CACHE PATH
      "Directory holding the xsimd/, nlohmann/ and catch2/ header trees (wasm builds only)")
  set(_links "${CMAKE_BINARY_DIR}/third_party/include")
  file(MAKE_DIRECTORY "${_links}")
  foreach(_tree IN ITEMS xsimd nlohmann catch2)
    if(NOT EXISTS "${CONVAULA_SYSTEM_INCLUDE_DIR}/${_tree}")
      message(FATAL_ERROR "${CONVAULA_SYSTEM_INCLUDE_DIR}/${_tree} not found: run scripts/setup.sh")
    endif()
    file(CREATE_LINK "${CONVAULA_SYSTEM_INCLUDE_DIR}/${_tree}" "${_links}/${_tree}" SYMBOLIC)
  endforeach()
  foreach(_target IN ITEMS convaula_xsimd convaula_json convaula_catch2)
    target_include_directories(${_target} SYSTEM INTERFACE "${_links}")
  endforeach()
else()
  find_path(CONVAULA_XSIMD_INCLUDE_DIR xsimd/xsimd.hpp REQUIRED)
  find_package(nlohmann_json 3 REQUIRED)
  find_package(Catch2 2 REQUIRED)  # also puts Catch.cmake (catch_discover_tests) on the module path
  target_include_directories(convaula_xsimd SYSTEM INTERFACE "${CONVAULA_XSIMD_INCLUDE_DIR}")
  target_link_libraries(convaula_json INTERFACE nlohmann_json::nlohmann_json)
  target_link_libraries(convaula_catch2 INTERFACE Catch2::Catch2)
endif()
