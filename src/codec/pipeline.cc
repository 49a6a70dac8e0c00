// Encode driver. The input is read in fixed-size chunks (ReadFull, so a pipe
// and a file give the same chunks), cut into pieces — whole scenes, or
// windows (WindowEnd) of a scene too long to wait for — and pieces are
// encoded in batches: each thread takes a contiguous run of the batch, and
// results are emitted in order. Pieces are independent, so the ids do not
// depend on the thread count.
#include <thread>
#include <vector>

#include "hypertok/pipeline.h"

namespace hypertok {

namespace {

constexpr size_t kReadBytes = size_t{1} << 20;
constexpr size_t kBatchBytesPerThread = size_t{4} << 20;

struct PieceRef {
  size_t begin, end;
  bool scene_end;
};

}  // namespace

Status EncodeSource(const Encoder& encoder, ByteSource* source,
                    const EncodeOptions& options, TokenSink* sink,
                    EncodeCounts* counts) {
  const int threads = std::max(1, options.threads);
  const size_t batch_bytes = kBatchBytesPerThread * threads;
  std::string buf;        // unconsumed input; pieces index into it
  std::vector<PieceRef> pieces;
  std::vector<std::vector<uint32_t>> ids;
  size_t scan = 0;        // start of the next piece in buf
  bool eof = false;
  EncodeCounts local;

  auto emit_batch = [&](bool last_is_document_end) -> Status {
    if (pieces.empty()) return OkStatus();
    ids.resize(pieces.size());
    auto work = [&](size_t from, size_t to) {
      for (size_t i = from; i < to; ++i) {
        ids[i].clear();
        encoder.Encode(std::string_view(buf).substr(pieces[i].begin,
                                                    pieces[i].end - pieces[i].begin),
                       &ids[i]);
      }
    };
    if (threads == 1 || pieces.size() == 1) {
      work(0, pieces.size());
    } else {
      // Split into contiguous runs of roughly equal bytes.
      size_t total = pieces.back().end - pieces.front().begin;
      std::vector<std::thread> pool;
      size_t from = 0;
      for (int t = 0; t < threads && from < pieces.size(); ++t) {
        size_t target = pieces.front().begin + total * (t + 1) / threads;
        size_t to = from;
        while (to < pieces.size() && (pieces[to].end <= target || to == from)) ++to;
        if (t == threads - 1) to = pieces.size();
        pool.emplace_back(work, from, to);
        from = to;
      }
      if (from < pieces.size()) work(from, pieces.size());
      for (auto& th : pool) th.join();
    }
    for (size_t i = 0; i < pieces.size(); ++i) {
      const PieceRef& p = pieces[i];
      bool doc_end = last_is_document_end && i + 1 == pieces.size();
      HT_RETURN_IF_ERROR(sink->Add(ids[i],
                                   std::string_view(buf).substr(p.begin, p.end - p.begin),
                                   p.scene_end, doc_end));
      local.bytes += p.end - p.begin;
      local.tokens += ids[i].size();
      local.scenes += p.scene_end;
    }
    buf.erase(0, pieces.back().end);
    scan -= pieces.back().end;
    pieces.clear();
    return OkStatus();
  };

  while (!eof) {
    size_t at = buf.size();
    buf.resize(at + kReadBytes);
    auto got = source->ReadFull(buf.data() + at, kReadBytes);
    if (!got.ok()) return got.status();
    buf.resize(at + *got);
    eof = *got < kReadBytes;
    // Cut every piece the buffer now determines.
    for (;;) {
      std::string_view rest = std::string_view(buf).substr(scan);
      if (rest.empty()) break;
      size_t end = FindSceneEnd(rest, options.scene, eof);
      bool scene_end = end != 0;
      if (!scene_end) {
        if (rest.size() <= Encoder::kWindowBytes) break;  // need more input
        end = WindowEnd(rest);
      }
      pieces.push_back({scan, scan + end, scene_end});
      scan += end;
    }
    if (!pieces.empty() && (scan >= batch_bytes || eof)) {
      HT_RETURN_IF_ERROR(emit_batch(eof && scan == buf.size()));
    }
  }
  if (counts) {
    counts->bytes += local.bytes;
    counts->tokens += local.tokens;
    counts->scenes += local.scenes;
  }
  return OkStatus();
}

}  // namespace hypertok
