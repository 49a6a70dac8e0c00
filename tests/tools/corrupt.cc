// Writes N randomly corrupted copies of a file, for the corruption tests:
// a truncation, one byte flipped, eight bytes flipped, or up to 64 random
// bytes written over a random place — each differing from the original.
//   hypertok_corrupt SRC OUT_PREFIX N SEED   → OUT_PREFIX.0 … OUT_PREFIX.(N-1)
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: hypertok_corrupt SRC OUT_PREFIX N SEED\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  const std::string src((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (src.empty()) return 1;
  const long n = std::atol(argv[3]);
  std::mt19937_64 rng(std::strtoull(argv[4], nullptr, 10));
  for (long i = 0; i < n; ++i) {
    std::string bad;
    do {
      bad = src;
      switch (rng() % 4) {
        case 0: bad.resize(rng() % bad.size()); break;
        case 1: bad[rng() % bad.size()] = static_cast<char>(rng()); break;
        case 2:
          for (int k = 0; k < 8; ++k) bad[rng() % bad.size()] = static_cast<char>(rng());
          break;
        default: {
          const size_t at = rng() % bad.size(), len = 1 + rng() % 64;
          for (size_t k = 0; k < len && at + k < bad.size(); ++k)
            bad[at + k] = static_cast<char>(rng());
        }
      }
    } while (bad == src);
    std::ofstream(std::string(argv[2]) + "." + std::to_string(i), std::ios::binary) << bad;
  }
  return 0;
}
