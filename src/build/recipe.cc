#include "build/recipe.h"

#include <glob.h>
#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <memory>
#include <set>
#include <variant>

#include "build/sha256.h"
#include "common/memory.h"
#include "hypertok/io.h"

namespace hypertok {

namespace fs = std::filesystem;

namespace {

std::string Where(const toml::node& n) {
  const auto& s = n.source();
  return "line " + std::to_string(s.begin.line);
}

// Reads table[key] as T, or leaves *out alone if absent.
template <typename T>
Status Get(const toml::table& t, std::string_view table, std::string_view key, T* out,
           const std::string& file) {
  const toml::node* n = t.get(key);
  if (!n) return OkStatus();
  auto v = n->value<T>();
  HT_CHECK_OR_RETURN(v.has_value(), InvalidArgument)
      << file << ": " << Where(*n) << ": [" << table << "] " << key << " has the wrong type";
  *out = *v;
  return OkStatus();
}

Status GetStrings(const toml::table& t, std::string_view table, std::string_view key,
                  std::vector<std::string>* out, const std::string& file) {
  const toml::node* n = t.get(key);
  if (!n) return OkStatus();
  const toml::array* a = n->as_array();
  HT_CHECK_OR_RETURN(a != nullptr, InvalidArgument)
      << file << ": " << Where(*n) << ": [" << table << "] " << key << " must be a list of strings";
  for (const toml::node& e : *a) {
    auto s = e.value<std::string>();
    HT_CHECK_OR_RETURN(s.has_value(), InvalidArgument)
        << file << ": " << Where(e) << ": [" << table << "] " << key << " must hold strings";
    out->push_back(*s);
  }
  return OkStatus();
}

Status OnlyKeys(const toml::table& t, std::string_view table,
                std::initializer_list<std::string_view> keys, const std::string& file) {
  for (const auto& [k, v] : t) {
    HT_CHECK_OR_RETURN(std::find(keys.begin(), keys.end(), k.str()) != keys.end(), InvalidArgument)
        << file << ": " << Where(v) << ": unknown key '" << k.str() << "' in [" << table
        << "] (docs/BUILD.md lists the keys)";
  }
  return OkStatus();
}

// --- a small JSON reader for lock files (objects, arrays, strings, numbers,
// booleans), enough for what LockToJson writes.
struct Json {
  std::variant<std::nullptr_t, bool, double, std::string, std::vector<Json>,
               std::map<std::string, Json>>
      v;
  const Json* Field(const std::string& k) const {
    auto* m = std::get_if<std::map<std::string, Json>>(&v);
    if (!m) return nullptr;
    auto it = m->find(k);
    return it == m->end() ? nullptr : &it->second;
  }
  std::string Str(const std::string& k) const {
    const Json* f = Field(k);
    auto* s = f ? std::get_if<std::string>(&f->v) : nullptr;
    return s ? *s : "";
  }
  uint64_t Num(const std::string& k) const {
    const Json* f = Field(k);
    auto* d = f ? std::get_if<double>(&f->v) : nullptr;
    return d ? static_cast<uint64_t>(*d) : 0;
  }
  const std::vector<Json>* Arr(const std::string& k) const {
    const Json* f = Field(k);
    return f ? std::get_if<std::vector<Json>>(&f->v) : nullptr;
  }
};

class JsonReader {
 public:
  explicit JsonReader(std::string_view s) : s_(s) {}
  bool Parse(Json* out, int depth = 0) {
    Skip();
    if (i_ >= s_.size() || depth > 32) return false;
    const char c = s_[i_];
    if (c == '{') {
      ++i_;
      std::map<std::string, Json> m;
      Skip();
      if (Eat('}')) return out->v = std::move(m), true;
      do {
        Skip();
        std::string k;
        Json val;
        if (!String(&k) || (Skip(), !Eat(':')) || !Parse(&val, depth + 1)) return false;
        m[k] = std::move(val);
        Skip();
      } while (Eat(','));
      if (!Eat('}')) return false;
      out->v = std::move(m);
      return true;
    }
    if (c == '[') {
      ++i_;
      std::vector<Json> a;
      Skip();
      if (Eat(']')) return out->v = std::move(a), true;
      do {
        Json val;
        if (!Parse(&val, depth + 1)) return false;
        a.push_back(std::move(val));
        Skip();
      } while (Eat(','));
      if (!Eat(']')) return false;
      out->v = std::move(a);
      return true;
    }
    if (c == '"') {
      std::string str;
      if (!String(&str)) return false;
      out->v = std::move(str);
      return true;
    }
    if (s_.substr(i_, 4) == "true") return i_ += 4, out->v = true, true;
    if (s_.substr(i_, 5) == "false") return i_ += 5, out->v = false, true;
    if (s_.substr(i_, 4) == "null") return i_ += 4, out->v = nullptr, true;
    double d = 0;
    auto [p, ec] = std::from_chars(s_.data() + i_, s_.data() + s_.size(), d);
    if (ec != std::errc()) return false;
    i_ = static_cast<size_t>(p - s_.data());
    out->v = d;
    return true;
  }
  bool AtEnd() {
    Skip();
    return i_ == s_.size();
  }

 private:
  void Skip() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r'))
      ++i_;
  }
  bool Eat(char c) {
    if (i_ < s_.size() && s_[i_] == c) return ++i_, true;
    return false;
  }
  bool String(std::string* out) {
    if (!Eat('"')) return false;
    while (i_ < s_.size() && s_[i_] != '"') {
      char c = s_[i_++];
      if (c == '\\') {
        if (i_ >= s_.size()) return false;
        char e = s_[i_++];
        switch (e) {
          case 'n':
            c = '\n';
            break;
          case 't':
            c = '\t';
            break;
          case 'r':
            c = '\r';
            break;
          case 'u': {
            if (i_ + 4 > s_.size()) return false;
            unsigned v = 0;
            std::from_chars(s_.data() + i_, s_.data() + i_ + 4, v, 16);
            i_ += 4;
            if (v >= 0x80) return false;  // LockToJson writes only ASCII escapes
            c = static_cast<char>(v);
            break;
          }
          default:
            c = e;
        }
      }
      *out += c;
    }
    return Eat('"');
  }
  std::string_view s_;
  size_t i_ = 0;
};

std::string Short(const std::string& sha) { return sha.substr(0, 12); }

}  // namespace

std::string JsonQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::vector<std::string> Recipe::TrainArgs() const {
  std::vector<std::string> a = {"--vocab-size", std::to_string(vocab_size), "--max-bond-words",
                                std::to_string(max_bond_words)};
  if (!scene.empty()) a.insert(a.end(), {"--scene", scene});
  if (sample_tokens) a.insert(a.end(), {"--sample-tokens", std::to_string(sample_tokens)});
  if (!morph.empty()) a.insert(a.end(), {"--morph", morph});
  if (eod) a.insert(a.end(), {"--eod", eod->empty() ? "none" : *eod});
  if (!special.empty()) {
    a.push_back("--special");
    a.insert(a.end(), special.begin(), special.end());
  }
  return a;
}

StatusOr<Recipe> LoadRecipe(const std::string& path) {
  Recipe r;
  r.path = path;
  r.base = fs::path(path).parent_path().string();
  if (r.base.empty()) r.base = ".";
  toml::table doc;
  try {
    doc = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const auto& src = e.source();
    if (!fs::exists(path)) return NotFoundError(path + ": cannot open: No such file or directory");
    return InvalidArgumentError(path + ": line " + std::to_string(src.begin.line) + ", column " +
                                std::to_string(src.begin.column) + ": " +
                                std::string(e.description()));
  }
  HT_RETURN_IF_ERROR(OnlyKeys(doc, "top level", {"inputs", "codebook", "output"}, path));
  const toml::table* in = doc["inputs"].as_table();
  HT_CHECK_OR_RETURN(in != nullptr, InvalidArgument) << path << ": no [inputs] table";
  HT_RETURN_IF_ERROR(OnlyKeys(*in, "inputs", {"files"}, path));
  HT_RETURN_IF_ERROR(GetStrings(*in, "inputs", "files", &r.patterns, path));
  HT_CHECK_OR_RETURN(!r.patterns.empty(), InvalidArgument)
      << path << ": [inputs] files must name at least one file or glob";
  if (const toml::table* cb = doc["codebook"].as_table()) {
    HT_RETURN_IF_ERROR(OnlyKeys(*cb, "codebook",
                                {"path", "vocab_size", "scene", "max_bond_words", "sample_tokens",
                                 "morph", "special", "eod"},
                                path));
    HT_RETURN_IF_ERROR(Get(*cb, "codebook", "path", &r.codebook_path, path));
    int64_t v = static_cast<int64_t>(r.vocab_size);
    HT_RETURN_IF_ERROR(Get(*cb, "codebook", "vocab_size", &v, path));
    HT_CHECK_OR_RETURN(v >= 256 && v <= (int64_t{1} << 24), InvalidArgument)
        << path << ": [codebook] vocab_size must be between 256 and 16777216";
    r.vocab_size = static_cast<uint64_t>(v);
    HT_RETURN_IF_ERROR(Get(*cb, "codebook", "scene", &r.scene, path));
    int64_t bw = r.max_bond_words, st = 0;
    HT_RETURN_IF_ERROR(Get(*cb, "codebook", "max_bond_words", &bw, path));
    HT_RETURN_IF_ERROR(Get(*cb, "codebook", "sample_tokens", &st, path));
    HT_CHECK_OR_RETURN(bw >= 0 && bw <= 8 && st >= 0, InvalidArgument)
        << path << ": [codebook] max_bond_words must be 0..8 and sample_tokens ≥ 0";
    r.max_bond_words = static_cast<int>(bw);
    r.sample_tokens = static_cast<uint64_t>(st);
    HT_RETURN_IF_ERROR(Get(*cb, "codebook", "morph", &r.morph, path));
    HT_RETURN_IF_ERROR(GetStrings(*cb, "codebook", "special", &r.special, path));
    std::string eod;
    if (cb->get("eod")) {
      HT_RETURN_IF_ERROR(Get(*cb, "codebook", "eod", &eod, path));
      r.eod = eod == "none" ? "" : eod;
    }
    HT_CHECK_OR_RETURN(r.codebook_path.empty() || cb->size() == 1, InvalidArgument)
        << path << ": [codebook] path names an existing codebook: training keys do not apply";
  }
  if (const toml::table* out = doc["output"].as_table()) {
    HT_RETURN_IF_ERROR(
        OnlyKeys(*out, "output", {"dir", "format", "shard_bytes", "scene", "cache"}, path));
    HT_RETURN_IF_ERROR(Get(*out, "output", "dir", &r.dir, path));
    HT_RETURN_IF_ERROR(Get(*out, "output", "format", &r.format, path));
    HT_RETURN_IF_ERROR(Get(*out, "output", "scene", &r.encode_scene, path));
    HT_RETURN_IF_ERROR(Get(*out, "output", "cache", &r.cache, path));
    if (const toml::node* n = out->get("shard_bytes")) {
      if (auto s = n->value<std::string>()) {
        auto size = ParseByteSize(*s);
        HT_CHECK_OR_RETURN(size.ok(), InvalidArgument)
            << path << ": " << Where(*n) << ": [output] shard_bytes: " << size.status().message();
        r.shard_bytes = *size;
      } else if (auto i = n->value<int64_t>(); i && *i > 0) {
        r.shard_bytes = static_cast<uint64_t>(*i);
      } else {
        return InvalidArgumentError(path + ": " + Where(*n) +
                                    ": [output] shard_bytes must be a size (\"64MiB\") or bytes");
      }
    }
  }
  static const std::set<std::string> kFormats = {"hts",  "ids",      "bin", "npy",
                                                 "llmc", "megatron", "pua"};
  HT_CHECK_OR_RETURN(kFormats.count(r.format), InvalidArgument)
      << path << ": [output] format '" << r.format
      << "' is not one of hts, ids, bin, npy, llmc, megatron, pua";
  HT_CHECK_OR_RETURN(r.shard_bytes > 0, InvalidArgument)
      << path << ": [output] shard_bytes must be positive";
  HT_CHECK_OR_RETURN(!r.dir.empty(), InvalidArgument) << path << ": [output] dir is empty";
  return r;
}

StatusOr<std::vector<std::string>> ExpandInputs(const Recipe& recipe) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const std::string& pattern : recipe.patterns) {
    HT_CHECK_OR_RETURN(!pattern.empty() && pattern[0] != '/', InvalidArgument)
        << recipe.path << ": input '" << pattern
        << "' must be relative to the recipe's directory (so the lock is the same anywhere)";
    const std::string full = recipe.base + "/" + pattern;
    glob_t g{};
    const int rc = ::glob(full.c_str(), GLOB_ERR | GLOB_NOSORT, nullptr, &g);
    std::vector<std::string> matches;
    for (size_t i = 0; rc == 0 && i < g.gl_pathc; ++i) {
      std::string m = g.gl_pathv[i];
      if (fs::is_regular_file(m)) matches.push_back(m.substr(recipe.base.size() + 1));
    }
    globfree(&g);
    HT_CHECK_OR_RETURN(!matches.empty(), NotFound)
        << recipe.path << ": input '" << pattern << "' matches no file";
    std::sort(matches.begin(), matches.end());  // byte order, not the locale's
    for (std::string& m : matches)
      if (seen.insert(m).second) out.push_back(std::move(m));
  }
  return out;
}

std::vector<Shard> PlanShards(const std::vector<InputFile>& inputs, uint64_t shard_bytes) {
  std::vector<Shard> shards;
  uint64_t in_current = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (shards.empty() || in_current >= shard_bytes) {
      char name[32];
      std::snprintf(name, sizeof name, "shard-%05zu", shards.size());
      shards.push_back({name, {}});
      in_current = 0;
    }
    shards.back().inputs.push_back(i);
    in_current += inputs[i].bytes;
  }
  return shards;
}

std::vector<std::string> ShardOutputs(const std::string& shard, const std::string& format) {
  if (format == "megatron") return {shard + ".bin", shard + ".idx"};
  return {shard + "." + format};
}

std::string LockToJson(const Lock& l) {
  std::string j = "{\n";
  j += "  \"hypertok\": " + JsonQuote(l.tool_version) + ",\n";
  j += "  \"codebook_format\": " + JsonQuote(l.codebook_format) + ",\n";
  j += "  \"stream_format\": " + JsonQuote(l.stream_format) + ",\n";
  j += "  \"format\": " + JsonQuote(l.format) + ",\n";
  j += "  \"codebook\": {\"path\": " + JsonQuote(l.codebook_path) +
       ", \"id\": " + JsonQuote(l.codebook_id) + ", \"sha256\": " + JsonQuote(l.codebook_sha256) +
       ", \"trained\": " + (l.codebook_trained ? "true" : "false") + "},\n";
  j += "  \"inputs\": [";
  for (size_t i = 0; i < l.inputs.size(); ++i) {
    const InputFile& f = l.inputs[i];
    j += std::string(i ? "," : "") + "\n    {\"path\": " + JsonQuote(f.path) +
         ", \"bytes\": " + std::to_string(f.bytes) + ", \"sha256\": " + JsonQuote(f.sha256) + "}";
  }
  j += "\n  ],\n  \"outputs\": [";
  for (size_t i = 0; i < l.outputs.size(); ++i) {
    const LockOutput& o = l.outputs[i];
    std::string ins;
    for (const std::string& p : o.inputs) ins += (ins.empty() ? "" : ", ") + JsonQuote(p);
    j += std::string(i ? "," : "") + "\n    {\"path\": " + JsonQuote(o.path) +
         ", \"sha256\": " + JsonQuote(o.sha256) + ", \"tokens\": " + std::to_string(o.tokens) +
         ", \"inputs\": [" + ins + "]}";
  }
  j += "\n  ]\n}\n";
  return j;
}

StatusOr<Lock> ParseLock(const std::string& json, const std::string& name) {
  Json root;
  JsonReader reader(json);
  HT_CHECK_OR_RETURN(reader.Parse(&root) && reader.AtEnd() && root.Field("inputs") &&
                         root.Field("outputs") && root.Field("codebook"),
                     DataLoss)
      << name << ": not a hypertok lock file";
  Lock l;
  l.tool_version = root.Str("hypertok");
  l.codebook_format = root.Str("codebook_format");
  l.stream_format = root.Str("stream_format");
  l.format = root.Str("format");
  const Json* cb = root.Field("codebook");
  l.codebook_path = cb->Str("path");
  l.codebook_id = cb->Str("id");
  l.codebook_sha256 = cb->Str("sha256");
  const Json* trained = cb->Field("trained");
  l.codebook_trained = trained && std::get_if<bool>(&trained->v) && std::get<bool>(trained->v);
  if (const auto* a = root.Arr("inputs"))
    for (const Json& e : *a) l.inputs.push_back({e.Str("path"), e.Num("bytes"), e.Str("sha256")});
  if (const auto* a = root.Arr("outputs")) {
    for (const Json& e : *a) {
      LockOutput o{e.Str("path"), e.Str("sha256"), e.Num("tokens"), {}};
      if (const auto* ins = e.Arr("inputs"))
        for (const Json& p : *ins)
          if (auto* s = std::get_if<std::string>(&p.v)) o.inputs.push_back(*s);
      l.outputs.push_back(std::move(o));
    }
  }
  return l;
}

std::vector<std::string> DiffLocks(const Lock& want, const Lock& got) {
  std::vector<std::string> d;
  std::map<std::string, const InputFile*> a, b;
  for (const auto& f : want.inputs) a[f.path] = &f;
  for (const auto& f : got.inputs) b[f.path] = &f;
  std::set<std::string> changed;
  for (const auto& [p, f] : a) {
    auto it = b.find(p);
    if (it == b.end()) {
      d.push_back("input removed: " + p);
      changed.insert(p);
    } else if (it->second->sha256 != f->sha256) {
      d.push_back("input changed: " + p + " (sha256 " + Short(f->sha256) + "… → " +
                  Short(it->second->sha256) + "…, " + std::to_string(f->bytes) + " → " +
                  std::to_string(it->second->bytes) + " bytes)");
      changed.insert(p);
    }
  }
  for (const auto& [p, f] : b)
    if (!a.count(p)) {
      d.push_back("input added: " + p);
      changed.insert(p);
    }
  if (want.codebook_sha256 != got.codebook_sha256 || want.codebook_id != got.codebook_id)
    d.push_back("codebook differs: " + got.codebook_path + " (ID " + want.codebook_id + " → " +
                got.codebook_id + ")");
  std::map<std::string, const LockOutput*> oa, ob;
  for (const auto& o : want.outputs) oa[o.path] = &o;
  for (const auto& o : got.outputs) ob[o.path] = &o;
  for (const auto& [p, o] : oa) {
    auto it = ob.find(p);
    if (it == ob.end()) {
      d.push_back("output missing from the rebuild: " + p);
      continue;
    }
    if (it->second->sha256 == o->sha256) continue;
    std::string why;
    for (const std::string& in : it->second->inputs)
      if (changed.count(in)) why += (why.empty() ? "" : ", ") + in;
    if (!why.empty())
      why = "; holds changed input " + why;
    else if (want.codebook_id != got.codebook_id)
      why = "; the codebook changed";
    d.push_back("output differs: " + p + " (" + std::to_string(o->tokens) + " → " +
                std::to_string(it->second->tokens) + " tokens" + why + ")");
  }
  for (const auto& [p, o] : ob)
    if (!oa.count(p)) d.push_back("output new in the rebuild: " + p);
  if (want.format != got.format) d.push_back("format differs: " + want.format + " → " + got.format);
  return d;
}

StatusOr<std::string> Sha256File(const std::string& path, uint64_t* bytes) {
  HT_ASSIGN_OR_RETURN(FileSource src, FileSource::Open(path));
  Sha256 h;
  std::string buf(size_t{1} << 20, '\0');
  uint64_t total = 0;
  for (;;) {
    HT_ASSIGN_OR_RETURN(size_t got, src.ReadFull(buf.data(), buf.size()));
    if (got == 0) break;
    h.Update(std::string_view(buf.data(), got));
    total += got;
  }
  if (bytes) *bytes = total;
  return h.FinishHex();
}

}  // namespace hypertok
