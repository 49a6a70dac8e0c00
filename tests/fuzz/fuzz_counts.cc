// Counts files: any bytes give merged counts or a clean error that leaves
// the corpus unchanged; counts that load save to a file that loads again to
// the same bytes.
#include "fuzz/fuzz_common.h"
#include "train/corpus.h"

using namespace hypertok;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Corpus::Options options{.threads = 1, .max_sample_tokens = 4096, .max_memory = 0, .progress = {}};
  Corpus c(options);
  StringSource src(fuzz::AsView(data, size));
  if (!c.AddCounts(&src).ok()) {
    FUZZ_CHECK(c.size() == 0 && c.sample().empty() && c.bytes() == 0);
    return 0;
  }
  std::string saved;
  StringSink sink(&saved);
  FUZZ_CHECK(c.Save(&sink).ok());
  Corpus again(options);
  StringSource src2(saved);
  FUZZ_CHECK(again.AddCounts(&src2).ok());
  std::string saved2;
  StringSink sink2(&saved2);
  FUZZ_CHECK(again.Save(&sink2).ok() && saved2 == saved);
  return 0;
}
