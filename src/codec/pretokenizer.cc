#include "codec/pretokenizer.h"

#ifdef HYPERTOK_BLOCK_SCANNER
#include <immintrin.h>
#endif

namespace hypertok {

#ifdef HYPERTOK_BLOCK_SCANNER
namespace internal {
namespace {

// Per-byte facts about a block, one bit per byte (bit k: byte k).
struct ByteMasks {
  uint64_t high;      // >= 0x80
  uint64_t letter;    // A-Z a-z
  uint64_t digit;     // 0-9
  uint64_t line;      // \n \r
  uint64_t space;     // ' ' \t \v \f
  uint64_t blank;     // ' '
  uint64_t d0, d1;    // the leads of basic Cyrillic
  uint64_t cont;      // 80..BF
  uint64_t cont_low;  // 80..9F
  uint64_t e2, x80;   // the first two bytes of the punctuation
  uint64_t punct3;    // its third byte: 90..A7, B0..BF
};

// The unit starts from the masks (shared by the implementations).
[[gnu::always_inline]] inline BlockCuts Cuts(const ByteMasks& m, size_t avail) {
  // The bytes of the text; a character whose bytes run past them (or past
  // the block) is not plain.
  const uint64_t in = avail >= kBlockBytes ? ~uint64_t{0} : (uint64_t{1} << avail) - 1;
  // Basic Cyrillic: D0 80..BF, D1 80..9F.
  const uint64_t trail = ((m.d0 << 1 & m.cont) | (m.d1 << 1 & m.cont_low)) & in;
  const uint64_t lead = trail >> 1;
  // The punctuation: E2 80 and a third byte as above (its first bytes, then
  // all three).
  const uint64_t p_first = m.e2 & m.x80 >> 1 & m.punct3 >> 2 & in >> 2;
  const uint64_t punct = p_first | p_first << 1 | p_first << 2;
  const uint64_t other_byte = ~(~m.high | lead | trail | punct) | ~in;
  const size_t n_plain = other_byte ? static_cast<size_t>(std::countr_zero(other_byte)) : 64;
  // Classes, one bit per byte (a character's bytes all in its class).
  const uint64_t l = m.letter | lead | trail;
  const uint64_t o = (~m.high & ~(m.letter | m.digit | m.line | m.space)) | punct;
  // A unit starts at byte k (k >= 1) where the class changes — unless a ' '
  // before k joins the word, number or symbols at k — and at a ' ' that ends
  // a whitespace run and joins what follows it.
  const uint64_t change = (l ^ l << 1) | (m.digit ^ m.digit << 1) | (m.line ^ m.line << 1) |
                          (m.space ^ m.space << 1) | (o ^ o << 1);
  const uint64_t joins = (l | m.digit | o) & in;  // (the text's end joins nothing)
  const uint64_t starts =
      (change & ~(m.blank << 1 & joins)) | (m.blank & m.space << 1 & joins >> 1);
  // Decided for k <= n_plain - 2, as the last rule reads byte k + 1; up to
  // the end when that is the text's end.
  const bool to_end = n_plain == avail;
  const size_t last = to_end ? n_plain + 1 : n_plain;
  const uint64_t decided = last >= 2 ? ~uint64_t{0} >> (65 - last) : 0;
  return {starts & decided & ~uint64_t{1}, static_cast<uint32_t>(n_plain), to_end};
}

}  // namespace

BlockCuts CutBlockSse2(const uint8_t* s, size_t avail) {
  ByteMasks m{};
  for (int q = 0; q < 4; ++q) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + 16 * q));
    auto eq = [&](int b) { return _mm_cmpeq_epi8(v, _mm_set1_epi8(static_cast<char>(b))); };
    auto masked_eq = [&](int mask, int b) {
      return _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8(static_cast<char>(mask))),
                            _mm_set1_epi8(static_cast<char>(b)));
    };
    auto bits = [&](__m128i x) {
      return static_cast<uint64_t>(static_cast<uint16_t>(_mm_movemask_epi8(x))) << (16 * q);
    };
    // Signed compares: bytes >= 0x80 are negative and fall outside every
    // ASCII range.
    const __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
    m.high |= bits(v);
    m.letter |= bits(_mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                   _mm_cmplt_epi8(lower, _mm_set1_epi8('z' + 1))));
    m.digit |= bits(_mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                  _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1))));
    m.line |= bits(_mm_or_si128(eq('\n'), eq('\r')));
    const __m128i b = eq(' ');
    m.blank |= bits(b);
    m.space |= bits(_mm_or_si128(_mm_or_si128(b, eq('\t')), _mm_or_si128(eq('\v'), eq('\f'))));
    m.d0 |= bits(eq(0xD0));
    m.d1 |= bits(eq(0xD1));
    m.cont |= bits(masked_eq(0xC0, 0x80));
    m.cont_low |= bits(masked_eq(0xE0, 0x80));
    m.e2 |= bits(eq(0xE2));
    m.x80 |= bits(eq(0x80));
    // 90..9F and B0..BF (masked with D0: 90), A0..A7 (masked with F8: A0).
    m.punct3 |= bits(_mm_or_si128(masked_eq(0xD0, 0x90), masked_eq(0xF8, 0xA0)));
  }
  return Cuts(m, avail);
}

// One 64-byte register and a compare into a 64-bit mask per fact: a fifth
// of the SSE2 version's instructions. (Helpers are macros: a lambda here
// would not be compiled for the function's target.)
__attribute__((target("avx512f,avx512bw"))) BlockCuts CutBlockAvx512(const uint8_t* s,
                                                                     size_t avail) {
#define HT_C(b) _mm512_set1_epi8(static_cast<char>(b))
#define HT_EQ(b) _mm512_cmpeq_epi8_mask(v, HT_C(b))
#define HT_IN(x, lo, hi) \
  _mm512_mask_cmple_epu8_mask(_mm512_cmpge_epu8_mask(x, HT_C(lo)), x, HT_C(hi))
  const __m512i v = _mm512_loadu_si512(s);
  const __m512i lower = _mm512_or_si512(v, HT_C(0x20));
  ByteMasks m;
  m.high = _mm512_movepi8_mask(v);
  m.letter = HT_IN(lower, 'a', 'z');
  m.digit = HT_IN(v, '0', '9');
  m.line = HT_EQ('\n') | HT_EQ('\r');
  m.blank = HT_EQ(' ');
  m.space = m.blank | HT_EQ('\t') | HT_EQ('\v') | HT_EQ('\f');
  m.d0 = HT_EQ(0xD0);
  m.d1 = HT_EQ(0xD1);
  m.cont = HT_IN(v, 0x80, 0xBF);
  m.cont_low = HT_IN(v, 0x80, 0x9F);
  m.e2 = HT_EQ(0xE2);
  m.x80 = HT_EQ(0x80);
  m.punct3 = HT_IN(v, 0x90, 0xA7) | HT_IN(v, 0xB0, 0xBF);
#undef HT_IN
#undef HT_EQ
#undef HT_C
  return Cuts(m, avail);
}

// Two 32-byte registers: the SSE2 version's compares, half as many.
__attribute__((target("avx2"))) BlockCuts CutBlockAvx2(const uint8_t* s, size_t avail) {
#define HT_C(b) _mm256_set1_epi8(static_cast<char>(b))
#define HT_EQ(b) _mm256_cmpeq_epi8(v, HT_C(b))
#define HT_MASKED_EQ(mask, b) _mm256_cmpeq_epi8(_mm256_and_si256(v, HT_C(mask)), HT_C(b))
#define HT_BITS(x) \
  (static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(x))) << (32 * q))
  ByteMasks m{};
  for (int q = 0; q < 2; ++q) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + 32 * q));
    // Signed compares, as in the SSE2 version.
    const __m256i lower = _mm256_or_si256(v, HT_C(0x20));
    m.high |= HT_BITS(v);
    m.letter |= HT_BITS(_mm256_and_si256(_mm256_cmpgt_epi8(lower, HT_C('a' - 1)),
                                         _mm256_cmpgt_epi8(HT_C('z' + 1), lower)));
    m.digit |= HT_BITS(
        _mm256_and_si256(_mm256_cmpgt_epi8(v, HT_C('0' - 1)), _mm256_cmpgt_epi8(HT_C('9' + 1), v)));
    m.line |= HT_BITS(_mm256_or_si256(HT_EQ('\n'), HT_EQ('\r')));
    const __m256i b = HT_EQ(' ');
    m.blank |= HT_BITS(b);
    m.space |= HT_BITS(_mm256_or_si256(_mm256_or_si256(b, HT_EQ('\t')),
                                       _mm256_or_si256(HT_EQ('\v'), HT_EQ('\f'))));
    m.d0 |= HT_BITS(HT_EQ(0xD0));
    m.d1 |= HT_BITS(HT_EQ(0xD1));
    m.cont |= HT_BITS(HT_MASKED_EQ(0xC0, 0x80));
    m.cont_low |= HT_BITS(HT_MASKED_EQ(0xE0, 0x80));
    m.e2 |= HT_BITS(HT_EQ(0xE2));
    m.x80 |= HT_BITS(HT_EQ(0x80));
    m.punct3 |= HT_BITS(_mm256_or_si256(HT_MASKED_EQ(0xD0, 0x90), HT_MASKED_EQ(0xF8, 0xA0)));
  }
#undef HT_BITS
#undef HT_MASKED_EQ
#undef HT_EQ
#undef HT_C
  return Cuts(m, avail);
}

bool HasAvx512BW() {
  static const bool has = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
  return has;
}

bool HasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}

BlockCuts CutBlock(const uint8_t* s, size_t avail) {
  // Chosen on the first call. (A namespace-scope pointer would be null when
  // another file's static initializer pre-tokenizes before this file's ran.)
  static BlockCuts (*const cut)(const uint8_t*, size_t) = HasAvx512BW() ? CutBlockAvx512
                                                          : HasAvx2()   ? CutBlockAvx2
                                                                        : CutBlockSse2;
  return cut(s, avail);
}

}  // namespace internal
#endif

size_t SafeCut(std::string_view text, size_t limit) {
  if (text.size() <= limit) return text.size();
  for (size_t p = limit; p > 0; --p) {
    char prev = text[p - 1], cur = text[p];
    if ((prev == '\n' || prev == '\r') && cur != '\n' && cur != '\r') return p;
  }
  for (size_t p = limit; p > 0; --p) {
    if (text[p] != ' ') continue;
    size_t q = p - 1;  // start of the character before the ' '
    while (q > 0 && p - q < 4 && (static_cast<uint8_t>(text[q]) & 0xC0) == 0x80) --q;
    size_t len;
    CharClass prev = ClassAt(text, q, &len);
    if (q + len == p && prev != CharClass::kSpace && prev != CharClass::kNewline) return p;
  }
  size_t p = limit;
  while (p > 1 && (static_cast<uint8_t>(text[p]) & 0xC0) == 0x80) --p;
  return p;
}

UnitClass ClassifyUnit(std::string_view unit) {
  if (unit.empty()) return UnitClass::kInvalid;
  size_t q = unit.size() - 1;
  while (q > 0 && unit.size() - q < 4 && (static_cast<uint8_t>(unit[q]) & 0xC0) == 0x80) --q;
  size_t len;
  switch (ClassAt(unit, q, &len)) {
    case CharClass::kLetter:
      return UnitClass::kWord;
    case CharClass::kDigit:
      return UnitClass::kNumber;
    case CharClass::kOther:
      return UnitClass::kSymbol;
    case CharClass::kSpace:
      return UnitClass::kSpace;
    case CharClass::kNewline:
      return UnitClass::kLineBreak;
    case CharClass::kInvalid:
      break;
  }
  return UnitClass::kInvalid;
}

size_t CountChars(std::string_view text) {
  size_t count = 0, i = 0;
  while (i < text.size()) {
    i += CharLength(text, i);
    ++count;
  }
  return count;
}

}  // namespace hypertok
