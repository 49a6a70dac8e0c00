// Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/):
// small valid files of every kind, which the fuzzer mutates and the replay
// tests run. Run after a format change:
//   build-test/tests/hypertok_fuzz_make_seeds tests/fuzz/corpus
#include <filesystem>
#include <fstream>

#include "fuzz/fuzz_common.h"
#include "hypertok/encoder.h"
#include "hypertok/pipeline.h"
#include "hypertok/stream.h"
#include "hypertok/text_formats.h"
#include "hypertok/trainer.h"
#include "morph/morpheme_splitter.h"
#include "train/corpus.h"

using namespace hypertok;

namespace {

constexpr char kTextBytes[] =
    "The end of the story, and the beginning of the next one.\n\n"
    "\xD0\x9C\xD0\xBE\xD1\x80\xD0\xBE\xD0\xB7 \xD0\xB8 \xD1\x81\xD0\xBE\xD0\xBB\xD0\xBD\xD1\x86"
    "\xD0\xB5; \xD0\xB4\xD0\xB5\xD0\xBD\xD1\x8C \xD1\x87\xD1\x83\xD0\xB4\xD0\xB5\xD1\x81\xD0\xBD"
    "\xD1\x8B\xD0\xB9!\r\n\xE4\xB8\xAD\xE6\x96\x87 123 \xFF\x00 tab\there\n";

void Write(const std::filesystem::path& p, std::string_view bytes) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary).write(bytes.data(), bytes.size());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const std::filesystem::path dir(argv[1]);
  // The text holds a NUL, so its length is taken from the array, not strlen.
  const std::string text(kTextBytes, sizeof(kTextBytes) - 1);

  // Codebooks: trained without and with a morph model (the model is small
  // when learned from a few words).
  for (bool morph : {false, true}) {
    TrainOptions o;
    o.vocab_size = 300;
    o.learn_morph = morph;
    Trainer t(o);
    const std::string twice = text + text;  // StringSource keeps a view
    StringSource src(twice);
    if (!t.AddSource(&src).ok()) return 1;
    auto cb = t.Build();
    if (!cb.ok()) return 1;
    Write(dir / "codebook" / (morph ? "trained_morph.htk" : "trained.htk"), cb->Serialize());
    if (morph) {
      auto m = MorphemeSplitter::Parse(*cb->extra_section("MRPH"));
      if (!m.ok()) return 1;
      Write(dir / "morph" / "learned.morph", m->Serialize());
      Write(dir / "roundtrip" / "text.txt", text);
      Write(dir / "roundtrip" / "repeated.txt", text + text + text);
    }
  }
  // Streams and ids for the fixed codebook, plain and zstd.
  const Codebook& cb = fuzz::FixedCodebook();
  auto enc = Encoder::Create(cb);
  for (bool zstd : {false, true}) {
    std::string out;
    StringSink sink(&out);
    StreamWriter w(&sink, cb.id(), cb.size(), {zstd, 3});
    StringSource src(text);
    if (!EncodeSource(*enc, &src, {}, &w).ok() || !w.Finish().ok()) return 1;
    Write(dir / "stream" / (zstd ? "zstd.hts" : "plain.hts"), out);
  }
  {
    std::string out;
    StringSink sink(&out);
    IdsTextWriter w(&sink);
    StringSource src(text);
    if (!EncodeSource(*enc, &src, {}, &w).ok()) return 1;
    Write(dir / "stream" / "ids.txt", out);
  }
  // Counts, with a budget that drops chunks at the fuzz target's 4096.
  {
    Corpus c({.threads = 1, .max_sample_tokens = 4096, .max_memory = 0, .progress = {}});
    std::string big;
    for (int i = 0; i < 300; ++i) big += text + std::to_string(i) + "\n";
    StringSource src(big);
    if (!c.AddSource(&src).ok()) return 1;
    std::string out;
    StringSink sink(&out);
    if (!c.Save(&sink).ok()) return 1;
    Write(dir / "counts" / "sampled.counts", out);
  }
  return 0;
}
