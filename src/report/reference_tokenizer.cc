#include "report/reference_tokenizer.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <dlfcn.h>
#include <pcre2.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <limits>
#include <unordered_map>
#include <vector>

#include "common/utf8.h"
#include "hypertok/io.h"
#include "report/sentencepiece_module.h"

// Where the install tree keeps the sentencepiece module, relative to the
// command's directory: derived from the install layout by CMakeLists.txt,
// never guessed here.
#ifndef HYPERTOK_MODULE_DIR
#error "HYPERTOK_MODULE_DIR must be defined (CMakeLists.txt sets it)"
#endif

namespace hypertok {

namespace {

// --- tiktoken

// The split patterns of OpenAI's encodings (tiktoken_ext/openai_public.py).
// `\s` is spelled out as Unicode White_Space, which is what tiktoken's Rust
// regex means by it; PCRE2's \s under UCP leaves out U+0085. $S is that set.
constexpr std::string_view kWhite = R"(\t\n\x0B\f\r\x{85}\p{Z})";
constexpr std::string_view kCl100k =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^$S\p{L}\p{N}]+[\r\n]*|[$S]*[\r\n]+|[$S]+(?![^$S])|[$S]+)";
constexpr std::string_view kO200k =
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^$S\p{L}\p{N}]+[\r\n/]*|[$S]*[\r\n]+|[$S]+(?![^$S])|[$S]+)";
constexpr std::string_view kGpt2 =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^$S\p{L}\p{N}]+|[$S]+(?![^$S])|[$S]+)";

std::string ExpandPattern(std::string_view p) {
  std::string out;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p.substr(i, 2) == "$S") {
      out += kWhite;
      ++i;
    } else {
      out += p[i];
    }
  }
  return out;
}

StatusOr<std::string> DecodeBase64(std::string_view s) {
  static const std::array<int8_t, 256> kValue = [] {
    std::array<int8_t, 256> v;
    v.fill(-1);
    const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 64; ++i) v[static_cast<uint8_t>(a[i])] = static_cast<int8_t>(i);
    return v;
  }();
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  size_t i = 0;
  for (; i < s.size() && s[i] != '='; ++i) {
    const int v = kValue[static_cast<uint8_t>(s[i])];
    if (v < 0) return InvalidArgumentError("bad base64");
    acc = acc << 6 | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>(acc >> bits & 0xFF);
    }
  }
  for (; i < s.size(); ++i)
    if (s[i] != '=') return InvalidArgumentError("bad base64");
  return out;
}

// Replaces every ill-formed UTF-8 subsequence with U+FFFD, one per maximal
// subpart (the WHATWG decoder Node uses to read files as text).
void AppendSanitized(std::string_view in, std::string* out) {
  size_t i = 0;
  while (i < in.size()) {
    size_t n = Utf8SequenceLength(in.substr(i));
    if (n) {
      out->append(in.data() + i, n);
      i += n;
      continue;
    }
    // Length of the maximal subpart: the lead byte and the continuation
    // bytes that could still have made a valid sequence.
    const auto b0 = static_cast<uint8_t>(in[i]);
    size_t need = b0 >= 0xC2 && b0 <= 0xDF   ? 2
                  : b0 >= 0xE0 && b0 <= 0xEF ? 3
                  : b0 >= 0xF0 && b0 <= 0xF4 ? 4
                                             : 1;
    size_t len = 1;
    for (; len < need && i + len < in.size(); ++len) {
      const auto b = static_cast<uint8_t>(in[i + len]);
      uint8_t lo = 0x80, hi = 0xBF;
      if (len == 1) {
        if (b0 == 0xE0) lo = 0xA0;
        if (b0 == 0xED) hi = 0x9F;
        if (b0 == 0xF0) lo = 0x90;
        if (b0 == 0xF4) hi = 0x8F;
      }
      if (b < lo || b > hi) break;
    }
    *out += "\xEF\xBF\xBD";
    i += len;
  }
}

class Tiktoken : public ReferenceTokenizer {
 public:
  static StatusOr<std::unique_ptr<Tiktoken>> Load(const std::string& path, std::string_view file);
  ~Tiktoken() override {
    if (code_) pcre2_code_free(code_);
  }
  const std::string& name() const override { return name_; }
  size_t vocab_size() const override { return ranks_.size(); }
  std::unique_ptr<TokenCounter> NewCounter() const override;

  uint32_t Rank(std::string_view s) const {
    auto it = ranks_.find(s);
    return it == ranks_.end() ? kNoRank : it->second;
  }
  // tiktoken's byte-pair merge, counting the tokens of one pre-token.
  uint64_t CountPiece(std::string_view piece) const;
  const pcre2_code* code() const { return code_; }

  static constexpr uint32_t kNoRank = std::numeric_limits<uint32_t>::max();

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::string name_;
  std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> ranks_;
  pcre2_code* code_ = nullptr;
};

uint64_t Tiktoken::CountPiece(std::string_view piece) const {
  if (piece.size() <= 1 || Rank(piece) != kNoRank) return 1;
  struct Part {
    size_t start;
    uint32_t rank;
  };
  std::vector<Part> parts;
  parts.reserve(piece.size() + 1);
  for (size_t i = 0; i + 1 < piece.size(); ++i) parts.push_back({i, Rank(piece.substr(i, 2))});
  parts.push_back({piece.size() - 1, kNoRank});
  parts.push_back({piece.size(), kNoRank});
  auto rank_at = [&](size_t i) {
    return i + 3 < parts.size()
               ? Rank(piece.substr(parts[i].start, parts[i + 3].start - parts[i].start))
               : kNoRank;
  };
  for (;;) {
    size_t best = 0;
    uint32_t min = kNoRank;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      if (parts[i].rank < min) {
        min = parts[i].rank;
        best = i;
      }
    }
    if (min == kNoRank) break;
    if (best > 0) parts[best - 1].rank = rank_at(best - 1);
    parts[best].rank = rank_at(best);
    parts.erase(parts.begin() + static_cast<std::ptrdiff_t>(best) + 1);
  }
  return parts.size() - 1;
}

class TiktokenCounter : public TokenCounter {
 public:
  explicit TiktokenCounter(const Tiktoken* tk)
      : tk_(tk), match_(pcre2_match_data_create_from_pattern(tk->code(), nullptr)) {}
  ~TiktokenCounter() override { pcre2_match_data_free(match_); }

  void Add(std::string_view bytes) override {
    pending_.append(bytes);
    // Cut after a '\n' followed by printable ASCII other than '/': no
    // pre-token of these patterns spans such a point (o200k lets punctuation
    // runs take "\n/"), and it is a UTF-8 boundary. Only the new bytes are
    // scanned, so a long line without such a point costs linear time.
    for (size_t i = std::max<size_t>(scanned_, 1); i < pending_.size(); ++i) {
      const auto c = static_cast<uint8_t>(pending_[i]);
      if (pending_[i - 1] == '\n' && c > 0x20 && c < 0x7F && c != '/') cut_ = i;
    }
    scanned_ = pending_.size();
    if (cut_ < (size_t{1} << 16)) return;
    Process(std::string_view(pending_).substr(0, cut_));
    pending_.erase(0, cut_);
    scanned_ -= cut_;
    cut_ = 0;
  }

  uint64_t Finish() override {
    Process(pending_);
    pending_.clear();
    scanned_ = cut_ = 0;
    return tokens_;
  }

 private:
  void Process(std::string_view raw) {
    text_.clear();
    AppendSanitized(raw, &text_);
    const auto* subject = reinterpret_cast<PCRE2_SPTR>(text_.data());
    size_t pos = 0;
    while (pos < text_.size()) {
      int rc =
          pcre2_match(tk_->code(), subject, text_.size(), pos, PCRE2_NO_UTF_CHECK, match_, nullptr);
      if (rc < 0) break;  // nothing more matches (cannot happen: the patterns cover all)
      const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(match_);
      const size_t s = ov[0], e = ov[1];
      if (e == s) {  // never with these patterns; step on to stay finite
        ++pos;
        continue;
      }
      tokens_ += Count(std::string_view(text_).substr(s, e - s));
      pos = e;
    }
  }

  uint64_t Count(std::string_view piece) {
    if (piece.size() <= 1) return 1;
    auto it = cache_.find(piece);
    if (it != cache_.end()) return it->second;
    const uint64_t n = tk_->CountPiece(piece);
    if (cache_.size() > (size_t{1} << 20)) cache_.clear();
    cache_.emplace(std::string(piece), n);
    return n;
  }

  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  const Tiktoken* tk_;
  pcre2_match_data* match_;
  std::string pending_;
  size_t scanned_ = 0;  // pending_ before this was searched for cuts
  size_t cut_ = 0;      // the last cut found in pending_ (0: none)
  std::string text_;
  uint64_t tokens_ = 0;
  std::unordered_map<std::string, uint64_t, Hash, std::equal_to<>> cache_;
};

std::unique_ptr<TokenCounter> Tiktoken::NewCounter() const {
  return std::make_unique<TiktokenCounter>(this);
}

StatusOr<std::unique_ptr<Tiktoken>> Tiktoken::Load(const std::string& path, std::string_view file) {
  auto tk = std::make_unique<Tiktoken>();
  size_t line_no = 0;
  while (!file.empty()) {
    ++line_no;
    size_t nl = file.find('\n');
    std::string_view line = file.substr(0, nl);
    file.remove_prefix(nl == std::string_view::npos ? file.size() : nl + 1);
    if (line.empty()) continue;
    const size_t sp = line.find(' ');
    uint64_t rank = 0;
    bool ok = sp != std::string_view::npos && sp + 1 < line.size() && line.size() - sp - 1 <= 9;
    for (size_t i = sp + 1; ok && i < line.size(); ++i) {
      ok = line[i] >= '0' && line[i] <= '9';
      rank = rank * 10 + static_cast<uint64_t>(line[i] - '0');
    }
    auto token =
        ok ? DecodeBase64(line.substr(0, sp)) : StatusOr<std::string>(InvalidArgumentError(""));
    HT_CHECK_OR_RETURN(token.ok() && !token->empty(), DataLoss)
        << path << ": line " << line_no << ": not \"base64(token) rank\"";
    HT_CHECK_OR_RETURN(tk->ranks_.emplace(std::move(token).value(), rank).second, DataLoss)
        << path << ": line " << line_no << ": token given twice";
  }
  for (int b = 0; b < 256; ++b) {
    HT_CHECK_OR_RETURN(tk->ranks_.count(std::string(1, static_cast<char>(b))), DataLoss)
        << path << ": byte " << b << " has no rank (not a byte-level BPE rank file)";
  }
  // The split pattern: by name, else by size.
  const std::string base = path.substr(path.find_last_of('/') + 1);
  std::string_view pattern;
  if (base.find("o200k") != std::string::npos || tk->ranks_.size() == 199998) {
    pattern = kO200k;
    tk->name_ = "o200k_base";
  } else if (base.find("cl100k") != std::string::npos || tk->ranks_.size() == 100256) {
    pattern = kCl100k;
    tk->name_ = "cl100k_base";
  } else if (base.find("50k") != std::string::npos || base.find("gpt2") != std::string::npos ||
             tk->ranks_.size() == 50256 || tk->ranks_.size() == 50280) {
    pattern = kGpt2;
    tk->name_ = base.substr(0, base.find('.'));
  } else {
    return DataLossError(path + ": cannot tell which split pattern goes with these " +
                         std::to_string(tk->ranks_.size()) +
                         " ranks (name the file after its encoding: cl100k_base, "
                         "o200k_base, p50k_base, r50k_base)");
  }
  const std::string expanded = ExpandPattern(pattern);
  int err = 0;
  PCRE2_SIZE err_at = 0;
  tk->code_ = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(expanded.data()), expanded.size(),
                            PCRE2_UTF | PCRE2_UCP, &err, &err_at, nullptr);
  if (!tk->code_) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(err, msg, sizeof msg);
    return InternalError("split pattern does not compile at " + std::to_string(err_at) + ": " +
                         reinterpret_cast<const char*>(msg));
  }
  pcre2_jit_compile(tk->code_, PCRE2_JIT_COMPLETE);  // falls back to the interpreter
  return tk;
}

// --- sentencepiece, through its module (sentencepiece_module.h)

// The module's table, loaded at the first use and never unloaded, or why it
// did not load.
struct SentencePieceModule {
  const HypertokSentencePieceApi* api = nullptr;
  std::string error;
};

// The directory of the running executable, or "" when /proc cannot say.
std::string ExecutableDir() {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf);
  if (n <= 0 || static_cast<size_t>(n) >= sizeof buf) return "";
  const std::string_view path(buf, static_cast<size_t>(n));
  return std::string(path.substr(0, path.find_last_of('/') + 1));
}

// Where the module is looked for, in order: $HYPERTOK_SENTENCEPIECE_MODULE;
// next to the command (a build tree); the install tree's module directory,
// HYPERTOK_MODULE_DIR relative to the command's (set by CMakeLists.txt).
std::vector<std::string> SentencePieceModulePaths() {
  std::vector<std::string> paths;
  if (const char* env = std::getenv("HYPERTOK_SENTENCEPIECE_MODULE"); env && *env) {
    paths.push_back(env);
    return paths;
  }
  const std::string dir = ExecutableDir();
  if (dir.empty()) return paths;
  paths.push_back(dir + kSentencePieceModuleFile);
  paths.push_back(dir + HYPERTOK_MODULE_DIR + "/" + kSentencePieceModuleFile);
  return paths;
}

const SentencePieceModule& LoadSentencePieceModule() {
  static const SentencePieceModule module = [] {
    SentencePieceModule m;
    const std::vector<std::string> paths = SentencePieceModulePaths();
    if (paths.empty()) m.error = "cannot find the running executable (/proc/self/exe)";
    for (const std::string& path : paths) {
      void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (handle == nullptr) {
        const char* why = dlerror();
        m.error += (m.error.empty() ? "" : "; ") + (why ? std::string(why) : path);
        continue;
      }
      using Entry = const HypertokSentencePieceApi* (*)();
      auto entry = reinterpret_cast<Entry>(dlsym(handle, kSentencePieceModuleEntry));
      const HypertokSentencePieceApi* api = entry ? entry() : nullptr;
      if (api != nullptr && api->abi_version == kSentencePieceModuleAbi) {
        m.api = api;
        m.error.clear();
        break;
      }
      m.error += (m.error.empty() ? "" : "; ") + path + ": not a hypertok sentencepiece module " +
                 "of interface version " + std::to_string(kSentencePieceModuleAbi);
      dlclose(handle);
    }
    return m;
  }();
  return module;
}

class SentencePiece : public ReferenceTokenizer {
 public:
  static StatusOr<std::unique_ptr<SentencePiece>> Load(const std::string& path,
                                                       std::string_view file) {
    const SentencePieceModule& module = LoadSentencePieceModule();
    HT_CHECK_OR_RETURN(module.api != nullptr, FailedPrecondition)
        << path << ": not a tiktoken rank file, and sentencepiece models need hypertok's "
        << "sentencepiece module, which did not load (" << module.error
        << "; HYPERTOK_SENTENCEPIECE_MODULE may name " << kSentencePieceModuleFile << ")";
    auto sp = std::make_unique<SentencePiece>();
    sp->api_ = module.api;
    sp->model_ = module.api->load(file.data(), file.size());
    HT_CHECK_OR_RETURN(sp->model_ != nullptr, DataLoss)
        << path << ": neither a tiktoken rank file (\"base64 rank\" lines) nor a "
        << "sentencepiece model";
    sp->name_ = "sentencepiece:" + path.substr(path.find_last_of('/') + 1);
    return sp;
  }
  SentencePiece() = default;
  SentencePiece(const SentencePiece&) = delete;  // (owns model_)
  SentencePiece& operator=(const SentencePiece&) = delete;
  ~SentencePiece() override {
    if (model_) api_->release(model_);
  }
  const std::string& name() const override { return name_; }
  size_t vocab_size() const override { return api_->vocab_size(model_); }
  std::unique_ptr<TokenCounter> NewCounter() const override;
  // Tokens of one line, or -1 when sentencepiece fails on it.
  int64_t CountLine(std::string_view line) const {
    return api_->count_line(model_, line.data(), line.size());
  }

 private:
  const HypertokSentencePieceApi* api_ = nullptr;
  void* model_ = nullptr;
  std::string name_;
};

class SentencePieceCounter : public TokenCounter {
 public:
  explicit SentencePieceCounter(const SentencePiece* sp) : sp_(sp) {}
  void Add(std::string_view bytes) override {
    for (;;) {
      const size_t nl = bytes.find('\n');
      if (nl == std::string_view::npos) break;
      line_.append(bytes.substr(0, nl));
      Line();
      ++tokens_;  // the line break
      bytes.remove_prefix(nl + 1);
    }
    line_.append(bytes);
  }
  uint64_t Finish() override {
    if (!line_.empty()) Line();
    return tokens_;
  }

 private:
  void Line() {
    // A failure here (e.g. an empty model) counts nothing for the line.
    const int64_t n = sp_->CountLine(line_);
    if (n > 0) tokens_ += static_cast<uint64_t>(n);
    line_.clear();
  }
  const SentencePiece* sp_;
  std::string line_;
  uint64_t tokens_ = 0;
};

std::unique_ptr<TokenCounter> SentencePiece::NewCounter() const {
  return std::make_unique<SentencePieceCounter>(this);
}

bool LooksLikeRankFile(std::string_view file) {
  const std::string_view line = file.substr(0, file.find('\n'));
  const size_t sp = line.find(' ');
  if (line.empty() || sp == std::string_view::npos || sp == 0 || sp + 1 == line.size())
    return false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    const bool ok =
        i < sp ? (std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=')
               : i == sp || (c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

}  // namespace

StatusOr<std::unique_ptr<ReferenceTokenizer>> LoadReferenceTokenizer(const std::string& path) {
  HT_ASSIGN_OR_RETURN(std::string file, ReadFileToString(path, size_t{1} << 30));
  if (LooksLikeRankFile(file)) {
    HT_ASSIGN_OR_RETURN(auto tk, Tiktoken::Load(path, file));
    return std::unique_ptr<ReferenceTokenizer>(std::move(tk));
  }
  HT_ASSIGN_OR_RETURN(auto sp, SentencePiece::Load(path, file));
  return std::unique_ptr<ReferenceTokenizer>(std::move(sp));
}

}  // namespace hypertok
