// hypertok stats: bytes, characters, words and tokens for the inputs, with
// the per-stage waterfall (src/train/waterfall.h), reference tokenizers
// (src/report/reference_tokenizer.h), compute estimates for a model shape
// (src/report/model_shape.h) and an HTML report (src/report/html_report.h).
#include <fmt/core.h>

#include "cli/cli_util.h"
#include "cli/output.h"
#include "common/hash.h"
#include "hypertok/pipeline.h"
#include "report/html_report.h"
#include "report/model_shape.h"
#include "report/reference_tokenizer.h"
#include "train/waterfall.h"

namespace hypertok::cli {

namespace {

struct StatsFlags {
  std::string model;
  std::vector<std::string> inputs;
  std::string scene;
  int threads = 1;
  bool json = false;
  std::vector<std::string> references;
  std::string html;
  std::string model_shape;
  bool force = false;
};

double Ratio(uint64_t a, uint64_t b) { return b ? double(a) / double(b) : 0.0; }

// Passes everything to the waterfall and the text, in order, to one counter
// per reference tokenizer; at the end of each input, hands its counts to
// `ended`.
class StatsSink : public TokenSink {
 public:
  using InputEnded = std::function<void(const std::string& name, TextCounts counts,
                                        std::vector<uint64_t> reference_tokens)>;
  StatsSink(Waterfall* waterfall, const std::vector<std::unique_ptr<ReferenceTokenizer>>* refs,
            InputSequence* inputs, InputEnded ended)
      : waterfall_(waterfall), refs_(refs), inputs_(inputs), ended_(std::move(ended)) {
    // (Before any text: every stage at 0, the counts of an empty input.)
    no_text_ = waterfall_->Take();
    counters_ = NewCounters();
  }
  Status Add(std::span<const uint32_t> ids, std::string_view original, bool scene_end,
             bool document_end) override {
    for (auto& c : counters_) c->Add(original);
    HT_RETURN_IF_ERROR(waterfall_->Add(ids, original, scene_end, document_end));
    if (document_end)
      inputs_->EndDocument([this](const std::string& name, bool empty) { Ended(name, empty); });
    return OkStatus();
  }
  Status Finish() override { return OkStatus(); }
  // Reports an input that ended; after the current one, starts the next.
  void Ended(const std::string& name, bool empty) {
    std::vector<std::unique_ptr<TokenCounter>> fresh = NewCounters();
    if (!empty) std::swap(fresh, counters_);  // fresh: the ended input's counters
    std::vector<uint64_t> ref_tokens;
    for (auto& c : fresh) ref_tokens.push_back(c->Finish());
    ended_(name, empty ? no_text_ : waterfall_->Take(), std::move(ref_tokens));
  }

 private:
  std::vector<std::unique_ptr<TokenCounter>> NewCounters() const {
    std::vector<std::unique_ptr<TokenCounter>> counters;
    for (const auto& ref : *refs_) counters.push_back(ref->NewCounter());
    return counters;
  }

  Waterfall* waterfall_;
  const std::vector<std::unique_ptr<ReferenceTokenizer>>* refs_;
  InputSequence* inputs_;
  InputEnded ended_;
  TextCounts no_text_;
  std::vector<std::unique_ptr<TokenCounter>> counters_;  // the current input's
};

ReportCounts ToReport(const std::string& name, const TextCounts& c,
                      std::vector<uint64_t> reference_tokens) {
  ReportCounts r{name, c.bytes, c.chars, c.words, c.scenes, {}, std::move(reference_tokens)};
  for (const StageCount& s : c.stages) r.stages.emplace_back(s.name, s.tokens);
  return r;
}

void Accumulate(const ReportCounts& c, ReportCounts* total) {
  total->bytes += c.bytes;
  total->chars += c.chars;
  total->words += c.words;
  total->scenes += c.scenes;
  if (total->stages.empty()) {
    total->stages = c.stages;
    total->reference_tokens = c.reference_tokens;
    return;
  }
  for (size_t s = 0; s < c.stages.size(); ++s) total->stages[s].second += c.stages[s].second;
  for (size_t r = 0; r < c.reference_tokens.size(); ++r)
    total->reference_tokens[r] += c.reference_tokens[r];
}

std::string JsonCompute(const ModelShape& m, uint64_t tokens, uint64_t bytes, uint64_t vocab) {
  const ComputeEstimate e = EstimateCompute(m, tokens, bytes, vocab);
  return fmt::format(
      R"({{"windows":{},"forward_flops":{:.6e},"attention_flops":{:.6e},"linear_flops":{:.6e},)"
      R"("kv_bytes_per_token":{:.0f},"kv_bytes":{:.6e},"text_bytes_per_window":{:.1f}}})",
      e.windows, e.forward_flops, e.attention_flops, e.linear_flops, e.kv_bytes_per_token,
      e.kv_bytes, e.text_bytes_per_window);
}

std::string JsonCounts(const ReportCounts& c, const ReportData& d) {
  const uint64_t tokens = c.stages.back().second;
  std::string stages;
  for (const auto& [name, n] : c.stages)
    stages += fmt::format(
        R"({}{{"stage":"{}","tokens":{},"bytes_per_token":{:.4f},"tokens_per_word":{:.4f}}})",
        stages.empty() ? "" : ",", name, n, Ratio(c.bytes, n), Ratio(n, c.words));
  std::string refs;
  for (size_t r = 0; r < d.references.size(); ++r) {
    const uint64_t n = c.reference_tokens[r];
    refs += fmt::format(
        R"({}{{"name":"{}","vocab_size":{},"tokens":{},"bytes_per_token":{:.4f},)"
        R"("hypertok_ratio":{:.4f}{}}})",
        refs.empty() ? "" : ",", JsonEscape(d.references[r].first), d.references[r].second, n,
        Ratio(c.bytes, n), Ratio(tokens, n),
        d.shape ? ",\"compute\":" + JsonCompute(*d.shape, n, c.bytes, d.references[r].second) : "");
  }
  return fmt::format(
      R"("bytes":{},"chars":{},"words":{},"tokens":{},"scenes":{},"bytes_per_token":{:.4f},)"
      R"("tokens_per_word":{:.4f},"stages":[{}]{}{})",
      c.bytes, c.chars, c.words, tokens, c.scenes, Ratio(c.bytes, tokens), Ratio(tokens, c.words),
      stages, d.references.empty() ? "" : ",\"references\":[" + refs + "]",
      d.shape ? ",\"compute\":" + JsonCompute(*d.shape, tokens, c.bytes, d.vocab_size) : "");
}

void PrintTable(const ReportCounts& c, const ReportData& d) {
  fmt::print("{}: {} bytes, {} characters, {} words, {} scenes\n", c.name, c.bytes, c.chars,
             c.words, c.scenes);
  fmt::print("  {:<22} {:>12} {:>12} {:>12} {:>9}\n", "stage", "tokens", "bytes/token",
             "tokens/word", "change");
  uint64_t prev = 0;
  for (const auto& [name, n] : c.stages) {
    std::string change =
        prev ? fmt::format("{:+.1f}%", 100.0 * (double(n) / prev - 1)) : std::string("");
    fmt::print("  {:<22} {:>12} {:>12.3f} {:>12.3f} {:>9}\n", name, n, Ratio(c.bytes, n),
               Ratio(n, c.words), change);
    prev = n;
  }
  const uint64_t tokens = c.stages.back().second;
  for (size_t r = 0; r < d.references.size(); ++r) {
    const uint64_t n = c.reference_tokens[r];
    fmt::print("  {:<22} {:>12} {:>12.3f} {:>12.3f} {:>9}\n", d.references[r].first, n,
               Ratio(c.bytes, n), Ratio(n, c.words), fmt::format("×{:.3f}", Ratio(tokens, n)));
  }
  if (d.shape) {
    auto line = [&](const std::string& name, uint64_t n, uint64_t vocab) {
      const ComputeEstimate e = EstimateCompute(*d.shape, n, c.bytes, vocab);
      fmt::print("  {:<22} {:>12.4g} {:>12.4g} {:>12.4g} {:>12.0f}\n", name, e.forward_flops,
                 e.attention_flops, e.kv_bytes, e.text_bytes_per_window);
    };
    fmt::print("  {:<22} {:>12} {:>12} {:>12} {:>12}\n", "model " + d.shape->name, "fwd FLOPs",
               "attn FLOPs", "KV bytes", "bytes/window");
    line("hypertok", tokens, d.vocab_size);
    for (size_t r = 0; r < d.references.size(); ++r)
      line(d.references[r].first, c.reference_tokens[r], d.references[r].second);
  }
}

Status RunStats(const StatsFlags& f) {
  HT_ASSIGN_OR_RETURN(EncodingModel m, LoadEncodingModel(f.model));
  HT_ASSIGN_OR_RETURN(SceneMode scene, SceneOrDefault(f.scene, m.codebook));
  ReportData data;
  data.codebook_id = Hex64(m.codebook.id());
  data.vocab_size = m.codebook.size();
  if (!f.model_shape.empty()) {
    HT_ASSIGN_OR_RETURN(data.shape, ParseModelShape(f.model_shape));
  }
  std::vector<std::unique_ptr<ReferenceTokenizer>> refs;
  for (const std::string& path : f.references) {
    HT_ASSIGN_OR_RETURN(auto ref, LoadReferenceTokenizer(path));
    data.references.emplace_back(ref->name(), ref->vocab_size());
    refs.push_back(std::move(ref));
  }
  // Open the report first: refusing to overwrite should not cost a run.
  std::unique_ptr<Output> html;
  if (!f.html.empty()) {
    HT_ASSIGN_OR_RETURN(html, Output::Open({f.html, false, f.force, false}));
  }
  HT_ASSIGN_OR_RETURN(auto waterfall, Waterfall::Create(m.codebook));
  // All inputs in one encode (each its own document), so that many small
  // files keep every thread busy; a row per input as it ends.
  InputSequence inputs(InputsOrStdin(f.inputs));
  StatsSink sink(waterfall.get(), &refs, &inputs,
                 [&](const std::string& name, TextCounts counts, std::vector<uint64_t> ref_tokens) {
                   data.inputs.push_back(ToReport(name, counts, std::move(ref_tokens)));
                   Accumulate(data.inputs.back(), &data.total);
                 });
  HT_RETURN_IF_ERROR(
      EncodeSources(m.encoder, inputs.Opener(),
                    {.scene = scene, .threads = ResolveThreads(f.threads), .progress = {}}, &sink));
  inputs.Finish([&](const std::string& name, bool empty) { sink.Ended(name, empty); });
  data.total.name = "total";
  if (html) {
    data.command = "hypertok stats -m " + f.model;
    for (const auto& r : f.references) data.command += " --reference " + r;
    if (!f.model_shape.empty()) data.command += " --model-shape " + f.model_shape;
    data.command += " ...";
    HT_RETURN_IF_ERROR(html->sink()->Write(RenderHtmlReport(data)));
    HT_RETURN_IF_ERROR(html->Commit());
  }
  if (f.json) {
    std::string rows;
    for (const ReportCounts& c : data.inputs)
      rows += fmt::format(R"({}{{"input":"{}",{}}})", rows.empty() ? "" : ",", JsonEscape(c.name),
                          JsonCounts(c, data));
    fmt::print(R"({{{},"vocab_size":{},"codebook_id":"{}","inputs":[{}]}})"
               "\n",
               JsonCounts(data.total, data), data.vocab_size, data.codebook_id, rows);
    return OkStatus();
  }
  if (!html) {
    for (const ReportCounts& c : data.inputs) PrintTable(c, data);
    if (data.inputs.size() > 1) PrintTable(data.total, data);
  }
  return OkStatus();
}

}  // namespace

Command AddStatsCommand(CLI::App& app) {
  auto f = std::make_shared<StatsFlags>();
  CLI::App* sub = app.add_subcommand(
      "stats", "Bytes, words and tokens for the inputs, stage by stage (the waterfall)");
  sub->add_option("-m,--model", f->model, "Codebook file")->required();
  sub->add_option("inputs", f->inputs, "Text files ('-' or none: standard input)");
  AddSceneOption(sub, &f->scene);
  AddThreadsOption(sub, &f->threads);
  sub->add_flag("--json", f->json, "Print one JSON object");
  sub->add_option("--reference", f->references,
                  "Reference tokenizer to count the same text with: a tiktoken rank file "
                  "(cl100k_base.tiktoken, o200k_base.tiktoken) or a sentencepiece .model; "
                  "repeat for several")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->expected(1)
      ->allow_extra_args(false);
  sub->add_option("--html", f->html,
                  "Write a self-contained HTML report (charts as inline SVG) to this file");
  sub->add_option("--model-shape", f->model_shape,
                  "Estimate FLOPs and KV cache for a model: a preset (gpt2, gpt2-xl, "
                  "llama2-7b, llama3-8b, llama3-70b, mistral-7b) and/or "
                  "layers=,d_model=,heads=,kv_heads=,context=,d_ff=,gated=,value_bytes=");
  sub->add_flag("-f,--force", f->force, "Overwrite an existing --html file");
  return {sub, [f] { return RunStats(*f); }};
}

}  // namespace hypertok::cli
