// Composes the free text of one synthetic review.
//
// English reviews are 1-8 sentences picked from templates in review_vocabulary.h: an opener, a
// mix of genre-specific and general sentences, sometimes a closer, all matching the verdict
// (negative reviews talk about crashes, bugs, refunds, servers and price; positive ones about
// story, gameplay, graphics and friends). Languages with native phrase tables get 1-4 native
// sentences; the others use English text. Output is plain UTF-8 (may contain '\n'), not
// JSON-escaped. Pure function of its arguments and the Rng stream.
#pragma once

#include <cstdint>
#include <string>

#include "server/cli/game_catalog.h"
#include "server/cli/random.h"
#include "server/cli/review_vocabulary.h"

namespace quarry::cli {

struct ReviewContext {
  const Game* game = nullptr;
  const Language* language = nullptr;
  bool recommended = true;
  int64_t hours_played = 1;  // used by {hours}
};

// Appends the review text to `out`.
void append_review_text(const ReviewContext& ctx, Rng& rng, std::string& out);

}  // namespace quarry::cli
