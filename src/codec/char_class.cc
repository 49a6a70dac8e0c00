#include "codec/char_class.h"

#include <algorithm>
#include <array>

namespace hypertok::internal {

namespace {

struct Range {
  uint32_t first, last;
  uint8_t cls;
};

constexpr Range kRanges[] = {
#include "codec/char_class_ranges.inc"
};

constexpr uint8_t kDefault = static_cast<uint8_t>(CharClass::kOther);

}  // namespace

namespace {
constexpr std::array<uint8_t, 128> MakeAsciiClasses() {
  std::array<uint8_t, 128> t{};
  for (int c = 0; c < 128; ++c) {
    CharClass k = CharClass::kOther;
    if (c == '\n' || c == '\r')
      k = CharClass::kNewline;
    else if (c == ' ' || c == '\t' || c == '\v' || c == '\f')
      k = CharClass::kSpace;
    else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
      k = CharClass::kLetter;
    else if (c >= '0' && c <= '9')
      k = CharClass::kDigit;
    t[c] = static_cast<uint8_t>(k);
  }
  return t;
}
constexpr std::array<uint8_t, 128> kAscii = MakeAsciiClasses();
}  // namespace

const uint8_t* const kAsciiClass = kAscii.data();

namespace {
constexpr std::array<uint8_t, 0x10000> MakeBmpClasses() {
  std::array<uint8_t, 0x10000> t{};
  for (auto& c : t) c = kDefault;
  for (const Range& r : kRanges)
    for (uint32_t cp = r.first; cp <= r.last && cp < 0x10000; ++cp) t[cp] = r.cls;
  return t;
}
constexpr std::array<uint8_t, 0x10000> kBmp = MakeBmpClasses();
}  // namespace

const uint8_t* const kBmpClass = kBmp.data();

CharClass SupplementaryClass(uint32_t cp) {
  const Range* end = std::end(kRanges);
  const Range* it = std::upper_bound(std::begin(kRanges), end, cp,
                                     [](uint32_t v, const Range& r) { return v < r.first; });
  if (it != std::begin(kRanges) && cp <= (it - 1)->last)
    return static_cast<CharClass>((it - 1)->cls);
  return CharClass::kOther;
}

}  // namespace hypertok::internal
