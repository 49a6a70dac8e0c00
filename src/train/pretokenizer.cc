#include "train/pretokenizer.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

namespace hypertok {

namespace {

enum class Cls { kNewline, kSpace, kLetter, kDigit, kOther, kInvalid };

// Decodes the character at text[i]; sets *len (>= 1) and returns its class.
Cls ClassAt(std::string_view text, size_t i, size_t* len) {
  const auto c = static_cast<uint8_t>(text[i]);
  if (c < 0x80) {
    *len = 1;
    if (c == '\n' || c == '\r') return Cls::kNewline;
    if (c == ' ' || c == '\t' || c == '\v' || c == '\f') return Cls::kSpace;
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return Cls::kLetter;
    if (c >= '0' && c <= '9') return Cls::kDigit;
    return Cls::kOther;
  }
  int32_t pos = static_cast<int32_t>(i);
  const int32_t end = static_cast<int32_t>(std::min(text.size(), i + 4));
  UChar32 cp;
  U8_NEXT(reinterpret_cast<const uint8_t*>(text.data()), pos, end, cp);
  *len = static_cast<size_t>(pos) - i;
  if (cp < 0) {
    *len = 1;
    return Cls::kInvalid;
  }
  switch (u_charType(cp)) {
    case U_UPPERCASE_LETTER: case U_LOWERCASE_LETTER: case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER: case U_OTHER_LETTER: case U_NON_SPACING_MARK:
    case U_ENCLOSING_MARK: case U_COMBINING_SPACING_MARK:
      return Cls::kLetter;
    case U_DECIMAL_DIGIT_NUMBER: case U_LETTER_NUMBER: case U_OTHER_NUMBER:
      return Cls::kDigit;
    case U_SPACE_SEPARATOR:
      return Cls::kSpace;
    case U_LINE_SEPARATOR: case U_PARAGRAPH_SEPARATOR:
      return Cls::kNewline;
    default:
      return Cls::kOther;
  }
}

}  // namespace

void Pretokenize(std::string_view text,
                 const std::function<void(std::string_view)>& emit) {
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    size_t len;
    Cls cls = ClassAt(text, i, &len);
    size_t start = i;
    if (cls == Cls::kSpace) {
      // Whitespace run; a final ' ' before a word/number/symbol goes with it.
      size_t j = i + len, last = i;
      while (j < n) {
        size_t l2;
        if (ClassAt(text, j, &l2) != Cls::kSpace) break;
        last = j;
        j += l2;
      }
      size_t next_len;
      Cls next = j < n ? ClassAt(text, j, &next_len) : Cls::kNewline;
      bool attach = text[last] == ' ' &&
                    (next == Cls::kLetter || next == Cls::kDigit || next == Cls::kOther);
      if (!attach) {
        emit(text.substr(i, j - i));
        i = j;
        continue;
      }
      if (last > i) emit(text.substr(i, last - i));
      start = last;
      i = j;
      cls = next;
      len = next_len;
    }
    if (cls == Cls::kInvalid) {
      emit(text.substr(start, i + 1 - start));
      i += 1;
      continue;
    }
    // A run of the same class.
    size_t j = i + len;
    while (j < n) {
      size_t l2;
      if (ClassAt(text, j, &l2) != cls) break;
      j += l2;
    }
    emit(text.substr(start, j - start));
    i = j;
  }
}

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
    Cls prev = ClassAt(text, q, &len);
    if (q + len == p && prev != Cls::kSpace && prev != Cls::kNewline) return p;
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
    case Cls::kLetter: return UnitClass::kWord;
    case Cls::kDigit: return UnitClass::kNumber;
    case Cls::kOther: return UnitClass::kSymbol;
    case Cls::kSpace: return UnitClass::kSpace;
    case Cls::kNewline: return UnitClass::kLineBreak;
    case Cls::kInvalid: break;
  }
  return UnitClass::kInvalid;
}

size_t CharLength(std::string_view text, size_t i) {
  size_t len;
  ClassAt(text, i, &len);
  return len;
}

size_t CountChars(std::string_view text) {
  size_t count = 0, i = 0;
  while (i < text.size()) {
    size_t len;
    ClassAt(text, i, &len);
    i += len;
    ++count;
  }
  return count;
}

}  // namespace hypertok
