// hypertok-sentencepiece.so: the sentencepiece library behind the C table of
// sentencepiece_module.h. Nothing may throw across it, so every entry
// catches.
#include "report/sentencepiece_module.h"

#include <sentencepiece_processor.h>

#include <string_view>
#include <vector>

namespace {

using sentencepiece::SentencePieceProcessor;

void* Load(const char* data, size_t size) {
  try {
    auto* proc = new SentencePieceProcessor();
    if (proc->LoadFromSerializedProto(std::string_view(data, size)).ok()) return proc;
    delete proc;
  } catch (...) {
  }
  return nullptr;
}

void Release(void* model) { delete static_cast<SentencePieceProcessor*>(model); }

size_t VocabSize(const void* model) {
  return static_cast<size_t>(static_cast<const SentencePieceProcessor*>(model)->GetPieceSize());
}

int64_t CountLine(const void* model, const char* text, size_t size) {
  try {
    thread_local std::vector<int> ids;  // (kept between lines: no allocation per line)
    const auto* proc = static_cast<const SentencePieceProcessor*>(model);
    if (!proc->Encode(std::string_view(text, size), &ids).ok()) return -1;
    return static_cast<int64_t>(ids.size());
  } catch (...) {
    return -1;
  }
}

constexpr HypertokSentencePieceApi kApi = {hypertok::kSentencePieceModuleAbi, Load, Release,
                                           VocabSize, CountLine};

}  // namespace

extern "C" __attribute__((visibility("default"))) const HypertokSentencePieceApi*
hypertok_sentencepiece_api(void) {
  return &kApi;
}
