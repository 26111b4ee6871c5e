// The Lucene query syntax of query_string, simple_query_string and the URI search `q=` parameter,
// parsed into the query tree (query/query_tree.h). Field names are not resolved here: leaves carry
// the field (or field patterns) and to_xapian resolves them against the index's mapping.
//
// query_string syntax: terms, field:value, field:(group), AND / OR / NOT / && / || / !, + and -
// prefixes, (grouping), "quoted phrases" with ~slop, wildcards * and ?, term~ and term~N fuzzy,
// ^boost on any clause, ranges [a TO b] {a TO b} (mixed, * for open) and >x >=x <x <=x,
// /regular expressions/, _exists_:field, backslash escapes.
// simple_query_string syntax (`simple`): + (AND), | (OR), - (NOT), "phrase"~N, prefix*, term~N,
// ( ); it never fails on bad syntax.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "index/status.h"
#include "query/query_tree.h"

namespace quarry::query {

struct LuceneOptions {
  // Fields searched by terms without a field: names, "name^2" boosts, wildcards ("app_*", "*").
  // Empty = {"*"} (Elasticsearch's index.query.default_field).
  std::vector<std::string> default_fields;
  bool default_operator_and = false;     // default_operator: AND (true) or OR (false)
  bool analyze_wildcard = false;         // accepted; wildcard terms are never analysed yet
  bool lenient = false;                  // values that do not fit a field's type match nothing
  std::string analyzer;                  // "" = each field's search analyzer
  std::string fuzziness = "AUTO";        // for `term~` without a number
  int fuzzy_prefix_length = 0;
  int fuzzy_max_expansions = 50;
  bool fuzzy_transpositions = true;
  int phrase_slop = 0;                   // default slop of quoted phrases
  std::optional<float> tie_breaker;      // combining several fields (dis_max)
  bool most_fields = false;              // type most_fields: sum over fields instead of dis_max
  std::string time_zone;                 // for date ranges
  bool simple = false;                   // simple_query_string syntax
};

// Errors: kParsing ("Failed to parse query [...]") for malformed query_string syntax.
Result<QueryPtr> parse_lucene_query(std::string_view text, const LuceneOptions& options);

}  // namespace quarry::query
