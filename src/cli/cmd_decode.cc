// hypertok decode: token stream → the original bytes. Needs only the codebook.
#include <spdlog/spdlog.h>

#include "cli/cli_util.h"
#include "cli/output.h"
#include "hypertok/stream.h"
#include "hypertok/text_formats.h"

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
  HT_ASSIGN_OR_RETURN(Codebook cb, Codebook::Load(f.model));
  Decoder decoder(cb);
  HT_ASSIGN_OR_RETURN(FileSource src, FileSource::Open(f.input));
  HT_ASSIGN_OR_RETURN(auto out, Output::Open({f.output, f.to_stdout, f.force, false}));
  if (f.format == "hts") {
    HT_ASSIGN_OR_RETURN(StreamTotals totals, DecodeStream(decoder, &src, out->sink()));
    spdlog::info("{} tokens → {} bytes in {} scenes", totals.tokens, totals.bytes,
                 totals.scenes);
  } else {
    HT_ASSIGN_OR_RETURN(uint64_t n, DecodeIdsText(decoder, &src, out->sink()));
    spdlog::info("{} tokens decoded", n);
  }
  return out->Commit();
}

}  // namespace

Command AddDecodeCommand(CLI::App& app) {
  auto f = std::make_shared<DecodeFlags>();
  CLI::App* sub = app.add_subcommand("decode", "Decode hypertokens back to the original bytes");
  sub->add_option("-m,--model", f->model, "Codebook file")->required();
  sub->add_option("input", f->input, "Stream to decode ('-' or none: standard input)");
  AddOutputOptions(sub, &f->output, &f->to_stdout);
  sub->add_option("--format", f->format, "hts (binary stream) or ids")
      ->check(CLI::IsMember({"hts", "ids"}))
      ->capture_default_str();
  sub->add_flag("-f,--force", f->force, "Overwrite an existing output file");
  return {sub, [f] { return RunDecode(*f); }};
}

}  // namespace hypertok::cli
