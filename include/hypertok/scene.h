// Scenes: the unit the encoder works on and the stream records boundaries for.
// Each scene is encoded on its own, so each decodes on its own, byte-exact.
//
//   paragraph  text up to and including a blank-line separator: a run of
//              '\r'/'\n' bytes holding at least two '\n' (so "\n\n" and
//              "\r\n\r\n" both end a paragraph). The default.
//   line       text up to and including each '\n'.
//   document   the whole input (one file, or stdin).
//
// Scenes partition the input: concatenating them gives it back exactly.
#ifndef HYPERTOK_SCENE_H_
#define HYPERTOK_SCENE_H_

#include <cstddef>
#include <string_view>

#include "hypertok/status.h"

namespace hypertok {

enum class SceneMode : uint8_t { kParagraph = 0, kLine = 1, kDocument = 2 };

std::string_view SceneModeName(SceneMode mode);
StatusOr<SceneMode> ParseSceneMode(std::string_view name);

// Returns the length of the first scene in `text`, or 0 when `text` holds no
// complete scene yet. With `at_end` the input ends after `text`, so the rest
// is the last scene (returns text.size()). Without it a separator that
// reaches the end of `text` is not final (more newlines may follow), so it is
// not yet a boundary.
size_t FindSceneEnd(std::string_view text, SceneMode mode, bool at_end);

}  // namespace hypertok

#endif  // HYPERTOK_SCENE_H_
