// SearchCoordinator: the scatter/gather of one search over the shards of the resolved indices —
// the query phase on every shard in parallel (on the node's search pool), the reduce (merge of
// top hits, totals), and the fetch phase for the final page only. Remote shards slot in here later.
//
// Thread-safety: a coordinator is a short-lived object per request; the pool is shared.
#pragma once

#include <xapian.h>

#include <boost/asio/thread_pool.hpp>

#include <string>
#include <vector>

#include "index/catalog.h"
#include "index/stored_document.h"
#include "query/search_request.h"

namespace quarry::cluster {

struct SearchHit {
  std::string index;
  std::string id;
  double score = 0;
  std::string source;
  index::DocMeta meta;
};

struct SearchResult {
  std::vector<SearchHit> hits;
  uint64_t total = 0;
  bool total_exact = true;
  double max_score = 0;
  int shards_total = 0;
  int shards_successful = 0;
  int64_t took_ms = 0;
};

class SearchCoordinator {
 public:
  explicit SearchCoordinator(boost::asio::thread_pool& pool) : pool_(pool) {}
  // Errors: the first shard's error, kInvalidArgument for windows over max_result_window,
  // index_closed_exception for closed indices.
  Result<SearchResult> search(const std::vector<index::ResolvedIndex>& indices, const query::SearchRequest& request);

 private:
  boost::asio::thread_pool& pool_;
};

// The Xapian query of a search on one index (request query AND the alias filters). Build one per
// thread: Xapian::Query is not thread-safe to share.
Result<Xapian::Query> build_index_query(const index::ResolvedIndex& target, const query::QueryNode& node);

}  // namespace quarry::cluster
