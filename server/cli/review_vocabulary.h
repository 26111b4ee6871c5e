// Read-only word and phrase tables for the synthetic review generator: genres (with the features,
// praise and complaints their reviews talk about), review sentence templates by verdict, the
// review languages with their shares, and the parts game titles are made of.
//
// Templates contain placeholders that server/cli/review_text.cpp expands:
//   {game} {noun} {feature} {feature2} {aspect} {good} {bad} {bug} {hours} {n} {price} {friends}
// All tables are immutable constants; safe to read from any thread.
#pragma once

#include <span>
#include <string_view>

namespace quarry::cli {

using Phrases = std::span<const std::string_view>;

struct Genre {
  std::string_view name;   // "shooter": stable identifier
  std::string_view noun;   // how reviewers call such a game: "shooter", "RPG", "city builder"
  Phrases features;        // things specific to the genre: "gunplay", "skill trees"
  Phrases praise;          // genre-specific positive sentences (templates)
  Phrases complaints;      // genre-specific negative sentences (templates)
  Phrases title_words;     // words that titles of this genre use
};

struct Language {
  std::string_view name;   // Steam's language name: "english", "schinese", ...
  double share;            // fraction of all reviews (the shares sum to ~1)
  Phrases positive;        // native sentences for positive reviews; empty -> English text
  Phrases negative;        // native sentences for negative reviews
};

std::span<const Genre> genres();
std::span<const Language> languages();

// General sentence templates, by verdict.
Phrases positive_openers();
Phrases positive_sentences();
Phrases negative_openers();
Phrases negative_sentences();
Phrases mixed_sentences();       // fit either verdict ("but" sentences, caveats)
Phrases positive_closers();
Phrases negative_closers();
Phrases short_positive_reviews();  // whole one-line reviews: "10/10", "Great game."
Phrases short_negative_reviews();

// Fillers for the placeholders.
Phrases aspects();        // {aspect}: story, graphics, soundtrack, ...
Phrases good_adjectives();  // {good}
Phrases bad_adjectives();   // {bad}
Phrases bugs();           // {bug}: "falling through the map", ...
Phrases friend_groups();  // {friends}: "my brother", "a couple of friends"

// Parts of made-up game titles.
Phrases title_adjectives();
Phrases title_nouns();
Phrases title_places();
Phrases title_subtitles();

}  // namespace quarry::cli
