// IngestService: the write path of every open index on this node — one ShardPrimary and one
// ShardApplier per shard — plus routing, refresh waits and realtime gets.
//
// Thread-safety: all methods may be called from any thread. attach()/detach() of an index are
// serialised internally; writes to a detached index fail with kIndexNotFound.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "index/index_service.h"
#include "ingest/bulk_request.h"
#include "ingest/redis_connection.h"
#include "ingest/shard_applier.h"
#include "ingest/shard_primary.h"

namespace quarry::ingest {

enum class RefreshPolicy { kNone, kImmediate, kWaitFor };

// shard = hash(routing or id) % number_of_shards, with a stable hash (xxHash64).
int route_to_shard(const std::string& id, const std::string& routing, int num_shards);

class IngestService {
 public:
  IngestService(RedisAddress redis, IngestLimits limits);
  ~IngestService();

  // Recovers the index's shards from their streams and starts their appliers.
  // Errors: kUnavailable (Redis), kIOError.
  Status attach(std::shared_ptr<index::IndexService> index);
  // Stops the appliers (drain: apply what is buffered first) and, if delete_streams, drops the
  // index's streams.
  void detach(const std::string& index_name, bool drain, bool delete_streams);
  // Stops every applier after draining (shutdown).
  void stop_all();
  // Drops leftover streams of an index name before it is created anew.
  Status reset_streams(const std::string& index_name, int num_shards);

  // Writes items that all target `index` (already resolved). results.size() == items.size().
  void write(index::IndexService& index, std::vector<BulkItem>& items,
             std::vector<BulkItemResult>& results, RefreshPolicy refresh);

  // Makes everything written so far to `index` visible. Errors: kTimeout, kUnavailable.
  Status refresh(const std::string& index_name);

  // realtime: also see writes not yet refreshed (the primary's live versions).
  Result<std::optional<index::StoredDocument>> get(index::IndexService& index, const std::string& id,
                                                   const std::string& routing, bool realtime = true);

  struct ShardStats {
    int64_t appended_seq, visible_seq, backlog;
    uint64_t refreshes;
  };
  std::vector<ShardStats> stats(const std::string& index_name);

 private:
  struct Pipeline {
    std::unique_ptr<ShardPrimary> primary;
    std::unique_ptr<ShardApplier> applier;
  };
  struct IndexPipelines {
    std::shared_ptr<index::IndexService> index;
    std::vector<Pipeline> shards;
  };
  std::shared_ptr<IndexPipelines> find(const std::string& index_name) const;

  RedisAddress redis_;
  IngestLimits limits_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<IndexPipelines>> indices_;
};

}  // namespace quarry::ingest
