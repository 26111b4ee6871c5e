#include "ingest/ingest_service.h"

#include <xxhash.h>

#include "ingest/stream_log.h"

namespace quarry::ingest {

namespace {
constexpr int kRefreshWaitMs = 60000;
}

const char* bulk_action_name(BulkAction a) {
  switch (a) {
    case BulkAction::kIndex: return "index";
    case BulkAction::kCreate: return "create";
    case BulkAction::kUpdate: return "update";
    case BulkAction::kDelete: return "delete";
  }
  return "index";
}

int BulkItemResult::http_status() const {
  if (result == "created") return 201;
  if (result == "not_found") return 404;
  return 200;
}

int route_to_shard(const std::string& id, const std::string& routing, int num_shards) {
  const std::string& key = routing.empty() ? id : routing;
  return static_cast<int>(XXH64(key.data(), key.size(), 0) % static_cast<uint64_t>(num_shards));
}

IngestService::IngestService(RedisAddress redis, IngestLimits limits)
    : redis_(std::move(redis)), limits_(limits) {}

IngestService::~IngestService() { stop_all(); }

Status IngestService::attach(std::shared_ptr<index::IndexService> index) {
  auto p = std::make_shared<IndexPipelines>();
  p->index = index;
  for (int s = 0; s < index->num_shards(); ++s) {
    Pipeline pl;
    pl.primary = std::make_unique<ShardPrimary>(index, s, redis_, limits_);
    pl.applier = std::make_unique<ShardApplier>(index, s, redis_, pl.primary.get());
    auto max_seq = pl.applier->recover();
    if (!max_seq.ok()) return max_seq.status();
    pl.primary->start_after(*max_seq);
    p->shards.push_back(std::move(pl));
  }
  for (auto& pl : p->shards) pl.applier->start();
  std::lock_guard lock(mu_);
  indices_[index->name()] = p;
  return Status::Ok();
}

void IngestService::detach(const std::string& index_name, bool drain, bool delete_streams) {
  std::shared_ptr<IndexPipelines> p;
  {
    std::lock_guard lock(mu_);
    auto it = indices_.find(index_name);
    if (it == indices_.end()) return;
    p = it->second;
    indices_.erase(it);
  }
  for (auto& pl : p->shards) pl.applier->stop(drain);
  if (delete_streams) (void)reset_streams(index_name, static_cast<int>(p->shards.size()));
}

void IngestService::stop_all() {
  std::map<std::string, std::shared_ptr<IndexPipelines>> all;
  {
    std::lock_guard lock(mu_);
    all.swap(indices_);
  }
  // Ask every applier first, then wait: they drain in parallel.
  for (auto& [n, p] : all) {
    for (auto& pl : p->shards) pl.applier->request_stop(/*drain=*/true);
  }
  for (auto& [n, p] : all) {
    for (auto& pl : p->shards) pl.applier->join();
  }
}

Status IngestService::reset_streams(const std::string& index_name, int num_shards) {
  RedisConnection conn(redis_);
  for (int s = 0; s < num_shards; ++s) QUARRY_RETURN_IF_ERROR(stream_delete(conn, stream_key(index_name, s)));
  return Status::Ok();
}

std::shared_ptr<IngestService::IndexPipelines> IngestService::find(const std::string& index_name) const {
  std::lock_guard lock(mu_);
  auto it = indices_.find(index_name);
  return it == indices_.end() ? nullptr : it->second;
}

void IngestService::write(index::IndexService& index, std::vector<BulkItem>& items,
                          std::vector<BulkItemResult>& results, RefreshPolicy refresh) {
  results.resize(items.size());
  auto p = find(index.name());
  if (!p) {
    for (auto& r : results) r.error = Status::IndexNotFound(index.name());
    return;
  }
  int n = static_cast<int>(p->shards.size());
  std::vector<std::vector<BulkItem*>> by_shard(n);
  std::vector<std::vector<BulkItemResult*>> res_by_shard(n);
  for (size_t i = 0; i < items.size(); ++i) {
    // Auto-generated ids are made here so that routing sees them.
    if (items[i].id.empty() && items[i].error.ok() &&
        (items[i].action == BulkAction::kIndex || items[i].action == BulkAction::kCreate)) {
      items[i].id = generate_doc_id();
    }
    int s = route_to_shard(items[i].id, items[i].routing, n);
    by_shard[s].push_back(&items[i]);
    res_by_shard[s].push_back(&results[i]);
  }
  std::vector<int64_t> max_seq(n, -1);
  for (int s = 0; s < n; ++s) {
    if (by_shard[s].empty()) continue;
    max_seq[s] = p->shards[s].primary->write(by_shard[s], res_by_shard[s]);
  }
  if (refresh == RefreshPolicy::kNone) return;
  for (int s = 0; s < n; ++s) {
    if (max_seq[s] < 0) continue;
    auto& pl = p->shards[s];
    if (refresh == RefreshPolicy::kImmediate) {
      pl.applier->request_refresh(max_seq[s]);
      (void)pl.primary->append_marker();
    }
    pl.applier->wait_visible(max_seq[s], kRefreshWaitMs);
  }
  if (refresh == RefreshPolicy::kImmediate) {
    for (auto& r : results) {
      if (r.error.ok() && r.result != "noop") r.forced_refresh = true;
    }
  }
}

Status IngestService::refresh(const std::string& index_name) {
  auto p = find(index_name);
  if (!p) return Status::IndexNotFound(index_name);
  for (auto& pl : p->shards) {
    int64_t target = pl.primary->appended_seq();
    if (pl.applier->visible_seq() >= target) continue;
    pl.applier->request_refresh(target);
    QUARRY_RETURN_IF_ERROR(pl.primary->append_marker());
  }
  for (auto& pl : p->shards) {
    if (!pl.applier->wait_visible(pl.primary->appended_seq(), kRefreshWaitMs)) {
      return Status::Timeout("refresh of [" + index_name + "] timed out");
    }
  }
  return Status::Ok();
}

Result<std::optional<index::StoredDocument>> IngestService::get(index::IndexService& index,
                                                                const std::string& id,
                                                                const std::string& routing,
                                                                bool realtime) {
  auto p = find(index.name());
  if (!p) return Status::IndexNotFound(index.name());
  int s = route_to_shard(id, routing, static_cast<int>(p->shards.size()));
  if (!realtime) return index.shard(s).get(id);
  return p->shards[s].primary->get(id);
}

std::vector<IngestService::ShardStats> IngestService::stats(const std::string& index_name) {
  std::vector<ShardStats> out;
  auto p = find(index_name);
  if (!p) return out;
  for (auto& pl : p->shards) {
    out.push_back({pl.primary->appended_seq(), pl.applier->visible_seq(), pl.primary->backlog(),
                   pl.applier->refresh_count()});
  }
  return out;
}

}  // namespace quarry::ingest
