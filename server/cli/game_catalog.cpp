// Builds the fixed catalogue of made-up games (see game_catalog.h).
#include "server/cli/game_catalog.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

namespace quarry::cli {
namespace {

constexpr uint64_t kCatalogSeed = 0x51A7E5C0FFEEULL;
constexpr int64_t kFirstRelease = 1388534400;  // 2014-01-01
constexpr int64_t kLastRelease = 1609459200;   // 2021-01-01

template <typename Span>
std::string_view pick_from(Rng& rng, const Span& items) {
  return items[rng.below(items.size())];
}

std::string make_title(Rng& rng, const Genre& genre) {
  const std::string_view word = pick_from(rng, genre.title_words);
  const std::string_view adjective = pick_from(rng, title_adjectives());
  const std::string_view noun = pick_from(rng, title_nouns());
  std::string title;
  switch (rng.below(8)) {
    case 0: title.append(adjective).append(" ").append(word); break;
    case 1: title.append(word).append(" of ").append(pick_from(rng, title_places())); break;
    case 2: title.append(noun).append(" ").append(word); break;
    case 3:
      title.append(adjective).append(" ").append(noun).append(": ");
      title.append(pick_from(rng, title_subtitles()));
      break;
    case 4: title.append(word).append(" ").append(noun).append(" ").append(
        std::to_string(2 + rng.below(4))); break;
    case 5: title.append("Project ").append(noun); break;
    case 6: title.append(word).append(": ").append(pick_from(rng, title_subtitles())); break;
    default: title.append(adjective).append(" ").append(noun); break;
  }
  return title;
}

}  // namespace

GameCatalog::GameCatalog(int count) {
  count = std::clamp(count, 1, kMaxGames);
  Rng rng(kCatalogSeed);
  std::unordered_set<std::string> names;
  std::unordered_set<int64_t> ids;
  const auto all_genres = genres();
  games_.reserve(count);
  while (static_cast<int>(games_.size()) < count) {
    Game g;
    g.genre = &all_genres[rng.below(all_genres.size())];
    g.name = make_title(rng, *g.genre);
    // Once the title space runs thin, number the sequels instead of looping forever.
    for (int attempt = 0; attempt < 20 && names.count(g.name) != 0; ++attempt) {
      g.name = make_title(rng, *g.genre);
    }
    if (names.count(g.name) != 0) g.name += " " + std::to_string(games_.size());
    if (!names.insert(g.name).second) continue;
    do {
      g.app_id = 200000 + static_cast<int64_t>(rng.below(130000)) * 10;
    } while (!ids.insert(g.app_id).second);
    // Most games are liked; a few are disasters.
    g.positive_rate = rng.chance(0.12) ? 0.25 + 0.3 * rng.unit() : 0.70 + 0.28 * rng.unit();
    g.release_time = rng.between(kFirstRelease, kLastRelease);
    g.early_access_end =
        rng.chance(0.2) ? g.release_time + rng.between(90, 900) * 86400 : g.release_time;
    static constexpr int kPrices[] = {5, 10, 15, 20, 25, 30, 40, 60};
    g.price_dollars = rng.pick(kPrices);
    games_.push_back(std::move(g));
  }

  cumulative_.resize(games_.size());
  double total = 0;
  for (size_t i = 0; i < games_.size(); ++i) {
    total += 1.0 / std::pow(static_cast<double>(i + 1), 1.05);
    cumulative_[i] = total;
  }
  for (double& c : cumulative_) c /= total;
  cumulative_.back() = 1.0;
}

const Game& GameCatalog::pick(Rng& rng) const {
  const double u = rng.unit();
  auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), u);
  if (it == cumulative_.end()) --it;
  return games_[static_cast<size_t>(it - cumulative_.begin())];
}

}  // namespace quarry::cli
