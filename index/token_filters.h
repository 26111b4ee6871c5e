// Token filters: in-place transformations of one token's text, as Elasticsearch's `lowercase`,
// `uppercase`, `stop`, `stemmer` / `snowball` / `porter_stem`, `english_possessive` (the
// `possessive_english` stemmer), `asciifolding`, `length` and `unique` filters do.
//
// FilterSpec is an immutable value built once (index settings or an _analyze request); applying
// it is thread-safe. Stemming uses one Xapian::Stem per thread and language (Xapian stemmers keep
// state between calls), created on first use.
#pragma once

#include <climits>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>

namespace quarry::index {

using StopSet = std::unordered_set<std::string>;

enum class FilterKind : uint8_t {
  kLowercase,
  kUppercase,
  kStop,
  kStemmer,
  kPossessive,
  kAsciiFolding,
  kLength,
  kUnique,
};

struct FilterSpec {
  FilterSpec() = default;
  explicit FilterSpec(FilterKind k) : kind(k) {}

  FilterKind kind = FilterKind::kLowercase;
  std::shared_ptr<const StopSet> stopwords;  // stop: the words (lowercased if ignore_case)
  bool ignore_case = false;                  // stop
  int stemmer = -1;                          // stemmer: see stemmer_id()
  unsigned min = 0;                          // length: code points
  unsigned max = UINT_MAX;
  bool only_on_same_position = false;        // unique
};

enum class FilterResult : uint8_t {
  kKeep,
  kDropHole,  // removed, leaving a position gap (stop, length: Lucene's FilteringTokenFilter)
  kDrop,      // removed without a gap (unique)
};

// Applies a stateless filter (every kind but kUnique, which the token stream handles) to `term`.
// `scratch` is a buffer the caller reuses between calls, so no call allocates once warm.
FilterResult apply_filter(const FilterSpec& f, std::string& term, std::string& scratch);

// Stemmers: Xapian's languages by id. -1 if Xapian has no stemmer of that name.
int stemmer_id(std::string_view xapian_language);
// The Xapian stemmer for an Elasticsearch `stemmer` filter `language` ("english" is Lucene's
// Porter stemmer, "porter2" Snowball English, "dutch_kp" Kraaij-Pohlmann, ...); -1 if none.
int stemmer_for_es_language(std::string_view language);
// The Xapian stemmer for a `snowball` filter `language` ("English", "German2", "Kp", ...).
int stemmer_for_snowball_language(std::string_view language);

// A predefined stop word list ("_english_", "_none_", "_french_", ...); nullptr if unknown.
std::shared_ptr<const StopSet> predefined_stopwords(std::string_view name);

}  // namespace quarry::index
