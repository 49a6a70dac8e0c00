#include "fuzz/fuzz_common.h"

namespace hypertok::fuzz {

const Codebook& FixedCodebook() {
  static const Codebook cb = [] {
    std::vector<Piece> pieces = Codebook::BytePieces();
    for (const char* p : {"the", " the", " of", " of the", "\xD0\xB8", " \xD0\xB8", "ing",
                          "\n\n", ", ", " and", "tion", "\xE4\xB8\xAD"})
      pieces.push_back({p, PieceKind::kNormal});
    pieces.push_back({"<|endoftext|>", PieceKind::kSpecial});
    auto made = Codebook::Create(std::move(pieces), SceneMode::kParagraph, {});
    if (!made.ok()) std::abort();
    return std::move(made).value();
  }();
  return cb;
}

}  // namespace hypertok::fuzz
