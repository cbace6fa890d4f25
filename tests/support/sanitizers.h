// Whether this build runs under AddressSanitizer (scripts/test --asan):
// some tests cannot run there (valgrind on ASan binaries, a copy of the
// whole address space with its shadow memory) and skip themselves.
#pragma once

namespace setls::test {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kAddressSanitizer = true;
#else
inline constexpr bool kAddressSanitizer = false;
#endif
#else
inline constexpr bool kAddressSanitizer = false;
#endif

}  // namespace setls::test
