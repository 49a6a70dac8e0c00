#include "hypertok/text_formats.h"

#include <charconv>

#include "common/utf8.h"

namespace hypertok {

void AppendJsonPieceText(std::string_view bytes, std::string* out) {
  static const char kHex[] = "0123456789ABCDEF";
  size_t i = 0;
  while (i < bytes.size()) {
    size_t n = Utf8SequenceLength(bytes.substr(i));
    const auto c = static_cast<uint8_t>(bytes[i]);
    if (n == 0) {
      *out += "<0x";
      *out += kHex[c >> 4];
      *out += kHex[c & 15];
      *out += '>';
      ++i;
      continue;
    }
    if (n == 1) {
      switch (c) {
        case '"':
          *out += "\\\"";
          break;
        case '\\':
          *out += "\\\\";
          break;
        case '\n':
          *out += "\\n";
          break;
        case '\r':
          *out += "\\r";
          break;
        case '\t':
          *out += "\\t";
          break;
        default:
          if (c < 0x20 || c == 0x7F) {
            *out += "\\u00";
            *out += kHex[c >> 4];
            *out += kHex[c & 15];
          } else {
            *out += static_cast<char>(c);
          }
      }
    } else {
      out->append(bytes.substr(i, n));
    }
    i += n;
  }
}

Status IdsTextWriter::Add(std::span<const uint32_t> ids, std::string_view, bool scene_end, bool) {
  line_.clear();
  char num[16];
  for (uint32_t id : ids) {
    if (mid_scene_) line_ += ' ';
    auto r = std::to_chars(num, num + sizeof num, id);
    line_.append(num, r.ptr);
    mid_scene_ = true;
  }
  if (scene_end) {
    line_ += '\n';
    mid_scene_ = false;
  }
  return sink_->Write(line_);
}

Status PiecesJsonWriter::Add(std::span<const uint32_t> ids, std::string_view, bool scene_end,
                             bool) {
  line_.clear();
  for (uint32_t id : ids) {
    line_ += mid_scene_ ? ",\"" : "[\"";
    AppendJsonPieceText(decoder_->PieceBytes(id), &line_);
    line_ += '"';
    mid_scene_ = true;
  }
  if (scene_end) {
    line_ += mid_scene_ ? "]\n" : "[]\n";
    mid_scene_ = false;
  }
  return sink_->Write(line_);
}

StatusOr<uint64_t> DecodeIdsText(const Decoder& decoder, ByteSource* source, ByteSink* sink) {
  constexpr size_t kChunk = size_t{1} << 20;
  std::string buf, out;
  std::vector<uint32_t> ids;
  uint64_t line = 1, count = 0;
  size_t col = 1;
  bool eof = false;
  // A number may straddle two reads, so digits at the end of a read wait.
  while (!eof) {
    size_t at = buf.size();
    buf.resize(at + kChunk);
    HT_ASSIGN_OR_RETURN(size_t got, source->ReadFull(buf.data() + at, kChunk));
    buf.resize(at + got);
    eof = got < kChunk;
    size_t i = 0, stop = buf.size();
    if (!eof)
      while (stop > 0 && buf[stop - 1] >= '0' && buf[stop - 1] <= '9') --stop;
    ids.clear();
    while (i < stop) {
      char c = buf[i];
      if (c == ' ') {
        ++i;
        ++col;
        continue;
      }
      if (c == '\n') {
        ++i;
        ++line;
        col = 1;
        continue;
      }
      if (c == '\r') {
        ++i;
        continue;
      }  // tolerate CRLF line ends
      uint32_t id = 0;
      auto r = std::from_chars(buf.data() + i, buf.data() + stop, id);
      HT_CHECK_OR_RETURN(r.ec == std::errc() && r.ptr != buf.data() + i, DataLoss)
          << source->name() << ": not a token id (line " << line << ", column " << col << ")";
      HT_CHECK_OR_RETURN(id < decoder.vocab_size(), DataLoss)
          << source->name() << ": id " << id << " is outside the vocabulary of "
          << decoder.vocab_size() << " (line " << line << ", column " << col << ")";
      ids.push_back(id);
      col += r.ptr - (buf.data() + i);
      i = r.ptr - buf.data();
    }
    out.clear();
    HT_RETURN_IF_ERROR(decoder.Decode(ids, &out));
    HT_RETURN_IF_ERROR(sink->Write(out));
    count += ids.size();
    buf.erase(0, stop);
  }
  return count;
}

}  // namespace hypertok
