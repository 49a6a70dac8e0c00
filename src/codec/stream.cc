// Token stream (.hts) reading and writing; layout in docs/FORMAT.md.
#include "hypertok/stream.h"

#include <zstd.h>

#include <algorithm>
#include <cstring>

#include "common/bytes.h"
#include "common/hash.h"
#include "common/raw_buffer.h"

namespace hypertok {

namespace {

constexpr std::string_view kMagic("\x89HTS\r\n\x1a\n", 8);
constexpr size_t kHeaderBytes = 32;  // 24 bytes of fields + XXH3 of them
constexpr uint8_t kBlockData = 'D';
constexpr uint8_t kBlockEnd = 'E';
constexpr size_t kBlockHeaderBytes = 1 + 4 + 4 + 8;
constexpr size_t kEndBytes = 1 + 6 * 8 + 8;
constexpr uint8_t kFlagZstd = 1;

}  // namespace

StreamWriter::StreamWriter(ByteSink* sink, uint64_t codebook_id, size_t vocab_size,
                           StreamOptions options)
    : sink_(sink),
      options_(options),
      width_(vocab_size <= 65536 ? 2 : 4),
      token_bytes_(std::make_unique<RawBuffer>()),
      hash_(std::make_unique<Hasher64>()) {
  token_bytes_->Reserve(kBlockTokens * width_);
  std::string h;
  ByteWriter w(&h);
  w.Bytes(kMagic);
  w.U16(kFormatMajor);
  w.U16(kFormatMinor);
  w.U8(static_cast<uint8_t>(width_));
  w.U8(options_.zstd ? kFlagZstd : 0);
  w.U16(0);
  w.U64(codebook_id);
  w.U64(Hash64(h));
  status_ = sink_->Write(h);
}

StreamWriter::~StreamWriter() = default;

Status StreamWriter::Add(std::span<const uint32_t> ids, std::string_view original, bool scene_end,
                         bool document_end) {
  HT_RETURN_IF_ERROR(status_);
  hash_->Update(original);
  totals_.bytes += original.size();
  // Split so no entry or block exceeds kBlockTokens.
  size_t done = 0;
  do {
    size_t room = kBlockTokens - block_tokens_;
    size_t take = std::min(room, ids.size() - done);
    bool last_part = done + take == ids.size();
    if (!entries_.empty() && !entries_.back().scene_end) {
      entries_.back().tokens += static_cast<uint32_t>(take);
    } else {
      entries_.push_back({static_cast<uint32_t>(take), false, false});
    }
    if (last_part && scene_end) {
      entries_.back().scene_end = true;
      entries_.back().document_end = document_end;
      ++totals_.scenes;
      totals_.documents += document_end;
    }
    char* p = token_bytes_->data() + block_tokens_ * width_;
    const uint32_t* t = ids.data() + done;
    if (width_ == 2) {
      for (size_t i = 0; i < take; ++i, p += 2) {
        p[0] = static_cast<char>(t[i]);
        p[1] = static_cast<char>(t[i] >> 8);
      }
    } else {
      for (size_t i = 0; i < take; ++i, p += 4) {
        p[0] = static_cast<char>(t[i]);
        p[1] = static_cast<char>(t[i] >> 8);
        p[2] = static_cast<char>(t[i] >> 16);
        p[3] = static_cast<char>(t[i] >> 24);
      }
    }
    block_tokens_ += take;
    done += take;
    if (block_tokens_ >= kBlockTokens) {
      status_ = FlushBlock();
      HT_RETURN_IF_ERROR(status_);
    }
  } while (done < ids.size());
  return OkStatus();
}

Status StreamWriter::FlushBlock() {
  if (entries_.empty()) return OkStatus();
  // The block's payload is the scene table followed by the token bytes.
  table_.clear();
  ByteWriter w(&table_);
  w.Varint(entries_.size());
  for (const SceneEntry& e : entries_)
    w.Varint(uint64_t{e.tokens} << 2 | (e.scene_end ? 1 : 0) | (e.document_end ? 2 : 0));
  const std::string_view tokens(token_bytes_->data(), block_tokens_ * width_);
  const size_t raw_size = table_.size() + tokens.size();
  std::string head;
  ByteWriter hw(&head);
  hw.U8(kBlockData);
  hw.U32(static_cast<uint32_t>(raw_size));
  if (options_.zstd) {
    if (zstd_in_ == nullptr) {
      zstd_in_ = std::make_unique<RawBuffer>();
      zstd_out_ = std::make_unique<RawBuffer>();
    }
    // (Room for a full block's tokens and a typical table at once, so the
    // buffers grow at most a few times.)
    const size_t room = std::max(raw_size, kBlockTokens * width_ + (size_t{1} << 16));
    const size_t out_room = ZSTD_compressBound(room);
    zstd_in_->Reserve(room);
    zstd_out_->Reserve(out_room);
    std::memcpy(zstd_in_->data(), table_.data(), table_.size());
    std::memcpy(zstd_in_->data() + table_.size(), tokens.data(), tokens.size());
    const size_t n =
        ZSTD_compress(zstd_out_->data(), out_room, zstd_in_->data(), raw_size, options_.zstd_level);
    if (ZSTD_isError(n)) return InternalError(std::string("zstd: ") + ZSTD_getErrorName(n));
    const std::string_view stored(zstd_out_->data(), n);
    hw.U32(static_cast<uint32_t>(n));
    hw.U64(Hash64(stored));
    HT_RETURN_IF_ERROR(sink_->Write(head));
    HT_RETURN_IF_ERROR(sink_->Write(stored));
  } else {
    Hasher64 hash;
    hash.Update(table_);
    hash.Update(tokens);
    hw.U32(static_cast<uint32_t>(raw_size));
    hw.U64(hash.Digest());
    HT_RETURN_IF_ERROR(sink_->Write(head));
    HT_RETURN_IF_ERROR(sink_->Write(table_));
    HT_RETURN_IF_ERROR(sink_->Write(tokens));
  }
  totals_.tokens += block_tokens_;
  ++totals_.blocks;
  entries_.clear();
  block_tokens_ = 0;
  return OkStatus();
}

Status StreamWriter::Finish() {
  HT_RETURN_IF_ERROR(status_);
  HT_CHECK_OR_RETURN(entries_.empty() || entries_.back().scene_end, Internal)
      << "stream finished in the middle of a scene";
  status_ = FlushBlock();
  HT_RETURN_IF_ERROR(status_);
  totals_.original_hash = hash_->Digest();
  std::string end;
  ByteWriter w(&end);
  w.U8(kBlockEnd);
  w.U64(totals_.scenes);
  w.U64(totals_.documents);
  w.U64(totals_.tokens);
  w.U64(totals_.bytes);
  w.U64(totals_.blocks);
  w.U64(totals_.original_hash);
  w.U64(Hash64(end));
  status_ = sink_->Write(end);
  HT_RETURN_IF_ERROR(status_);
  status_ = FailedPreconditionError("stream already finished");
  return OkStatus();
}

StreamReader::StreamReader(ByteSource* source)
    : source_(source),
      stored_(std::make_unique<RawBuffer>()),
      raw_(std::make_unique<RawBuffer>()) {}
StreamReader::~StreamReader() = default;

Status StreamReader::ReadHeader(bool* eof) {
  char buf[kHeaderBytes];
  HT_ASSIGN_OR_RETURN(size_t got, source_->ReadFull(buf, kHeaderBytes));
  *eof = got == 0 && streams_ > 0;
  if (*eof) return OkStatus();
  std::string_view h(buf, got);
  HT_CHECK_OR_RETURN(got >= kMagic.size() && h.substr(0, 8) == kMagic, DataLoss)
      << "not a hypertok token stream (bad magic at byte " << offset_ << ")";
  HT_CHECK_OR_RETURN(got == kHeaderBytes, DataLoss)
      << "stream header truncated at byte " << offset_;
  HT_CHECK_OR_RETURN(ChecksumMatches(LoadLE(buf + 24, 8), Hash64(h.substr(0, 24))), DataLoss)
      << "stream header checksum mismatch at byte " << offset_;
  ByteReader r(h.substr(8));
  uint8_t width = 0, flags = 0;
  uint16_t reserved = 0;
  (void)(r.U16(&header_.major) && r.U16(&header_.minor) && r.U8(&width) && r.U8(&flags) &&
         r.U16(&reserved) && r.U64(&header_.codebook_id));
  HT_CHECK_OR_RETURN(header_.major == StreamWriter::kFormatMajor, Unimplemented)
      << "stream format " << header_.major << "." << header_.minor
      << " is not readable by this hypertok (reads " << StreamWriter::kFormatMajor << ".x)";
  HT_CHECK_OR_RETURN(width == 2 || width == 4, DataLoss)
      << "stream header: token width " << int{width} << " (expected 2 or 4)";
  HT_CHECK_OR_RETURN((flags & ~kFlagZstd) == 0 && reserved == 0, Unimplemented)
      << "stream header: unknown flags " << int{flags} << "; upgrade hypertok";
  header_.token_width = width;
  header_.zstd = flags & kFlagZstd;
  offset_ += kHeaderBytes;
  in_stream_ = true;
  pending_scene_ = false;
  ++streams_;
  return OkStatus();
}

StatusOr<bool> StreamReader::Next(std::vector<SceneEntry>* entries, TokenBytes* tokens,
                                  bool* ended) {
  auto more = NextImpl(entries, tokens, ended);
  // Read errors from the source already name it.
  if (!more.ok() && more.status().code() != StatusCode::kIoError)
    return more.status().WithPrefix(source_->name());
  return more;
}

StatusOr<bool> StreamReader::NextImpl(std::vector<SceneEntry>* entries, TokenBytes* tokens,
                                      bool* ended) {
  entries->clear();
  *tokens = TokenBytes();
  *ended = false;
  if (!in_stream_) {
    bool eof = false;
    HT_RETURN_IF_ERROR(ReadHeader(&eof));
    if (eof) return false;
  }
  char head[kEndBytes];
  HT_ASSIGN_OR_RETURN(size_t got, source_->ReadFull(head, 1));
  HT_CHECK_OR_RETURN(got == 1, DataLoss)
      << "stream truncated at byte " << offset_ << " (no end record)";
  if (static_cast<uint8_t>(head[0]) == kBlockEnd) {
    HT_ASSIGN_OR_RETURN(got, source_->ReadFull(head + 1, kEndBytes - 1));
    HT_CHECK_OR_RETURN(got == kEndBytes - 1, DataLoss)
        << "stream end record truncated at byte " << offset_;
    HT_CHECK_OR_RETURN(ChecksumMatches(LoadLE(head + kEndBytes - 8, 8),
                                       Hash64(std::string_view(head, kEndBytes - 8))),
                       DataLoss)
        << "stream end record checksum mismatch at byte " << offset_;
    HT_CHECK_OR_RETURN(!pending_scene_, DataLoss)
        << "stream ends in the middle of a scene (byte " << offset_ << ")";
    ByteReader r(std::string_view(head + 1, kEndBytes - 9));
    (void)(r.U64(&end_.scenes) && r.U64(&end_.documents) && r.U64(&end_.tokens) &&
           r.U64(&end_.bytes) && r.U64(&end_.blocks) && r.U64(&end_.original_hash));
    offset_ += kEndBytes;
    in_stream_ = false;
    *ended = true;
    return true;
  }
  HT_CHECK_OR_RETURN(static_cast<uint8_t>(head[0]) == kBlockData, DataLoss)
      << "unknown block type 0x" << std::hex << int{static_cast<uint8_t>(head[0])} << std::dec
      << " at byte " << offset_;
  HT_ASSIGN_OR_RETURN(got, source_->ReadFull(head + 1, kBlockHeaderBytes - 1));
  HT_CHECK_OR_RETURN(got == kBlockHeaderBytes - 1, DataLoss)
      << "block header truncated at byte " << offset_;
  uint32_t raw_size = static_cast<uint32_t>(LoadLE(head + 1, 4));
  uint32_t stored_size = static_cast<uint32_t>(LoadLE(head + 5, 4));
  uint64_t stored_hash = LoadLE(head + 9, 8);
  HT_CHECK_OR_RETURN(raw_size <= kMaxBlockBytes, DataLoss)
      << "block at byte " << offset_ << " claims " << raw_size << " bytes (limit " << kMaxBlockBytes
      << ")";
  HT_CHECK_OR_RETURN(
      header_.zstd ? stored_size <= ZSTD_compressBound(raw_size) : stored_size == raw_size,
      DataLoss)
      << "block at byte " << offset_ << " has inconsistent sizes (" << stored_size << " stored, "
      << raw_size << " raw)";
  // Read in steps, so a block that lies about its size costs memory only
  // for the bytes really there.
  RawBuffer& stored = *stored_;
  stored.Resize(0);
  while (stored.size() < stored_size) {
    const size_t at = stored.size();
    const size_t want = std::min<size_t>(stored_size - at, size_t{1} << 20);
    stored.Resize(at + want);
    HT_ASSIGN_OR_RETURN(got, source_->ReadFull(stored.data() + at, want));
    HT_CHECK_OR_RETURN(got == want, DataLoss)
        << "block at byte " << offset_ << " truncated: " << at + got << " of " << stored_size
        << " bytes";
  }
  HT_CHECK_OR_RETURN(ChecksumMatches(stored_hash, Hash64(stored.view())), DataLoss)
      << "block at byte " << offset_ << ": checksum mismatch";
  std::string_view raw = stored.view();
  if (header_.zstd) {
    HT_CHECK_OR_RETURN(ZSTD_getFrameContentSize(stored.data(), stored.size()) == raw_size, DataLoss)
        << "block at byte " << offset_ << ": zstd frame does not declare its " << raw_size
        << " bytes";
    raw_->Resize(raw_size);
    size_t n = ZSTD_decompress(raw_->data(), raw_size, stored.data(), stored.size());
    HT_CHECK_OR_RETURN(!ZSTD_isError(n) && n == raw_size, DataLoss)
        << "block at byte " << offset_ << ": zstd payload does not decompress to " << raw_size
        << " bytes";
    raw = raw_->view();
  }
  ByteReader r(raw);
  uint64_t nentries;
  HT_CHECK_OR_RETURN(r.Varint(&nentries) && nentries >= 1 && nentries <= raw.size(), DataLoss)
      << "block at byte " << offset_ << ": bad scene count";
  entries->reserve(nentries);
  uint64_t ntokens = 0;
  for (uint64_t i = 0; i < nentries; ++i) {
    uint64_t word;
    HT_CHECK_OR_RETURN(r.Varint(&word), DataLoss)
        << "block at byte " << offset_ << ": scene table truncated";
    SceneEntry e{static_cast<uint32_t>(word >> 2), (word & 1) != 0, (word & 2) != 0};
    HT_CHECK_OR_RETURN(
        (word >> 2) <= StreamWriter::kBlockTokens && (e.scene_end || !e.document_end), DataLoss)
        << "block at byte " << offset_ << ": bad scene entry " << i;
    HT_CHECK_OR_RETURN(e.scene_end || i + 1 == nentries, DataLoss)
        << "block at byte " << offset_ << ": unfinished scene before the block's end";
    ntokens += e.tokens;
    entries->push_back(e);
  }
  const int w = header_.token_width;
  HT_CHECK_OR_RETURN(ntokens * w == r.remaining(), DataLoss)
      << "block at byte " << offset_ << ": scene table counts " << ntokens
      << " tokens but the payload holds " << r.remaining() / w;
  pending_scene_ = !entries->back().scene_end;
  *tokens = TokenBytes{raw.data() + r.position(), ntokens, w};
  offset_ += kBlockHeaderBytes + stored_size;
  return true;
}

StatusOr<StreamTotals> DecodeStream(const Decoder& decoder, ByteSource* source, ByteSink* sink) {
  StreamReader reader(source);
  std::vector<SceneEntry> entries;
  TokenBytes tokens;
  // Blocks are decoded a chunk of tokens at a time into buffers that stay in
  // cache, rather than widening a whole block of ids and materializing its
  // text: a block can be megabytes, and fresh memory is most of the cost.
  // A chunk is decoded into room for its longest possible text (so no pass
  // over it sums its pieces' lengths first: that was a sixth of a decode),
  // at most ~1 MiB of it.
  constexpr size_t kMaxChunkTokens = size_t{1} << 15;
  const size_t chunk_tokens = std::clamp<size_t>(
      (size_t{1} << 20) / std::max<size_t>(decoder.max_piece_bytes(), 1), 1, kMaxChunkTokens);
  auto ids = std::make_unique_for_overwrite<uint32_t[]>(chunk_tokens);
  RawBuffer out;
  out.Reserve(chunk_tokens * decoder.max_piece_bytes() + Decoder::kSlack);
  StreamTotals all, cur;
  Hasher64 hash;
  bool ended = false;
  uint64_t checked_streams = 0;
  for (;;) {
    HT_ASSIGN_OR_RETURN(bool more, reader.Next(&entries, &tokens, &ended));
    if (!more) break;
    if (reader.streams_read() != checked_streams) {
      checked_streams = reader.streams_read();
      if (reader.header().codebook_id != decoder.codebook_id()) {
        return FailedPreconditionError(source->name() + ": stream was made with codebook " +
                                       Hex64(reader.header().codebook_id) +
                                       ", not with the given codebook " +
                                       Hex64(decoder.codebook_id()));
      }
    }
    if (ended) {
      const StreamTotals& want = reader.stream_totals();
      cur.original_hash = hash.Digest();
      HT_CHECK_OR_RETURN(want.tokens == cur.tokens && want.scenes == cur.scenes &&
                             want.documents == cur.documents && want.blocks == cur.blocks,
                         DataLoss)
          << source->name() << ": stream totals do not match its blocks (" << want.tokens
          << " tokens, " << want.scenes << " scenes recorded; " << cur.tokens << ", " << cur.scenes
          << " found)";
      HT_CHECK_OR_RETURN(want.bytes == cur.bytes && want.original_hash == cur.original_hash,
                         DataLoss)
          << source->name() << ": decoded bytes do not match the original's checksum (" << cur.bytes
          << " bytes, " << Hex64(cur.original_hash) << "; expected " << want.bytes << ", "
          << Hex64(want.original_hash) << ")";
      all.scenes += cur.scenes;
      all.documents += cur.documents;
      all.tokens += cur.tokens;
      all.bytes += cur.bytes;
      all.blocks += cur.blocks;
      cur = StreamTotals();
      hash = Hasher64();
      continue;
    }
    for (size_t at = 0; at < tokens.count; at += chunk_tokens) {
      const size_t n = std::min(chunk_tokens, tokens.count - at);
      const uint32_t largest = tokens.Widen(at, n, ids.get());
      const std::span<const uint32_t> chunk(ids.get(), n);
      if (largest >= decoder.vocab_size()) {  // CheckIds names the first such id
        return decoder.CheckIds(chunk, cur.tokens + at).WithPrefix(source->name());
      }
      out.Resize(n * decoder.max_piece_bytes() + Decoder::kSlack);
      out.Resize(decoder.DecodeTo(chunk, out.data()) - out.data());
      hash.Update(out.view());
      cur.bytes += out.size();
      HT_RETURN_IF_ERROR(sink->Write(out.view()));
    }
    cur.tokens += tokens.count;
    ++cur.blocks;
    for (const SceneEntry& e : entries) {
      cur.scenes += e.scene_end;
      cur.documents += e.document_end;
    }
  }
  return all;
}

StatusOr<StreamSummary> SummarizeStream(ByteSource* source) {
  StreamReader reader(source);
  std::vector<SceneEntry> entries;
  TokenBytes tokens;
  StreamSummary s;
  bool ended = false;
  for (;;) {
    HT_ASSIGN_OR_RETURN(bool more, reader.Next(&entries, &tokens, &ended));
    if (!more) break;
    s.header = reader.header();
    if (ended) {
      const StreamTotals& t = reader.stream_totals();
      s.totals.scenes += t.scenes;
      s.totals.documents += t.documents;
      s.totals.tokens += t.tokens;
      s.totals.bytes += t.bytes;
      s.totals.blocks += t.blocks;
      s.totals.original_hash = t.original_hash;
    }
  }
  s.streams = reader.streams_read();
  return s;
}

}  // namespace hypertok
