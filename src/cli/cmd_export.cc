// hypertok export: the codebook in another tokenizer's model format
// (src/export/sentencepiece_export.h).
#include <spdlog/spdlog.h>

#include "cli/cli_util.h"
#include "cli/output.h"
#include "export/sentencepiece_export.h"

namespace hypertok::cli {

namespace {

struct ExportFlags {
  std::string model;
  std::string format = "sentencepiece";
  std::string output;
  bool force = false;
};

Status RunExport(const ExportFlags& f) {
  HT_ASSIGN_OR_RETURN(Codebook cb, Codebook::Load(f.model));
  HT_ASSIGN_OR_RETURN(auto out, Output::Open({f.output, false, f.force, true}));
  HT_ASSIGN_OR_RETURN(SentencePieceExport e, ExportSentencePiece(cb));
  if (e.renamed)
    spdlog::warn("{} piece(s) share a spelling with an earlier id; exported as unused", e.renamed);
  HT_RETURN_IF_ERROR(out->sink()->Write(e.model));
  HT_RETURN_IF_ERROR(out->Commit());
  spdlog::info("wrote {}: sentencepiece unigram model, {} pieces (ids as in the codebook) + <unk>",
               f.output, cb.size());
  return OkStatus();
}

}  // namespace

Command AddExportCommand(CLI::App& app) {
  auto f = std::make_shared<ExportFlags>();
  CLI::App* sub =
      app.add_subcommand("export", "Write the codebook as another tokenizer's model file");
  sub->add_option("-m,--model", f->model, "Codebook file")->required();
  sub->add_option("--format", f->format,
                  "sentencepiece: a .model the sentencepiece library loads, with the same ids")
      ->check(CLI::IsMember({"sentencepiece"}))
      ->capture_default_str();
  sub->add_option("-o,--output", f->output, "File to write")->required();
  sub->add_flag("-f,--force", f->force, "Overwrite an existing output file");
  return {sub, [f] { return RunExport(*f); }};
}

}  // namespace hypertok::cli
