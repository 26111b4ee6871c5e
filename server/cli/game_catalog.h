// GameCatalog: the made-up games that synthetic reviews are written about.
//
// The catalogue is built from a fixed internal seed, so game k (name, app_id, genre, how well
// it is liked, release date) is the same for every generator seed and every catalogue size: a
// catalogue of G games is the first G games of any larger one. Popularity is Zipf-like in the
// catalogue order (game 0 gets the most reviews). Immutable after construction; safe to share
// between threads. pick() takes the caller's Rng.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "server/cli/random.h"
#include "server/cli/review_vocabulary.h"

namespace quarry::cli {

struct Game {
  int64_t app_id = 0;
  std::string name;
  const Genre* genre = nullptr;
  double positive_rate = 0.8;       // probability that a review recommends the game
  int64_t release_time = 0;         // epoch seconds
  int64_t early_access_end = 0;     // reviews before this were written during early access
  int price_dollars = 20;
};

class GameCatalog {
 public:
  static constexpr int kDefaultGames = 150;
  static constexpr int kMaxGames = 5000;

  // `count` is clamped to [1, kMaxGames].
  explicit GameCatalog(int count = kDefaultGames);

  const std::vector<Game>& games() const { return games_; }

  // A game drawn with Zipf-like popularity (weight 1 / (rank + 1)^1.05).
  const Game& pick(Rng& rng) const;

 private:
  std::vector<Game> games_;
  std::vector<double> cumulative_;  // normalised cumulative popularity, last element 1.0
};

}  // namespace quarry::cli
