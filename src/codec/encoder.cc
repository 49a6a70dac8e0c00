// Minimum-token segmentation by dynamic programming over a byte trie.
//
// For a window of n bytes, cost[i] is the fewest tokens that spell bytes
// i..n-1. It is filled right to left: cost[i] = 1 + min over every piece that
// matches at i (walked in the trie) of cost[i + len], with the byte token
// (len 1) always available. Ties keep the longest piece, which makes the
// segmentation unique. Reading the choices left to right gives the ids.
// Work is O(n × depth of the matches), memory O(window).
#include "hypertok/encoder.h"

#include <algorithm>
#include <limits>

#include "codec/byte_trie.h"

namespace hypertok {

struct Encoder::Impl {
  ByteTrie trie;  // normal pieces → id
  uint64_t codebook_id = 0;
  size_t vocab_size = 0;

  void Build(const Codebook& cb);
  void EncodeWindow(std::string_view text, std::vector<uint32_t>* ids) const;
};

void Encoder::Impl::Build(const Codebook& cb) {
  codebook_id = cb.id();
  vocab_size = cb.size();
  std::vector<uint32_t> order;
  for (uint32_t id = 256; id < cb.size(); ++id)
    if (cb.piece(id).kind == PieceKind::kNormal) order.push_back(id);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return cb.piece(a).bytes < cb.piece(b).bytes;
  });
  std::vector<std::string_view> keys;
  for (uint32_t id : order) keys.push_back(cb.piece(id).bytes);
  trie = ByteTrie::Build(keys, order);
}

void Encoder::Impl::EncodeWindow(std::string_view text,
                                 std::vector<uint32_t>* ids) const {
  const size_t n = text.size();
  if (n == 0) return;
  thread_local std::vector<uint32_t> cost, choice_id, choice_len;
  cost.assign(n + 1, 0);
  choice_id.resize(n);
  choice_len.resize(n);
  const uint8_t* s = reinterpret_cast<const uint8_t*>(text.data());
  for (size_t i = n; i-- > 0;) {
    uint32_t best = cost[i + 1] + 1;
    uint32_t best_id = s[i];
    uint32_t best_len = 1;
    uint32_t node = trie.Root(s[i]);
    size_t j = i + 1;
    while (node != 0) {
      uint32_t piece = trie.Value(node);
      if (piece != ByteTrie::kNoValue && cost[j] + 1 <= best) {
        best = cost[j] + 1;
        best_id = piece;
        best_len = static_cast<uint32_t>(j - i);
      }
      if (j == n) break;
      node = trie.Child(node, s[j]);
      ++j;
    }
    cost[i] = best;
    choice_id[i] = best_id;
    choice_len[i] = best_len;
  }
  ids->reserve(ids->size() + cost[0]);
  for (size_t i = 0; i < n; i += choice_len[i]) ids->push_back(choice_id[i]);
}

size_t WindowEnd(std::string_view text) {
  constexpr size_t kW = Encoder::kWindowBytes;
  if (text.size() <= kW) return text.size();
  for (size_t p = kW; p > kW / 2; --p)
    if (text[p] == ' ' || text[p] == '\n') return p;
  size_t p = kW;
  while (p > kW - 4 && (static_cast<uint8_t>(text[p]) & 0xC0) == 0x80) --p;
  return p;
}

Encoder::Encoder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Encoder::Encoder(Encoder&&) noexcept = default;
Encoder& Encoder::operator=(Encoder&&) noexcept = default;
Encoder::~Encoder() = default;

StatusOr<Encoder> Encoder::CreateUnchecked(const Codebook& codebook) {
  auto impl = std::make_unique<Impl>();
  impl->Build(codebook);
  return Encoder(std::move(impl));
}

StatusOr<Encoder> Encoder::Create(const Codebook& codebook) {
  HT_ASSIGN_OR_RETURN(Encoder enc, CreateUnchecked(codebook));
  const auto& tests = codebook.self_tests();
  for (size_t i = 0; i < tests.size(); ++i) {
    HT_CHECK_OR_RETURN(enc.Encode(tests[i].input) == tests[i].expected, DataLoss)
        << "codebook self-test " << i << " failed: this build encodes its sample "
        << "differently from the build that trained it";
  }
  return enc;
}

void Encoder::Encode(std::string_view text, std::vector<uint32_t>* ids) const {
  while (!text.empty()) {
    size_t end = WindowEnd(text);
    impl_->EncodeWindow(text.substr(0, end), ids);
    text.remove_prefix(end);
  }
}

uint64_t Encoder::codebook_id() const { return impl_->codebook_id; }
size_t Encoder::vocab_size() const { return impl_->vocab_size; }

}  // namespace hypertok
