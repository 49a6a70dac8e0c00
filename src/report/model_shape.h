// What a token count means for a transformer trained on the text: forward
// FLOPs, attention FLOPs and KV-cache bytes under a model shape, for
// `hypertok stats --model-shape`. Formulas and their assumptions:
// docs/REPORT.md ("Model shape").
#ifndef HYPERTOK_REPORT_MODEL_SHAPE_H_
#define HYPERTOK_REPORT_MODEL_SHAPE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "hypertok/status.h"

namespace hypertok {

struct ModelShape {
  std::string name;  // preset name or "custom"
  uint64_t layers = 32;
  uint64_t d_model = 4096;
  uint64_t heads = 32;
  uint64_t kv_heads = 8;
  uint64_t context = 4096;
  uint64_t d_ff = 0;         // 0 = 4 × d_model
  bool gated = true;         // SwiGLU-style MLP (3 matrices) or a plain one (2)
  uint64_t value_bytes = 2;  // bytes per cached K or V value (2 = fp16/bf16)
};

// "PRESET", "key=value,..." or "PRESET,key=value,..." (keys: layers,
// d_model, heads, kv_heads, context, d_ff, gated, value_bytes).
StatusOr<ModelShape> ParseModelShape(const std::string& spec);
// The preset names, for help and errors.
std::vector<std::string> ModelShapePresets();

struct ComputeEstimate {
  uint64_t tokens = 0;
  uint64_t windows = 0;        // context-length windows the tokens fill
  double linear_flops = 0;     // weights and unembedding (vocab-dependent)
  double attention_flops = 0;  // scores and weighted sums, causal, in windows
  double forward_flops = 0;    // linear + attention
  double kv_bytes_per_token = 0;
  double kv_bytes = 0;               // KV cache holding every token once
  double text_bytes_per_window = 0;  // how much text one context window sees
};

// Estimate for `tokens` tokens of `bytes` bytes of text, under a tokenizer
// with `vocab_size` entries.
ComputeEstimate EstimateCompute(const ModelShape& shape, uint64_t tokens, uint64_t bytes,
                                uint64_t vocab_size);

}  // namespace hypertok

#endif  // HYPERTOK_REPORT_MODEL_SHAPE_H_
