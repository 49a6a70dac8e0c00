// hypertok decode: token stream → the original bytes. Needs only the codebook.
#include <spdlog/spdlog.h>

#include "cli/cli_util.h"
#include "cli/output.h"
#include "cli/token_formats.h"

namespace hypertok::cli {

namespace {

struct DecodeFlags {
  std::string model;
  std::string input = "-";
  std::string output;
  bool to_stdout = false;
  std::string format = "hts";
  bool force = false;
};

Status RunDecode(const DecodeFlags& f) {
  HT_ASSIGN_OR_RETURN(Codebook loaded, Codebook::Load(f.model));
  const Codebook& cb = KeepUntilExit(std::move(loaded));
  HT_ASSIGN_OR_RETURN(auto out, Output::Open({f.output, f.to_stdout, f.force, false}));
  HT_ASSIGN_OR_RETURN(DecodedTotals t, DecodeInput(cb, f.format, f.input, out->sink()));
  spdlog::info("{} tokens → {} bytes", t.tokens, t.bytes);
  return out->Commit();
}

}  // namespace

Command AddDecodeCommand(CLI::App& app) {
  auto f = std::make_shared<DecodeFlags>();
  CLI::App* sub = app.add_subcommand("decode", "Decode hypertokens back to the original bytes");
  sub->add_option("-m,--model", f->model, "Codebook file")->required();
  sub->add_option("input", f->input,
                  "Stream to decode ('-' or none: standard input; megatron: PREFIX)");
  AddOutputOptions(sub, &f->output, &f->to_stdout);
  sub->add_option("--format", f->format,
                  "hts (binary stream), ids, bin, npy, llmc, megatron, pua (as encode wrote)")
      ->check(CLI::IsMember(DecodeFormats()))
      ->capture_default_str();
  sub->add_flag("-f,--force", f->force, "Overwrite an existing output file");
  return {sub, [f] { return RunDecode(*f); }};
}

}  // namespace hypertok::cli
