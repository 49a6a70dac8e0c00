// Using the hypertok library: train a small codebook on a text file, encode
// the text, decode it back, and check the round trip. Build with CMake
// (docs/example/CMakeLists.txt) or with pkg-config:
//   g++ example.cc $(pkg-config --cflags --libs hypertok) -o example
#include <hypertok/codebook.h>
#include <hypertok/decoder.h>
#include <hypertok/encoder.h>
#include <hypertok/io.h>
#include <hypertok/trainer.h>
#include <hypertok/version.h>

#include <cstdio>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s TEXT_FILE\n", argv[0]);
    return 2;
  }
  auto text = hypertok::ReadFileToString(argv[1]);
  if (!text.ok()) {
    std::fprintf(stderr, "error: %s\n", text.status().message().c_str());
    return 1;
  }
  hypertok::Trainer trainer({.vocab_size = 2000});
  hypertok::StringSource source(*text, argv[1]);
  if (auto s = trainer.AddSource(&source); !s.ok()) {
    std::fprintf(stderr, "error: %s\n", s.message().c_str());
    return 1;
  }
  auto codebook = trainer.Build();
  if (!codebook.ok()) {
    std::fprintf(stderr, "error: %s\n", codebook.status().message().c_str());
    return 1;
  }
  auto encoder = hypertok::Encoder::Create(*codebook);
  if (!encoder.ok()) return 1;
  std::vector<uint32_t> ids = encoder->Encode(*text);
  std::string back;
  hypertok::Decoder decoder(*codebook);
  if (!decoder.Decode(ids, &back).ok() || back != *text) {
    std::fprintf(stderr, "error: round trip failed\n");
    return 1;
  }
  std::printf("hypertok %s: %zu bytes -> %zu tokens with %zu entries, round trip exact\n",
              HYPERTOK_VERSION, text->size(), ids.size(), codebook->size());
  return 0;
}
