#include "cluster/search_coordinator.h"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <chrono>
#include <future>
#include <map>
#include <set>

#include "ingest/ingest_service.h"
#include "query/query_parser.h"
#include "query/shard_search.h"
#include "query/to_xapian.h"

namespace quarry::cluster {

// The Xapian query of a search on one index: the request's query, restricted by the filters of
// the aliases the index was reached through (unless one of them has no filter).
Result<Xapian::Query> build_index_query(const index::ResolvedIndex& target, const query::QueryNode& node) {
  auto mapping = target.index->mapping();
  auto q = query::to_xapian(node, *mapping);
  if (!q.ok()) return q.status();
  if (target.via_aliases.empty()) return q;
  auto meta = target.index->metadata();
  std::vector<Xapian::Query> filters;
  for (const auto& alias : target.via_aliases) {
    auto it = meta.aliases.find(alias);
    if (it == meta.aliases.end() || it->second.filter_json.empty()) return q;
    json::Document fdoc;
    QUARRY_RETURN_IF_ERROR(json::parse(it->second.filter_json, fdoc));
    auto fnode = query::parse_query(fdoc);
    if (!fnode.ok()) return fnode.status();
    auto fq = query::to_xapian(**fnode, *mapping);
    if (!fq.ok()) return fq.status();
    filters.push_back(*fq);
  }
  return Xapian::Query(Xapian::Query::OP_FILTER, *q,
                       Xapian::Query(Xapian::Query::OP_OR, filters.begin(), filters.end()));
}

Result<SearchResult> SearchCoordinator::search(const std::vector<index::ResolvedIndex>& indices,
                                  const query::SearchRequest& request) {
  auto started = std::chrono::steady_clock::now();
  SearchResult out;
  if (request.from < 0) return Status::InvalidArgument("[from] parameter cannot be negative, found [" + std::to_string(request.from) + "]");
  if (request.size < 0) return Status::InvalidArgument("[size] parameter cannot be negative, found [" + std::to_string(request.size) + "]");
  for (const auto& r : indices) {
    if (r.index->metadata().closed) return index::index_closed(r.index->name(), r.index->uuid());
    int window = r.index->metadata().settings.max_result_window;
    if (request.from + request.size > window) {
      return Status::InvalidArgument(
          "Result window is too large, from + size must be less than or equal to: [" + std::to_string(window) +
          "] but was [" + std::to_string(request.from + request.size) +
          "]. See the scroll api for a more efficient way to request large data sets. This limit can be set by "
          "changing the [index.max_result_window] index level setting.");
    }
  }
  // Build each index's Xapian query once (mappings differ per index).
  // Validate once here; each shard thread then builds its own Xapian::Query (they are not
  // thread-safe to share).
  struct ShardTask {
    size_t index_pos;
    int shard;
  };
  std::vector<ShardTask> tasks;
  for (size_t i = 0; i < indices.size(); ++i) {
    auto q = build_index_query(indices[i], *request.query);
    if (!q.ok()) return q.status();
    int n = indices[i].index->num_shards();
    std::set<int> routed;
    for (const auto& r : request.routing) routed.insert(ingest::route_to_shard(r, "", n));
    for (int s = 0; s < n; ++s) {
      if (routed.empty() || routed.count(s)) tasks.push_back({i, s});
    }
  }
  out.shards_total = static_cast<int>(tasks.size());
  int top_n = request.from + request.size;

  // Query phase on every shard in parallel.
  std::vector<std::promise<Result<query::ShardResult>>> promises(tasks.size());
  std::vector<std::future<Result<query::ShardResult>>> futures;
  for (auto& p : promises) futures.push_back(p.get_future());
  for (size_t t = 0; t < tasks.size(); ++t) {
    boost::asio::post(pool_, [&, t] {
      auto& task = tasks[t];
      try {
        auto q = build_index_query(indices[task.index_pos], *request.query);
        if (!q.ok()) {
          promises[t].set_value(q.status());
          return;
        }
        promises[t].set_value(query::search_shard(indices[task.index_pos].index->shard(task.shard), *q,
                                                  top_n, request.track_total_hits));
      } catch (const std::exception& e) {
        promises[t].set_value(Status::Internal(std::string("search failed: ") + e.what()));
      }
    });
  }
  struct Ranked {
    double score;
    size_t task;
    query::ShardHit hit;
  };
  // Wait for every shard before looking at any answer: the tasks reference this frame.
  std::vector<Result<query::ShardResult>> answers;
  for (auto& f : futures) answers.push_back(f.get());
  std::vector<Ranked> ranked;
  for (size_t t = 0; t < tasks.size(); ++t) {
    auto& r = answers[t];
    if (!r.ok()) return r.status();
    out.shards_successful++;
    out.total += r->total;
    out.total_exact &= r->total_exact;
    for (auto& h : r->hits) ranked.push_back({h.score, t, std::move(h)});
  }
  // Reduce: best score first; ties by shard order then document order (stable across runs).
  std::sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.task != b.task) return a.task < b.task;
    return a.hit.docid < b.hit.docid;
  });
  if (request.track_total_hits >= 0 && out.total > static_cast<uint64_t>(request.track_total_hits)) {
    out.total = request.track_total_hits;
    out.total_exact = false;
  }
  out.max_score = ranked.empty() ? 0 : ranked.front().score;
  // Fetch phase for the final page only.
  size_t begin = std::min<size_t>(request.from, ranked.size());
  size_t end = std::min<size_t>(begin + request.size, ranked.size());
  std::map<size_t, std::vector<query::ShardHit*>> by_task;
  for (size_t i = begin; i < end; ++i) by_task[ranked[i].task].push_back(&ranked[i].hit);
  for (auto& [t, hits] : by_task) {
    QUARRY_RETURN_IF_ERROR(query::fetch_hits(indices[tasks[t].index_pos].index->shard(tasks[t].shard), hits));
  }
  for (size_t i = begin; i < end; ++i) {
    SearchHit h;
    h.index = indices[tasks[ranked[i].task].index_pos].index->name();
    h.id = std::move(ranked[i].hit.id);
    h.score = ranked[i].score;
    h.source = std::move(ranked[i].hit.source);
    h.meta = ranked[i].hit.meta;
    out.hits.push_back(std::move(h));
  }
  out.took_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  return out;
}

}  // namespace quarry::cluster
