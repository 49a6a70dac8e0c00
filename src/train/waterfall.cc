#include "train/waterfall.h"

#include "codec/pretokenizer.h"
#include "hypertok/trainer.h"

namespace hypertok {

namespace {

struct StageDef {
  const char* name;
  std::vector<PieceOrigin> adds;
};

const std::vector<StageDef>& Stages() {
  static const std::vector<StageDef> kStages = {
      {"bytes+words", {PieceOrigin::kPretoken}},
      {"+morphs", {PieceOrigin::kChar, PieceOrigin::kSubword, PieceOrigin::kMorph}},
      {"+endings", {PieceOrigin::kEnding}},
      {"+hyperbonds", {PieceOrigin::kBond}},
  };
  return kStages;
}

}  // namespace

StatusOr<std::unique_ptr<Waterfall>> Waterfall::Create(const Codebook& codebook) {
  std::unique_ptr<Waterfall> w(new Waterfall());
  std::vector<bool> allowed(kNumPieceOrigins, false);
  for (const StageDef& stage : Stages()) {
    for (PieceOrigin o : stage.adds) allowed[static_cast<int>(o)] = true;
    std::vector<Piece> pieces = Codebook::BytePieces();
    for (size_t id = 256; id < codebook.size(); ++id) {
      const Piece& p = codebook.piece(id);
      if (p.kind == PieceKind::kNormal && allowed[static_cast<int>(p.origin)]) pieces.push_back(p);
    }
    HT_ASSIGN_OR_RETURN(Codebook cb,
                        Codebook::Create(std::move(pieces), codebook.scene_mode(), {}));
    w->codebooks_.push_back(std::make_unique<Codebook>(std::move(cb)));
    HT_ASSIGN_OR_RETURN(Encoder enc, MakeEncoder(*w->codebooks_.back(), /*check=*/false));
    w->encoders_.push_back(std::make_unique<Encoder>(std::move(enc)));
    w->counts_.stages.push_back({stage.name, 0});
  }
  w->counts_.stages.push_back({"hypertokens", 0});
  return w;
}

Status Waterfall::Add(std::span<const uint32_t> ids, std::string_view original, bool scene_end,
                      bool) {
  counts_.bytes += original.size();
  counts_.chars += CountChars(original);
  Pretokenize(original, [&](std::string_view u) {
    UnitClass c = ClassifyUnit(u);
    counts_.words += c == UnitClass::kWord || c == UnitClass::kNumber;
  });
  counts_.scenes += scene_end;
  for (size_t s = 0; s < encoders_.size(); ++s) {
    scratch_.clear();
    encoders_[s]->Encode(original, &scratch_);
    counts_.stages[s].tokens += scratch_.size();
  }
  counts_.stages.back().tokens += ids.size();
  return OkStatus();
}

TextCounts Waterfall::Take() {
  TextCounts out = counts_;
  counts_ = TextCounts();
  for (const StageCount& s : out.stages) counts_.stages.push_back({s.name, 0});
  return out;
}

}  // namespace hypertok
