// Google Benchmark micro-benchmarks of the hot loops: pre-tokenizing,
// encoding (memo warm), decoding and corpus counting, on a bundled sample
// with a codebook trained at start-up. Numbers only; nothing asserts on time.
//
//   build-test/tools/hypertok_micro_bench [--benchmark_filter=Encode]
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "codec/pretokenizer.h"
#include "hypertok/decoder.h"
#include "hypertok/encoder.h"
#include "hypertok/trainer.h"
#include "train/corpus.h"

namespace hypertok {
namespace {

std::string ReadData(const char* name) {
  std::ifstream f(std::string(HYPERTOK_DATA_DIR) + "/" + name, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

const std::string& Text() {
  static const std::string text = ReadData("ru_lermontov_geroi_nashego_vremeni.txt");
  return text;
}

const Codebook& TrainedCodebook() {
  static const Codebook cb = [] {
    Trainer trainer({.vocab_size = 8000, .threads = 2});
    StringSource src(Text());
    if (!trainer.AddSource(&src).ok()) std::abort();
    auto built = trainer.Build();
    if (!built.ok()) std::abort();
    return std::move(built).value();
  }();
  return cb;
}

void BM_Pretokenize(benchmark::State& state) {
  const std::string& text = Text();
  for (auto _ : state) {
    size_t units = 0;
    ForEachUnit(text, [&](std::string_view) { ++units; });
    benchmark::DoNotOptimize(units);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(text.size()));
}
BENCHMARK(BM_Pretokenize);

#ifdef HYPERTOK_BLOCK_SCANNER
// The block scanner's implementations alone, block by block over the text
// (as ForEachUnit would call them on plain text). Arg: 0 SSE2, 1 AVX2,
// 2 AVX-512BW (skipped where the CPU lacks it).
void BM_CutBlock(benchmark::State& state) {
  using internal::BlockCuts;
  BlockCuts (*cut)(const uint8_t*, size_t) = internal::CutBlockSse2;
  if (state.range(0) == 1) {
    if (!internal::HasAvx2()) return state.SkipWithError("no AVX2");
    cut = internal::CutBlockAvx2;
  } else if (state.range(0) == 2) {
    if (!internal::HasAvx512BW()) return state.SkipWithError("no AVX-512BW");
    cut = internal::CutBlockAvx512;
  }
  const std::string& text = Text();
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const size_t blocks = text.size() / internal::kBlockBytes - 1;
  for (auto _ : state) {
    uint64_t sum = 0;
    for (size_t b = 0; b < blocks; ++b) sum += cut(s + b * internal::kBlockBytes, 1000).starts;
    benchmark::DoNotOptimize(sum);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(blocks * internal::kBlockBytes));
}
BENCHMARK(BM_CutBlock)->Arg(0)->Arg(1)->Arg(2);
#endif

void BM_EncodeWarm(benchmark::State& state) {
  auto enc = Encoder::Create(TrainedCodebook());
  const std::string& text = Text();
  std::vector<uint32_t> ids;
  enc->Encode(text, &ids);  // fills the unit memo
  for (auto _ : state) {
    ids.clear();
    enc->Encode(text, &ids);
    benchmark::DoNotOptimize(ids.data());
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(text.size()));
}
BENCHMARK(BM_EncodeWarm);

void BM_EncoderCreate(benchmark::State& state) {
  const Codebook& cb = TrainedCodebook();
  for (auto _ : state) benchmark::DoNotOptimize(Encoder::CreateUnchecked(cb));
}
BENCHMARK(BM_EncoderCreate)->Unit(benchmark::kMillisecond);

void BM_Decode(benchmark::State& state) {
  const Codebook& cb = TrainedCodebook();
  auto enc = Encoder::Create(cb);
  const std::string& text = Text();
  const std::vector<uint32_t> ids = enc->Encode(text);
  Decoder dec(cb);
  std::vector<char> out(text.size() + Decoder::kSlack);
  for (auto _ : state) benchmark::DoNotOptimize(dec.DecodeTo(ids, out.data()));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(text.size()));
}
BENCHMARK(BM_Decode);

void BM_CountCorpus(benchmark::State& state) {
  const std::string& text = Text();
  for (auto _ : state) {
    Corpus corpus(
        {.threads = 1, .max_sample_tokens = size_t{32} << 20, .max_memory = 0, .progress = {}});
    StringSource src(text);
    benchmark::DoNotOptimize(corpus.AddSource(&src).ok());
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(text.size()));
}
BENCHMARK(BM_CountCorpus)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace hypertok

BENCHMARK_MAIN();
