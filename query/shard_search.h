// The query phase on one shard: match the Xapian query, return the top `from+size` hits in the
// requested order (score or sort keys, see query/sort.h) and the hit count (exact up to
// track_total_hits). The fetch phase (stored _source) is done for the final page only by the
// coordinator, through fetch_hits(). Thread-safe: uses leased readers.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "index/mapping.h"
#include "index/shard.h"
#include "query/aggs/agg.h"
#include "index/status.h"
#include "query/query_tree.h"
#include "query/search_request.h"
#include "query/sort.h"

namespace quarry::query {

struct ShardHit {
  double score = 0;
  Xapian::docid docid = 0;
  int shard_index = 0;  // position of the shard in the coordinator's list
  std::vector<std::string> sort_raw;  // per sort key: the raw value (empty = missing)
  std::string sort_key;               // encode_sort_key() of this hit: merge order
  std::string id;
  std::string source;
  index::DocMeta meta;
  std::string explanation;  // explain=true: the _explanation JSON object
};

struct ShardResult {
  std::vector<ShardHit> hits;  // best first
  uint64_t total = 0;
  bool total_exact = true;
  double max_score = 0;
  bool terminated_early = false;
  bool timed_out = false;
  std::optional<aggs::NamedPartials> aggs;  // this shard's partial aggregation results
};

// What one shard is asked for.
struct ShardQuery {
  int top_n = 10;
  int64_t track_total_hits = 10000;   // -1 = exact
  // The order (non-empty; {_score desc} for relevance). Referenced, not owned.
  const std::vector<SortKey>* sort = nullptr;
  bool need_scores = true;            // false: field sort without track_scores (no BM25)
  const std::string* search_after = nullptr;  // hits must have a sort key above this
  std::optional<double> min_score;
  int64_t terminate_after = 0;        // 0 = off
  int64_t timeout_ms = -1;            // -1 = none
  // Aggregations: run over every document matching `agg_query` (the query without post_filter;
  // null = the hits query). Referenced, not owned.
  const aggs::AggDefs* aggs = nullptr;
  const Xapian::Query* agg_query = nullptr;
  // The documents aggregations treat as "the index" (significant_terms' background): null = all;
  // set when the index is searched through filtered aliases. Referenced, not owned.
  const Xapian::Query* background_query = nullptr;
  const QueryNode* query_node = nullptr;  // the request's query tree (top_hits explain)
  // The search's `fields` option: top_hits fetches them for its hits too. Referenced, not owned.
  const std::vector<FieldAndFormat>* fields = nullptr;
  std::shared_ptr<const index::Mapping> mapping;  // required with aggs
  std::string index_name;
  // The index is in `index.mode: time_series` (its counter fields refuse most aggregations).
  bool time_series_mode = false;
  // The query matches every document of the shard (match_all, no alias filter, no post_filter):
  // a size-0 aggregation then walks the documents directly instead of through Xapian's matcher.
  bool matches_all = false;
};

Result<ShardResult> search_shard(index::Shard& shard, const Xapian::Query& query, const ShardQuery& request);

// Relevance order, top_n hits (kept for callers that need nothing else).
Result<ShardResult> search_shard(index::Shard& shard, const Xapian::Query& query, int top_n,
                                 int64_t track_total_hits);

// The default order: _score descending.
const std::vector<SortKey>& score_order();

// Loads id, metadata and _source of the given hits (same shard).
Status fetch_hits(index::Shard& shard, std::vector<ShardHit*>& hits);

// explain=true: fills each hit's `explanation` (Elasticsearch's _explanation shape, see
// query/explain.h) for the request's query tree. Call after fetch_hits (uses the ids).
Status explain_hits(index::Shard& shard, const QueryNode& node, const index::Mapping& mapping,
                    std::vector<ShardHit*>& hits);

}  // namespace quarry::query
