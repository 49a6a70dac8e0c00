// Dataset recipes for `hypertok build` (docs/BUILD.md): a TOML file naming
// inputs, a codebook (trained or given) and an output layout, and the lock
// file (JSON) that records exactly what a build read and wrote, so a later
// build can prove it made the same bytes.
#ifndef HYPERTOK_BUILD_RECIPE_H_
#define HYPERTOK_BUILD_RECIPE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hypertok/status.h"

namespace hypertok {

struct Recipe {
  std::string path;  // the recipe file
  std::string base;  // its directory: every relative path is relative to it
  // [inputs]
  std::vector<std::string> patterns;  // files = [...] (globs)
  // [codebook]: path = "x.htk", or training settings.
  std::string codebook_path;
  uint64_t vocab_size = 32000;
  std::string scene;  // "" = paragraph
  int max_bond_words = 3;
  uint64_t sample_tokens = 0;  // 0 = train's default
  std::string morph;           // "", "none" or a .morph path
  std::vector<std::string> special;
  std::optional<std::string> eod;
  // [output]
  std::string dir = "out";
  std::string format = "hts";
  uint64_t shard_bytes = uint64_t{64} << 20;
  bool cache = true;
  std::string encode_scene;  // [output] scene; "" = the codebook's

  // The `hypertok train` options these settings stand for (without inputs
  // and -o), so every route (build, tools/hypertok-dask) trains alike.
  std::vector<std::string> TrainArgs() const;
};

// Parses and checks a recipe (unknown keys are errors, naming the line).
StatusOr<Recipe> LoadRecipe(const std::string& path);

struct InputFile {
  std::string path;  // as written in the lock: relative to the recipe's directory
  uint64_t bytes = 0;
  std::string sha256;
};

// The inputs: each pattern expanded (globs in byte order), in pattern order,
// duplicates dropped. A pattern that matches nothing is an error.
StatusOr<std::vector<std::string>> ExpandInputs(const Recipe& recipe);

struct Shard {
  std::string name;            // "shard-00000"
  std::vector<size_t> inputs;  // indexes into the input list
};

// Consecutive whole inputs, a new shard once the current one holds
// shard_bytes (a shard exceeds it only when a single input does).
std::vector<Shard> PlanShards(const std::vector<InputFile>& inputs, uint64_t shard_bytes);

// Output files of one shard, relative to the output directory.
std::vector<std::string> ShardOutputs(const std::string& shard, const std::string& format);

struct LockOutput {
  std::string path;  // relative to the recipe's directory
  std::string sha256;
  uint64_t tokens = 0;              // ids the encoder produced (eod tokens not counted)
  std::vector<std::string> inputs;  // input paths it holds
};

struct Lock {
  std::string tool_version;
  std::string codebook_format;
  std::string stream_format;
  std::string format;
  std::string codebook_path;
  std::string codebook_id;
  std::string codebook_sha256;
  bool codebook_trained = false;
  std::vector<InputFile> inputs;
  std::vector<LockOutput> outputs;
};

// Canonical JSON: the same lock gives the same bytes.
std::string LockToJson(const Lock& lock);
StatusOr<Lock> ParseLock(const std::string& json, const std::string& name);

// Differences between an expected lock and a rebuilt one, one readable line
// each ("input changed: …", "output differs: …"); empty when they agree.
std::vector<std::string> DiffLocks(const Lock& expected, const Lock& actual);

// `s` as a JSON string literal, bytes kept as they are (paths need not be
// UTF-8); what lock files and `build --plan` write.
std::string JsonQuote(std::string_view s);

// SHA-256 of a file, lower-case hex (of bytes: Sha256Hex, build/sha256.h).
StatusOr<std::string> Sha256File(const std::string& path, uint64_t* bytes = nullptr);

}  // namespace hypertok

#endif  // HYPERTOK_BUILD_RECIPE_H_
