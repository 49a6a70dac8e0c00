// A word as the morph stages see it: a sequence of case-folded code points
// (ICU simple case folding, one code point for one, so "Дом" and "дом" are
// analysed alike), each remembering where it starts in the original bytes.
// Stages find boundaries between code points and map them back to byte
// offsets, so segments always cover the original bytes exactly.
//
// Bytes that are not valid UTF-8 become U+FFFD, one per byte.
#ifndef HYPERTOK_MORPH_WORD_VIEW_H_
#define HYPERTOK_MORPH_WORD_VIEW_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hypertok {

struct WordView {
  std::u32string folded;          // one folded code point per character
  std::vector<uint32_t> offsets;  // byte offset of each character, plus the end

  static WordView Of(std::string_view word);
  size_t size() const { return folded.size(); }
};

// Appends the UTF-8 of code point cp to *out.
void AppendUtf8(char32_t cp, std::string* out);
std::string ToUtf8(std::u32string_view s);

}  // namespace hypertok

#endif  // HYPERTOK_MORPH_WORD_VIEW_H_
