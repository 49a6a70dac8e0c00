// Morph model parsing: any bytes give a model or a clean error; a model that
// parses splits a word into morphs that tile it: in order, no gaps, no overlap.
#include "fuzz/fuzz_common.h"
#include "morph/morpheme_splitter.h"

using namespace hypertok;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto m = MorphemeSplitter::Parse(fuzz::AsView(data, size));
  if (!m.ok()) return 0;
  for (std::string_view word : {"\xD0\xBF\xD0\xB5\xD1\x80\xD0\xB5\xD1\x85\xD0\xBE\xD0\xB4",
                                "unbelievable", "\xFF\xFE", "a"}) {
    uint32_t at = 0;
    for (const Morph& morph : m->Split(word)) {
      FUZZ_CHECK(morph.begin == at && morph.end > morph.begin);
      at = morph.end;
    }
    FUZZ_CHECK(at == word.size());
  }
  return 0;
}
