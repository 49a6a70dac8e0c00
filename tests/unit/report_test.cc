#include <gtest/gtest.h>

#include "report/html_report.h"
#include "report/model_shape.h"

namespace hypertok {
namespace {

TEST(ModelShapeTest, PresetsOverridesAndErrors) {
  auto s = ParseModelShape("llama3-8b");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->layers, 32u);
  EXPECT_EQ(s->kv_heads, 8u);
  auto o = ParseModelShape("llama3-8b,context=2048");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->context, 2048u);
  EXPECT_EQ(o->name, "llama3-8b+");
  auto c = ParseModelShape("layers=2,d_model=64,heads=4,kv_heads=2,context=16");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->d_ff, 256u);  // 4 × d_model by default
  for (const char* bad : {"nope", "layers=x", "d_model=100,heads=3", "heads=8,kv_heads=3",
                          "layers=0", "colour=blue", "layers=2,llama3-8b"}) {
    EXPECT_FALSE(ParseModelShape(bad).ok()) << bad;
  }
}

TEST(ModelShapeTest, EstimatesFollowTheDocumentedFormulas) {
  ModelShape m =
      *ParseModelShape("layers=2,d_model=8,heads=2,kv_heads=1,context=4,d_ff=16,gated=0");
  // 10 tokens: windows of 4, 4, 2.
  ComputeEstimate e = EstimateCompute(m, 10, 40, 100);
  EXPECT_EQ(e.windows, 3u);
  const double d = 8, k = 4, L = 2;
  const double per_layer = 2 * d * d + 2 * d * k + 2 * d * 16;
  EXPECT_DOUBLE_EQ(e.linear_flops, 2.0 * 10 * (L * per_layer + d * 100));
  EXPECT_DOUBLE_EQ(e.attention_flops, L * (2 * 2 * d * 4 * 5 + 2 * d * 2 * 3));
  EXPECT_DOUBLE_EQ(e.forward_flops, e.linear_flops + e.attention_flops);
  EXPECT_DOUBLE_EQ(e.kv_bytes_per_token, 2 * L * k * 2);
  EXPECT_DOUBLE_EQ(e.kv_bytes, 10 * e.kv_bytes_per_token);
  EXPECT_DOUBLE_EQ(e.text_bytes_per_window, 16);
  // Fewer tokens for the same text: every cost falls.
  ComputeEstimate fewer = EstimateCompute(m, 5, 40, 100);
  EXPECT_LT(fewer.forward_flops, e.forward_flops);
  EXPECT_LT(fewer.kv_bytes, e.kv_bytes);
  EXPECT_GT(fewer.text_bytes_per_window, e.text_bytes_per_window);
}

TEST(HtmlReportTest, SelfContainedWithEveryPart) {
  ReportData d;
  d.codebook_id = "0123456789abcdef";
  d.vocab_size = 32000;
  d.references = {{"cl100k_base", 100256}};
  ReportCounts a{"a <b>.txt", 1000, 900, 150, 3, {{"bytes+words", 400}, {"hypertokens", 200}},
                 {300}};
  ReportCounts b{"b.txt", 500, 500, 80, 2, {{"bytes+words", 200}, {"hypertokens", 100}}, {90}};
  d.inputs = {a, b};
  d.total = {"total", 1500, 1400, 230, 5, {{"bytes+words", 600}, {"hypertokens", 300}}, {390}};
  d.shape = *ParseModelShape("gpt2");
  const std::string html = RenderHtmlReport(d);
  for (const char* part : {"<!DOCTYPE html>", "Stage waterfall", "Against reference tokenizers",
                           "Bytes per token, per input", "What it means for a model", "cl100k_base",
                           "a &lt;b&gt;.txt", "</html>"}) {
    EXPECT_NE(html.find(part), std::string::npos) << part;
  }
  EXPECT_EQ(html.find("a <b>.txt"), std::string::npos);  // names are escaped
  EXPECT_EQ(html.find("http"), std::string::npos);       // nothing from the network
}

}  // namespace
}  // namespace hypertok
