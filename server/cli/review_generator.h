// ReviewGenerator: deterministic synthetic Steam reviews, one NDJSON line at a time.
//
// Each call to append_review() appends one JSON object and '\n'. The same seed and catalogue
// size give byte-identical output on every platform. Field layout (Steam reviews data set, with
// the author_* columns nested as "author"):
//   app_id (int), app_name, review_id (unique digit string), language, review,
//   timestamp_created, timestamp_updated (epoch s, 2015..2021), recommended (bool),
//   votes_helpful, votes_funny (long-tailed ints), weighted_vote_score (0..1), comment_count,
//   steam_purchase, received_for_free, written_during_early_access (bools),
//   author: {steamid (17-digit string), num_games_owned, num_reviews, playtime_forever,
//            playtime_last_two_weeks, playtime_at_review (minutes), last_played (epoch s)}
// review_id = 10000000 + (seed % 1000) * 10^10 + 8 * i + r (r < 8): unique within a run, and
// runs with different seeds (mod 1000) do not collide below 1.25e9 reviews.
// Not thread-safe: one generator per thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "server/cli/game_catalog.h"
#include "server/cli/random.h"

namespace quarry::cli {

constexpr int64_t kReviewsStart = 1420070400;  // 2015-01-01T00:00:00Z
constexpr int64_t kReviewsEnd = 1640995199;    // 2021-12-31T23:59:59Z

class ReviewGenerator {
 public:
  ReviewGenerator(uint64_t seed, int games);

  // Appends the next review as one JSON line (terminated by '\n').
  void append_review(std::string& out);

  const GameCatalog& catalog() const { return catalog_; }

 private:
  const Language& pick_language();

  GameCatalog catalog_;
  Rng rng_;
  uint64_t next_index_ = 0;
  int64_t review_id_base_;
  std::vector<double> language_cumulative_;
  std::string text_;  // scratch for the review text, reused between calls
};

}  // namespace quarry::cli
