// SearchCoordinator: the scatter/gather of one search over the shards of the resolved indices —
// the query phase on every shard in parallel (on the node's search pool), the reduce (merge of
// top hits, totals), and the fetch phase for the final page only (_source, highlight, fields).
// Remote shards slot in here later.
//
// Merge order: each shard returns its top from+size hits with their sort keys (query/sort.h: the
// bytes order hits the same way for every index); the coordinator merges by key, then by shard
// position in the request, then by docid, so a field sort gives the same page whatever the
// number of shards. Relevance is the key {_score desc}; each shard scores with its own term
// statistics (Elasticsearch's query_then_fetch).
//
// Thread-safety: a coordinator is a short-lived object per request; the pool is shared.
#pragma once

#include <xapian.h>

#include <boost/asio/thread_pool.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "index/catalog.h"
#include "index/stored_document.h"
#include "query/highlight.h"
#include "query/search_request.h"
#include "query/sort.h"

namespace quarry::cluster {

struct SearchHit {
  std::string index;
  std::string id;
  double score = 0;
  bool has_score = true;       // false: sorted by field without track_scores (_score: null)
  std::string source;
  index::DocMeta meta;
  std::vector<query::SortValue> sort;  // only when the request had a sort
  query::HitHighlights highlight;
  std::vector<std::pair<std::string, std::string>> fields;  // field -> JSON array (fields + docvalue_fields)
  int shard = 0;
  std::string explanation;     // explain=true: the _explanation JSON
};

// One shard that failed while the others answered (Elasticsearch's `_shards.failures`).
struct ShardFailure {
  std::string index;
  int shard = 0;
  std::string node;  // filled by Node::search (the node name; Quarry has no node ids)
  Status reason;
};

struct SearchResult {
  std::vector<SearchHit> hits;
  uint64_t total = 0;
  bool total_exact = true;
  double max_score = 0;
  bool has_max_score = true;   // false: null (field sort without track_scores, or no hits)
  bool terminated_early = false;
  bool timed_out = false;
  int shards_total = 0;
  int shards_successful = 0;
  // The shards that failed (shards_total - shards_successful of them).
  std::vector<ShardFailure> failures;
  int64_t took_ms = 0;
  // Reduced aggregation results (when the request had aggs) and the definitions they point to.
  std::optional<query::aggs::NamedPartials> aggregations;
  std::shared_ptr<const query::aggs::AggDefs> agg_defs;
};

class SearchCoordinator {
 public:
  explicit SearchCoordinator(boost::asio::thread_pool& pool) : pool_(pool) {}
  // Partial failures: when building or running the query (or its aggregations) fails on the
  // shards of some indices of a multi-index search, the answer holds the other shards' results
  // and the failed shards in `failures` (as Elasticsearch's `_shards.failures`).
  // Errors: the first failed shard's error when every shard failed or when the search targets a
  // single index; kInvalidArgument for windows over max_result_window, index_closed_exception
  // for closed indices; request-level validation errors.
  Result<SearchResult> search(const std::vector<index::ResolvedIndex>& indices, const query::SearchRequest& request);

 private:
  boost::asio::thread_pool& pool_;
};

// The Xapian query of a search on one index (request query AND the alias filters), after checking
// the query against the index's limits (query/query_limits.h). Build one per thread:
// Xapian::Query is not thread-safe to share.
Result<Xapian::Query> build_index_query(const index::ResolvedIndex& target, const query::QueryNode& node);

}  // namespace quarry::cluster
