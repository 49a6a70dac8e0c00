// The token stream format (.hts): what `encode` writes and `decode` reads.
// Layout: docs/FORMAT.md ("Token stream"). In short: a 32-byte header naming
// the codebook by ID, data blocks of up to kBlockTokens tokens (each with its
// scene table, optionally zstd-compressed, each checksummed), and an end
// record with totals and the XXH3-64 of the original bytes, which the decoder
// checks. Streams concatenate: `cat a.hts b.hts` decodes to the concatenation
// of both inputs, so shards can be encoded separately.
//
// Memory is bounded by one block on both sides; input never has to fit.
#ifndef HYPERTOK_STREAM_H_
#define HYPERTOK_STREAM_H_

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hypertok/decoder.h"
#include "hypertok/io.h"
#include "hypertok/pipeline.h"
#include "hypertok/status.h"

namespace hypertok {

class Hasher64;
class RawBuffer;

struct StreamOptions {
  bool zstd = false;  // compress each block's payload with zstd
  int zstd_level = 3;
};

struct StreamTotals {
  uint64_t scenes = 0;
  uint64_t documents = 0;
  uint64_t tokens = 0;
  uint64_t bytes = 0;  // original bytes
  uint64_t blocks = 0;
  uint64_t original_hash = 0;  // XXH3-64 of the original bytes
};

// One scene, or part of one, as stored in a block.
struct SceneEntry {
  uint32_t tokens = 0;
  bool scene_end = false;     // false: the scene continues in the next entry
  bool document_end = false;  // the input file ends after this scene
};

struct StreamHeader {
  uint16_t major = 0;
  uint16_t minor = 0;
  uint8_t token_width = 0;  // bytes per token: 2 or 4
  bool zstd = false;
  uint64_t codebook_id = 0;
};

class StreamWriter : public TokenSink {
 public:
  static constexpr uint16_t kFormatMajor = 1;
  static constexpr uint16_t kFormatMinor = 0;
  static constexpr size_t kBlockTokens = size_t{1} << 20;

  // Writes the header at once. Tokens are 2 bytes wide when vocab_size <=
  // 65536, else 4.
  StreamWriter(ByteSink* sink, uint64_t codebook_id, size_t vocab_size, StreamOptions options = {});
  ~StreamWriter() override;

  Status status() const { return status_; }
  // Adds the ids of (part of) a scene whose original bytes are `original`.
  // scene_end=false means the next Add continues the same scene.
  Status Add(std::span<const uint32_t> ids, std::string_view original, bool scene_end,
             bool document_end) override;
  // Writes the last block and the end record. Nothing may be added after.
  Status Finish() override;
  const StreamTotals& totals() const { return totals_; }

 private:
  Status FlushBlock();

  ByteSink* sink_;
  StreamOptions options_;
  int width_;
  Status status_;
  std::vector<SceneEntry> entries_;
  // The block being filled: its tokens already serialized (width_ bytes
  // each, little-endian), in buffers allocated once and reused, so a long
  // encode does not fault in fresh memory for every block. (RawBuffers: a
  // full block's 2 or 4 MiB sit on whole huge pages, not partly on 4 KiB
  // pages each faulted in on its own.)
  std::unique_ptr<RawBuffer> token_bytes_;
  size_t block_tokens_ = 0;
  std::string table_;
  std::unique_ptr<RawBuffer> zstd_in_, zstd_out_;  // with options_.zstd only
  StreamTotals totals_;
  std::unique_ptr<Hasher64> hash_;
};

// A block's tokens as stored: `count` little-endian integers of `width`
// bytes (2 or 4), unaligned. Valid until the reader's next call.
struct TokenBytes {
  const char* data = nullptr;
  size_t count = 0;
  int width = 2;

  uint32_t operator[](size_t i) const {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(data) + i * width;
    uint32_t v = p[0] | uint32_t{p[1]} << 8;
    if (width == 4) v |= uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
    return v;
  }
  // Tokens [from, from + n) as 32-bit ids into out; returns the largest (0
  // for n = 0), so a decoder can check them against its vocabulary without
  // another pass.
  uint32_t Widen(size_t from, size_t n, uint32_t* out) const {
    uint32_t largest = 0;
    if (width == 2) {  // the common case, kept to a loop the compiler vectorizes
      const unsigned char* p = reinterpret_cast<const unsigned char*>(data) + 2 * from;
      for (size_t i = 0; i < n; ++i) {
        out[i] = p[2 * i] | uint32_t{p[2 * i + 1]} << 8;
        largest = std::max(largest, out[i]);
      }
    } else {
      for (size_t i = 0; i < n; ++i) {
        out[i] = (*this)[from + i];
        largest = std::max(largest, out[i]);
      }
    }
    return largest;
  }
};

// Reads one stream or several concatenated ones, block by block.
class StreamReader {
 public:
  static constexpr size_t kMaxBlockBytes = size_t{64} << 20;

  explicit StreamReader(ByteSource* source);
  ~StreamReader();

  // Reads the next block: its scene table into *entries and its tokens into
  // *tokens (a view into the reader's buffer, valid until the next call; the
  // tokens are not copied or widened, so a block costs its stored size).
  // Returns false at the end of the input. Errors about the data name the
  // source and the byte offset. When a stream's end record is read, *ended
  // is set and stream_totals() holds that stream's totals (the caller checks
  // them); the header of the next concatenated stream, if any, is read on
  // the following call.
  StatusOr<bool> Next(std::vector<SceneEntry>* entries, TokenBytes* tokens, bool* ended);
  // The header of the stream being read (valid after the first Next()).
  const StreamHeader& header() const { return header_; }
  const StreamTotals& stream_totals() const { return end_; }
  uint64_t streams_read() const { return streams_; }

 private:
  StatusOr<bool> NextImpl(std::vector<SceneEntry>* entries, TokenBytes* tokens, bool* ended);
  Status ReadHeader(bool* eof);
  ByteSource* source_;
  StreamHeader header_;
  StreamTotals end_;
  bool in_stream_ = false;
  bool pending_scene_ = false;
  uint64_t streams_ = 0;
  uint64_t offset_ = 0;
  // The block as stored, and decompressed when the stream uses zstd; both
  // reused from block to block.
  std::unique_ptr<RawBuffer> stored_, raw_;
};

// Decodes every stream in `source` with `decoder`, writing the original bytes
// to `sink` and checking each stream's codebook ID, sizes and original
// checksum. Returns the totals over all streams.
StatusOr<StreamTotals> DecodeStream(const Decoder& decoder, ByteSource* source, ByteSink* sink);

// Reads a stream's header and totals without decoding (for `inspect`).
struct StreamSummary {
  StreamHeader header;
  StreamTotals totals;
  uint64_t streams = 0;
  uint64_t stored_bytes = 0;
};
StatusOr<StreamSummary> SummarizeStream(ByteSource* source);

}  // namespace hypertok

#endif  // HYPERTOK_STREAM_H_
