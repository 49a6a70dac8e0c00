// Pre-tokenizer for the first trainer: cuts text into the units whose counts
// choose the vocabulary. Segments, never normalizes: the units concatenate to
// the input. Rules, applied left to right:
//   - a run of '\r'/'\n' is one unit;
//   - a word (letters and combining marks), a number (digits) or a run of
//     other symbols takes one directly preceding ' ' with it (" word");
//   - other whitespace runs are one unit (less a final ' ' that goes with the
//     next word);
//   - a byte that is not valid UTF-8 is a unit on its own.
// Character classes come from ICU (u_charType), so any script works.
#ifndef HYPERTOK_TRAIN_PRETOKENIZER_H_
#define HYPERTOK_TRAIN_PRETOKENIZER_H_

#include <cstddef>
#include <functional>
#include <string_view>

namespace hypertok {

void Pretokenize(std::string_view text,
                 const std::function<void(std::string_view)>& emit);

// A position p in text (0 < p <= text.size()) at which no unit spans, chosen
// from the text alone, at most `limit` bytes in: after a line break run if
// there is one, else before a ' ' that follows a non-space, else at a UTF-8
// character start. Used to split the input for parallel counting without
// changing the counts.
size_t SafeCut(std::string_view text, size_t limit);

// What kind of unit Pretokenize emitted, judged by its last character.
enum class UnitClass { kWord, kNumber, kSymbol, kSpace, kLineBreak, kInvalid };
UnitClass ClassifyUnit(std::string_view unit);

// Length of the character at text[i]: its UTF-8 length, or 1 for a byte
// that does not start a valid sequence.
size_t CharLength(std::string_view text, size_t i);

// Number of UTF-8 characters, counting each invalid byte as one.
size_t CountChars(std::string_view text);

}  // namespace hypertok

#endif  // HYPERTOK_TRAIN_PRETOKENIZER_H_
