// The internal query tree: what the Query DSL JSON means, independent of JSON and of Xapian.
// query_parser.cpp builds it (one function per query type); to_xapian.cpp turns it into a
// Xapian::Query for one index's mapping. Value types.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace quarry::query {

struct QueryNode;
using QueryPtr = std::shared_ptr<const QueryNode>;

enum class QueryKind { kMatchAll, kMatchNone, kMatch, kTerm, kTerms, kIds, kExists, kBool };

struct QueryNode {
  QueryKind kind = QueryKind::kMatchAll;
  float boost = 1.0f;
  std::string field;
  // kMatch: the text; kTerm: the value as text (JSON scalars rendered canonically).
  std::string text;
  bool operator_and = false;              // kMatch
  std::vector<std::string> values;        // kTerms, kIds
  // kBool
  std::vector<QueryPtr> must, should, must_not, filter;
  std::optional<std::string> minimum_should_match;
};

}  // namespace quarry::query
