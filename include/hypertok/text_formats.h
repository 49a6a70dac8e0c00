// Text token formats for people and scripts (docs/FORMAT.md, "Text formats"):
//
//   ids     decimal ids separated by one space, one scene per line.
//   pieces  JSON Lines: one JSON array of piece strings per scene. Bytes that
//           are not valid UTF-8 are written as "<0xNN>" tokens' text, so the
//           format is for reading, not for decoding.
//
// Neither carries the codebook ID; the binary .hts stream does.
#ifndef HYPERTOK_TEXT_FORMATS_H_
#define HYPERTOK_TEXT_FORMATS_H_

#include <string>

#include "hypertok/decoder.h"
#include "hypertok/io.h"
#include "hypertok/pipeline.h"

namespace hypertok {

class IdsTextWriter : public TokenSink {
 public:
  explicit IdsTextWriter(ByteSink* sink) : sink_(sink) {}
  Status Add(std::span<const uint32_t> ids, std::string_view original, bool scene_end,
             bool document_end) override;
  Status Finish() override { return OkStatus(); }

 private:
  ByteSink* sink_;
  bool mid_scene_ = false;  // the current line already holds ids
  std::string line_;
};

class PiecesJsonWriter : public TokenSink {
 public:
  PiecesJsonWriter(ByteSink* sink, const Decoder* decoder) : sink_(sink), decoder_(decoder) {}
  Status Add(std::span<const uint32_t> ids, std::string_view original, bool scene_end,
             bool document_end) override;
  Status Finish() override { return OkStatus(); }

 private:
  ByteSink* sink_;
  const Decoder* decoder_;
  bool mid_scene_ = false;
  std::string line_;
};

// Appends `bytes` to *out as the inside of a JSON string: valid UTF-8 as is
// (with JSON escapes), every other byte as "<0xNN>".
void AppendJsonPieceText(std::string_view bytes, std::string* out);

// Decodes the ids text format. Errors name the source, the line and the
// column. Returns the number of ids read.
StatusOr<uint64_t> DecodeIdsText(const Decoder& decoder, ByteSource* source, ByteSink* sink);

}  // namespace hypertok

#endif  // HYPERTOK_TEXT_FORMATS_H_
