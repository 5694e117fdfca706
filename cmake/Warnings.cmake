# Project-wide warnings; -Werror in CI (TRAPSINK_WERROR=ON).
add_compile_options(-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion)
if(TRAPSINK_WERROR)
  add_compile_options(-Werror)
endif()
