// Token formats that training frameworks read directly (docs/FORMAT.md,
// "Trainer formats"). Every one decodes back to the original bytes with the
// codebook alone (the Decode* functions below).
//
//   bin       raw little-endian ids, uint16 when the vocabulary has at most
//             65,536 entries, else uint32; the end-of-document token after
//             every scene (nanoGPT's train.bin layout).
//   npy       the same array as a 1-D NumPy .npy file (format 1.0, 128-byte
//             header), for numpy.load(..., mmap_mode='r').
//   llmc      llm.c's shard: a 1,024-byte header (int32 magic 20240520,
//             version 1, token count) and uint16 ids, eod after every scene.
//   megatron  PREFIX.bin + PREFIX.idx, Megatron-LM's MMIDIDX version 1: one
//             sequence per scene, one document per input, eod at the end of
//             each document.
//   pua       UTF-8 text, one supplementary private-use code point per token
//             (id i → U+F0000 + i below 65,534, else U+100000 + i − 65,534),
//             one line per scene.
//
// The array formats and megatron need a codebook with an end-of-document
// token (Codebook::eod_id; `train --eod`). When decoding them, that id is a
// separator and produces no bytes (so with `encode --allow-special`, the
// spelling of the eod token in the text does not come back).
//
// Shards concatenate: `cat a.bin b.bin` is the bin of both inputs, and the
// same holds for pua text and for npy/llmc bodies after their headers.
#ifndef HYPERTOK_TRAINER_FORMATS_H_
#define HYPERTOK_TRAINER_FORMATS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hypertok/codebook.h"
#include "hypertok/decoder.h"
#include "hypertok/io.h"
#include "hypertok/pipeline.h"

namespace hypertok {

enum class TrainerFormat { kBin, kNpy, kLlmc, kMegatron, kPua };
std::optional<TrainerFormat> ParseTrainerFormat(std::string_view name);
std::string_view TrainerFormatName(TrainerFormat format);

// Bytes per id in the bin, npy and llmc layouts for this codebook (2 or 4),
// or an error when the format cannot hold it (llmc: uint16 only).
StatusOr<int> TokenWidth(TrainerFormat format, const Codebook& codebook);

// bin, npy and llmc. npy and llmc write a placeholder header and fill in the
// count in Finish, so their sink must be seekable.
class TokenArrayWriter : public TokenSink {
 public:
  static StatusOr<std::unique_ptr<TokenArrayWriter>> Create(ByteSink* sink, TrainerFormat format,
                                                            const Codebook& codebook);
  Status Add(std::span<const uint32_t> ids, std::string_view original, bool scene_end,
             bool document_end) override;
  Status Finish() override;
  uint64_t tokens() const { return tokens_; }

 private:
  TokenArrayWriter(ByteSink* sink, TrainerFormat format, int width, uint32_t eod)
      : sink_(sink), format_(format), width_(width), eod_(eod) {}
  Status Append(std::span<const uint32_t> ids);
  ByteSink* sink_;
  TrainerFormat format_;
  int width_;
  uint32_t eod_;
  uint64_t tokens_ = 0;  // ids written, eod included
  std::string buf_;
};

class MegatronWriter : public TokenSink {
 public:
  static StatusOr<std::unique_ptr<MegatronWriter>> Create(ByteSink* bin, ByteSink* idx,
                                                          const Codebook& codebook);
  Status Add(std::span<const uint32_t> ids, std::string_view original, bool scene_end,
             bool document_end) override;
  // Writes the whole index.
  Status Finish() override;

 private:
  MegatronWriter(ByteSink* bin, ByteSink* idx, bool wide, uint32_t eod)
      : bin_(bin), idx_(idx), wide_(wide), eod_(eod) {}
  ByteSink* bin_;
  ByteSink* idx_;
  bool wide_;  // int32 ids (dtype 4) instead of uint16 (dtype 8)
  uint32_t eod_;
  uint64_t open_tokens_ = 0;    // tokens of the scene being written
  std::vector<int32_t> sizes_;  // tokens per sequence
  std::vector<int64_t> doc_idx_{0};
  std::string buf_;
};

class PuaWriter : public TokenSink {
 public:
  static StatusOr<std::unique_ptr<PuaWriter>> Create(ByteSink* sink, const Codebook& codebook);
  Status Add(std::span<const uint32_t> ids, std::string_view original, bool scene_end,
             bool document_end) override;
  Status Finish() override { return OkStatus(); }

 private:
  explicit PuaWriter(ByteSink* sink) : sink_(sink) {}
  ByteSink* sink_;
  std::string buf_;
};

// The largest vocabulary pua can carry (two private-use planes).
constexpr size_t kMaxPuaVocab = 2 * 65534;
uint32_t PuaCodePoint(uint32_t id);
// The id of a pua code point, or nullopt if cp is not one.
std::optional<uint32_t> PuaId(uint32_t cp);

struct DecodeTotals {
  uint64_t tokens = 0;  // ids read, eod included
  uint64_t bytes = 0;   // bytes written
};

// Decodes bin, npy or llmc from `source` (named in errors with the offset of
// the first bad id or header field) into `sink`.
StatusOr<DecodeTotals> DecodeTokenArray(const Codebook& codebook, TrainerFormat format,
                                        ByteSource* source, ByteSink* sink);
// Decodes a megatron pair; checks the index against the data file.
StatusOr<DecodeTotals> DecodeMegatron(const Codebook& codebook, ByteSource* bin, ByteSource* idx,
                                      ByteSink* sink);
// Decodes pua text; line breaks between code points are skipped.
StatusOr<DecodeTotals> DecodePua(const Codebook& codebook, ByteSource* source, ByteSink* sink);

}  // namespace hypertok

#endif  // HYPERTOK_TRAINER_FORMATS_H_
