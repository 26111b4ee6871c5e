// Synthetic review generation (see review_generator.h).
#include "server/cli/review_generator.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "server/cli/json_text.h"
#include "server/cli/review_text.h"

namespace quarry::cli {
namespace {

constexpr int64_t kSteamIdBase = 76561197960265728LL;

void append_int(std::string& out, int64_t v) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

void append_field(std::string& out, std::string_view key) {
  out.push_back('"');
  out.append(key);
  out.append("\":");
}

void int_field(std::string& out, std::string_view key, int64_t v, bool last = false) {
  append_field(out, key);
  append_int(out, v);
  if (!last) out.push_back(',');
}

void bool_field(std::string& out, std::string_view key, bool v) {
  append_field(out, key);
  out.append(v ? "true," : "false,");
}

int64_t long_tail(Rng& rng, double p_zero, double alpha, int64_t cap) {
  if (rng.chance(p_zero)) return 0;
  return std::min<int64_t>(cap, static_cast<int64_t>(rng.pareto(alpha)));
}

}  // namespace

ReviewGenerator::ReviewGenerator(uint64_t seed, int games)
    : catalog_(games),
      rng_(seed),
      review_id_base_(10000000LL + static_cast<int64_t>(seed % 1000) * 10000000000LL) {
  double total = 0;
  for (const Language& l : languages()) {
    total += l.share;
    language_cumulative_.push_back(total);
  }
  for (double& c : language_cumulative_) c /= total;
  language_cumulative_.back() = 1.0;
}

const Language& ReviewGenerator::pick_language() {
  const double u = rng_.unit();
  auto it = std::upper_bound(language_cumulative_.begin(), language_cumulative_.end(), u);
  if (it == language_cumulative_.end()) --it;
  return languages()[static_cast<size_t>(it - language_cumulative_.begin())];
}

void ReviewGenerator::append_review(std::string& out) {
  Rng& rng = rng_;
  const Game& game = catalog_.pick(rng);
  const Language& language = pick_language();
  const bool recommended = rng.chance(game.positive_rate);

  const int64_t created = rng.between(std::max(game.release_time, kReviewsStart), kReviewsEnd);
  const int64_t updated =
      rng.chance(0.85) ? created : rng.between(created, std::min(kReviewsEnd, created + 400 * 86400));

  // Playtime in minutes: unhappy players tend to quit (and review) early.
  const double median = recommended ? 900.0 : 240.0;
  const int64_t at_review =
      std::clamp<int64_t>(static_cast<int64_t>(rng.log_normal(median, 1.5)), 5, 300000);
  const int64_t forever =
      rng.chance(0.35) ? at_review
                       : std::min<int64_t>(600000, at_review + static_cast<int64_t>(
                                                                   rng.log_normal(600, 1.8)));
  // Only players active in the last two weeks of the data set have recent playtime.
  int64_t last_played = forever == at_review ? created : rng.between(created, kReviewsEnd);
  int64_t last_two_weeks = 0;
  if (forever > at_review && rng.chance(0.12)) {
    last_two_weeks = std::min<int64_t>(forever - at_review, rng.between(10, 5000));
    last_played = std::max(last_played, kReviewsEnd - rng.between(0, 14 * 86400));
  }

  const int64_t helpful = long_tail(rng, 0.62, 0.85, 25000);
  const int64_t funny = long_tail(rng, 0.86, 1.0, 8000);
  double score = 0;
  if (helpful + funny > 0) {
    score = 0.45 + 0.5 * (1.0 - std::exp(-static_cast<double>(helpful) / 25.0)) *
                       (0.6 + 0.4 * rng.unit());
    if (!recommended) score -= 0.05 * rng.unit();
  }
  const int64_t comments = long_tail(rng, 0.9, 1.2, 900);
  const bool free_copy = rng.chance(0.05);

  out.append("{");
  int_field(out, "app_id", game.app_id);
  append_field(out, "app_name");
  append_json_string(out, game.name);
  out.append(",\"review_id\":\"");
  append_int(out, review_id_base_ + static_cast<int64_t>(next_index_++) * 8 +
                      static_cast<int64_t>(rng.below(8)));
  out.append("\",");
  append_field(out, "language");
  append_json_string(out, language.name);
  out.push_back(',');

  text_.clear();
  ReviewContext ctx{&game, &language, recommended, std::max<int64_t>(1, at_review / 60)};
  append_review_text(ctx, rng, text_);
  append_field(out, "review");
  append_json_string(out, text_);
  out.push_back(',');

  int_field(out, "timestamp_created", created);
  int_field(out, "timestamp_updated", updated);
  bool_field(out, "recommended", recommended);
  int_field(out, "votes_helpful", helpful);
  int_field(out, "votes_funny", funny);
  append_field(out, "weighted_vote_score");
  if (score <= 0) {
    out.push_back('0');
  } else {
    char buf[32];
    auto res = std::to_chars(buf, buf + sizeof buf, std::min(score, 0.99),
                             std::chars_format::fixed, 6);
    out.append(buf, res.ptr);
  }
  out.push_back(',');
  int_field(out, "comment_count", comments);
  bool_field(out, "steam_purchase", !free_copy && rng.chance(0.82));
  bool_field(out, "received_for_free", free_copy);
  bool_field(out, "written_during_early_access", created < game.early_access_end);

  out.append("\"author\":{\"steamid\":\"");
  append_int(out, kSteamIdBase + rng.between(10000, 1200000000));
  out.append("\",");
  int_field(out, "num_games_owned",
            std::clamp<int64_t>(static_cast<int64_t>(rng.log_normal(70, 1.3)), 1, 25000));
  int_field(out, "num_reviews",
            std::min<int64_t>(5000, static_cast<int64_t>(rng.pareto(1.1))));
  int_field(out, "playtime_forever", forever);
  int_field(out, "playtime_last_two_weeks", last_two_weeks);
  int_field(out, "playtime_at_review", at_review);
  int_field(out, "last_played", last_played, /*last=*/true);
  out.append("}}\n");
}

}  // namespace quarry::cli
