// Reference tokenizers for `hypertok stats --reference`: the token counts a
// user would get from the tokenizers hypertok is measured against, computed
// in-process (no Python or Node needed).
//
//   tiktoken  a rank file (`*.tiktoken`: "base64(token) rank" per line) with
//             the split pattern of its encoding, chosen by the file's name
//             (cl100k_base, o200k_base, p50k/r50k/gpt2) or, failing that, by
//             its number of ranks. Counts equal tiktoken's
//             `encode(text, allowed_special=[], disallowed_special=[])` (special
//             spellings count as text), with the text decoded as Node and
//             Python decode files: invalid UTF-8 becomes U+FFFD.
//   sentencepiece  a `.model` file, counted as `spm_encode` counts a file: each
//             line on its own, plus one token per line break (which a lossless
//             stream must carry and spm_encode drops) — the convention of
//             ../shared/tools/spm_baseline.sh and docs/TRAINING.md.
//
//   HT_ASSIGN_OR_RETURN(auto ref, LoadReferenceTokenizer("cl100k_base.tiktoken"));
//   auto counter = ref->NewCounter();
//   counter->Add(chunk); ...  uint64_t n = counter->Finish();
#ifndef HYPERTOK_REPORT_REFERENCE_TOKENIZER_H_
#define HYPERTOK_REPORT_REFERENCE_TOKENIZER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "hypertok/status.h"

namespace hypertok {

// Counts the tokens of one document fed in pieces of any size; the result
// does not depend on how the document is cut into pieces.
class TokenCounter {
 public:
  virtual ~TokenCounter() = default;
  virtual void Add(std::string_view bytes) = 0;
  virtual uint64_t Finish() = 0;
};

class ReferenceTokenizer {
 public:
  virtual ~ReferenceTokenizer() = default;
  // A short name for reports ("cl100k_base", "sentencepiece:m.model").
  virtual const std::string& name() const = 0;
  // Vocabulary size, for reports.
  virtual size_t vocab_size() const = 0;
  // A counter for one document. Counters may run on different threads.
  virtual std::unique_ptr<TokenCounter> NewCounter() const = 0;
};

// Loads a .tiktoken rank file or a sentencepiece .model (told apart by
// content). Errors name the file and, for rank files, the line.
StatusOr<std::unique_ptr<ReferenceTokenizer>> LoadReferenceTokenizer(const std::string& path);

}  // namespace hypertok

#endif  // HYPERTOK_REPORT_REFERENCE_TOKENIZER_H_
