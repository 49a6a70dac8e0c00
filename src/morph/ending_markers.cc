#include "morph/ending_markers.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "morph/word_view.h"

namespace hypertok {

WordEnding FindEnding(const std::vector<Morph>& morphs) {
  WordEnding e;
  if (morphs.size() < 2) return e;
  size_t k = morphs.size() - 1;
  if (morphs[k].type == MorphType::kPostfix && k >= 2) --k;
  if (morphs[k].type != MorphType::kEnding) return e;
  e.stem_end = morphs[k].begin;
  e.end = morphs.back().end;
  e.found = true;
  return e;
}

std::vector<EndingMarker> ExtractEndings(
    const MorphemeSplitter& splitter,
    const std::vector<std::pair<std::string, uint64_t>>& word_counts, uint64_t min_stems) {
  // stem → endings seen after it; ending → occurrences.
  std::unordered_map<std::string, std::set<std::string>> by_stem;
  std::map<std::string, uint64_t> counts;
  for (const auto& [word, count] : word_counts) {
    WordEnding e = FindEnding(splitter.Split(word));
    if (!e.found) continue;
    std::string stem = ToUtf8(WordView::Of(std::string_view(word).substr(0, e.stem_end)).folded);
    std::string ending =
        ToUtf8(WordView::Of(std::string_view(word).substr(e.stem_end, e.end - e.stem_end)).folded);
    by_stem[stem].insert(ending);
    counts[ending] += count;
  }
  std::map<std::string, uint64_t> stems;
  for (const auto& [stem, endings] : by_stem)
    if (endings.size() >= 2)
      for (const auto& e : endings) ++stems[e];
  std::vector<EndingMarker> out;
  for (const auto& [ending, n] : stems)
    if (n >= min_stems) out.push_back({ending, n, counts[ending]});
  std::sort(out.begin(), out.end(), [](const EndingMarker& a, const EndingMarker& b) {
    return a.stems != b.stems ? a.stems > b.stems : a.text < b.text;
  });
  return out;
}

}  // namespace hypertok
