// Search-driven writes and the snapshot they (and scroll) read from.
//
// snapshot_search(): runs a search once on every shard of the resolved indices and keeps *every*
// match, in the request's order (the coordinator's merge order: sort key, then shard position,
// then docid), each with its id, metadata (seq_no / primary_term / version / routing), score and
// sort values, and optionally the stored document bytes (metadata + LZ4 _source, as stored). Each
// shard is read inside one Shard::with_reader call, so a shard's part of the snapshot is one
// Xapian revision; bounded by SnapshotLimits (entries and bytes).
//
// run_by_query(): _delete_by_query, _update_by_query (no scripts: re-index as is) and _reindex
// (local) over such a snapshot, in batches through Node::bulk with if_seq_no/if_primary_term of
// what the snapshot read, with Elasticsearch's BulkByScroll counters. See docs/scroll.md.
//
// Thread-safety: free functions; safe from any thread.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cluster/node.h"
#include "index/catalog.h"
#include "index/stored_document.h"
#include "query/search_request.h"
#include "query/sort.h"

namespace quarry::cluster {

struct SnapshotEntry {
  uint32_t target = 0;   // position in Snapshot::targets
  int shard = 0;
  Xapian::docid docid = 0;
  std::string id;
  double score = 0;
  index::DocMeta meta;
  std::vector<query::SortValue> sort;  // only when the request had a sort
  std::string data;                    // keep_data: encoded stored document (decode_stored)
};

struct SnapshotLimits {
  bool keep_data = false;
  size_t max_entries = 10'000'000;
  size_t max_bytes = 512u << 20;       // data + ids, approximate
  const char* limit_setting = "search.max_snapshot_entries";
};

struct Snapshot {
  std::vector<index::ResolvedIndex> targets;
  std::vector<SnapshotEntry> entries;  // in request order
  double max_score = 0;
  bool has_max_score = false;
  int shards_total = 0;
  size_t bytes = 0;
};

// Errors: as SearchCoordinator::search for bad requests; kOverloaded past the limits.
Result<Snapshot> snapshot_search(const std::vector<index::ResolvedIndex>& indices, const query::SearchRequest& request,
                                 const SnapshotLimits& limits);

enum class ByQueryKind { kDelete, kUpdate, kReindex };

struct ByQueryRequest {
  ByQueryKind kind = ByQueryKind::kDelete;
  query::SearchRequest search;         // query (+ sort, _source filter for reindex)
  bool proceed_on_conflicts = false;   // conflicts=proceed
  int64_t max_docs = -1;               // -1 = all
  int batch_size = 1000;               // scroll_size / source.size
  bool refresh = false;                // refresh the written indices at the end
  // _reindex
  std::string dest_index;
  bool dest_create = false;            // op_type create
  bool dest_external = false;          // version_type external
  std::string dest_routing = "keep";   // keep | discard | =value
};

struct ByQueryFailure {
  std::string index;
  std::string id;
  Status cause;
  int shard = 0;
};

struct ByQueryResult {
  int64_t took_ms = 0;
  uint64_t total = 0;
  uint64_t deleted = 0;
  uint64_t updated = 0;
  uint64_t created = 0;
  uint64_t batches = 0;
  uint64_t version_conflicts = 0;
  uint64_t noops = 0;
  std::vector<ByQueryFailure> failures;
  bool aborted = false;                // a failure stopped the run (HTTP status of the first one)
};

// Errors: request-level (bad query, index not found, limits). Per-document failures are in
// the result.
Result<ByQueryResult> run_by_query(Node& node, const std::vector<index::ResolvedIndex>& indices,
                                   const ByQueryRequest& request);

}  // namespace quarry::cluster
