// Train → encode → decode: the input's first half trains a small codebook
// (256 + up to 64 pieces), which must encode the whole input and decode it
// back byte for byte; encoding twice (and with a fresh encoder) gives the same
// ids; the codebook survives serialization.
#include "fuzz/fuzz_common.h"
#include "hypertok/decoder.h"
#include "hypertok/encoder.h"
#include "hypertok/trainer.h"

using namespace hypertok;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;  // keep each run short
  const std::string text(fuzz::AsView(data, size));
  TrainOptions options;
  options.vocab_size = 256 + 64;
  options.learn_morph = size % 2 == 0;  // both paths
  Trainer trainer(options);
  StringSource src(std::string_view(text).substr(0, size / 2));
  FUZZ_CHECK(trainer.AddSource(&src).ok());
  auto cb = trainer.Build();
  FUZZ_CHECK(cb.ok());
  auto loaded = Codebook::Parse(cb->Serialize());
  FUZZ_CHECK(loaded.ok() && loaded->id() == cb->id());
  auto enc = Encoder::Create(*loaded);
  FUZZ_CHECK(enc.ok());
  const std::vector<uint32_t> ids = enc->Encode(text);
  FUZZ_CHECK(enc->Encode(text) == ids);
  auto fresh = Encoder::Create(*cb);
  FUZZ_CHECK(fresh.ok() && fresh->Encode(text) == ids);
  Decoder dec(*loaded);
  std::string back;
  FUZZ_CHECK(dec.Decode(ids, &back).ok() && back == text);
  return 0;
}
