// Writes BYTES bytes of text crafted against the encoder's memo: 50,000
// distinct units (a space and 15 lowercase letters), each one whose hash
// (UnitHash, codec/unit_memo.h) puts it in the first 4096 of the memo's
// slots, repeated in a fixed order until BYTES. The hash is fixed, so such
// text can be computed by anyone; tools/bench.sh times encoding it beside
// the other adversarial inputs. (Without the memo's probe bound, 9.6 MB of
// it took 19.8 s to encode, against 0.14-0.22 s for random units of the same
// shape.)
//
//   colliding_units BYTES OUT
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "codec/unit_memo.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: colliding_units BYTES OUT\n");
    return 2;
  }
  const uint64_t bytes = std::strtoull(argv[1], nullptr, 10);
  std::mt19937_64 rng(42);
  std::vector<std::string> units;
  std::string u(16, ' ');
  while (units.size() < 50000) {
    for (size_t i = 1; i < u.size(); ++i) u[i] = static_cast<char>('a' + rng() % 26);
    if ((hypertok::UnitHash(u) & ((uint64_t{1} << 18) - 1)) < 4096) units.push_back(u);
  }
  FILE* f = std::fopen(argv[2], "wb");
  if (f == nullptr) {
    std::perror(argv[2]);
    return 1;
  }
  for (uint64_t written = 0; written < bytes;) {
    for (const std::string& x : units) {
      std::fwrite(x.data(), 1, x.size(), f);
      written += x.size();
    }
    std::fputc('\n', f);
    ++written;
  }
  return std::fclose(f) == 0 ? 0 : 1;
}
