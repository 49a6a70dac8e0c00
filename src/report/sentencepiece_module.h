// The sentencepiece module: the part of `stats --reference` that calls the
// sentencepiece library, built as a separate shared object
// (hypertok-sentencepiece.so) that the command loads only when a reference
// is a sentencepiece model.
//
// Why a module: the library and the C++ runtime it needs took ~3 ms of every
// start of the command (`--version` 10.2 → 6.9 ms, an empty encode 23.4 →
// 20.3 ms, see docs/ARCHITECTURE.md "Start-up"), and only this one option
// uses them. Without them the command links libstdc++ statically too.
//
// The interface is C, so no C++ object, exception or allocation crosses it:
// the command and the module may each carry their own C++ runtime. The
// module exports one function, kSentencePieceModuleEntry, which returns a
// table of functions; its abi_version changes whenever the table does, and
// the loader refuses any other.
#ifndef HYPERTOK_REPORT_SENTENCEPIECE_MODULE_H_
#define HYPERTOK_REPORT_SENTENCEPIECE_MODULE_H_

#include <cstddef>
#include <cstdint>

extern "C" {

struct HypertokSentencePieceApi {
  uint32_t abi_version;  // kSentencePieceModuleAbi
  // A model from the bytes of a .model file, or null when sentencepiece
  // rejects them.
  void* (*load)(const char* data, size_t size);
  void (*release)(void* model);
  size_t (*vocab_size)(const void* model);
  // The number of ids sentencepiece encodes one line (no line break) into,
  // or -1 when it fails. May be called from several threads at once.
  int64_t (*count_line)(const void* model, const char* text, size_t size);
};

const HypertokSentencePieceApi* hypertok_sentencepiece_api(void);

}  // extern "C"

namespace hypertok {

inline constexpr uint32_t kSentencePieceModuleAbi = 1;
inline constexpr char kSentencePieceModuleEntry[] = "hypertok_sentencepiece_api";
inline constexpr char kSentencePieceModuleFile[] = "hypertok-sentencepiece.so";

}  // namespace hypertok

#endif  // HYPERTOK_REPORT_SENTENCEPIECE_MODULE_H_
