// ShardPrimary: the write side of one shard. It resolves each write against the document's live
// version (VersionMap, else the shard's readers), assigns sequence numbers and versions, checks
// optimistic-concurrency conditions, and appends the resolved ops to the shard's Redis stream as
// one LZ4 batch. A write is acknowledged only after Redis has accepted it.
//
// Thread-safety: write()/get()/note_refreshed() may be called from any thread; one mutex
// serialises writes to the shard so stream order equals sequence-number order.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "index/index_service.h"
#include "ingest/bulk_request.h"
#include "ingest/redis_connection.h"
#include "ingest/version_map.h"

namespace quarry::ingest {

struct IngestLimits {
  int64_t max_backlog_ops = 100000;  // per shard: unapplied ops before writes answer 429
};

class ShardPrimary {
 public:
  ShardPrimary(std::shared_ptr<index::IndexService> index, int shard, RedisAddress redis,
               IngestLimits limits);

  // Sets the next sequence number after recovery (everything up to max_seq_no is applied).
  void start_after(int64_t max_seq_no);

  // Resolves and appends `items` (all routed to this shard). Fills results[i] for items[i].
  // Returns the highest sequence number appended (-1 if nothing was written).
  int64_t write(const std::vector<BulkItem*>& items, const std::vector<BulkItemResult*>& results);

  // Appends an empty batch that wakes the applier (used to force a refresh). Errors: kUnavailable.
  Status append_marker();

  // Realtime get: the live version if recent, else the shard's readers. nullopt = absent/deleted.
  Result<std::optional<index::StoredDocument>> get(const std::string& id);

  // Called by the applier after a refresh made everything up to seq_no visible.
  void note_refreshed(int64_t seq_no);
  // Called by the applier as it applies ops (for the backlog limit).
  void note_applied(int64_t seq_no) { applied_seq_.store(seq_no); }

  int64_t appended_seq() const { return appended_seq_.load(); }
  int64_t backlog() const { return appended_seq_.load() - applied_seq_.load(); }
  const std::string& stream() const { return stream_; }

 private:
  struct Current {  // the live state of one document id
    bool exists = false;
    int64_t seq_no = -1;
    int64_t version = 0;
    int64_t primary_term = 1;
    std::string source;
    bool from_tombstone = false;
  };
  Result<Current> current(const std::string& id, const VersionMap& staged);
  Status check_conditions(const BulkItem& item, const Current& cur) const;
  Status resolve_update(const BulkItem& item, const Current& cur, std::string* new_source,
                        bool* noop, bool* upsert);
  Status validate_source(const std::string& source, const std::string& id);

  std::shared_ptr<index::IndexService> index_;
  const int shard_;
  const std::string stream_;
  const IngestLimits limits_;
  std::mutex mu_;
  RedisConnection redis_;  // guarded by mu_
  VersionMap versions_;    // guarded by mu_
  int64_t next_seq_ = 0;   // guarded by mu_
  std::atomic<int64_t> appended_seq_{-1};
  std::atomic<int64_t> applied_seq_{-1};
};

// A 20-character url-safe id, time-ordered like Elasticsearch's auto-generated ids.
std::string generate_doc_id();

}  // namespace quarry::ingest
