#include "hypertok/scene.h"

#include <cstring>
#include <string>

namespace hypertok {

std::string_view SceneModeName(SceneMode mode) {
  switch (mode) {
    case SceneMode::kParagraph:
      return "paragraph";
    case SceneMode::kLine:
      return "line";
    case SceneMode::kDocument:
      return "document";
  }
  return "?";
}

StatusOr<SceneMode> ParseSceneMode(std::string_view name) {
  if (name == "paragraph") return SceneMode::kParagraph;
  if (name == "line") return SceneMode::kLine;
  if (name == "document") return SceneMode::kDocument;
  return InvalidArgumentError("unknown scene mode '" + std::string(name) +
                              "' (expected paragraph, line or document)");
}

size_t FindSceneEnd(std::string_view text, SceneMode mode, bool at_end) {
  const char* begin = text.data();
  const size_t n = text.size();
  switch (mode) {
    case SceneMode::kDocument:
      return at_end ? n : 0;
    case SceneMode::kLine: {
      const void* nl = n ? std::memchr(begin, '\n', n) : nullptr;
      if (nl) return static_cast<const char*>(nl) - begin + 1;
      return at_end ? n : 0;
    }
    case SceneMode::kParagraph: {
      size_t pos = 0;
      while (pos < n) {
        const void* nl = std::memchr(begin + pos, '\n', n - pos);
        if (!nl) break;
        size_t i = static_cast<const char*>(nl) - begin;
        // Extend over the whole run of line-break bytes around this '\n'.
        size_t run_end = i;
        int newlines = 0;
        while (run_end < n && (text[run_end] == '\n' || text[run_end] == '\r')) {
          newlines += text[run_end] == '\n';
          ++run_end;
        }
        if (newlines >= 2) {
          if (run_end == n && !at_end) return 0;  // the run may continue
          return run_end;
        }
        pos = run_end;
      }
      return at_end ? n : 0;
    }
  }
  return at_end ? n : 0;
}

}  // namespace hypertok
