#include "codec/pretokenizer.h"

namespace hypertok {

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
