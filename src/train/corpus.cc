// Corpus counting. Input is read in batches of `threads` × 4 MiB and cut at
// SafeCut points into work items, and items into chunks of ~kChunkBytes;
// each thread pre-tokenizes its items into a local table (string_view →
// local id), a local id sequence and the chunks' hashes. Items are then
// merged in input order, and the sample keeps chunks by hash (corpus.h), so
// counts and sample are the same for any thread count.
#include "train/corpus.h"

#include <zstd.h>

#include <algorithm>
#include <numeric>
#include <thread>

#include "codec/pretokenizer.h"
#include "common/bytes.h"
#include "common/hash.h"
#include "common/memory.h"

namespace hypertok {

namespace {

constexpr size_t kItemBytes = size_t{4} << 20;

struct LocalItem {
  std::unordered_map<std::string_view, uint32_t> ids;
  std::vector<std::string_view> strings;
  std::vector<uint64_t> counts;
  std::vector<uint32_t> seq;
  std::vector<std::pair<uint64_t, size_t>> chunks;  // (hash, end in seq)
};

void Tokenize(std::string_view text, LocalItem* item) {
  while (!text.empty()) {
    const size_t cut = SafeCut(text, Corpus::kChunkBytes);
    const std::string_view chunk = text.substr(0, cut);
    ForEachUnit(chunk, [&](std::string_view u) {
      auto [it, inserted] =
          item->ids.try_emplace(u, static_cast<uint32_t>(item->strings.size()));
      if (inserted) {
        item->strings.push_back(u);
        item->counts.push_back(0);
      }
      ++item->counts[it->second];
      item->seq.push_back(it->second);
    });
    item->chunks.emplace_back(Hash64(chunk), item->seq.size());
    text.remove_prefix(cut);
  }
}

PretokenInfo Classify(std::string_view s) {
  PretokenInfo info;
  int newlines = 0;
  bool only_breaks = true;
  for (char c : s) {
    newlines += c == '\n';
    if (c != '\n' && c != '\r') only_breaks = false;
  }
  info.is_line_break = only_breaks && !s.empty();
  info.is_paragraph_break = info.is_line_break && newlines >= 2;
  UnitClass cls = ClassifyUnit(s);
  info.is_word = cls == UnitClass::kWord || cls == UnitClass::kNumber;
  return info;
}

bool SourceLess(const SourceRecord& a, const SourceRecord& b) {
  if (a.xxh3 != b.xxh3) return a.xxh3 < b.xxh3;
  if (a.bytes != b.bytes) return a.bytes < b.bytes;
  return a.head < b.head;
}

}  // namespace

uint32_t Corpus::Intern(std::string_view s) {
  auto [it, inserted] = index_.try_emplace(std::string(s), static_cast<uint32_t>(strings_.size()));
  if (inserted) {
    strings_.push_back(&it->first);
    info_.push_back(Classify(s));
  }
  return it->second;
}

uint64_t Corpus::input_hash() const {
  if (sources_.size() == 1) return sources_[0].xxh3;
  std::vector<SourceRecord> sorted = sources_;
  std::sort(sorted.begin(), sorted.end(), SourceLess);
  std::string pairs;
  ByteWriter w(&pairs);
  for (const SourceRecord& s : sorted) {
    w.U64(s.xxh3);
    w.U64(s.bytes);
  }
  return Hash64(pairs);
}

void Corpus::AddChunk(uint64_t hash, const uint32_t* ids, size_t n) {
  if (n == 0 || !Keeps(hash)) return;
  chunks_.push_back({hash, sample_.size(), sample_.size() + n});
  for (size_t i = 0; i < n; ++i) ++info_[ids[i]].sample_count;
  sample_.insert(sample_.end(), ids, ids + n);
  sample_.push_back(kChunkBreak);
}

void Corpus::Fit() {
  while (sample_.size() > options_.max_sample_tokens && level_ < 63) RaiseLevel(level_ + 1);
}

void Corpus::RaiseLevel(int target) {
  if (target <= level_) return;
  level_ = target;
  {
    std::vector<uint32_t> kept;
    std::vector<Chunk> kept_chunks;
    for (const Chunk& c : chunks_) {
      if (Keeps(c.hash)) {
        kept_chunks.push_back({c.hash, kept.size(), kept.size() + (c.end - c.begin)});
        kept.insert(kept.end(), sample_.begin() + c.begin, sample_.begin() + c.end + 1);
      } else {
        for (size_t i = c.begin; i < c.end; ++i) --info_[sample_[i]].sample_count;
      }
    }
    sample_ = std::move(kept);
    chunks_ = std::move(kept_chunks);
  }
}

std::vector<std::pair<std::string, uint64_t>> Corpus::WordCounts() const {
  std::unordered_map<std::string_view, uint64_t> words;
  for (uint32_t id = 0; id < size(); ++id) {
    std::string_view w = str(id);
    if (ClassifyUnit(w) != UnitClass::kWord) continue;
    if (w[0] == ' ') w.remove_prefix(1);
    words[w] += info_[id].count;
  }
  std::vector<std::pair<std::string, uint64_t>> out;
  out.reserve(words.size());
  for (const auto& [w, c] : words) out.emplace_back(std::string(w), c);
  std::sort(out.begin(), out.end());
  return out;
}

Status Corpus::AddSource(ByteSource* source) {
  const int threads = std::max(1, options_.threads);
  SourceRecord record;
  Hasher64 hasher;
  std::string buf;
  bool eof = false;
  while (!eof) {
    size_t at = buf.size();
    size_t want = kItemBytes * threads;
    buf.resize(at + want);
    HT_ASSIGN_OR_RETURN(size_t got, source->ReadFull(buf.data() + at, want));
    buf.resize(at + got);
    eof = got < want;
    hasher.Update(std::string_view(buf).substr(at));
    record.bytes += got;
    if (record.head.size() < kHeadBytes)
      record.head.append(std::string_view(buf).substr(at, kHeadBytes - record.head.size()));

    std::vector<std::string_view> texts;
    std::string_view rest = buf;
    while (!rest.empty()) {
      if (!eof && rest.size() <= kItemBytes) break;
      size_t cut = SafeCut(rest, kItemBytes);
      texts.push_back(rest.substr(0, cut));
      rest.remove_prefix(cut);
    }
    std::vector<LocalItem> items(texts.size());
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
      pool.emplace_back([&, t] {
        for (size_t i = t; i < texts.size(); i += threads) Tokenize(texts[i], &items[i]);
      });
    for (size_t i = 0; i < texts.size(); i += threads) Tokenize(texts[i], &items[i]);
    for (auto& th : pool) th.join();

    for (LocalItem& item : items) {
      std::vector<uint32_t> to_global(item.strings.size());
      for (size_t l = 0; l < item.strings.size(); ++l) {
        to_global[l] = Intern(item.strings[l]);
        info_[to_global[l]].count += item.counts[l];
      }
      for (uint32_t& id : item.seq) id = to_global[id];
      size_t begin = 0;
      for (const auto& [hash, end] : item.chunks) {
        AddChunk(hash, item.seq.data() + begin, end - begin);
        begin = end;
        Fit();
      }
    }
    buf.erase(0, buf.size() - rest.size());
    if (options_.progress) options_.progress(record.bytes - buf.size());
    HT_RETURN_IF_ERROR(CheckMemory(options_.max_memory, "counting"));
  }
  record.xxh3 = hasher.Digest();
  bytes_ += record.bytes;
  sources_.push_back(std::move(record));
  return OkStatus();
}

void Corpus::Canonicalize() {
  std::vector<uint32_t> order(strings_.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return *strings_[a] < *strings_[b]; });
  std::vector<uint32_t> new_id(order.size());
  std::vector<const std::string*> strings(order.size());
  std::vector<PretokenInfo> info(order.size());
  for (uint32_t r = 0; r < order.size(); ++r) {
    new_id[order[r]] = r;
    strings[r] = strings_[order[r]];
    info[r] = info_[order[r]];
  }
  for (auto& [s, id] : index_) id = new_id[id];
  strings_ = std::move(strings);
  info_ = std::move(info);

  for (uint32_t& id : sample_)
    if (id != kChunkBreak) id = new_id[id];
  std::sort(chunks_.begin(), chunks_.end(), [&](const Chunk& a, const Chunk& b) {
    if (a.hash != b.hash) return a.hash < b.hash;
    return std::lexicographical_compare(sample_.begin() + a.begin, sample_.begin() + a.end,
                                        sample_.begin() + b.begin, sample_.begin() + b.end);
  });
  std::vector<uint32_t> sample;
  sample.reserve(sample_.size());
  for (Chunk& c : chunks_) {
    const size_t begin = sample.size();
    sample.insert(sample.end(), sample_.begin() + c.begin, sample_.begin() + c.end + 1);
    c = {c.hash, begin, begin + (c.end - c.begin)};
  }
  sample_ = std::move(sample);
  std::sort(sources_.begin(), sources_.end(), SourceLess);
}

// ---------------------------------------------------------------------------
// Counts files (docs/FORMAT.md, "Counts file").

namespace {

constexpr std::string_view kCountsMagic("\x89HTC\r\n\x1a\n", 8);
constexpr uint16_t kCountsMajor = 1, kCountsMinor = 0;
constexpr size_t kCountsHeaderBytes = 48;
constexpr uint64_t kMaxCountsBody = uint64_t{1} << 40;

}  // namespace

Status Corpus::Save(ByteSink* sink) {
  Canonicalize();
  std::string body;
  ByteWriter w(&body);
  w.Varint(options_.max_sample_tokens);
  w.Varint(static_cast<uint64_t>(level_));
  w.Varint(bytes_);
  w.Varint(sources_.size());
  for (const SourceRecord& s : sources_) {
    w.Varint(s.bytes);
    w.U64(s.xxh3);
    w.LengthPrefixed(s.head);
  }
  w.Varint(strings_.size());
  for (uint32_t id = 0; id < strings_.size(); ++id) {
    w.LengthPrefixed(*strings_[id]);
    w.Varint(info_[id].count);
  }
  w.Varint(chunks_.size());
  for (const Chunk& c : chunks_) {
    w.Varint(c.end - c.begin);
    for (size_t i = c.begin; i < c.end; ++i) w.Varint(sample_[i]);
  }
  std::string stored(ZSTD_compressBound(body.size()), '\0');
  size_t n = ZSTD_compress(stored.data(), stored.size(), body.data(), body.size(), 3);
  if (ZSTD_isError(n)) return InternalError(std::string("zstd: ") + ZSTD_getErrorName(n));
  stored.resize(n);

  std::string header;
  ByteWriter h(&header);
  h.Bytes(kCountsMagic);
  h.U16(kCountsMajor);
  h.U16(kCountsMinor);
  h.U32(1);  // flags: bit 0 = body is one zstd frame
  h.U64(body.size());
  h.U64(stored.size());
  h.U64(Hash64(stored));
  h.U64(Hash64(header));
  HT_RETURN_IF_ERROR(sink->Write(header));
  return sink->Write(stored);
}

Status Corpus::AddCounts(ByteSource* source) {
  const std::string& name = source->name();
  char head[kCountsHeaderBytes];
  HT_ASSIGN_OR_RETURN(size_t got, source->ReadFull(head, sizeof head));
  std::string_view hv(head, got);
  HT_CHECK_OR_RETURN(got >= 8 && hv.substr(0, 8) == kCountsMagic, DataLoss)
      << name << ": not a hypertok counts file (bad magic at byte 0)";
  HT_CHECK_OR_RETURN(got == kCountsHeaderBytes, DataLoss)
      << name << ": counts header truncated at byte " << got;
  HT_CHECK_OR_RETURN(ChecksumMatches(LoadLE(head + 40, 8), Hash64(hv.substr(0, 40))), DataLoss)
      << name << ": counts header checksum mismatch (bytes 0-47)";
  const uint64_t major = LoadLE(head + 8, 2), flags = LoadLE(head + 12, 4);
  const uint64_t raw_size = LoadLE(head + 16, 8), stored_size = LoadLE(head + 24, 8);
  HT_CHECK_OR_RETURN(major == kCountsMajor, Unimplemented)
      << name << ": counts format " << major << ".x is not readable by this hypertok (reads "
      << kCountsMajor << ".x)";
  HT_CHECK_OR_RETURN(flags == 1, Unimplemented)
      << name << ": counts header has unknown flags " << flags << "; upgrade hypertok";
  HT_CHECK_OR_RETURN(raw_size <= kMaxCountsBody && stored_size <= kMaxCountsBody, DataLoss)
      << name << ": counts body sizes out of range (" << raw_size << ", " << stored_size << ")";
  // Read the stored body in pieces, so a lying size costs no more memory
  // than the file really has.
  std::string stored;
  while (stored.size() < stored_size) {
    const size_t at = stored.size();
    const size_t want = static_cast<size_t>(std::min<uint64_t>(stored_size - at, 64 << 20));
    stored.resize(at + want);
    HT_ASSIGN_OR_RETURN(size_t n, source->ReadFull(stored.data() + at, want));
    stored.resize(at + n);
    HT_CHECK_OR_RETURN(n == want, DataLoss)
        << name << ": counts body truncated at byte " << kCountsHeaderBytes + stored.size()
        << " (header says " << kCountsHeaderBytes + stored_size << ")";
  }
  char extra;
  HT_ASSIGN_OR_RETURN(size_t more, source->ReadFull(&extra, 1));
  HT_CHECK_OR_RETURN(more == 0, DataLoss)
      << name << ": trailing bytes after the counts body at byte "
      << kCountsHeaderBytes + stored_size;
  HT_CHECK_OR_RETURN(ChecksumMatches(LoadLE(head + 32, 8), Hash64(stored)), DataLoss)
      << name << ": counts body checksum mismatch";
  // Decompress, never past raw_size.
  std::string body;
  {
    ZSTD_DStream* ds = ZSTD_createDStream();
    ZSTD_inBuffer in{stored.data(), stored.size(), 0};
    size_t ret = 1;
    while (ret != 0) {
      if (body.size() == raw_size) {
        ret = 1;  // more output than declared
        break;
      }
      const size_t at = body.size();
      body.resize(at + static_cast<size_t>(std::min<uint64_t>(raw_size - at, 16 << 20)));
      ZSTD_outBuffer out{body.data() + at, body.size() - at, 0};
      ret = ZSTD_decompressStream(ds, &out, &in);
      body.resize(at + out.pos);
      if (ZSTD_isError(ret) || (out.pos == 0 && in.pos == in.size && ret != 0)) {
        ret = 1;
        break;
      }
    }
    ZSTD_freeDStream(ds);
    HT_CHECK_OR_RETURN(ret == 0 && body.size() == raw_size && in.pos == in.size, DataLoss)
        << name << ": counts body does not decompress to its declared " << raw_size << " bytes";
  }

  // Parse everything before changing this corpus.
  ByteReader r(body);
  auto bad = [&](const char* what) {
    return DataLossError(name + ": counts body: bad " + what + " at byte " +
                         std::to_string(r.position()));
  };
  uint64_t budget, level, total_bytes, nsources;
  if (!r.Varint(&budget) || !r.Varint(&level) || level > 63 || !r.Varint(&total_bytes))
    return bad("header fields");
  HT_CHECK_OR_RETURN(budget == options_.max_sample_tokens, InvalidArgument)
      << name << ": counted with a sample budget of " << budget << " pre-tokens, not "
      << options_.max_sample_tokens << " (pass --sample-tokens " << budget << ")";
  if (!r.Varint(&nsources) || nsources > r.remaining()) return bad("source count");
  std::vector<SourceRecord> sources(nsources);
  uint64_t sum_bytes = 0;
  for (SourceRecord& s : sources) {
    std::string_view h;
    if (!r.Varint(&s.bytes) || !r.U64(&s.xxh3) || !r.LengthPrefixed(kHeadBytes, &h))
      return bad("source record");
    s.head = std::string(h);
    sum_bytes += s.bytes;
  }
  if (sum_bytes != total_bytes) return bad("byte total");
  uint64_t npretokens;
  if (!r.Varint(&npretokens) || npretokens > r.remaining() || npretokens >= kChunkBreak)
    return bad("pre-token count");
  std::vector<std::string_view> strings(npretokens);
  std::vector<uint64_t> counts(npretokens);
  for (uint64_t i = 0; i < npretokens; ++i) {
    if (!r.LengthPrefixed(kChunkBytes, &strings[i]) || strings[i].empty() ||
        (i > 0 && !(strings[i - 1] < strings[i])) || !r.Varint(&counts[i]) || counts[i] == 0)
      return bad("pre-token");
  }
  uint64_t nchunks;
  if (!r.Varint(&nchunks) || nchunks > r.remaining()) return bad("chunk count");
  std::vector<uint32_t> ids;
  std::vector<std::pair<uint64_t, size_t>> chunks;  // (hash, end in ids)
  std::vector<uint64_t> in_sample(npretokens, 0);
  for (uint64_t c = 0; c < nchunks; ++c) {
    uint64_t n;
    if (!r.Varint(&n) || n == 0 || n > r.remaining()) return bad("chunk length");
    Hasher64 hasher;
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t id;
      if (!r.Varint(&id) || id >= npretokens || ++in_sample[id] > counts[id])
        return bad("chunk id");
      ids.push_back(static_cast<uint32_t>(id));
      hasher.Update(strings[id]);
    }
    const uint64_t hash = hasher.Digest();
    if (level > 0 && (hash >> (64 - level)) != 0) return bad("chunk (not in the sample's level)");
    chunks.emplace_back(hash, ids.size());
  }
  if (!r.empty()) return bad("trailing data");

  // Merge: counts add, sources join, and the sample is the union at the
  // higher level, then fitted to the budget.
  std::vector<uint32_t> to_global(npretokens);
  for (uint64_t i = 0; i < npretokens; ++i) {
    to_global[i] = Intern(strings[i]);
    info_[to_global[i]].count += counts[i];
  }
  for (uint32_t& id : ids) id = to_global[id];
  RaiseLevel(static_cast<int>(level));
  size_t begin = 0;
  for (const auto& [hash, end] : chunks) {
    AddChunk(hash, ids.data() + begin, end - begin);
    begin = end;
  }
  Fit();
  bytes_ += total_bytes;
  for (SourceRecord& s : sources) sources_.push_back(std::move(s));
  return OkStatus();
}

}  // namespace hypertok
