// Encode driver. The input is read in fixed-size chunks (ReadFull, so a pipe
// and a file give the same chunks) and cut into pieces — whole scenes, or
// windows (WindowEnd) of a scene too long to wait for — which are grouped in
// batches of about kBatchBytes. With one thread the caller's thread encodes
// each batch and hands it to the sink. With N > 1, N - 1 workers encode
// batches while the caller's thread reads ahead, hands finished batches to
// the sink in input order and, while the oldest is still being encoded,
// encodes queued ones itself: N threads in all, so reading, encoding and
// writing overlap without a thread more than -T asked for. Pieces are
// independent and cut from the bytes alone, so the ids do not depend on the
// thread count or on how batches fall.
//
// Batches are small (128 KiB read at a time) so that no thread waits long
// for the last batch at the end of an input, or for the first at its start
// (docs/ARCHITECTURE.md, "Encode speed"). Several sources go through one
// driver, so batches of consecutive small files are encoded side by side.
#include "hypertok/pipeline.h"

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "common/huge_page_allocator.h"
#include "common/raw_buffer.h"

namespace hypertok {

namespace {

constexpr size_t kReadBytes = size_t{1} << 17;
constexpr size_t kBatchBytes = size_t{1} << 17;
// A batch is cut once it holds kBatchBytes; it may also carry the tail of the
// previous one (a scene still waiting for its end, at most a window) and one
// read past the cut.
constexpr size_t kBatchCapacity = kBatchBytes + Encoder::kWindowBytes + 2 * kReadBytes;

struct PieceRef {
  size_t begin, end;  // in Batch::text
  bool scene_end;
  size_t ids_begin = 0, ids_end = 0;  // in Batch::ids, once encoded
};

struct Batch {
  RawBuffer text;
  std::vector<PieceRef> pieces;
  // The ids of all pieces, one after another: room for one id per byte of
  // text (no piece has more), touched only as far as written. (On huge
  // pages: from jemalloc, arrays of this size — ~5.6 MB, for 128 KiB
  // batches — landed in ranges already split into 4 KiB pages, ~30 faults
  // per batch.)
  HugeArray<uint32_t> ids;
  size_t ids_room = 0;
  bool document_end = false;

  void Encode(const Encoder& encoder, bool allow_special) {
    if (ids_room < text.size()) {
      ids_room = std::max(text.size(), kBatchCapacity);
      ids = MakeHugeArray<uint32_t>(ids_room);
    }
    size_t n = 0;
    for (PieceRef& p : pieces) {
      const std::string_view piece = text.view().substr(p.begin, p.end - p.begin);
      p.ids_begin = n;
      static_assert(RawBuffer::kPadding >= Encoder::kPadding);  // (text's room past its end)
      n += allow_special ? encoder.EncodeAllowingSpecialPadded(piece, ids.get() + n)
                         : encoder.EncodePadded(piece, ids.get() + n);
      p.ids_end = n;
    }
  }
};

// A fixed set of threads running queued jobs; the destructor finishes the
// queue and joins.
class WorkerPool {
 public:
  explicit WorkerPool(int n) {
    for (int i = 0; i < n; ++i) threads_.emplace_back([this] { Loop(); });
  }
  ~WorkerPool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }
  void Submit(std::function<void()> job) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      jobs_.push_back(std::move(job));
    }
    cv_.notify_one();
  }
  // Runs the oldest queued job on the calling thread; false if none waits.
  bool RunOne() {
    std::function<void()> job;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (jobs_.empty()) return false;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
    return true;
  }

 private:
  void Loop() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
        if (jobs_.empty()) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  bool stop_ = false;
};

}  // namespace

Status EncodeSources(const Encoder& encoder, const NextSource& next_source,
                     const EncodeOptions& options, TokenSink* sink, EncodeCounts* counts) {
  const int threads = std::max(1, options.threads);
  EncodeCounts local;

  auto deliver = [&](Batch& b) -> Status {
    for (size_t i = 0; i < b.pieces.size(); ++i) {
      const PieceRef& p = b.pieces[i];
      const bool doc_end = b.document_end && i + 1 == b.pieces.size();
      const std::span<const uint32_t> ids(b.ids.get() + p.ids_begin, p.ids_end - p.ids_begin);
      HT_RETURN_IF_ERROR(
          sink->Add(ids, b.text.view().substr(p.begin, p.end - p.begin), p.scene_end, doc_end));
      local.bytes += p.end - p.begin;
      local.tokens += ids.size();
      local.scenes += p.scene_end;
    }
    if (options.progress) options.progress(local.bytes);
    return OkStatus();
  };

  // In flight (threads > 1): batches being encoded or queued, oldest first.
  // At most threads + 1 — one for each thread to encode besides the one the
  // caller's thread is delivering — so memory stays bounded. (2 × threads kept no
  // worker busier and made every batch object past the fourth a fresh pair
  // of huge pages: an English book's -T2 encode faulted in 33 instead of 29.)
  struct Pending {
    std::unique_ptr<Batch> batch;
    std::future<void> done;
  };
  std::deque<Pending> in_flight;
  // Delivered batches, reused so their buffers are not allocated (and
  // page-faulted in) again.
  std::vector<std::unique_ptr<Batch>> spare;
  std::unique_ptr<WorkerPool> pool;
  if (threads > 1) pool = std::make_unique<WorkerPool>(threads - 1);
  auto drain_one = [&]() -> Status {
    Pending p = std::move(in_flight.front());
    in_flight.pop_front();
    // While the oldest batch is being encoded, the caller's thread encodes
    // queued ones instead of waiting.
    while (p.done.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      if (!pool->RunOne()) break;
    }
    p.done.get();
    Status s = deliver(*p.batch);
    spare.push_back(std::move(p.batch));
    return s;
  };
  // On an early return, the pool's destructor still waits for queued jobs,
  // which only touch their own batches (owned by in_flight, destroyed after).

  // Hands a batch to the workers (threads > 1).
  auto submit = [&](std::unique_ptr<Batch> b) -> Status {
    auto task = std::make_shared<std::packaged_task<void()>>(
        [&encoder, raw = b.get(), allow = options.allow_special] { raw->Encode(encoder, allow); });
    in_flight.push_back({std::move(b), task->get_future()});
    pool->Submit([task] { (*task)(); });
    while (in_flight.size() > static_cast<size_t>(threads + 1)) HT_RETURN_IF_ERROR(drain_one());
    return OkStatus();
  };

  // The batch being filled: input is read into its buffer, and what follows
  // its last piece moves to the next one (with workers) or stays for the
  // same one to be filled again (one thread).
  auto fresh_batch = [&] {
    std::unique_ptr<Batch> b;
    if (spare.empty()) {
      b = std::make_unique<Batch>();
    } else {
      b = std::move(spare.back());
      spare.pop_back();
    }
    b->pieces.clear();
    b->document_end = false;
    b->text.Reserve(kBatchCapacity);
    b->text.Resize(0);  // (a spare one still holds its text)
    return b;
  };
  // (Made once a source is there to fill it: one made after the last would
  // be a fresh page to fault in for nothing.)
  std::unique_ptr<Batch> cur;
  // The next chunk of input, read early (see below).
  RawBuffer ahead;
  Status status;
  for (;;) {  // each source, one document
    auto opened = next_source();
    if (!opened.ok()) {
      status = opened.status();
      break;
    }
    const std::unique_ptr<ByteSource> source = std::move(opened).value();
    if (source == nullptr) break;
    if (cur == nullptr) cur = fresh_batch();
    size_t scan = 0;  // start of the next piece in cur->text
    bool eof = false;
    bool have_ahead = false;  // `ahead` holds the chunk to cut next
    while (status.ok() && (have_ahead || !eof)) {
      RawBuffer& buf = cur->text;
      const size_t at = buf.size();
      if (have_ahead) {
        buf.Resize(at + ahead.size());
        std::memcpy(buf.data() + at, ahead.view().data(), ahead.size());
        have_ahead = false;
      } else {
        buf.Resize(at + kReadBytes);
        auto got = source->ReadFull(buf.data() + at, kReadBytes);
        if (!got.ok()) {
          status = got.status();
          break;
        }
        buf.Resize(at + *got);
        eof = *got < kReadBytes;
      }
      // Cut every piece the buffer now determines.
      for (;;) {
        std::string_view rest = buf.view().substr(scan);
        if (rest.empty()) break;
        size_t end = FindSceneEnd(rest, options.scene, eof);
        bool scene_end = end != 0;
        if (!scene_end) {
          if (rest.size() <= Encoder::kWindowBytes) break;  // need more input
          end = WindowEnd(rest);
        }
        cur->pieces.push_back({scan, scan + end, scene_end});
        scan += end;
      }
      if (cur->pieces.empty() || (scan < kBatchBytes && !eof)) continue;
      // Cut to the last byte read, the batch ends the document if the input
      // does: the next chunk, read now, tells (a full chunk followed by none
      // is the end too). It is cut next, as if read then, so the pieces stay
      // those of reading chunk by chunk.
      if (!eof && scan == buf.size()) {
        ahead.Resize(kReadBytes);
        auto got = source->ReadFull(ahead.data(), kReadBytes);
        if (!got.ok()) {
          status = got.status();
          break;
        }
        ahead.Resize(*got);
        eof = *got < kReadBytes;
        have_ahead = *got > 0;
      }
      cur->document_end = eof && !have_ahead && scan == buf.size();
      if (!pool) {
        // One thread: the batch is encoded and delivered now, and what follows
        // its last piece moves to the front of its own buffer. (Handing it to
        // a second batch, as the workers need, made two batches' buffers
        // alternate: two more huge pages to fault in.)
        cur->Encode(encoder, options.allow_special);
        status = deliver(*cur);
        buf.DropPrefix(scan);
        cur->pieces.clear();
        cur->document_end = false;
        scan = 0;
        continue;
      }
      if (cur->document_end) {  // (the next source's text starts a batch of its own)
        status = submit(std::move(cur));
        break;
      }
      std::unique_ptr<Batch> next = fresh_batch();
      next->text.Assign(buf.view().substr(scan));
      scan = 0;
      status = submit(std::move(cur));
      cur = std::move(next);
    }
    if (!status.ok()) break;
  }
  while (status.ok() && !in_flight.empty()) status = drain_one();
  pool.reset();  // joins; safe to drop the remaining batches after this
  HT_RETURN_IF_ERROR(status);
  if (counts) {
    counts->bytes += local.bytes;
    counts->tokens += local.tokens;
    counts->scenes += local.scenes;
  }
  return OkStatus();
}

Status EncodeSource(const Encoder& encoder, ByteSource* source, const EncodeOptions& options,
                    TokenSink* sink, EncodeCounts* counts) {
  // (The source is the caller's: handed over once, as an owner that does not own it.)
  struct Borrowed : ByteSource {
    ByteSource* source;
    explicit Borrowed(ByteSource* s) : source(s) {}
    StatusOr<size_t> Read(char* buf, size_t n) override { return source->Read(buf, n); }
    const std::string& name() const override { return source->name(); }
  };
  bool given = false;
  return EncodeSources(
      encoder,
      [&]() -> StatusOr<std::unique_ptr<ByteSource>> {
        if (std::exchange(given, true)) return std::unique_ptr<ByteSource>();
        return std::unique_ptr<ByteSource>(std::make_unique<Borrowed>(source));
      },
      options, sink, counts);
}

}  // namespace hypertok
