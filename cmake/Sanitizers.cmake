# ASan + UBSan for the whole build (TRAPSINK_SANITIZE=ON). UBSan findings abort the process
# so that a test run cannot pass over them.
if(TRAPSINK_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# libFuzzer builds (clang only): instrument every library for coverage; the fuzz targets in
# tests/fuzz link the fuzzer runtime.
if(TRAPSINK_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "TRAPSINK_FUZZ=ON needs clang: configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
