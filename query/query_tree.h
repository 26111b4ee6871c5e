// The internal query tree: what the Query DSL JSON means, independent of JSON and of Xapian.
// query_parser.cpp dispatches to one parse function per query type (query/q_*.cpp); to_xapian.cpp
// turns the tree into a Xapian::Query for one index's mapping. Value types: a built tree is
// immutable and may be shared between threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace quarry::query {

struct QueryNode;
using QueryPtr = std::shared_ptr<const QueryNode>;

enum class QueryKind {
  kMatchAll, kMatchNone,
  // Full text (query/q_match.cpp)
  kMatch, kMatchPhrase, kMatchPhrasePrefix, kMatchBoolPrefix, kMultiMatch, kCombinedFields,
  // Term level (query/q_term_level.cpp, query/q_range.cpp)
  kTerm, kTerms, kIds, kExists, kRange, kPrefix, kWildcard, kRegexp, kFuzzy,
  // Compound (query/q_compound.cpp, query/q_function_score.cpp)
  kBool, kConstantScore, kBoosting, kDisMax, kFunctionScore,
};

enum class MultiMatchType { kBestFields, kMostFields, kCrossFields, kPhrase, kPhrasePrefix, kBoolPrefix };

// One function of a function_score query.
struct ScoreFunction {
  enum class Kind { kWeight, kFieldValueFactor } kind = Kind::kWeight;
  QueryPtr filter;                  // null = every document
  std::optional<double> weight;     // multiplies the function's value (alone: the value itself)
  // field_value_factor
  std::string field;
  double factor = 1.0;
  std::string modifier = "none";    // none log log1p log2p ln ln1p ln2p square sqrt reciprocal
  std::optional<double> missing;
};

// A terms query whose values are another document's field ({"index", "id", "path", "routing"}).
// Resolved before the query runs (cluster/terms_lookup.h): `values` then holds them.
struct TermsLookup {
  std::string index, id, path, routing;
};

struct QueryNode {
  QueryKind kind = QueryKind::kMatchAll;
  float boost = 1.0f;
  std::string field;
  // Several fields (multi_match, query_string): "name", "name^2", "na*"; resolved against the
  // mapping by to_xapian. For leaf kinds, a non-empty list means "this query on each field",
  // combined as dis_max with `tie_breaker` (or summed for most_fields / bool_prefix).
  std::vector<std::string> fields;
  // kMatch*, kMultiMatch: the text; kTerm, kPrefix, kWildcard, kRegexp, kFuzzy: the value as text
  // (JSON scalars rendered canonically).
  std::string text;
  bool operator_and = false;              // kMatch, kMatchBoolPrefix, kMultiMatch
  std::vector<std::string> values;        // kTerms, kIds
  std::optional<TermsLookup> terms_lookup; // kTerms: values still to fetch
  // kBool (and the optional clauses of kMatch / kMultiMatch / kMatchBoolPrefix)
  std::vector<QueryPtr> must, should, must_not, filter;
  std::optional<std::string> minimum_should_match;

  // Full-text options
  std::string analyzer;                   // "" = the field's search analyzer
  std::string fuzziness;                  // "" = none; "0", "1", "2", "AUTO", "AUTO:3,6"
  int prefix_length = 0;
  int max_expansions = 50;
  bool fuzzy_transpositions = true;
  bool zero_terms_all = false;            // zero_terms_query: "all"
  bool lenient = false;
  int slop = 0;
  MultiMatchType multi_type = MultiMatchType::kBestFields;
  std::optional<float> tie_breaker;

  // kRange: bounds as text (numbers rendered canonically); `format` / `time_zone` for dates.
  std::optional<std::string> gt, gte, lt, lte;
  std::string format, time_zone;
  // kRange on a range field: how a document's range must relate to the query's ("intersects",
  // the default, "within" or "contains"); other fields ignore it (one value per document).
  std::string relation;
  // kWildcard, kPrefix, kRegexp, kTerm
  bool case_insensitive = false;
  int max_determinized_states = 10000;    // kRegexp

  // Compound: constant_score filter, boosting positive, function_score query.
  QueryPtr inner;
  QueryPtr negative;                      // kBoosting
  float negative_boost = 0.0f;
  std::vector<QueryPtr> queries;          // kDisMax

  // kFunctionScore
  std::vector<ScoreFunction> functions;
  std::string score_mode = "multiply";    // multiply sum avg first max min
  std::string boost_mode = "multiply";    // multiply replace sum avg max min
  std::optional<double> max_boost;
  std::optional<double> min_score;
};

}  // namespace quarry::query
