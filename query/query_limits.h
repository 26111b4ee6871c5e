// Per-index limits on a parsed query tree, checked before the query runs (Elasticsearch checks
// them when it builds the query on the shard). Stateless.
#pragma once

#include <cstdint>

#include "index/status.h"
#include "query/query_tree.h"

namespace quarry::query {

// Elasticsearch's default for index.max_terms_count.
inline constexpr int64_t kDefaultMaxTermsCount = 65536;

// Every `terms` query in the tree (at any depth) has at most `max_terms` values.
// Errors: kInvalidArgument with Elasticsearch's message.
Status check_max_terms_count(const QueryNode& node, int64_t max_terms);

}  // namespace quarry::query
