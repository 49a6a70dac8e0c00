#include "build/recipe.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace hypertok {
namespace {

namespace fs = std::filesystem;

TEST(RecipeTest, ShardsTakeWholeFilesInOrder) {
  std::vector<InputFile> in = {
      {"a", 50, ""}, {"b", 60, ""}, {"c", 10, ""}, {"d", 500, ""}, {"e", 1, ""}};
  auto shards = PlanShards(in, 100);
  ASSERT_EQ(shards.size(), 3u);
  EXPECT_EQ(shards[0].name, "shard-00000");
  EXPECT_EQ(shards[0].inputs, (std::vector<size_t>{0, 1}));  // 110 ≥ 100: closed
  EXPECT_EQ(shards[1].inputs, (std::vector<size_t>{2, 3}));
  EXPECT_EQ(shards[2].inputs, (std::vector<size_t>{4}));
  EXPECT_TRUE(PlanShards({}, 100).empty());
  EXPECT_EQ(ShardOutputs("shard-00001", "megatron"),
            (std::vector<std::string>{"shard-00001.bin", "shard-00001.idx"}));
}

Lock SampleLock() {
  Lock l;
  l.tool_version = "0.1.0";
  l.codebook_format = "1.0";
  l.stream_format = "1.0";
  l.format = "bin";
  l.codebook_path = "out/codebook.htk";
  l.codebook_id = "00ff";
  l.codebook_sha256 = std::string(64, 'a');
  l.codebook_trained = true;
  l.inputs = {{"books/a \"q\".txt", 10, std::string(64, '1')},
              {"books/b.txt", 20, std::string(64, '2')}};
  l.outputs = {{"out/shard-00000.bin", std::string(64, '3'), 7, {"books/a \"q\".txt"}},
               {"out/shard-00001.bin", std::string(64, '4'), 9, {"books/b.txt"}}};
  return l;
}

TEST(RecipeTest, LockJsonRoundTripsAndIsCanonical) {
  const Lock l = SampleLock();
  const std::string json = LockToJson(l);
  auto back = ParseLock(json, "x.lock");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(LockToJson(*back), json);
  EXPECT_TRUE(DiffLocks(l, *back).empty());
  EXPECT_FALSE(ParseLock("{\"inputs\": [", "x.lock").ok());
  EXPECT_FALSE(ParseLock("[]", "x.lock").ok());
}

TEST(RecipeTest, DiffNamesChangedInputsAndTheOutputsHoldingThem) {
  const Lock want = SampleLock();
  Lock got = SampleLock();
  got.inputs[1].sha256 = std::string(64, '9');
  got.outputs[1].sha256 = std::string(64, '8');
  auto d = DiffLocks(want, got);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_NE(d[0].find("input changed: books/b.txt"), std::string::npos) << d[0];
  EXPECT_NE(d[1].find("output differs: out/shard-00001.bin"), std::string::npos) << d[1];
  EXPECT_NE(d[1].find("holds changed input books/b.txt"), std::string::npos) << d[1];
  got = SampleLock();
  got.inputs.pop_back();
  got.outputs.pop_back();
  d = DiffLocks(want, got);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_NE(d[0].find("input removed: books/b.txt"), std::string::npos);
  EXPECT_NE(d[1].find("output missing from the rebuild"), std::string::npos);
}

TEST(RecipeTest, ParsesKeysAndRejectsUnknownOnes) {
  const fs::path dir =
      fs::temp_directory_path() / ("hypertok-recipe-" + std::to_string(::getpid()));
  fs::create_directories(dir / "books");
  std::ofstream(dir / "books" / "b.txt") << "b";
  std::ofstream(dir / "books" / "a.txt") << "a";
  const std::string path = (dir / "r.toml").string();
  std::ofstream(path) << "[inputs]\nfiles = [\"books/*.txt\", \"books/a.txt\"]\n"
                         "[codebook]\nvocab_size = 300\nspecial = [\"<x>\"]\neod = \"none\"\n"
                         "[output]\nformat = \"npy\"\nshard_bytes = \"1KiB\"\n";
  auto r = LoadRecipe(path);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->vocab_size, 300u);
  EXPECT_EQ(r->shard_bytes, 1024u);
  EXPECT_EQ(r->format, "npy");
  ASSERT_TRUE(r->eod.has_value());
  EXPECT_EQ(*r->eod, "");
  auto inputs = ExpandInputs(*r);
  ASSERT_TRUE(inputs.ok());
  EXPECT_EQ(*inputs, (std::vector<std::string>{"books/a.txt", "books/b.txt"}));
  const auto args = r->TrainArgs();
  EXPECT_NE(std::find(args.begin(), args.end(), "--special"), args.end());
  EXPECT_NE(std::find(args.begin(), args.end(), "none"), args.end());
  std::ofstream(path) << "[inputs]\nfiles = [\"books/*.txt\"]\n[output]\nformt = \"bin\"\n";
  auto bad = LoadRecipe(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 4: unknown key 'formt'"), std::string::npos)
      << bad.status().message();
  std::ofstream(path) << "[inputs]\nfiles = [\"/abs/x.txt\"]\n";
  r = LoadRecipe(path);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(ExpandInputs(*r).ok());  // absolute paths would make locks machine-specific
  fs::remove_all(dir);
}

}  // namespace
}  // namespace hypertok
