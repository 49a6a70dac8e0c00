// Codebook parsing: any bytes give a codebook or a clean error; a codebook
// that parses re-serializes to a file that parses to the same vocabulary, and
// builds an encoder and decoder that round-trip a probe text.
#include "fuzz/fuzz_common.h"
#include "hypertok/decoder.h"
#include "hypertok/encoder.h"

using namespace hypertok;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto cb = Codebook::Parse(fuzz::AsView(data, size));
  if (!cb.ok()) return 0;
  auto again = Codebook::Parse(cb->Serialize());
  FUZZ_CHECK(again.ok() && again->id() == cb->id() && again->size() == cb->size());
  auto enc = Encoder::Create(*cb);
  if (!enc.ok()) return 0;  // self-tests may legitimately disagree
  const std::string probe = "Hello, world! \xD0\x9C\xD0\xB8\xD1\x80 \xFF\n\n\x00 the end";
  std::vector<uint32_t> ids = enc->Encode(probe);
  Decoder dec(*cb);
  std::string back;
  FUZZ_CHECK(dec.Decode(ids, &back).ok() && back == probe);
  return 0;
}
