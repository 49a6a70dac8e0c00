#include "hypertok/trainer_formats.h"

#include <bit>
#include <cstring>

#include "common/bytes.h"
#include "common/utf8.h"

namespace hypertok {

namespace {

// Ids are copied to and from files in host order, which must be the
// formats' little-endian.
static_assert(std::endian::native == std::endian::little);

constexpr size_t kNpyHeaderBytes = 128;
constexpr size_t kLlmcHeaderBytes = 1024;
constexpr int32_t kLlmcMagic = 20240520;
constexpr int32_t kLlmcVersion = 1;
constexpr char kMegatronMagic[] = "MMIDIDX\0\0";  // 9 bytes
constexpr uint8_t kMegatronUint16 = 8;
constexpr uint8_t kMegatronInt32 = 4;
// Megatron's own rule (preprocess_data.py): uint16 below 65,500 entries.
constexpr size_t kMegatronUint16Limit = 65500;
constexpr size_t kReadStep = size_t{1} << 20;

void PutLE(uint64_t v, int n, std::string* out) {
  for (int i = 0; i < n; ++i) *out += static_cast<char>(v >> (8 * i));
}

uint64_t GetLE(const char* p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = v << 8 | static_cast<uint8_t>(p[i]);
  return v;
}

StatusOr<uint32_t> NeedEod(const Codebook& codebook, TrainerFormat format) {
  HT_CHECK_OR_RETURN(codebook.eod_id().has_value(), FailedPrecondition)
      << "--format " << TrainerFormatName(format)
      << " needs a codebook with an end-of-document token (train with --eod)";
  return *codebook.eod_id();
}

// The npy header for `count` ids of `width` bytes, padded with spaces to
// kNpyHeaderBytes (a multiple of 64, as NumPy aligns it).
std::string NpyHeader(int width, uint64_t count) {
  std::string dict = "{'descr': '<u" + std::to_string(width) +
                     "', 'fortran_order': False, 'shape': (" + std::to_string(count) + ",), }";
  std::string h("\x93NUMPY\x01\x00", 8);
  PutLE(kNpyHeaderBytes - 10, 2, &h);
  h += dict;
  h.append(kNpyHeaderBytes - 1 - h.size(), ' ');
  h += '\n';
  return h;
}

// Appends ids as little-endian integers of `width` bytes (2 or 4; ids fit).
void AppendIds(std::span<const uint32_t> ids, int width, std::string* out) {
  const size_t at = out->size();
  out->resize(at + ids.size() * width);
  char* p = out->data() + at;
  if (width == 4) {
    std::memcpy(p, ids.data(), ids.size() * 4);
    return;
  }
  for (uint32_t id : ids) {
    const auto v = static_cast<uint16_t>(id);
    std::memcpy(p, &v, 2);
    p += 2;
  }
}

std::string LlmcHeader(uint64_t count) {
  std::string h;
  PutLE(static_cast<uint32_t>(kLlmcMagic), 4, &h);
  PutLE(kLlmcVersion, 4, &h);
  PutLE(count, 4, &h);
  h.resize(kLlmcHeaderBytes, '\0');
  return h;
}

// Decodes ids of `width` bytes from `source` (after any header), skipping
// eod, into `sink`. `offset` is where the ids start in the file (for error
// positions). Checks that the body holds whole ids.
StatusOr<DecodeTotals> DecodeIds(const Codebook& codebook, int width, uint32_t eod, uint64_t offset,
                                 ByteSource* source, ByteSink* sink,
                                 std::optional<uint64_t> expected_tokens) {
  Decoder decoder(codebook);
  DecodeTotals totals;
  std::string buf(kReadStep, '\0');
  std::vector<uint32_t> ids;
  std::string text;
  size_t carry = 0;  // bytes of a partial id from the previous read
  for (;;) {
    HT_ASSIGN_OR_RETURN(size_t got, source->ReadFull(buf.data() + carry, buf.size() - carry));
    const size_t have = carry + got;
    const size_t whole = have / width * width;
    ids.clear();
    for (size_t i = 0; i < whole; i += width) {
      const auto id = static_cast<uint32_t>(GetLE(buf.data() + i, width));
      HT_CHECK_OR_RETURN(id < codebook.size(), DataLoss)
          << source->name() << ": offset " << offset + totals.tokens * width + i << ": id " << id
          << " is outside the vocabulary (" << codebook.size() << " entries)";
      if (id != eod) ids.push_back(id);
    }
    totals.tokens += whole / width;
    text.clear();
    HT_RETURN_IF_ERROR(decoder.Decode(ids, &text));
    HT_RETURN_IF_ERROR(sink->Write(text));
    totals.bytes += text.size();
    const bool eof = have < buf.size();  // ReadFull stops short only at the end
    carry = have - whole;
    std::memmove(buf.data(), buf.data() + whole, carry);
    if (eof) {
      HT_CHECK_OR_RETURN(carry == 0, DataLoss)
          << source->name() << ": ends inside an id (" << carry << " stray byte(s))";
      break;
    }
  }
  if (expected_tokens) {
    HT_CHECK_OR_RETURN(totals.tokens == *expected_tokens, DataLoss)
        << source->name() << ": the header counts " << *expected_tokens
        << " tokens, the file holds " << totals.tokens;
  }
  return totals;
}

// Reads exactly n bytes or fails naming what was being read.
Status ReadExactly(ByteSource* source, char* buf, size_t n, std::string_view what) {
  HT_ASSIGN_OR_RETURN(size_t got, source->ReadFull(buf, n));
  HT_CHECK_OR_RETURN(got == n, DataLoss) << source->name() << ": truncated " << what;
  return OkStatus();
}

}  // namespace

std::optional<TrainerFormat> ParseTrainerFormat(std::string_view name) {
  if (name == "bin") return TrainerFormat::kBin;
  if (name == "npy") return TrainerFormat::kNpy;
  if (name == "llmc") return TrainerFormat::kLlmc;
  if (name == "megatron") return TrainerFormat::kMegatron;
  if (name == "pua") return TrainerFormat::kPua;
  return std::nullopt;
}

std::string_view TrainerFormatName(TrainerFormat format) {
  switch (format) {
    case TrainerFormat::kBin:
      return "bin";
    case TrainerFormat::kNpy:
      return "npy";
    case TrainerFormat::kLlmc:
      return "llmc";
    case TrainerFormat::kMegatron:
      return "megatron";
    case TrainerFormat::kPua:
      return "pua";
  }
  return "?";
}

StatusOr<int> TokenWidth(TrainerFormat format, const Codebook& codebook) {
  const bool narrow = codebook.size() <= 65536;
  if (format == TrainerFormat::kLlmc) {
    HT_CHECK_OR_RETURN(narrow, FailedPrecondition)
        << "--format llmc holds uint16 ids; this codebook has " << codebook.size() << " entries";
  }
  return narrow ? 2 : 4;
}

// --- bin, npy, llmc

StatusOr<std::unique_ptr<TokenArrayWriter>> TokenArrayWriter::Create(ByteSink* sink,
                                                                     TrainerFormat format,
                                                                     const Codebook& codebook) {
  HT_ASSIGN_OR_RETURN(uint32_t eod, NeedEod(codebook, format));
  HT_ASSIGN_OR_RETURN(int width, TokenWidth(format, codebook));
  if (format == TrainerFormat::kNpy || format == TrainerFormat::kLlmc) {
    HT_CHECK_OR_RETURN(sink->seekable(), InvalidArgument)
        << "--format " << TrainerFormatName(format)
        << " writes its token count into the header at the end: it needs a file output (-o)";
  }
  std::unique_ptr<TokenArrayWriter> w(new TokenArrayWriter(sink, format, width, eod));
  if (format == TrainerFormat::kNpy) HT_RETURN_IF_ERROR(sink->Write(NpyHeader(width, 0)));
  if (format == TrainerFormat::kLlmc) HT_RETURN_IF_ERROR(sink->Write(LlmcHeader(0)));
  return w;
}

Status TokenArrayWriter::Append(std::span<const uint32_t> ids) {
  buf_.clear();
  AppendIds(ids, width_, &buf_);
  tokens_ += ids.size();
  return sink_->Write(buf_);
}

Status TokenArrayWriter::Add(std::span<const uint32_t> ids, std::string_view, bool scene_end,
                             bool) {
  HT_RETURN_IF_ERROR(Append(ids));
  if (scene_end) {
    const uint32_t eod = eod_;
    HT_RETURN_IF_ERROR(Append({&eod, 1}));
  }
  return OkStatus();
}

Status TokenArrayWriter::Finish() {
  if (format_ == TrainerFormat::kNpy) return sink_->WriteAt(0, NpyHeader(width_, tokens_));
  if (format_ == TrainerFormat::kLlmc) {
    HT_CHECK_OR_RETURN(tokens_ <= 0x7FFFFFFF, ResourceExhausted)
        << "--format llmc counts tokens in an int32: " << tokens_
        << " tokens do not fit; encode the input in shards";
    return sink_->WriteAt(0, LlmcHeader(tokens_));
  }
  return OkStatus();
}

StatusOr<DecodeTotals> DecodeTokenArray(const Codebook& codebook, TrainerFormat format,
                                        ByteSource* source, ByteSink* sink) {
  HT_ASSIGN_OR_RETURN(uint32_t eod, NeedEod(codebook, format));
  HT_ASSIGN_OR_RETURN(int width, TokenWidth(format, codebook));
  std::optional<uint64_t> expected;
  uint64_t offset = 0;
  if (format == TrainerFormat::kNpy) {
    char pre[10];
    HT_RETURN_IF_ERROR(ReadExactly(source, pre, 10, "npy header"));
    HT_CHECK_OR_RETURN(std::memcmp(pre, "\x93NUMPY", 6) == 0 && pre[6] == 1, DataLoss)
        << source->name() << ": not an .npy file of format 1.x";
    const size_t len = GetLE(pre + 8, 2);
    std::string dict(len, '\0');
    HT_RETURN_IF_ERROR(ReadExactly(source, dict.data(), len, "npy header"));
    const std::string descr = "'descr': '<u" + std::to_string(width) + "'";
    HT_CHECK_OR_RETURN(dict.find(descr) != std::string::npos &&
                           dict.find("'fortran_order': False") != std::string::npos,
                       DataLoss)
        << source->name() << ": npy header does not describe a 1-D array of <u" << width
        << " (what this codebook's ids need)";
    const size_t at = dict.find("'shape': (");
    HT_CHECK_OR_RETURN(at != std::string::npos, DataLoss)
        << source->name() << ": npy header has no shape";
    uint64_t n = 0;
    size_t i = at + 10, digits = 0;
    while (i < dict.size() && dict[i] >= '0' && dict[i] <= '9' && digits < 19)
      n = n * 10 + (dict[i++] - '0'), ++digits;
    HT_CHECK_OR_RETURN(digits > 0 && i + 1 < dict.size() && dict[i] == ',' && dict[i + 1] == ')',
                       DataLoss)
        << source->name() << ": npy shape is not one dimension";
    expected = n;
    offset = 10 + len;
  } else if (format == TrainerFormat::kLlmc) {
    std::string h(kLlmcHeaderBytes, '\0');
    HT_RETURN_IF_ERROR(ReadExactly(source, h.data(), h.size(), "llm.c header"));
    HT_CHECK_OR_RETURN(GetLE(h.data(), 4) == kLlmcMagic && GetLE(h.data() + 4, 4) == kLlmcVersion,
                       DataLoss)
        << source->name() << ": not an llm.c token file (magic " << kLlmcMagic << ", version "
        << kLlmcVersion << ")";
    expected = GetLE(h.data() + 8, 4);
    offset = kLlmcHeaderBytes;
  }
  return DecodeIds(codebook, width, eod, offset, source, sink, expected);
}

// --- megatron

StatusOr<std::unique_ptr<MegatronWriter>> MegatronWriter::Create(ByteSink* bin, ByteSink* idx,
                                                                 const Codebook& codebook) {
  HT_ASSIGN_OR_RETURN(uint32_t eod, NeedEod(codebook, TrainerFormat::kMegatron));
  return std::unique_ptr<MegatronWriter>(
      new MegatronWriter(bin, idx, codebook.size() >= kMegatronUint16Limit, eod));
}

Status MegatronWriter::Add(std::span<const uint32_t> ids, std::string_view, bool scene_end,
                           bool document_end) {
  buf_.clear();
  const int width = wide_ ? 4 : 2;
  AppendIds(ids, width, &buf_);
  open_tokens_ += ids.size();
  if (scene_end) {
    if (document_end) {
      AppendIds({&eod_, 1}, width, &buf_);
      ++open_tokens_;
    }
    HT_CHECK_OR_RETURN(open_tokens_ <= 0x7FFFFFFF, ResourceExhausted)
        << "--format megatron: a scene of " << open_tokens_
        << " tokens does not fit Megatron's int32 sequence length";
    sizes_.push_back(static_cast<int32_t>(open_tokens_));
    open_tokens_ = 0;
    if (document_end) doc_idx_.push_back(static_cast<int64_t>(sizes_.size()));
  }
  return bin_->Write(buf_);
}

Status MegatronWriter::Finish() {
  std::string h(kMegatronMagic, 9);
  PutLE(1, 8, &h);
  h += static_cast<char>(wide_ ? kMegatronInt32 : kMegatronUint16);
  PutLE(sizes_.size(), 8, &h);
  PutLE(doc_idx_.size(), 8, &h);
  HT_RETURN_IF_ERROR(idx_->Write(h));
  std::string body;
  body.reserve(sizes_.size() * 12 + doc_idx_.size() * 8);
  for (int32_t n : sizes_) PutLE(static_cast<uint32_t>(n), 4, &body);
  int64_t pointer = 0;  // byte offset of each sequence in the .bin
  for (int32_t n : sizes_) {
    PutLE(static_cast<uint64_t>(pointer), 8, &body);
    pointer += int64_t{n} * (wide_ ? 4 : 2);
  }
  for (int64_t d : doc_idx_) PutLE(static_cast<uint64_t>(d), 8, &body);
  return idx_->Write(body);
}

StatusOr<DecodeTotals> DecodeMegatron(const Codebook& codebook, ByteSource* bin, ByteSource* idx,
                                      ByteSink* sink) {
  HT_ASSIGN_OR_RETURN(uint32_t eod, NeedEod(codebook, TrainerFormat::kMegatron));
  char h[34];
  HT_RETURN_IF_ERROR(ReadExactly(idx, h, sizeof h, "Megatron index header"));
  HT_CHECK_OR_RETURN(std::memcmp(h, kMegatronMagic, 9) == 0 && GetLE(h + 9, 8) == 1, DataLoss)
      << idx->name() << ": not a Megatron MMIDIDX version 1 index";
  const uint8_t dtype = static_cast<uint8_t>(h[17]);
  HT_CHECK_OR_RETURN(dtype == kMegatronUint16 || dtype == kMegatronInt32, DataLoss)
      << idx->name() << ": dtype code " << int{dtype} << " is not 8 (uint16) or 4 (int32)";
  const int width = dtype == kMegatronUint16 ? 2 : 4;
  const uint64_t sequences = GetLE(h + 18, 8);
  const uint64_t documents = GetLE(h + 26, 8);
  // Read the arrays in steps, so a lying count fails at the end of the file
  // rather than allocating.
  uint64_t total = 0;
  std::vector<uint64_t> pointers;
  char b[8];
  for (uint64_t i = 0; i < sequences; ++i) {
    HT_RETURN_IF_ERROR(ReadExactly(idx, b, 4, "Megatron index sizes"));
    total += GetLE(b, 4);
  }
  for (uint64_t i = 0, expect = 0; i < sequences; ++i) {
    HT_RETURN_IF_ERROR(ReadExactly(idx, b, 8, "Megatron index pointers"));
    HT_CHECK_OR_RETURN(GetLE(b, 8) >= expect, DataLoss)
        << idx->name() << ": sequence pointers go backwards at " << i;
    expect = GetLE(b, 8);
  }
  for (uint64_t i = 0, last = 0; i < documents; ++i) {
    HT_RETURN_IF_ERROR(ReadExactly(idx, b, 8, "Megatron document index"));
    const uint64_t d = GetLE(b, 8);
    HT_CHECK_OR_RETURN(d >= last && d <= sequences && (i > 0 || d == 0), DataLoss)
        << idx->name() << ": document index " << i << " (" << d << ") is out of order";
    last = d;
  }
  HT_ASSIGN_OR_RETURN(size_t extra, idx->ReadFull(b, 1));
  HT_CHECK_OR_RETURN(extra == 0, DataLoss) << idx->name() << ": trailing bytes after the index";
  HT_CHECK_OR_RETURN(width == 4 || codebook.size() <= 65536, DataLoss)
      << idx->name() << ": uint16 ids cannot hold this codebook's " << codebook.size()
      << " entries";
  return DecodeIds(codebook, width, eod, 0, bin, sink, total);
}

// --- pua

uint32_t PuaCodePoint(uint32_t id) { return id < 65534 ? 0xF0000 + id : 0x100000 + (id - 65534); }

std::optional<uint32_t> PuaId(uint32_t cp) {
  if (cp >= 0xF0000 && cp <= 0xFFFFD) return cp - 0xF0000;
  if (cp >= 0x100000 && cp <= 0x10FFFD) return cp - 0x100000 + 65534;
  return std::nullopt;
}

StatusOr<std::unique_ptr<PuaWriter>> PuaWriter::Create(ByteSink* sink, const Codebook& codebook) {
  HT_CHECK_OR_RETURN(codebook.size() <= kMaxPuaVocab, FailedPrecondition)
      << "--format pua has " << kMaxPuaVocab << " code points; this codebook has "
      << codebook.size() << " entries";
  return std::unique_ptr<PuaWriter>(new PuaWriter(sink));
}

Status PuaWriter::Add(std::span<const uint32_t> ids, std::string_view, bool scene_end, bool) {
  buf_.clear();
  for (uint32_t id : ids) AppendUtf8(PuaCodePoint(id), &buf_);
  if (scene_end) buf_ += '\n';
  return sink_->Write(buf_);
}

StatusOr<DecodeTotals> DecodePua(const Codebook& codebook, ByteSource* source, ByteSink* sink) {
  Decoder decoder(codebook);
  DecodeTotals totals;
  std::string buf(kReadStep, '\0');
  std::vector<uint32_t> ids;
  std::string text;
  size_t carry = 0;
  uint64_t offset = 0;  // of buf[0] in the file
  for (;;) {
    HT_ASSIGN_OR_RETURN(size_t got, source->ReadFull(buf.data() + carry, buf.size() - carry));
    const size_t have = carry + got;
    const bool last = have < buf.size();  // ReadFull stops short only at the end
    size_t i = 0;
    ids.clear();
    while (i < have) {
      if (buf[i] == '\n') {
        ++i;
        continue;
      }
      if (!last && have - i < 4) break;  // may be a sequence cut by the read
      uint32_t cp = 0;
      const size_t n = Utf8SequenceLength(std::string_view(buf).substr(i, have - i), &cp);
      const std::optional<uint32_t> id = n ? PuaId(cp) : std::nullopt;
      HT_CHECK_OR_RETURN(id.has_value(), DataLoss)
          << source->name() << ": offset " << offset + i
          << ": not a pua token (expected a code point in U+F0000..U+10FFFD or a line break)";
      HT_CHECK_OR_RETURN(*id < codebook.size(), DataLoss)
          << source->name() << ": offset " << offset + i << ": id " << *id
          << " is outside the vocabulary (" << codebook.size() << " entries)";
      ids.push_back(*id);
      i += n;
    }
    totals.tokens += ids.size();
    text.clear();
    HT_RETURN_IF_ERROR(decoder.Decode(ids, &text));
    HT_RETURN_IF_ERROR(sink->Write(text));
    totals.bytes += text.size();
    carry = have - i;
    std::memmove(buf.data(), buf.data() + i, carry);
    offset += i;
    if (last) break;
  }
  return totals;
}

}  // namespace hypertok
