// hypertok inspect: what a codebook or token stream holds.
#include <fmt/core.h>

#include "cli/cli_util.h"
#include "common/hash.h"
#include "hypertok/codebook.h"
#include "hypertok/stream.h"
#include "morph/morpheme_splitter.h"

namespace hypertok::cli {

namespace {

struct InspectFlags {
  std::string path;
  bool json = false;
  size_t pieces = 0;
};

Status InspectCodebook(const InspectFlags& f) {
  HT_ASSIGN_OR_RETURN(Codebook cb, Codebook::Load(f.path));
  size_t kinds[3] = {0, 0, 0};
  for (const Piece& p : cb.pieces()) ++kinds[static_cast<int>(p.kind)];
  const size_t shown = std::min(f.pieces, cb.size());
  if (f.json) {
    std::string meta, sections, pieces;
    for (const auto& [k, v] : cb.metadata())
      meta += fmt::format(R"({}"{}":"{}")", meta.empty() ? "" : ",", JsonEscape(k), JsonEscape(v));
    for (const SectionInfo& s : cb.sections())
      sections += fmt::format(R"({}{{"tag":"{}","required":{},"offset":{},"length":{}}})",
                              sections.empty() ? "" : ",", s.tag, s.required, s.offset, s.length);
    for (size_t id = 0; id < shown; ++id)
      pieces += fmt::format(R"({}"{}")", id ? "," : "", JsonEscape(cb.piece(id).bytes));
    fmt::print(
        R"({{"kind":"codebook","format":"{}.{}","codebook_id":"{}","vocab_size":{},)"
        R"("byte_tokens":{},"normal_pieces":{},"special_tokens":{},"scene":"{}",)"
        R"("morph_align":{},"self_tests":{},"metadata":{{{}}},"sections":[{}],"pieces":[{}]}})"
        "\n",
        Codebook::kFormatMajor, cb.format_minor(), Hex64(cb.id()), cb.size(), kinds[0], kinds[1],
        kinds[2], SceneModeName(cb.scene_mode()), cb.morph_align_penalty(), cb.self_tests().size(),
        meta, sections, pieces);
    return OkStatus();
  }
  fmt::print("codebook      {}\n", f.path);
  fmt::print("format        {}.{}\n", Codebook::kFormatMajor, cb.format_minor());
  fmt::print("codebook id   {}\n", Hex64(cb.id()));
  fmt::print("vocab size    {} ({} bytes, {} pieces, {} special)\n", cb.size(), kinds[0], kinds[1],
             kinds[2]);
  fmt::print("scene         {}\n", SceneModeName(cb.scene_mode()));
  if (cb.morph_aligned())
    fmt::print("morph align   a boundary off the morph model's costs {} token(s)\n",
               cb.morph_align_penalty());
  fmt::print("self-tests    {}\n", cb.self_tests().size());
  for (const auto& [k, v] : cb.metadata()) fmt::print("meta          {} = {}\n", k, v);
  for (const SectionInfo& s : cb.sections())
    fmt::print("section       {} {:>10} bytes at {}{}\n", s.tag, s.length, s.offset,
               s.required ? " (required)" : "");
  for (size_t id = 0; id < shown; ++id)
    fmt::print("piece {:>7}  \"{}\"\n", id, JsonEscape(cb.piece(id).bytes));
  return OkStatus();
}

Status InspectStream(const InspectFlags& f, FileSource* src) {
  HT_ASSIGN_OR_RETURN(StreamSummary s, SummarizeStream(src));
  if (f.json) {
    fmt::print(
        R"({{"kind":"stream","format":"{}.{}","codebook_id":"{}","token_width":{},"zstd":{},)"
        R"("streams":{},"blocks":{},"scenes":{},"documents":{},"tokens":{},"bytes":{},)"
        R"("bytes_per_token":{:.4f}}})"
        "\n",
        s.header.major, s.header.minor, Hex64(s.header.codebook_id), s.header.token_width,
        s.header.zstd, s.streams, s.totals.blocks, s.totals.scenes, s.totals.documents,
        s.totals.tokens, s.totals.bytes,
        s.totals.tokens ? double(s.totals.bytes) / s.totals.tokens : 0.0);
    return OkStatus();
  }
  fmt::print("stream        {}\n", f.path);
  fmt::print("format        {}.{}\n", s.header.major, s.header.minor);
  fmt::print("codebook id   {}\n", Hex64(s.header.codebook_id));
  fmt::print("tokens        {} ({}-byte{})\n", s.totals.tokens, s.header.token_width,
             s.header.zstd ? ", zstd blocks" : "");
  fmt::print("original      {} bytes\n", s.totals.bytes);
  fmt::print("scenes        {} in {} document(s), {} block(s), {} stream(s)\n", s.totals.scenes,
             s.totals.documents, s.totals.blocks, s.streams);
  return OkStatus();
}

Status InspectMorph(const InspectFlags& f) {
  HT_ASSIGN_OR_RETURN(MorphemeSplitter m, MorphemeSplitter::Load(f.path));
  const char* kind = m.supervised() ? "supervised" : "unsupervised";
  if (f.json) {
    fmt::print(R"({{"kind":"morph_model","model":"{}","lang":"{}"}})"
               "\n",
               kind, JsonEscape(m.lang()));
    return OkStatus();
  }
  fmt::print("morph model   {}\n", f.path);
  fmt::print("learned       {}\n", kind);
  fmt::print("lang          {}\n", m.lang().empty() ? "(not given)" : m.lang());
  return OkStatus();
}

Status RunInspect(const InspectFlags& f) {
  HT_ASSIGN_OR_RETURN(FileSource src, FileSource::Open(f.path));
  char head[8];
  HT_ASSIGN_OR_RETURN(size_t got, src.ReadFull(head, sizeof head));
  switch (DetectFileKind(std::string_view(head, got))) {
    case FileKind::kCodebook:
      return InspectCodebook(f);
    case FileKind::kStream: {
      HT_ASSIGN_OR_RETURN(FileSource again, FileSource::Open(f.path));
      return InspectStream(f, &again);
    }
    case FileKind::kMorphModel:
      return InspectMorph(f);
    default:
      return DataLossError(src.name() + ": not a hypertok codebook, token stream or morph model");
  }
}

}  // namespace

Command AddInspectCommand(CLI::App& app) {
  auto f = std::make_shared<InspectFlags>();
  CLI::App* sub =
      app.add_subcommand("inspect", "Describe a codebook, a token stream or a morph model");
  sub->add_option("file", f->path, "Codebook or .hts stream")->required();
  sub->add_flag("--json", f->json, "Print one JSON object");
  sub->add_option("--pieces", f->pieces, "Also list the first N vocabulary entries");
  return {sub, [f] { return RunInspect(*f); }};
}

}  // namespace hypertok::cli
