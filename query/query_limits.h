// Per-index limits on a parsed query tree, checked before the query runs (Elasticsearch checks
// them when it builds the query on the shard). Stateless.
#pragma once

#include <cstdint>

#include "index/status.h"
#include "query/query_tree.h"

namespace quarry::query {

// Elasticsearch's default for index.max_terms_count.
inline constexpr int64_t kDefaultMaxTermsCount = 65536;

struct IndexLimits {
  int64_t max_terms_count = kDefaultMaxTermsCount;  // index.max_terms_count
  int64_t max_result_window = 10000;                // index.max_result_window
  int64_t max_regex_length = 1000;                  // index.max_regex_length
};

// Every `terms` query in the tree (at any depth) has at most max_terms_count values and every
// regexp at most max_regex_length characters (kInvalidArgument), every `ids` query at most
// max_result_window ids (kQueryShard), with Elasticsearch's messages.
Status check_index_limits(const QueryNode& node, const IndexLimits& limits);

}  // namespace quarry::query
