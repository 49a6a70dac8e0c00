// hypertok build: a whole dataset from a recipe (docs/BUILD.md) — codebook,
// encoded shards, and a lock file proving what was read and written.
//
//   build RECIPE.toml            build, reusing cached shards, write RECIPE.lock
//   build RECIPE.toml --check    rebuild in a temporary directory (no cache) and
//                                compare with RECIPE.lock and the files on disk
//   build RECIPE.toml --plan     print the inputs, shards and train options as
//                                JSON (tools/hypertok-dask runs them)
//   build RECIPE.toml --lock-only  verify outputs made elsewhere (each shard
//                                decodes to its inputs) and write the lock
#include <fmt/core.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>

#include "build/recipe.h"
#include "build/sha256.h"
#include "cli/cli_util.h"
#include "cli/output.h"
#include "cli/token_formats.h"
#include "common/hash.h"
#include "hypertok/pipeline.h"
#include "hypertok/stream.h"
#include "hypertok/trainer.h"
#include "hypertok/version.h"
#include "morph/morpheme_splitter.h"

namespace hypertok::cli {

namespace {

namespace fs = std::filesystem;

struct BuildFlags {
  std::string recipe;
  int threads = 1;
  bool check = false;
  bool plan = false;
  bool lock_only = false;
};

std::string LockPath(const std::string& recipe) {
  if (recipe.size() > 5 && recipe.ends_with(".toml"))
    return recipe.substr(0, recipe.size() - 5) + ".lock";
  return recipe + ".lock";
}

std::string Join(const std::string& a, const std::string& b) { return a + "/" + b; }

// Where a build writes (`root`, a real directory) and how its files are named
// in the lock (`rel`, the recipe's output dir relative to its directory).
struct Place {
  std::string root;
  std::string rel;
};

Status CopyFile(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  HT_CHECK_OR_RETURN(!ec, IoError) << to << ": cannot copy from " << from << ": " << ec.message();
  return OkStatus();
}

StatusOr<std::vector<InputFile>> HashInputs(const Recipe& r) {
  HT_ASSIGN_OR_RETURN(std::vector<std::string> paths, ExpandInputs(r));
  std::vector<InputFile> inputs;
  for (const std::string& p : paths) {
    InputFile f{p, 0, ""};
    HT_ASSIGN_OR_RETURN(f.sha256, Sha256File(Join(r.base, p), &f.bytes));
    inputs.push_back(std::move(f));
  }
  return inputs;
}

StatusOr<TrainOptions> TrainOptionsFor(const Recipe& r, int threads) {
  TrainOptions o;
  o.vocab_size = r.vocab_size;
  HT_ASSIGN_OR_RETURN(o.scene, ParseSceneMode(r.scene.empty() ? "paragraph" : r.scene));
  o.threads = threads;
  o.max_bond_words = r.max_bond_words;
  if (r.sample_tokens) o.max_sample_tokens = r.sample_tokens;
  if (r.morph == "none") {
    o.learn_morph = false;
  } else if (!r.morph.empty()) {
    HT_ASSIGN_OR_RETURN(MorphemeSplitter m, MorphemeSplitter::Load(Join(r.base, r.morph)));
    o.morph = std::make_shared<const MorphemeSplitter>(std::move(m));
  }
  o.specials = r.special;
  if (r.eod) o.eod = *r.eod;
  HT_RETURN_IF_ERROR(ReservedSpecialTokens(o).status());
  return o;
}

// The codebook: given, or trained (or taken from the cache when the same
// inputs were trained on with the same options). Fills the lock's fields.
StatusOr<std::string> MakeCodebook(const Recipe& r, const std::vector<InputFile>& inputs,
                                   const Place& out, const std::string& cache, int threads,
                                   Lock* lock) {
  if (!r.codebook_path.empty()) {
    lock->codebook_path = r.codebook_path;
    lock->codebook_trained = false;
    return Join(r.base, r.codebook_path);
  }
  lock->codebook_path = Join(out.rel, "codebook.htk");
  lock->codebook_trained = true;
  const std::string target = Join(out.root, "codebook.htk");
  std::string key = "train-v1\n";
  for (const std::string& a : r.TrainArgs()) key += a + "\n";
  std::vector<std::string> shas;
  for (const InputFile& f : inputs) shas.push_back(f.sha256);
  std::sort(shas.begin(), shas.end());  // training does not depend on input order
  for (const std::string& s : shas) key += s + "\n";
  const std::string cached =
      cache.empty() ? "" : Join(cache, "codebook-" + Sha256Hex(key) + ".htk");
  if (!cached.empty() && fs::exists(cached) && Codebook::Load(cached).ok()) {
    spdlog::info("codebook: cached ({})", cached);
    HT_RETURN_IF_ERROR(CopyFile(cached, target));
    return target;
  }
  HT_ASSIGN_OR_RETURN(TrainOptions opts, TrainOptionsFor(r, threads));
  Trainer trainer(opts);
  for (const InputFile& f : inputs) {
    HT_ASSIGN_OR_RETURN(FileSource src, FileSource::Open(Join(r.base, f.path)));
    HT_RETURN_IF_ERROR(trainer.AddSource(&src));
  }
  HT_ASSIGN_OR_RETURN(Codebook cb, trainer.Build());
  HT_ASSIGN_OR_RETURN(auto file, Output::Open({target, false, true, true}));
  HT_RETURN_IF_ERROR(file->sink()->Write(cb.Serialize()));
  HT_RETURN_IF_ERROR(file->Commit());
  spdlog::info("codebook: trained on {} input(s), {} entries", inputs.size(), cb.size());
  if (!cached.empty()) HT_RETURN_IF_ERROR(CopyFile(target, cached));
  return target;
}

// Fills lock->outputs for one shard whose files are in place: each decodes to
// its inputs; sha256 of each file.
Status RecordShard(const Recipe& r, const Codebook& cb, const std::vector<InputFile>& inputs,
                   const Shard& shard, const Place& out, Lock* lock) {
  std::vector<std::string> in_paths, in_names;
  for (size_t i : shard.inputs) {
    in_paths.push_back(Join(r.base, inputs[i].path));
    in_names.push_back(inputs[i].path);
  }
  const std::vector<std::string> files = ShardOutputs(shard.name, r.format);
  const std::string first = Join(out.root, files[0]);
  auto tokens = VerifyDecodesTo(cb, r.format, first, in_paths);
  if (!tokens.ok()) return tokens.status().WithPrefix(first + ": does not decode to its inputs");
  for (size_t k = 0; k < files.size(); ++k) {
    LockOutput o{Join(out.rel, files[k]), "", k == 0 ? *tokens : 0, in_names};
    HT_ASSIGN_OR_RETURN(o.sha256, Sha256File(Join(out.root, files[k])));
    lock->outputs.push_back(std::move(o));
  }
  return OkStatus();
}

// The cache entry of a shard: its key covers everything its bytes depend on.
std::string ShardCacheEntry(const Recipe& r, const Codebook& cb,
                            const std::vector<InputFile>& inputs, const Shard& shard,
                            const std::string& cache) {
  if (cache.empty()) return "";
  std::string key = "encode-v1\n" + Hex64(cb.id()) + "\n" + r.format + "\n" + r.encode_scene + "\n";
  for (size_t i : shard.inputs) key += inputs[i].sha256 + "\n";
  return Join(cache, Sha256Hex(key));
}

// Encodes one shard into out.root, or copies it from the cache (returning
// true then).
StatusOr<bool> MakeShard(const Recipe& r, const EncodingModel& m,
                         const std::vector<InputFile>& inputs, const Shard& shard, const Place& out,
                         const std::string& cache, int threads) {
  const std::vector<std::string> files = ShardOutputs(shard.name, r.format);
  const std::string entry = ShardCacheEntry(r, m.codebook, inputs, shard, cache);
  if (!entry.empty() && fs::exists(Join(entry, "complete"))) {
    for (const std::string& f : files)
      HT_RETURN_IF_ERROR(CopyFile(Join(entry, f), Join(out.root, f)));
    spdlog::info("{}: cached", shard.name);
    return true;
  }
  HT_ASSIGN_OR_RETURN(SceneMode scene, SceneOrDefault(r.encode_scene, m.codebook));
  const std::string target = Join(out.root, r.format == "megatron" ? shard.name : files[0]);
  HT_ASSIGN_OR_RETURN(
      EncodeTarget t,
      OpenEncodeTarget(
          m.codebook,
          {.format = r.format, .output = target, .to_stdout = false, .force = true, .stream = {}}));
  EncodeCounts counts;
  // (One call for the shard's inputs, so that small ones are encoded side by
  // side; each is still one document.)
  std::vector<std::string> paths;
  for (size_t i : shard.inputs) paths.push_back(Join(r.base, inputs[i].path));
  HT_RETURN_IF_ERROR(EncodeSources(m.encoder, OpenEach(std::move(paths)),
                                   {.scene = scene, .threads = threads, .progress = {}},
                                   t.sink.get(), &counts));
  HT_RETURN_IF_ERROR(t.sink->Finish());
  for (auto& o : t.outputs) HT_RETURN_IF_ERROR(o->Commit());
  spdlog::info("{}: {} input(s), {} bytes → {} tokens", shard.name, shard.inputs.size(),
               counts.bytes, counts.tokens);
  if (!entry.empty()) {
    std::error_code ec;
    fs::create_directories(entry, ec);
    for (const std::string& f : files)
      HT_RETURN_IF_ERROR(CopyFile(Join(out.root, f), Join(entry, f)));
    HT_ASSIGN_OR_RETURN(auto mark, Output::Open({Join(entry, "complete"), false, true, false}));
    HT_RETURN_IF_ERROR(mark->Commit());
  }
  return false;
}

// Removes shard files of an earlier build that this plan no longer makes.
void RemoveStaleShards(const std::string& root, const std::vector<Shard>& shards,
                       const std::string& format) {
  std::set<std::string> keep;
  for (const Shard& s : shards)
    for (const std::string& f : ShardOutputs(s.name, format)) keep.insert(f);
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root, ec)) {
    const std::string name = e.path().filename().string();
    if (name.starts_with("shard-") && !keep.count(name)) {
      spdlog::info("removing stale {}", name);
      fs::remove(e.path(), ec);
    }
  }
}

Lock NewLock(const Recipe& r) {
  Lock lock;
  lock.tool_version = HYPERTOK_VERSION;
  lock.codebook_format =
      std::to_string(Codebook::kFormatMajor) + "." + std::to_string(Codebook::kFormatMinor);
  lock.stream_format =
      std::to_string(StreamWriter::kFormatMajor) + "." + std::to_string(StreamWriter::kFormatMinor);
  lock.format = r.format;
  return lock;
}

// Builds (or, with build=false, only verifies and records) everything into
// `out`; returns the lock.
StatusOr<Lock> Build(const Recipe& r, const Place& out, bool use_cache, int threads, bool build) {
  std::error_code ec;
  fs::create_directories(out.root, ec);
  HT_CHECK_OR_RETURN(!ec, IoError) << out.root << ": cannot create: " << ec.message();
  const std::string cache = use_cache && r.cache ? Join(out.root, ".hypertok-cache") : "";
  if (!cache.empty()) fs::create_directories(cache, ec);
  Lock lock = NewLock(r);
  HT_ASSIGN_OR_RETURN(lock.inputs, HashInputs(r));
  std::string codebook_file;
  if (build) {
    HT_ASSIGN_OR_RETURN(codebook_file, MakeCodebook(r, lock.inputs, out, cache, threads, &lock));
  } else {
    lock.codebook_trained = r.codebook_path.empty();
    lock.codebook_path = lock.codebook_trained ? Join(out.rel, "codebook.htk") : r.codebook_path;
    codebook_file =
        lock.codebook_trained ? Join(out.root, "codebook.htk") : Join(r.base, r.codebook_path);
  }
  HT_ASSIGN_OR_RETURN(EncodingModel m, LoadEncodingModel(codebook_file));
  lock.codebook_id = Hex64(m.codebook.id());
  HT_ASSIGN_OR_RETURN(lock.codebook_sha256, Sha256File(codebook_file));
  const std::vector<Shard> shards = PlanShards(lock.inputs, r.shard_bytes);
  for (const Shard& s : shards) {
    bool cached = false;
    if (build) {
      HT_ASSIGN_OR_RETURN(cached, MakeShard(r, m, lock.inputs, s, out, cache, threads));
    }
    Status recorded = RecordShard(r, m.codebook, lock.inputs, s, out, &lock);
    if (!recorded.ok() && cached) {
      // A damaged cache entry: drop it and encode afresh.
      spdlog::warn("{}: the cached copy is damaged ({}); encoding again", s.name,
                   recorded.message());
      fs::remove_all(ShardCacheEntry(r, m.codebook, lock.inputs, s, cache), ec);
      HT_RETURN_IF_ERROR(MakeShard(r, m, lock.inputs, s, out, cache, threads).status());
      recorded = RecordShard(r, m.codebook, lock.inputs, s, out, &lock);
    }
    HT_RETURN_IF_ERROR(recorded);
  }
  if (build) RemoveStaleShards(out.root, shards, r.format);
  return lock;
}

Status WriteLock(const Lock& lock, const std::string& path) {
  HT_ASSIGN_OR_RETURN(auto out, Output::Open({path, false, true, false}));
  HT_RETURN_IF_ERROR(out->sink()->Write(LockToJson(lock)));
  return out->Commit();
}

Status RunCheck(const Recipe& r, int threads) {
  const std::string lock_path = LockPath(r.path);
  HT_ASSIGN_OR_RETURN(std::string text, ReadFileToString(lock_path));
  HT_ASSIGN_OR_RETURN(Lock want, ParseLock(text, lock_path));
  std::string tmpl = (fs::temp_directory_path() / "hypertok-check.XXXXXX").string();
  HT_CHECK_OR_RETURN(::mkdtemp(tmpl.data()) != nullptr, IoError)
      << tmpl << ": cannot create a temporary directory";
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } cleanup{tmpl};
  // A given codebook is part of the inputs: the rebuild uses it in place.
  auto got = Build(r, {tmpl, r.dir}, /*use_cache=*/false, threads, /*build=*/true);
  std::vector<std::string> diffs;
  Lock rebuilt;
  if (got.ok()) {
    rebuilt = *got;
    diffs = DiffLocks(want, rebuilt);
  } else {
    diffs.push_back("rebuild failed: " + got.status().message());
  }
  // And the files on disk must still be what the lock says.
  for (const LockOutput& o : want.outputs) {
    auto sha = Sha256File(Join(r.base, o.path));
    if (!sha.ok())
      diffs.push_back("output on disk unreadable: " + o.path);
    else if (*sha != o.sha256)
      diffs.push_back("output on disk differs from the lock: " + o.path);
  }
  if (want.codebook_trained) {
    auto sha = Sha256File(Join(r.base, want.codebook_path));
    if (!sha.ok() || *sha != want.codebook_sha256)
      diffs.push_back("codebook on disk differs from the lock: " + want.codebook_path);
  }
  if (want.tool_version != HYPERTOK_VERSION)
    spdlog::warn("{} was written by hypertok {}; this is {}", lock_path, want.tool_version,
                 HYPERTOK_VERSION);
  for (const std::string& d : diffs) fmt::print("{}\n", d);
  std::fflush(stdout);  // the list before the error line
  HT_CHECK_OR_RETURN(diffs.empty(), DataLoss)
      << lock_path << ": the rebuild differs in " << diffs.size() << " place(s), listed above";
  fmt::print("{}: {} input(s), {} output file(s): every byte matches\n", lock_path,
             want.inputs.size(), want.outputs.size());
  return OkStatus();
}

Status PrintPlan(const Recipe& r) {
  HT_ASSIGN_OR_RETURN(std::vector<std::string> paths, ExpandInputs(r));
  std::vector<InputFile> inputs;
  for (const std::string& p : paths) {
    std::error_code ec;
    const auto size = fs::file_size(Join(r.base, p), ec);
    HT_CHECK_OR_RETURN(!ec, IoError) << Join(r.base, p) << ": " << ec.message();
    inputs.push_back({p, size, ""});
  }
  const auto& q = JsonQuote;
  std::string j = "{\"base\": " + q(r.base) + ", \"dir\": " + q(r.dir) +
                  ", \"format\": " + q(r.format) + ", \"scene\": " + q(r.encode_scene) +
                  ", \"lock\": " + q(LockPath(r.path)) + ",\n \"codebook\": ";
  if (r.codebook_path.empty()) {
    std::string args;
    for (const std::string& a : r.TrainArgs()) args += (args.empty() ? "" : ", ") + q(a);
    j += "{\"path\": " + q(Join(r.dir, "codebook.htk")) + ", \"train_args\": [" + args + "]}";
  } else {
    j += "{\"path\": " + q(r.codebook_path) + ", \"train_args\": null}";
  }
  j += ",\n \"shards\": [";
  const std::vector<Shard> shards = PlanShards(inputs, r.shard_bytes);
  for (size_t s = 0; s < shards.size(); ++s) {
    std::string ins, outs;
    for (size_t i : shards[s].inputs) ins += (ins.empty() ? "" : ", ") + q(inputs[i].path);
    for (const std::string& f : ShardOutputs(shards[s].name, r.format))
      outs += (outs.empty() ? "" : ", ") + q(Join(r.dir, f));
    j += std::string(s ? "," : "") + "\n  {\"name\": " + q(shards[s].name) + ", \"inputs\": [" +
         ins + "], \"outputs\": [" + outs + "]}";
  }
  j += "\n ]}\n";
  fmt::print("{}", j);
  return OkStatus();
}

Status RunBuild(const BuildFlags& f) {
  HT_ASSIGN_OR_RETURN(Recipe r, LoadRecipe(f.recipe));
  const int threads = ResolveThreads(f.threads);
  if (f.plan) return PrintPlan(r);
  if (f.check) return RunCheck(r, threads);
  const Place out{Join(r.base, r.dir), r.dir};
  HT_ASSIGN_OR_RETURN(Lock lock, Build(r, out, /*use_cache=*/true, threads, !f.lock_only));
  HT_RETURN_IF_ERROR(WriteLock(lock, LockPath(r.path)));
  uint64_t tokens = 0;
  for (const LockOutput& o : lock.outputs) tokens += o.tokens;
  spdlog::info("{}: {} input(s) → {} output file(s), {} tokens; lock {}", f.recipe,
               lock.inputs.size(), lock.outputs.size(), tokens, LockPath(r.path));
  return OkStatus();
}

}  // namespace

Command AddBuildCommand(CLI::App& app) {
  auto f = std::make_shared<BuildFlags>();
  CLI::App* sub = app.add_subcommand(
      "build", "Build a dataset from a recipe (TOML): codebook, shards and a lock file");
  sub->add_option("recipe", f->recipe, "Recipe file (docs/BUILD.md)")->required();
  AddThreadsOption(sub, &f->threads);
  sub->add_flag("--check", f->check,
                "Rebuild in a temporary directory and compare with RECIPE.lock; exit 1 and "
                "list the differences if any byte differs");
  sub->add_flag("--plan", f->plan, "Print the inputs, shards and training options as JSON");
  sub->add_flag("--lock-only", f->lock_only,
                "Do not build: check that every shard in the output directory decodes to its "
                "inputs, then write the lock (for outputs made by tools/hypertok-dask)");
  return {sub, [f] { return RunBuild(*f); }};
}

}  // namespace hypertok::cli
