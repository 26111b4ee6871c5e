// The query phase on one shard: match the Xapian query, return the top `from+size` hits by score
// and the hit count (exact up to track_total_hits). The fetch phase (stored _source) is done for
// the final page only by the coordinator, through fetch_hits(). Thread-safe: uses leased readers.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <string>
#include <vector>

#include "index/shard.h"
#include "index/status.h"
#include "query/search_request.h"

namespace quarry::query {

struct ShardHit {
  double score = 0;
  Xapian::docid docid = 0;
  int shard_index = 0;  // position of the shard in the coordinator's list
  std::string id;
  std::string source;
  index::DocMeta meta;
};

struct ShardResult {
  std::vector<ShardHit> hits;  // best first
  uint64_t total = 0;
  bool total_exact = true;
  double max_score = 0;
};

// `constant_score`: the query has no scoring part (all weights 0): hits score `boost` each,
// as Elasticsearch's constant-score queries do.
Result<ShardResult> search_shard(index::Shard& shard, const Xapian::Query& query, int top_n,
                                 int64_t track_total_hits);

// Loads id, metadata and _source of the given hits (same shard).
Status fetch_hits(index::Shard& shard, std::vector<ShardHit*>& hits);

}  // namespace quarry::query
