// `hypertok export --format sentencepiece`: the codebook as a sentencepiece
// model (a serialized sentencepiece.ModelProto, written here field by field
// so no protobuf dependency is needed), with ids kept: id i of the codebook
// is id i of the model.
//
//   ids 0..255     BYTE pieces "<0x00>".."<0xFF>" (byte_fallback on)
//   special ids    USER_DEFINED pieces (so sentencepiece decodes them to their
//                  spelling and always recognises them, like encode
//                  --allow-special)
//   other ids      NORMAL pieces, all with score −1
//   id N (= size)  "<unk>", which sentencepiece requires; hypertok never emits it
//
// Model type UNIGRAM with equal scores: sentencepiece's Viterbi search then
// maximises −(number of pieces), i.e. finds a fewest-token segmentation, the
// same objective as hypertok's encoder. Normaliser: identity, no dummy
// prefix, no whitespace folding or escaping, so text passes through unchanged.
// Where the two can still differ is documented in docs/FORMAT.md
// ("sentencepiece export").
#ifndef HYPERTOK_EXPORT_SENTENCEPIECE_EXPORT_H_
#define HYPERTOK_EXPORT_SENTENCEPIECE_EXPORT_H_

#include <cstdint>
#include <string>

#include "hypertok/codebook.h"
#include "hypertok/status.h"

namespace hypertok {

struct SentencePieceExport {
  std::string model;     // the .model file's bytes
  uint64_t renamed = 0;  // pieces whose spelling another id already had (UNUSED)
};

StatusOr<SentencePieceExport> ExportSentencePiece(const Codebook& codebook);

}  // namespace hypertok

#endif  // HYPERTOK_EXPORT_SENTENCEPIECE_EXPORT_H_
