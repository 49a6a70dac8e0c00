#include "export/sentencepiece_export.h"

#include <bit>
#include <cstring>
#include <unordered_set>

#include "common/utf8.h"

namespace hypertok {

namespace {

// Protocol-buffer wire format (proto2), just what ModelProto needs.
enum WireType { kVarint = 0, kFixed32 = 5, kLengthDelimited = 2 };

void Varint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    *out += static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *out += static_cast<char>(v);
}
void Key(int field, WireType type, std::string* out) {
  Varint(static_cast<uint64_t>(field) << 3 | type, out);
}
void Int(int field, int64_t v, std::string* out) {
  Key(field, kVarint, out);
  Varint(static_cast<uint64_t>(v), out);  // negative: ten-byte two's complement
}
void Bool(int field, bool v, std::string* out) { Int(field, v ? 1 : 0, out); }
void Bytes(int field, std::string_view v, std::string* out) {
  Key(field, kLengthDelimited, out);
  Varint(v.size(), out);
  out->append(v);
}
void Float(int field, float v, std::string* out) {
  Key(field, kFixed32, out);
  const auto bits = std::bit_cast<uint32_t>(v);
  for (int i = 0; i < 4; ++i) *out += static_cast<char>(bits >> (8 * i));
}

// sentencepiece.ModelProto.SentencePiece.Type
enum PieceType { kNormal = 1, kUnknown = 2, kUserDefined = 4, kUnused = 5, kByte = 6 };

std::string PieceMessage(std::string_view piece, float score, PieceType type) {
  std::string m;
  Bytes(1, piece, &m);
  Float(2, score, &m);
  Int(3, type, &m);
  return m;
}

// Every normal piece scores the same, so Viterbi minimises the piece count.
// sentencepiece scores a character outside the vocabulary (which then falls
// back to byte pieces) at the lowest score − 10; with scores this large, that
// costs 1.01 pieces, close to the one byte token hypertok counts for it.
constexpr float kPieceScore = -1000;

}  // namespace

StatusOr<SentencePieceExport> ExportSentencePiece(const Codebook& cb) {
  SentencePieceExport result;
  std::string& model = result.model;
  std::unordered_set<std::string> seen;
  static const char kHex[] = "0123456789ABCDEF";
  for (uint32_t id = 0; id < cb.size(); ++id) {
    const Piece& p = cb.piece(id);
    std::string msg;
    if (p.kind == PieceKind::kByte) {
      std::string name = "<0x";
      name += kHex[id >> 4];
      name += kHex[id & 15];
      name += '>';
      seen.insert(name);
      msg = PieceMessage(name, 0, kByte);
    } else if (!seen.insert(p.bytes).second) {
      // sentencepiece needs unique spellings (hypertok allows a special and a
      // normal piece to share one): keep the id with a name text never has.
      ++result.renamed;
      msg = PieceMessage("<hypertok-duplicate-" + std::to_string(id) + ">", 0, kUnused);
    } else {
      msg = PieceMessage(p.bytes, kPieceScore,
                         p.kind == PieceKind::kSpecial ? kUserDefined : kNormal);
    }
    Bytes(1, msg, &model);
  }
  const auto unk_id = static_cast<int64_t>(cb.size());
  Bytes(1, PieceMessage("<unk>", 0, kUnknown), &model);

  std::string trainer;
  Int(3, 1, &trainer);                    // model_type = UNIGRAM
  Int(4, unk_id + 1, &trainer);           // vocab_size
  Bool(35, true, &trainer);               // byte_fallback
  Int(40, unk_id, &trainer);              // unk_id
  Int(41, -1, &trainer);                  // bos_id: none
  Int(42, -1, &trainer);                  // eos_id: none
  Int(43, -1, &trainer);                  // pad_id: none
  Bool(21, false, &trainer);              // split_by_unicode_script
  Bool(22, false, &trainer);              // split_by_whitespace
  Bool(23, false, &trainer);              // split_by_number
  Bool(26, true, &trainer);               // allow_whitespace_only_pieces
  Bytes(2, "hypertok-export", &trainer);  // model_prefix
  Bytes(2, trainer, &model);

  std::string normalizer;
  Bytes(1, "identity", &normalizer);
  Bool(3, false, &normalizer);  // add_dummy_prefix
  Bool(4, false, &normalizer);  // remove_extra_whitespaces
  Bool(5, false, &normalizer);  // escape_whitespaces
  Bytes(3, normalizer, &model);
  return result;
}

}  // namespace hypertok
