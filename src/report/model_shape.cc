#include "report/model_shape.h"

#include <charconv>
#include <map>

namespace hypertok {

namespace {

const std::map<std::string, ModelShape>& Presets() {
  // Published shapes; context is each model's training context.
  static const std::map<std::string, ModelShape> kPresets = {
      {"gpt2", {"gpt2", 12, 768, 12, 12, 1024, 3072, false, 2}},
      {"gpt2-xl", {"gpt2-xl", 48, 1600, 25, 25, 1024, 6400, false, 2}},
      {"llama2-7b", {"llama2-7b", 32, 4096, 32, 32, 4096, 11008, true, 2}},
      {"llama3-8b", {"llama3-8b", 32, 4096, 32, 8, 8192, 14336, true, 2}},
      {"llama3-70b", {"llama3-70b", 80, 8192, 64, 8, 8192, 28672, true, 2}},
      {"mistral-7b", {"mistral-7b", 32, 4096, 32, 8, 8192, 14336, true, 2}},
  };
  return kPresets;
}

}  // namespace

std::vector<std::string> ModelShapePresets() {
  std::vector<std::string> names;
  for (const auto& [name, shape] : Presets()) names.push_back(name);
  return names;
}

StatusOr<ModelShape> ParseModelShape(const std::string& spec) {
  ModelShape shape;
  shape.name = "custom";
  size_t start = 0;
  bool first = true;
  while (start <= spec.size()) {
    size_t comma = spec.find(',', start);
    if (comma == std::string::npos) comma = spec.size();
    const std::string item = spec.substr(start, comma - start);
    start = comma + 1;
    const size_t eq = item.find('=');
    if (eq == std::string::npos) {
      auto it = Presets().find(item);
      HT_CHECK_OR_RETURN(first && it != Presets().end(), InvalidArgument)
          << "--model-shape: '" << item << "' is not a preset or key=value (presets: " <<
          [] {
            std::string s;
            for (const auto& n : ModelShapePresets()) s += (s.empty() ? "" : ", ") + n;
            return s;
          }()
          << ")";
      shape = it->second;
      first = false;
      continue;
    }
    first = false;
    const std::string key = item.substr(0, eq);
    const std::string value = item.substr(eq + 1);
    uint64_t v = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    HT_CHECK_OR_RETURN(ec == std::errc() && p == value.data() + value.size() && !value.empty(),
                       InvalidArgument)
        << "--model-shape: " << key << "=" << value << " is not a whole number";
    if (key == "layers")
      shape.layers = v;
    else if (key == "d_model")
      shape.d_model = v;
    else if (key == "heads")
      shape.heads = v;
    else if (key == "kv_heads")
      shape.kv_heads = v;
    else if (key == "context")
      shape.context = v;
    else if (key == "d_ff")
      shape.d_ff = v;
    else if (key == "gated")
      shape.gated = v != 0;
    else if (key == "value_bytes")
      shape.value_bytes = v;
    else
      return InvalidArgumentError("--model-shape: unknown key '" + key +
                                  "' (layers, d_model, heads, kv_heads, context, d_ff, gated, "
                                  "value_bytes)");
    if (shape.name != "custom" && shape.name.find('+') == std::string::npos) shape.name += "+";
  }
  HT_CHECK_OR_RETURN(shape.layers > 0 && shape.d_model > 0 && shape.heads > 0 &&
                         shape.kv_heads > 0 && shape.context > 0 && shape.value_bytes > 0,
                     InvalidArgument)
      << "--model-shape: layers, d_model, heads, kv_heads, context and value_bytes must be > 0";
  HT_CHECK_OR_RETURN(shape.d_model % shape.heads == 0 && shape.heads % shape.kv_heads == 0,
                     InvalidArgument)
      << "--model-shape: d_model must divide by heads, and heads by kv_heads";
  HT_CHECK_OR_RETURN(
      shape.layers <= 1000 && shape.d_model <= (1u << 20) && shape.context <= (uint64_t{1} << 32),
      InvalidArgument)
      << "--model-shape: implausibly large";
  if (shape.d_ff == 0) shape.d_ff = 4 * shape.d_model;
  return shape;
}

ComputeEstimate EstimateCompute(const ModelShape& m, uint64_t tokens, uint64_t bytes,
                                uint64_t vocab_size) {
  ComputeEstimate e;
  e.tokens = tokens;
  const double d = static_cast<double>(m.d_model);
  const double head_dim = d / static_cast<double>(m.heads);
  const double kv_width = head_dim * static_cast<double>(m.kv_heads);
  const double layers = static_cast<double>(m.layers);
  // Weights one token passes through: Q and O (d×d each), K and V (d×kv_width
  // each), the MLP (2 or 3 matrices of d×d_ff); then the unembedding d×vocab.
  const double per_layer =
      2 * d * d + 2 * d * kv_width + (m.gated ? 3.0 : 2.0) * d * static_cast<double>(m.d_ff);
  e.linear_flops = 2.0 * static_cast<double>(tokens) *
                   (layers * per_layer + d * static_cast<double>(vocab_size));
  // Causal attention over n tokens: position i attends to i positions, 2·d
  // FLOPs for the scores and 2·d for the weighted sum per layer → 2·d·n(n+1)
  // per layer. Tokens are packed into windows of `context`.
  const uint64_t full = tokens / m.context, rest = tokens % m.context;
  auto window = [&](double n) { return 2.0 * d * n * (n + 1) * layers; };
  e.windows = full + (rest ? 1 : 0);
  e.attention_flops = static_cast<double>(full) * window(static_cast<double>(m.context)) +
                      window(static_cast<double>(rest));
  e.forward_flops = e.linear_flops + e.attention_flops;
  e.kv_bytes_per_token = 2.0 * layers * kv_width * static_cast<double>(m.value_bytes);
  e.kv_bytes = e.kv_bytes_per_token * static_cast<double>(tokens);
  e.text_bytes_per_window = tokens ? static_cast<double>(bytes) / static_cast<double>(tokens) *
                                         static_cast<double>(m.context)
                                   : 0;
  return e;
}

}  // namespace hypertok
