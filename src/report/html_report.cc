#include "report/html_report.h"

#include <fmt/core.h>

#include <algorithm>

namespace hypertok {

namespace {

std::string Esc(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

double Per(uint64_t a, uint64_t b) { return b ? double(a) / double(b) : 0.0; }

std::string Num(uint64_t n) {
  std::string s = std::to_string(n), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out;
}

std::string Si(double v, const char* unit) {
  const char* prefixes[] = {"", "k", "M", "G", "T", "P", "E", "Z"};
  int p = 0;
  while (v >= 1000 && p < 7) v /= 1000, ++p;
  return fmt::format("{:.3g} {}{}", v, prefixes[p], unit);
}

const char* kColors[] = {"#4c78a8", "#f58518", "#54a24b", "#e45756",
                         "#72b7b2", "#b279a2", "#ff9da6", "#9d755d"};

// Horizontal bars: label, value, text shown at the bar's end.
struct Bar {
  std::string label;
  double value;
  std::string text;
  std::string color;
};

std::string BarChart(const std::vector<Bar>& bars, const std::string& title) {
  const int label_w = 230, bar_w = 480, row = 26, top = 30;
  const int h = top + row * static_cast<int>(bars.size()) + 10;
  double max = 0;
  for (const Bar& b : bars) max = std::max(max, b.value);
  std::string s =
      fmt::format(R"(<svg class="chart" role="img" width="{}" height="{}" viewBox="0 0 {} {}">)"
                  R"(<title>{}</title><text x="0" y="18" class="t">{}</text>)",
                  label_w + bar_w + 160, h, label_w + bar_w + 160, h, Esc(title), Esc(title));
  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    const int y = top + row * static_cast<int>(i);
    const double w = max > 0 ? b.value / max * bar_w : 0;
    s += fmt::format(
        R"(<text x="{}" y="{}" text-anchor="end">{}</text>)"
        R"(<rect x="{}" y="{}" width="{:.1f}" height="{}" fill="{}"><title>{}: {}</title></rect>)"
        R"(<text x="{:.1f}" y="{}">{}</text>)",
        label_w - 8, y + 17, Esc(b.label), label_w, y + 4, std::max(w, 1.0), row - 8, b.color,
        Esc(b.label), Esc(b.text), label_w + w + 6, y + 17, Esc(b.text));
  }
  return s + "</svg>\n";
}

// Grouped bars: one group per input, one bar per series (bytes per token).
std::string GroupedChart(const std::vector<std::string>& groups,
                         const std::vector<std::string>& series,
                         const std::vector<std::vector<double>>& values,  // [group][series]
                         const std::string& title) {
  const int label_w = 260, bar_w = 420, bar_h = 14, gap = 10, top = 30;
  const int group_h = bar_h * static_cast<int>(series.size()) + gap;
  const int legend_h = 20 * static_cast<int>(series.size());
  const int h = top + group_h * static_cast<int>(groups.size()) + legend_h + 10;
  double max = 0;
  for (const auto& g : values)
    for (double v : g) max = std::max(max, v);
  std::string s =
      fmt::format(R"(<svg class="chart" role="img" width="{}" height="{}" viewBox="0 0 {} {}">)"
                  R"(<title>{}</title><text x="0" y="18" class="t">{}</text>)",
                  label_w + bar_w + 90, h, label_w + bar_w + 90, h, Esc(title), Esc(title));
  for (size_t g = 0; g < groups.size(); ++g) {
    const int y0 = top + group_h * static_cast<int>(g);
    std::string name = groups[g];
    if (name.size() > 38) name = "…" + name.substr(name.size() - 36);
    s += fmt::format(R"(<text x="{}" y="{}" text-anchor="end">{}</text>)", label_w - 8,
                     y0 + group_h / 2 + 2, Esc(name));
    for (size_t k = 0; k < series.size(); ++k) {
      const double v = values[g][k];
      const double w = max > 0 ? v / max * bar_w : 0;
      const int y = y0 + bar_h * static_cast<int>(k);
      s += fmt::format(
          R"(<rect x="{}" y="{}" width="{:.1f}" height="{}" fill="{}"><title>{} · {}: {:.3f}</title></rect>)"
          R"(<text x="{:.1f}" y="{}" class="s">{:.2f}</text>)",
          label_w, y, std::max(w, 1.0), bar_h - 2, kColors[k % 8], Esc(groups[g]), Esc(series[k]),
          v, label_w + w + 4, y + bar_h - 3, v);
    }
  }
  const int ly = top + group_h * static_cast<int>(groups.size()) + 4;
  for (size_t k = 0; k < series.size(); ++k) {
    s += fmt::format(R"(<rect x="{}" y="{}" width="12" height="12" fill="{}"/>)"
                     R"(<text x="{}" y="{}">{}</text>)",
                     label_w, ly + 20 * static_cast<int>(k), kColors[k % 8], label_w + 18,
                     ly + 20 * static_cast<int>(k) + 11, Esc(series[k]));
  }
  return s + "</svg>\n";
}

}  // namespace

std::string RenderHtmlReport(const ReportData& d) {
  const ReportCounts& t = d.total;
  const uint64_t final_tokens = t.stages.empty() ? 0 : t.stages.back().second;
  std::string h;
  h += R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hypertok report</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:980px;color:#222;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0}td,th{padding:3px 10px;text-align:right;border-bottom:1px solid #eee}
th{background:#f6f6f6}td:first-child,th:first-child{text-align:left}
.chart text{font:12px system-ui,sans-serif;fill:#222}.chart .t{font-weight:600;font-size:13px}.chart .s{font-size:10px}
.note{color:#666;font-size:12px}code{background:#f3f3f3;padding:1px 4px}
</style></head><body>
)";
  h += fmt::format(
      "<h1>hypertok report</h1>\n<p class=\"note\">codebook <code>{}</code>, {} entries · {} "
      "input(s), {} bytes, {} characters, {} words</p>\n",
      Esc(d.codebook_id), Num(d.vocab_size), d.inputs.size(), Num(t.bytes), Num(t.chars),
      Num(t.words));
  if (!d.command.empty())
    h += fmt::format("<p class=\"note\">made with <code>{}</code></p>\n", Esc(d.command));

  // Summary table: hypertok and every reference.
  h += "<h2>Tokens</h2>\n<table><tr><th>tokenizer</th><th>vocabulary</th><th>tokens</th>"
       "<th>bytes/token</th><th>tokens/word</th><th>hypertok ÷ this</th></tr>\n";
  h += fmt::format(
      "<tr><td>hypertok</td><td>{}</td><td>{}</td><td>{:.3f}</td><td>{:.3f}</td><td>1.000</td></"
      "tr>\n",
      Num(d.vocab_size), Num(final_tokens), Per(t.bytes, final_tokens), Per(final_tokens, t.words));
  for (size_t r = 0; r < d.references.size(); ++r) {
    const uint64_t n = t.reference_tokens[r];
    h += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.3f}</td><td>{:.3f}</td><td>{:.3f}</td></tr>\n",
        Esc(d.references[r].first), Num(d.references[r].second), Num(n), Per(t.bytes, n),
        Per(n, t.words), Per(final_tokens, n));
  }
  h += "</table>\n";

  // Waterfall.
  std::vector<Bar> bars;
  bars.push_back({"bytes", double(t.bytes), Num(t.bytes), "#bbb"});
  bars.push_back({"characters", double(t.chars), Num(t.chars), "#bbb"});
  bars.push_back({"words", double(t.words), Num(t.words), "#bbb"});
  uint64_t prev = 0;
  for (size_t i = 0; i < t.stages.size(); ++i) {
    const auto& [name, n] = t.stages[i];
    std::string text = fmt::format("{} ({:.2f} B/tok)", Num(n), Per(t.bytes, n));
    if (prev) text += fmt::format(" {:+.1f}%", 100.0 * (double(n) / double(prev) - 1));
    prev = n;
    bars.push_back(
        {"tokens: " + name, double(n), text, i + 1 == t.stages.size() ? "#4c78a8" : "#9ecae9"});
  }
  h += "<h2>Stage waterfall</h2>\n<p class=\"note\">Tokens of the whole text as each stage "
       "of the pipeline is added (the codebook restricted to the pieces of the stages so "
       "far; see docs/TRAINING.md).</p>\n";
  h += BarChart(bars, "bytes → words → tokens, stage by stage");

  // Comparison.
  if (!d.references.empty()) {
    std::vector<Bar> cmp;
    cmp.push_back({"hypertok", double(final_tokens),
                   fmt::format("{} ({:.2f} B/tok)", Num(final_tokens), Per(t.bytes, final_tokens)),
                   kColors[0]});
    for (size_t r = 0; r < d.references.size(); ++r) {
      const uint64_t n = t.reference_tokens[r];
      cmp.push_back({d.references[r].first, double(n),
                     fmt::format("{} ({:.2f} B/tok)", Num(n), Per(t.bytes, n)),
                     kColors[(r + 1) % 8]});
    }
    h += "<h2>Against reference tokenizers</h2>\n";
    h += BarChart(cmp, "tokens for the same text (fewer is better)");
  }

  // Per input.
  if (d.inputs.size() > 1) {
    std::vector<std::string> groups, series = {"hypertok"};
    for (const auto& r : d.references) series.push_back(r.first);
    std::vector<std::vector<double>> values;
    for (const ReportCounts& in : d.inputs) {
      groups.push_back(in.name);
      std::vector<double> v = {Per(in.bytes, in.stages.empty() ? 0 : in.stages.back().second)};
      for (uint64_t n : in.reference_tokens) v.push_back(Per(in.bytes, n));
      values.push_back(std::move(v));
    }
    h += "<h2>Bytes per token, per input</h2>\n";
    h += GroupedChart(groups, series, values, "bytes per token (more is better)");
    h += "<table><tr><th>input</th><th>bytes</th><th>hypertok tokens</th>";
    for (const auto& r : d.references) h += "<th>" + Esc(r.first) + "</th>";
    h += "</tr>\n";
    for (const ReportCounts& in : d.inputs) {
      h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td>", Esc(in.name), Num(in.bytes),
                       Num(in.stages.empty() ? 0 : in.stages.back().second));
      for (uint64_t n : in.reference_tokens) h += "<td>" + Num(n) + "</td>";
      h += "</tr>\n";
    }
    h += "</table>\n";
  }

  // Compute.
  if (d.shape) {
    const ModelShape& m = *d.shape;
    h += fmt::format(
        "<h2>What it means for a model</h2>\n<p class=\"note\">Model shape <code>{}</code>: "
        "layers={}, d_model={}, heads={}, kv_heads={}, context={}, d_ff={}, {} MLP, {} bytes "
        "per cached value. Forward pass over the whole text packed into context windows; "
        "formulas in docs/REPORT.md.</p>\n",
        Esc(m.name), m.layers, m.d_model, m.heads, m.kv_heads, m.context, m.d_ff,
        m.gated ? "gated" : "plain", m.value_bytes);
    h += "<table><tr><th>tokenizer</th><th>tokens</th><th>forward FLOPs</th><th>attention "
         "FLOPs</th><th>KV cache, all tokens</th><th>text per window</th></tr>\n";
    auto row = [&](const std::string& name, uint64_t tokens, uint64_t vocab) {
      ComputeEstimate e = EstimateCompute(m, tokens, t.bytes, vocab);
      h += fmt::format(
          "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
          Esc(name), Num(tokens), Si(e.forward_flops, "FLOP"), Si(e.attention_flops, "FLOP"),
          Si(e.kv_bytes, "B"), Si(e.text_bytes_per_window, "B"));
    };
    row("hypertok", final_tokens, d.vocab_size);
    for (size_t r = 0; r < d.references.size(); ++r)
      row(d.references[r].first, t.reference_tokens[r], d.references[r].second);
    h += "</table>\n";
  }
  // Marks the page once the browser has laid the charts out (the headless
  // Chromium test reads this attribute back).
  h += R"(<script>
window.addEventListener('load', function () {
  var ok = Array.prototype.every.call(document.querySelectorAll('svg.chart'),
      function (s) { var b = s.getBBox(); return b.width > 0 && b.height > 0; });
  document.body.setAttribute('data-rendered', ok ? 'ok' : 'empty');
});
</script>
</body></html>
)";
  return h;
}

}  // namespace hypertok
