# Strict warnings for our own targets; CI turns them into errors (SETLS_WERROR).
add_library(setls_warnings INTERFACE)
target_compile_options(setls_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough
  # Designated initializers that leave fields at their defaults are intended.
  -Wno-missing-field-initializers)
if(SETLS_WERROR)
  target_compile_options(setls_warnings INTERFACE -Werror)
endif()
