// Decoding: any bytes given as a .hts stream, or as ids text, to a fixed
// codebook give decoded bytes or a clean error, never a crash; a stream that
// decodes has a summary that agrees with the decoded size.
#include "fuzz/fuzz_common.h"
#include "hypertok/decoder.h"
#include "hypertok/stream.h"
#include "hypertok/text_formats.h"

using namespace hypertok;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Codebook& cb = fuzz::FixedCodebook();
  Decoder dec(cb);
  const std::string_view in = fuzz::AsView(data, size);
  {
    std::string out;
    StringSink sink(&out);
    StringSource src(in);
    auto totals = DecodeStream(dec, &src, &sink);
    if (totals.ok()) {
      FUZZ_CHECK(totals->bytes == out.size());
      StringSource again(in);
      auto summary = SummarizeStream(&again);
      FUZZ_CHECK(summary.ok() && summary->totals.bytes == out.size());
    }
  }
  {
    std::string out;
    StringSink sink(&out);
    StringSource src(in);
    (void)DecodeIdsText(dec, &src, &sink);
  }
  return 0;
}
