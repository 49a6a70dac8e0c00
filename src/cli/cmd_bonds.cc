// hypertok bonds: the hyperbonds mined from the inputs, best first, so a user
// can see what multi-word units their corpus has.
#include <fmt/core.h>

#include "cli/cli_util.h"
#include "train/corpus.h"
#include "train/hyperbond_miner.h"

namespace hypertok::cli {

namespace {

struct BondsFlags {
  std::vector<std::string> inputs;
  size_t top = 50;
  int max_words = 3;
  uint64_t min_count = 2;
  int threads = 1;
  bool json = false;
};

Status RunBonds(const BondsFlags& f) {
  Corpus::Options options;
  options.threads = ResolveThreads(f.threads);
  Corpus corpus(options);
  for (const std::string& path : InputsOrStdin(f.inputs)) {
    HT_ASSIGN_OR_RETURN(FileSource src, FileSource::Open(path));
    HT_RETURN_IF_ERROR(corpus.AddSource(&src));
  }
  corpus.Canonicalize();
  std::vector<Bond> bonds =
      MineBonds(corpus, {.max_words = f.max_words, .min_count = f.min_count});
  const size_t shown = std::min(f.top, bonds.size());
  if (f.json) {
    std::string items;
    for (size_t i = 0; i < shown; ++i)
      items += fmt::format(R"({}{{"bond":"{}","count":{},"words":{},"pretokens":{},"savings":{}}})",
                           i ? "," : "", JsonEscape(bonds[i].text), bonds[i].count,
                           bonds[i].words, bonds[i].parts.size(), bonds[i].savings());
    fmt::print(R"({{"bytes":{},"pretokens":{},"bonds":{},"top":[{}]}})"
               "\n",
               corpus.bytes(), corpus.sample().size(), bonds.size(), items);
    return OkStatus();
  }
  fmt::print("{} bonds of 2..{} words (count >= {}) in {} bytes; savings = count x (pre-tokens - 1)\n",
             bonds.size(), f.max_words, f.min_count, corpus.bytes());
  fmt::print("{:>6} {:>10} {:>10} {:>6}  {}\n", "rank", "count", "savings", "words", "bond");
  for (size_t i = 0; i < shown; ++i)
    fmt::print("{:>6} {:>10} {:>10} {:>6}  \"{}\"\n", i + 1, bonds[i].count, bonds[i].savings(),
               bonds[i].words, JsonEscape(bonds[i].text));
  return OkStatus();
}

}  // namespace

Command AddBondsCommand(CLI::App& app) {
  auto f = std::make_shared<BondsFlags>();
  CLI::App* sub = app.add_subcommand("bonds", "Show the hyperbonds (frequent multi-word units) in the inputs");
  sub->add_option("inputs", f->inputs, "Text files ('-' or none: standard input)");
  sub->add_option("--top", f->top, "How many to print")->capture_default_str();
  sub->add_option("--max-bond-words", f->max_words, "Longest bond in words")
      ->check(CLI::Range(2, 8))
      ->capture_default_str();
  sub->add_option("--min-count", f->min_count, "Fewest occurrences")
      ->check(CLI::Range(uint64_t{2}, uint64_t{1} << 40))
      ->capture_default_str();
  AddThreadsOption(sub, &f->threads);
  sub->add_flag("--json", f->json, "Print one JSON object");
  return {sub, [f] { return RunBonds(*f); }};
}

}  // namespace hypertok::cli
