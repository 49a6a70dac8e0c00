// Helpers shared by the unit tests.
#ifndef HYPERTOK_TESTS_UNIT_TEST_UTIL_H_
#define HYPERTOK_TESTS_UNIT_TEST_UTIL_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "hypertok/codebook.h"

namespace hypertok::testing {

// Reads a bundled sample from data/ (fails the test if missing).
std::string ReadSample(const std::string& name);

// A codebook trained by the real trainer on bundled samples (cached).
const Codebook& SampleCodebook();

// Random bytes; `alphabet` limits them to a few values to force repeats.
std::string RandomBytes(std::mt19937_64& rng, size_t n, int alphabet = 256);

// Inputs every lossless test should try: empty, NUL, invalid UTF-8, BOM,
// CR/LF mixes, lone surrogates, very long runs.
std::vector<std::string> AdversarialInputs();

// The seed for randomized tests: $HYPERTOK_TEST_SEED or a fixed default.
// Tests print it so a failure can be replayed.
uint64_t TestSeed();

}  // namespace hypertok::testing

#endif  // HYPERTOK_TESTS_UNIT_TEST_UTIL_H_
