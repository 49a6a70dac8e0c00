// The --format values of encode and decode, in one place so both verbs (and
// encode --rm, which decodes what it wrote) agree on what each one is.
#ifndef HYPERTOK_CLI_TOKEN_FORMATS_H_
#define HYPERTOK_CLI_TOKEN_FORMATS_H_

#include <memory>
#include <string>
#include <vector>

#include "cli/output.h"
#include "hypertok/codebook.h"
#include "hypertok/decoder.h"
#include "hypertok/pipeline.h"
#include "hypertok/stream.h"

namespace hypertok::cli {

// Every encode format; all but "pieces" decode.
const std::vector<std::string>& EncodeFormats();
const std::vector<std::string>& DecodeFormats();
// Formats whose output is bytes a terminal should not get unasked.
bool IsBinaryFormat(const std::string& format);

// megatron writes PREFIX.bin and PREFIX.idx; given "x", "x.bin" or "x.idx",
// returns "x".
std::string MegatronPrefix(const std::string& path);

struct EncodeTarget {
  std::vector<std::unique_ptr<Output>> outputs;  // committed together
  std::unique_ptr<Decoder> decoder;              // for pieces
  std::unique_ptr<TokenSink> sink;
};

struct EncodeTargetSpec {
  std::string format;
  std::string output;  // "" or "-" = standard output
  bool to_stdout = false;
  bool force = false;
  StreamOptions stream;  // hts only
};

// Opens the output(s) and the writer for `spec.format`.
StatusOr<EncodeTarget> OpenEncodeTarget(const Codebook& codebook, const EncodeTargetSpec& spec);

struct DecodedTotals {
  uint64_t tokens = 0;
  uint64_t bytes = 0;
  uint64_t scenes = 0;  // hts only
};

// Decodes `input` (a path, "-" for standard input; megatron: the prefix) in
// `format` into sink.
StatusOr<DecodedTotals> DecodeInput(const Codebook& codebook, const std::string& format,
                                    const std::string& input, ByteSink* sink);

// Decodes `output` and checks it gives exactly the concatenation of `inputs`
// (how encode --rm and build verify what they wrote). Returns the ids it
// holds (eod tokens included), or kDataLoss naming the first difference.
StatusOr<uint64_t> VerifyDecodesTo(const Codebook& codebook, const std::string& format,
                                   const std::string& output,
                                   const std::vector<std::string>& inputs);

}  // namespace hypertok::cli

#endif  // HYPERTOK_CLI_TOKEN_FORMATS_H_
