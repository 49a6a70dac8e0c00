// Ending-marker extractor: learns a language's inventory of inflectional
// endings, so that one root can serve all its word forms and the endings
// become shared marker tokens.
//
// An ending is the END morph the splitter finds at a word's end (with a
// postfix such as Russian -ся/-сь after it, when the splitter marks one).
// It enters the inventory when it alternates: it occurs after at least
// `min_stems` stems that also occur with some other ending. For a supervised
// splitter END comes from the gold labels; for an unsupervised one from
// corpus statistics (morphs that end most of the words they appear in). No
// language-specific rules.
#ifndef HYPERTOK_MORPH_ENDING_MARKERS_H_
#define HYPERTOK_MORPH_ENDING_MARKERS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "morph/morpheme_splitter.h"

namespace hypertok {

struct EndingMarker {
  std::string text;       // as spelled (case-folded words give lower case)
  uint64_t stems = 0;     // alternating stems it follows
  uint64_t count = 0;     // word occurrences (corpus counts)
};

struct WordEnding {
  uint32_t stem_end = 0;  // byte offset where the ending starts
  uint32_t end = 0;       // byte offset where the ending (and postfix) stops
  bool found = false;
};

// The ending (plus a following postfix) of one word's morphs.
WordEnding FindEnding(const std::vector<Morph>& morphs);

// The inventory over distinct words with counts, best (most stems) first.
std::vector<EndingMarker> ExtractEndings(
    const MorphemeSplitter& splitter,
    const std::vector<std::pair<std::string, uint64_t>>& word_counts, uint64_t min_stems = 3);

}  // namespace hypertok

#endif  // HYPERTOK_MORPH_ENDING_MARKERS_H_
