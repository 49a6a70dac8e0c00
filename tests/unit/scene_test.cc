#include "hypertok/scene.h"

#include <gtest/gtest.h>

#include <vector>

namespace hypertok {
namespace {

std::vector<std::string> Split(std::string_view text, SceneMode mode) {
  std::vector<std::string> out;
  while (!text.empty()) {
    size_t end = FindSceneEnd(text, mode, true);
    EXPECT_GT(end, 0u);
    out.emplace_back(text.substr(0, end));
    text.remove_prefix(end);
  }
  return out;
}

TEST(SceneTest, ParagraphsEndAfterBlankLineRuns) {
  using V = std::vector<std::string>;
  EXPECT_EQ(Split("a\nb\n\nc\n", SceneMode::kParagraph), (V{"a\nb\n\n", "c\n"}));
  EXPECT_EQ(Split("a\r\n\r\n\r\nb", SceneMode::kParagraph), (V{"a\r\n\r\n\r\n", "b"}));
  EXPECT_EQ(Split("\n\nx", SceneMode::kParagraph), (V{"\n\n", "x"}));
  EXPECT_EQ(Split("one line only", SceneMode::kParagraph), (V{"one line only"}));
  EXPECT_EQ(Split("a\r\rb\n\rc", SceneMode::kParagraph), (V{"a\r\rb\n\rc"}));
}

TEST(SceneTest, LinesAndDocuments) {
  using V = std::vector<std::string>;
  EXPECT_EQ(Split("a\nb\r\n\nc", SceneMode::kLine), (V{"a\n", "b\r\n", "\n", "c"}));
  EXPECT_EQ(Split("a\n\nb\n", SceneMode::kDocument), (V{"a\n\nb\n"}));
}

TEST(SceneTest, SeparatorAtBufferEndWaitsForMoreInput) {
  EXPECT_EQ(FindSceneEnd("a\n\n", SceneMode::kParagraph, false), 0u);
  EXPECT_EQ(FindSceneEnd("a\n\n", SceneMode::kParagraph, true), 3u);
  EXPECT_EQ(FindSceneEnd("a\n\nb", SceneMode::kParagraph, false), 3u);
  EXPECT_EQ(FindSceneEnd("abc", SceneMode::kLine, false), 0u);
  EXPECT_EQ(FindSceneEnd("abc", SceneMode::kDocument, false), 0u);
}

TEST(SceneTest, ParseSceneMode) {
  EXPECT_EQ(*ParseSceneMode("line"), SceneMode::kLine);
  EXPECT_EQ(ParseSceneMode("chapter").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hypertok
