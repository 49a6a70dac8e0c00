// `hypertok stats --html`: one self-contained HTML page (inline SVG and CSS,
// no network, no external files) with the stage waterfall, the comparison
// with each reference tokenizer, bytes per token per input and, given a
// model shape, what the token counts mean for compute and KV cache.
#ifndef HYPERTOK_REPORT_HTML_REPORT_H_
#define HYPERTOK_REPORT_HTML_REPORT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "report/model_shape.h"

namespace hypertok {

struct ReportCounts {
  std::string name;  // input path, or "total"
  uint64_t bytes = 0;
  uint64_t chars = 0;
  uint64_t words = 0;
  uint64_t scenes = 0;
  std::vector<std::pair<std::string, uint64_t>> stages;  // stage name → tokens; last = final
  std::vector<uint64_t> reference_tokens;                // one per ReportData::references
};

struct ReportData {
  std::string codebook_id;
  uint64_t vocab_size = 0;
  std::vector<std::pair<std::string, uint64_t>> references;  // name, vocabulary size
  std::vector<ReportCounts> inputs;
  ReportCounts total;
  std::optional<ModelShape> shape;
  std::string command;  // how the report was made, shown on the page
};

std::string RenderHtmlReport(const ReportData& data);

}  // namespace hypertok

#endif  // HYPERTOK_REPORT_HTML_REPORT_H_
