// Shared pieces of the fuzz targets (tests/fuzz/fuzz_*.cc). Each target is a
// libFuzzer entry point; built with -DHYPERTOK_FUZZ=ON (clang) it runs under
// libFuzzer, and in every build replay_main.cc runs it over the checked-in
// corpus (tests/fuzz/corpus/<target>/) as an ordinary test.
//
// A target fails by aborting: a crash, a sanitizer report, or a broken
// contract checked with FUZZ_CHECK (e.g. decode(encode(x)) != x).
#ifndef HYPERTOK_TESTS_FUZZ_FUZZ_COMMON_H_
#define HYPERTOK_TESTS_FUZZ_FUZZ_COMMON_H_

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "hypertok/codebook.h"

#define FUZZ_CHECK(cond)                                                     \
  do {                                                                       \
    if (!(cond)) {                                                           \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__,       \
                   __LINE__, #cond);                                         \
      std::abort();                                                          \
    }                                                                        \
  } while (0)

namespace hypertok::fuzz {

inline std::string_view AsView(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A small fixed codebook with multi-byte and multi-unit pieces, for targets
// that need one (stream and ids decoding).
const Codebook& FixedCodebook();

}  // namespace hypertok::fuzz

#endif  // HYPERTOK_TESTS_FUZZ_FUZZ_COMMON_H_
