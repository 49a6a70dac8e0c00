#include "cli/token_formats.h"

#include "hypertok/text_formats.h"
#include "hypertok/trainer_formats.h"

namespace hypertok::cli {

namespace {

// Checks what is written against the concatenation of files.
class CompareSink : public ByteSink {
 public:
  explicit CompareSink(const std::vector<std::string>& paths) : paths_(paths) {}
  Status Write(std::string_view data) override {
    while (!data.empty()) {
      if (pos_ == buf_.size()) HT_RETURN_IF_ERROR(Refill());
      HT_CHECK_OR_RETURN(pos_ < buf_.size(), DataLoss)
          << "the output decodes to more bytes than the inputs hold";
      const size_t n = std::min(data.size(), buf_.size() - pos_);
      HT_CHECK_OR_RETURN(std::string_view(buf_).substr(pos_, n) == data.substr(0, n), DataLoss)
          << "the output does not decode to " << paths_[std::min(next_, paths_.size()) - 1];
      pos_ += n;
      data.remove_prefix(n);
    }
    return OkStatus();
  }
  // OK when every input byte was matched.
  Status Finish() {
    if (pos_ == buf_.size()) HT_RETURN_IF_ERROR(Refill());
    HT_CHECK_OR_RETURN(pos_ == buf_.size(), DataLoss)
        << "the output decodes to fewer bytes than the inputs hold";
    return OkStatus();
  }

 private:
  // Loads the next bytes of the inputs into buf_ (empty at the very end).
  Status Refill() {
    buf_.clear();
    pos_ = 0;
    while (buf_.empty()) {
      if (!src_) {
        if (next_ == paths_.size()) return OkStatus();
        HT_ASSIGN_OR_RETURN(FileSource f, FileSource::Open(paths_[next_++]));
        src_ = std::make_unique<FileSource>(std::move(f));
      }
      buf_.resize(1 << 20);
      HT_ASSIGN_OR_RETURN(size_t got, src_->ReadFull(buf_.data(), buf_.size()));
      buf_.resize(got);
      if (got == 0) src_.reset();
    }
    return OkStatus();
  }
  const std::vector<std::string>& paths_;
  size_t next_ = 0;
  std::unique_ptr<FileSource> src_;
  std::string buf_;
  size_t pos_ = 0;
};

}  // namespace

const std::vector<std::string>& EncodeFormats() {
  static const std::vector<std::string> kFormats = {"hts", "ids",  "pieces",   "bin",
                                                    "npy", "llmc", "megatron", "pua"};
  return kFormats;
}

const std::vector<std::string>& DecodeFormats() {
  static const std::vector<std::string> kFormats = {"hts",  "ids",      "bin", "npy",
                                                    "llmc", "megatron", "pua"};
  return kFormats;
}

bool IsBinaryFormat(const std::string& format) {
  return format != "ids" && format != "pieces" && format != "pua";
}

std::string MegatronPrefix(const std::string& path) {
  for (const char* ext : {".bin", ".idx"}) {
    if (path.size() > 4 && path.ends_with(ext)) return path.substr(0, path.size() - 4);
  }
  return path;
}

StatusOr<EncodeTarget> OpenEncodeTarget(const Codebook& codebook, const EncodeTargetSpec& spec) {
  EncodeTarget t;
  const std::string& format = spec.format;
  const bool binary = IsBinaryFormat(format);
  if (format == "megatron") {
    HT_CHECK_OR_RETURN(!spec.to_stdout && !spec.output.empty() && spec.output != "-",
                       InvalidArgument)
        << "--format megatron writes two files: give their prefix with -o PREFIX";
    const std::string prefix = MegatronPrefix(spec.output);
    HT_ASSIGN_OR_RETURN(auto bin, Output::Open({prefix + ".bin", false, spec.force, true}));
    HT_ASSIGN_OR_RETURN(auto idx, Output::Open({prefix + ".idx", false, spec.force, true}));
    HT_ASSIGN_OR_RETURN(t.sink, MegatronWriter::Create(bin->sink(), idx->sink(), codebook));
    t.outputs.push_back(std::move(bin));
    t.outputs.push_back(std::move(idx));
    return t;
  }
  // npy and llmc fill in their header at the end: a file of our own, never
  // standard output (which may be a pipe, or a file opened for appending).
  HT_CHECK_OR_RETURN((format != "npy" && format != "llmc") ||
                         (!spec.to_stdout && !spec.output.empty() && spec.output != "-"),
                     InvalidArgument)
      << "--format " << format
      << " writes its token count into the header at the end: it needs a file output (-o)";
  HT_ASSIGN_OR_RETURN(auto out, Output::Open({spec.output, spec.to_stdout, spec.force, binary}));
  ByteSink* sink = out->sink();
  t.outputs.push_back(std::move(out));
  if (format == "hts") {
    t.sink = std::make_unique<StreamWriter>(sink, codebook.id(), codebook.size(), spec.stream);
  } else if (format == "ids") {
    t.sink = std::make_unique<IdsTextWriter>(sink);
  } else if (format == "pieces") {
    t.decoder = std::make_unique<Decoder>(codebook);
    t.sink = std::make_unique<PiecesJsonWriter>(sink, t.decoder.get());
  } else if (format == "pua") {
    HT_ASSIGN_OR_RETURN(t.sink, PuaWriter::Create(sink, codebook));
  } else {
    std::optional<TrainerFormat> tf = ParseTrainerFormat(format);
    HT_CHECK_OR_RETURN(tf.has_value(), InvalidArgument) << "unknown --format " << format;
    HT_ASSIGN_OR_RETURN(t.sink, TokenArrayWriter::Create(sink, *tf, codebook));
  }
  return t;
}

StatusOr<DecodedTotals> DecodeInput(const Codebook& codebook, const std::string& format,
                                    const std::string& input, ByteSink* sink) {
  DecodedTotals totals;
  if (format == "megatron") {
    const std::string prefix = MegatronPrefix(input);
    HT_ASSIGN_OR_RETURN(FileSource bin, FileSource::Open(prefix + ".bin"));
    HT_ASSIGN_OR_RETURN(FileSource idx, FileSource::Open(prefix + ".idx"));
    HT_ASSIGN_OR_RETURN(DecodeTotals t, DecodeMegatron(codebook, &bin, &idx, sink));
    return DecodedTotals{t.tokens, t.bytes, 0};
  }
  HT_ASSIGN_OR_RETURN(FileSource src, FileSource::Open(input));
  if (format == "hts") {
    Decoder decoder(codebook);
    HT_ASSIGN_OR_RETURN(StreamTotals t, DecodeStream(decoder, &src, sink));
    return DecodedTotals{t.tokens, t.bytes, t.scenes};
  }
  if (format == "ids") {
    Decoder decoder(codebook);
    HT_ASSIGN_OR_RETURN(totals.tokens, DecodeIdsText(decoder, &src, sink));
    return totals;
  }
  if (format == "pua") {
    HT_ASSIGN_OR_RETURN(DecodeTotals t, DecodePua(codebook, &src, sink));
    return DecodedTotals{t.tokens, t.bytes, 0};
  }
  std::optional<TrainerFormat> tf = ParseTrainerFormat(format);
  HT_CHECK_OR_RETURN(tf.has_value() && format != "megatron", InvalidArgument)
      << "--format " << format << " cannot be decoded";
  HT_ASSIGN_OR_RETURN(DecodeTotals t, DecodeTokenArray(codebook, *tf, &src, sink));
  return DecodedTotals{t.tokens, t.bytes, 0};
}

}  // namespace hypertok::cli

namespace hypertok::cli {

StatusOr<uint64_t> VerifyDecodesTo(const Codebook& codebook, const std::string& format,
                                   const std::string& output,
                                   const std::vector<std::string>& inputs) {
  CompareSink compare(inputs);
  HT_ASSIGN_OR_RETURN(DecodedTotals t, DecodeInput(codebook, format, output, &compare));
  HT_RETURN_IF_ERROR(compare.Finish());
  return t.tokens;
}

}  // namespace hypertok::cli
