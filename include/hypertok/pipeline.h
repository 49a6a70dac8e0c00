// The encode driver: reads raw text from a source, cuts it into scenes,
// encodes them (on several threads) and hands the ids to a TokenSink in input
// order. Memory is bounded by a few windows per thread, whatever the input.
//
// Output is identical for any thread count and any way the input arrives
// (file, pipe, read sizes): scene and window boundaries depend only on the
// bytes.
//
//   StreamWriter out(&sink, enc.codebook_id(), enc.vocab_size());
//   HT_RETURN_IF_ERROR(EncodeSource(enc, &src, {.scene = SceneMode::kLine}, &out));
//   HT_RETURN_IF_ERROR(out.Finish());
#ifndef HYPERTOK_PIPELINE_H_
#define HYPERTOK_PIPELINE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>

#include "hypertok/encoder.h"
#include "hypertok/io.h"
#include "hypertok/scene.h"
#include "hypertok/status.h"

namespace hypertok {

// Receives encoded text in input order: the ids of a scene, or of one window
// of a long scene (scene_end=false: the scene goes on in the next call).
// `original` is the text the ids spell.
class TokenSink {
 public:
  virtual ~TokenSink() = default;
  virtual Status Add(std::span<const uint32_t> ids, std::string_view original, bool scene_end,
                     bool document_end) = 0;
  virtual Status Finish() = 0;
};

struct EncodeOptions {
  SceneMode scene = SceneMode::kParagraph;
  int threads = 1;
  // Recognise special tokens' spellings in the text (Encoder::
  // EncodeAllowingSpecial); by default they are encoded as ordinary text.
  bool allow_special = false;
  // Called on the caller's thread after each batch (about 128 KiB) reaches
  // the sink, with the bytes done so far in this call (of all its sources).
  // Optional.
  std::function<void(uint64_t bytes_done)> progress;
};

struct EncodeCounts {
  uint64_t bytes = 0;
  uint64_t tokens = 0;
  uint64_t scenes = 0;
};

// Encodes all of `source` as one document (its last scene gets
// document_end). Does not call sink->Finish(), so several sources can go to
// one sink. Adds what was done to *counts when given.
Status EncodeSource(const Encoder& encoder, ByteSource* source, const EncodeOptions& options,
                    TokenSink* sink, EncodeCounts* counts = nullptr);

// The next source of several, or nullptr after the last; an error stops the
// encode (and is returned).
using NextSource = std::function<StatusOr<std::unique_ptr<ByteSource>>()>;
// The same for each source next_source() gives, in order, each one document:
// the sink gets what EncodeSource for each in turn would give it. Batches of
// consecutive sources are encoded side by side, so that many small inputs
// (a file each, shorter than a batch) keep every thread busy. A source is
// destroyed once read to its end.
Status EncodeSources(const Encoder& encoder, const NextSource& next_source,
                     const EncodeOptions& options, TokenSink* sink, EncodeCounts* counts = nullptr);

}  // namespace hypertok

#endif  // HYPERTOK_PIPELINE_H_
