// The pre-tokenizer: cuts text into the units ("pre-tokens") that training
// counts and that the encoder segments. Segments, never normalizes: the units
// concatenate to the input. Rules, applied left to right:
//   - a run of line breaks ('\r', '\n', U+2028, U+2029) is one unit;
//   - a word (letters and combining marks), a number (digits) or a run of
//     other symbols takes one directly preceding ' ' with it (" word");
//   - other whitespace runs are one unit (less a final ' ' that goes with the
//     next word);
//   - a byte that is not valid UTF-8 is a unit on its own.
// Character classes: src/codec/char_class.h (any script).
//
// The scanner keeps no state between units and looks ahead only to decide
// whether a ' ' joins the next unit, so the units of text[p..] for a unit
// boundary p are the units of the whole text from p on, and a run of whole
// units pre-tokenizes on its own exactly as it does in context.
#ifndef HYPERTOK_CODEC_PRETOKENIZER_H_
#define HYPERTOK_CODEC_PRETOKENIZER_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string_view>

#include "codec/char_class.h"

namespace hypertok {

namespace internal {

// text[pos, pos + len), which the caller knows is inside text. (substr checks
// the range and GCC calls it out of line: ~2 % of an encode of random bytes,
// where most units are one or two bytes.)
inline std::string_view Slice(std::string_view text, size_t pos, size_t len) {
  return {text.data() + pos, len};
}

// Fast paths for the commonest letter runs, eight bytes at a time; each
// returns the first position at or after j where its kind of character
// stops (the caller goes on one character at a time from there). Both
// agree with ClassAt: ASCII letters and U+0400..U+045F (basic Cyrillic) are
// kLetter, which PretokenizerTest.FastPathCharactersAreLetters checks.

// Skips ASCII letters [A-Za-z].
inline size_t SkipAsciiLetters(const uint8_t* s, size_t j, size_t n) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  while (j + 8 <= n) {
    uint64_t v;
    std::memcpy(&v, s + j, 8);
    // Per byte (no carries cross bytes: each lane stays below 0x100):
    // y = lower-cased 7-bit value; letter iff 'a' <= y <= 'z' and ASCII.
    const uint64_t y = (v | 0x20 * kOnes) & ~kHigh;
    const uint64_t ge_a = y + (0x80 - 'a') * kOnes;
    const uint64_t gt_z = y + (0x80 - 'z' - 1) * kOnes;
    const uint64_t letter = ge_a & ~gt_z & ~v & kHigh;
    if (letter != kHigh) return j + static_cast<size_t>(std::countr_zero(~letter & kHigh)) / 8;
    j += 8;
  }
  return j;
}

// Skips two-byte characters U+0400..U+045F: D0 80..BF, D1 80..9F. j must be
// a character start.
inline size_t SkipBasicCyrillic(const uint8_t* s, size_t j, size_t n) {
  constexpr uint64_t kLane = 0x00FF00FF00FF00FFULL, kLow = 0x0001000100010001ULL;
  while (j + 8 <= n) {
    uint64_t v;
    std::memcpy(&v, s + j, 8);
    const uint64_t lead = v & kLane, trail = (v >> 8) & kLane;
    // Lead D0 or D1; trail 10xxxxxx, and below A0 after D1.
    const uint64_t trail_mask = 0xC0 * kLow | (lead & kLow) << 5;
    const uint64_t bad = ((lead | kLow) ^ 0xD1 * kLow) | ((trail & trail_mask) ^ 0x80 * kLow);
    if (bad != 0) return j + static_cast<size_t>(std::countr_zero(bad)) / 16 * 2;
    j += 8;
  }
  return j;
}

}  // namespace internal

namespace internal {

// One step of the character-by-character scanner: emits the unit that starts
// at text[i] (i < text.size(), a unit boundary) — and, when a whitespace run
// gives its final ' ' to the word after it, the run first — and returns
// where the next unit starts.
template <typename Emit>
size_t ScanUnit(std::string_view text, size_t i, Emit& emit) {
  const size_t n = text.size();
  size_t len;
  CharClass cls = ClassAt(text, i, &len);
  size_t start = i;
  if (cls == CharClass::kSpace) {
    // Whitespace run; a final ' ' before a word/number/symbol goes with it.
    size_t j = i + len, last = i;
    while (j < n) {
      size_t l2;
      if (ClassAt(text, j, &l2) != CharClass::kSpace) break;
      last = j;
      j += l2;
    }
    size_t next_len = 0;
    CharClass next = j < n ? ClassAt(text, j, &next_len) : CharClass::kNewline;
    bool attach = text[last] == ' ' && (next == CharClass::kLetter || next == CharClass::kDigit ||
                                        next == CharClass::kOther);
    if (!attach) {
      emit(Slice(text, i, j - i));
      return j;
    }
    if (last > i) emit(Slice(text, i, last - i));
    start = last;
    i = j;
    cls = next;
    len = next_len;
  }
  if (cls == CharClass::kInvalid) {
    // (start == i: a ' ' goes with no invalid byte.)
    if constexpr (requires { emit.OneByte(text[i]); }) {
      emit.OneByte(text[i]);
    } else {
      emit(Slice(text, start, i + 1 - start));
    }
    return i + 1;
  }
  // A run of the same class.
  size_t j = i + len;
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  while (j < n) {
    if (cls == CharClass::kLetter) {
      j = bytes[j] < 0x80 ? SkipAsciiLetters(bytes, j, n) : SkipBasicCyrillic(bytes, j, n);
      if (j >= n) break;
    }
    size_t l2;
    if (ClassAt(text, j, &l2) != cls) break;
    j += l2;
  }
  if constexpr (requires { emit.OneByte(text[i]); }) {
    if (j - start == 1) {
      emit.OneByte(text[start]);
      return j;
    }
  }
  emit(Slice(text, start, j - start));
  return j;
}

#if defined(__SSE2__)
#define HYPERTOK_BLOCK_SCANNER 1

// The block scanner. Where the 64 bytes from a unit boundary are plain —
// ASCII, basic Cyrillic (U+0400..U+045F) and the punctuation U+2010..U+2027,
// U+2030..U+203F (dashes, quotes, the ellipsis): most of a Russian or English
// book — the unit boundaries among them follow from per-byte class masks
// with no branch per character; a scanner that decides each character in
// turn mispredicts at most unit ends, and that was most of its time. The
// classes are ClassAt's: ASCII letters A-Z a-z, digits, line breaks \n \r,
// whitespace \t \v \f ' ', the rest of ASCII and the punctuation symbols
// (the tests BlockScannerAgreesWithCharacterByCharacterReading and
// BlockScannerReadsItsPlainCharactersAsClassAtDoes hold the two together).
inline constexpr size_t kBlockBytes = 64;

// What a block determines.
struct BlockCuts {
  // Bit k (1 <= k < 64): a unit starts at byte k. Only starts the block
  // decides are set: up to the second-last plain byte (the rule for a ' '
  // reads the byte after it), or to the text's end (to_end).
  uint64_t starts;
  // How many bytes from the block's start are plain.
  uint32_t plain;
  // The text ends inside the block (or at its end) after plain bytes only,
  // so the last unit ends there.
  bool to_end;
};

// Reads kBlockBytes bytes at s (a unit boundary); the text has `avail` of
// them, the rest are read but not looked at. Runs the widest implementation
// the CPU has (AVX-512BW, AVX2, SSE2); all give the same result
// (BlockImplementationsAgree).
BlockCuts CutBlock(const uint8_t* s, size_t avail);
BlockCuts CutBlockSse2(const uint8_t* s, size_t avail);
// Only where HasAvx2() / HasAvx512BW().
BlockCuts CutBlockAvx2(const uint8_t* s, size_t avail);
BlockCuts CutBlockAvx512(const uint8_t* s, size_t avail);
bool HasAvx2();
bool HasAvx512BW();

// Emits the units the block at text[i..] determines, in order, and returns
// where the next starts (i if none); *plain as BlockCuts::plain.
template <typename Emit>
size_t ScanBlock(std::string_view text, size_t i, Emit& emit, size_t* plain) {
  const size_t avail = text.size() - i;
  const BlockCuts cuts = CutBlock(reinterpret_cast<const uint8_t*>(text.data()) + i, avail);
  *plain = cuts.plain;
  uint64_t b = cuts.starts;
  size_t prev = 0;
  while (b) {
    const size_t k = static_cast<size_t>(std::countr_zero(b));
    emit(Slice(text, i + prev, k - prev));
    prev = k;
    b &= b - 1;
  }
  if (cuts.to_end) {
    emit(Slice(text, i + prev, avail - prev));
    return i + avail;
  }
  return i + prev;
}
#endif

// Calls emit(unit) for each unit of text, in order: by 64-byte blocks where
// the text is plain (ScanBlock), character by character elsewhere
// (ScanUnit); both cut the same units. kPadded: kBlockBytes bytes past the
// text's end can be read, so blocks run to its end.
template <bool kPadded, typename Emit>
void ForEachUnitImpl(std::string_view text, Emit& emit) {
  size_t i = 0;
  const size_t n = text.size();
  [[maybe_unused]] size_t scan_to = 0;  // after a block of little plain text: scan to here
  while (i < n) {
#ifdef HYPERTOK_BLOCK_SCANNER
    if ((kPadded || n - i >= kBlockBytes) && i >= scan_to) {
      size_t plain;
      const size_t next = ScanBlock(text, i, emit, &plain);
      if (next > i) {
        i = next;
        continue;
      }
      if (plain < 32) scan_to = i + 64;  // (CJK, say: do not try every unit)
    }
#endif
    i = ScanUnit(text, i, emit);
  }
}

}  // namespace internal

// Calls emit(unit) for each unit of text, in order. An emitter that has a
// member OneByte(char) gets some units of one byte there instead, as the
// byte without its position: every byte that is not valid UTF-8 (always a
// unit of its own), and the one-byte letter, digit and symbol runs that the
// character-by-character scanner cuts (where the text is not plain: random
// bytes, say). Where testing a unit's length costs little, that is: in text
// most units come from the block scanner, where the test would be
// mispredicted.
template <typename Emit>
void ForEachUnit(std::string_view text, Emit&& emit) {
  internal::ForEachUnitImpl<false>(text, emit);
}

// The same for text followed in memory by kUnitPadding readable bytes (of
// any value; they are read, never used), which is faster near its end.
inline constexpr size_t kUnitPadding = 64;
template <typename Emit>
void ForEachUnitPadded(std::string_view text, Emit&& emit) {
#ifdef HYPERTOK_BLOCK_SCANNER
  static_assert(kUnitPadding >= internal::kBlockBytes);
  internal::ForEachUnitImpl<true>(text, emit);
#else
  internal::ForEachUnitImpl<false>(text, emit);
#endif
}

// The same, character by character only (for tests of the block scanner).
template <typename Emit>
void ForEachUnitByCharacter(std::string_view text, Emit&& emit) {
  for (size_t i = 0; i < text.size();) i = internal::ScanUnit(text, i, emit);
}

inline void Pretokenize(std::string_view text, const std::function<void(std::string_view)>& emit) {
  ForEachUnit(text, emit);
}

// A position p in text (0 < p <= text.size()) at which no unit spans, chosen
// from the text alone, at most `limit` bytes in: after a line break run if
// there is one, else before a ' ' that follows a non-space, else at a UTF-8
// character start. Used to split the input for parallel counting without
// changing the counts.
size_t SafeCut(std::string_view text, size_t limit);

// What kind of unit the pre-tokenizer emitted, judged by its last character.
enum class UnitClass { kWord, kNumber, kSymbol, kSpace, kLineBreak, kInvalid };
UnitClass ClassifyUnit(std::string_view unit);

// Length of the character at text[i]: its UTF-8 length, or 1 for a byte
// that does not start a valid sequence.
inline size_t CharLength(std::string_view text, size_t i) {
  size_t len;
  ClassAt(text, i, &len);
  return len;
}

// Number of UTF-8 characters, counting each invalid byte as one.
size_t CountChars(std::string_view text);

}  // namespace hypertok

#endif  // HYPERTOK_CODEC_PRETOKENIZER_H_
