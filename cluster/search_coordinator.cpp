#include "cluster/search_coordinator.h"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <chrono>
#include <future>
#include <map>
#include <optional>
#include <set>

#include "index/time_series.h"
#include "ingest/ingest_service.h"
#include "query/query_limits.h"
#include "query/query_parser.h"
#include "query/shard_search.h"
#include "query/bm25_term_source.h"
#include "query/to_xapian.h"

namespace quarry::cluster {

// An integer index setting (index/index_metadata.cpp validates them when they are set).
int64_t int_setting(const index::IndexService& index, const std::string& name, int64_t fallback) {
  const auto& flat = index.metadata().settings.flat;
  auto it = flat.find(name);
  if (it == flat.end()) return fallback;
  try {
    return std::stoll(it->second);
  } catch (const std::exception&) {
    return fallback;
  }
}

query::IndexLimits index_limits(const index::IndexService& index) {
  query::IndexLimits limits;
  limits.max_terms_count = int_setting(index, "index.max_terms_count", limits.max_terms_count);
  limits.max_result_window = index.metadata().settings.max_result_window;
  limits.max_regex_length = int_setting(index, "index.max_regex_length", limits.max_regex_length);
  return limits;
}

namespace {

// build_index_query without the per-index limits: for the per-shard and highlight rebuilds of a
// query that the search's prepare step has already checked.
Result<Xapian::Query> prechecked_index_query(const index::ResolvedIndex& target, const query::QueryNode& node) {
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

}  // namespace

// The Xapian query of a search on one index: the request's query, restricted by the filters of
// the aliases the index was reached through (unless one of them has no filter).
Result<Xapian::Query> build_index_query(const index::ResolvedIndex& target, const query::QueryNode& node) {
  QUARRY_RETURN_IF_ERROR(query::check_index_limits(node, index_limits(*target.index)));
  return prechecked_index_query(target, node);
}

// Merges the shards' partial aggregations, finalizes them (bucket limits, pipelines).
Status reduce_aggregations(const query::SearchRequest& request, std::vector<Result<query::ShardResult>>& answers,
                           SearchResult* out) {
  std::optional<query::aggs::NamedPartials> merged;
  for (auto& r : answers) {
    if (!r.ok() || !r->aggs) continue;
    if (!merged) {
      merged = std::move(*r->aggs);
    } else {
      merged->merge(*r->aggs);
    }
  }
  if (!merged) merged = query::aggs::empty_named(*request.aggs);
  int64_t buckets = 0;
  query::aggs::ReduceContext ctx;
  ctx.max_buckets = request.max_buckets;
  ctx.bucket_count = &buckets;
  QUARRY_RETURN_IF_ERROR(query::aggs::finalize_named(*merged, *request.aggs, ctx));
  out->aggregations = std::move(merged);
  out->agg_defs = request.aggs;
  return Status::Ok();
}

Result<SearchResult> SearchCoordinator::search(const std::vector<index::ResolvedIndex>& indices,
                                  const query::SearchRequest& request) {
  auto started = std::chrono::steady_clock::now();
  SearchResult out;
  if (request.from < 0) return Status::InvalidArgument("[from] parameter cannot be negative, found [" + std::to_string(request.from) + "]");
  if (request.size < 0) return Status::InvalidArgument("[size] parameter cannot be negative, found [" + std::to_string(request.size) + "]");
  if (!request.search_after_json.empty() && request.from > 0) {
    return Status::InvalidArgument("[from] parameter must be set to 0 when [search_after] is used");
  }
  for (const auto& r : indices) {
    if (r.index->metadata().closed) return index::index_closed(r.index->name(), r.index->uuid());
  }
  for (const auto& r : indices) {
    const auto& flat = r.index->metadata().settings.flat;
    auto it = flat.find("index.max_docvalue_fields_search");
    size_t limit = 100;
    if (it != flat.end()) {
      try {
        limit = static_cast<size_t>(std::stoul(it->second));
      } catch (const std::exception&) {
      }
    }
    auto setting = [&](const char* name, int def) {
      auto f = flat.find(name);
      if (f == flat.end()) return def;
      try {
        return std::stoi(f->second);
      } catch (const std::exception&) {
        return def;
      }
    };
    int max_script = setting("index.max_script_fields", 32);
    if (request.script_fields_count > max_script) {
      return Status::InvalidArgument("Trying to retrieve too many script_fields. Must be less than or equal to: [" +
                                     std::to_string(max_script) + "] but was [" + std::to_string(request.script_fields_count) +
                                     "]. This limit can be set by changing the [index.max_script_fields] index level setting.");
    }
    int max_rescore = setting("index.max_rescore_window", r.index->metadata().settings.max_result_window);
    if (request.rescore_window > max_rescore) {
      return Status::InvalidArgument("Rescore window [" + std::to_string(request.rescore_window) +
                                     "] is too large. It must be less than [" + std::to_string(max_rescore) +
                                     "]. This prevents allocating massive heaps for storing the results to be rescored. "
                                     "This limit can be set by changing the [index.max_rescore_window] index level setting.");
    }
    if (request.docvalue_fields.size() > limit) {
      return Status::InvalidArgument("Trying to retrieve too many docvalue_fields. Must be less than or equal to: [" +
                                     std::to_string(limit) + "] but was [" + std::to_string(request.docvalue_fields.size()) +
                                     "]. This limit can be set by changing the [index.max_docvalue_fields_search] index level setting.");
    }
  }
  if (request.script_fields_count >= 0) return Status::Parsing("[script_fields] is not supported");
  if (request.rescore_window >= 0) return Status::Parsing("[rescore] is not supported");
  // Per index: the sort resolved against its mapping and the search_after key in its encoding.
  struct PerIndex {
    std::vector<query::SortKey> keys;
    std::optional<std::string> after;
  };
  std::vector<PerIndex> per_index(indices.size());
  bool field_sort = !request.sort.empty() && !(request.sort.size() == 1 && request.sort[0].kind == query::SortSpec::Kind::kScore);
  bool sort_has_score = false;
  for (const auto& spec : request.sort) sort_has_score |= spec.kind == query::SortSpec::Kind::kScore;
  bool need_scores = !field_sort || sort_has_score || request.track_scores || request.min_score.has_value();
  json::Document after_doc;
  if (!request.search_after_json.empty()) QUARRY_RETURN_IF_ERROR(json::parse(request.search_after_json, after_doc));
  // Validate once here; each shard thread then builds its own Xapian::Query (they are not
  // thread-safe to share).
  struct ShardTask {
    size_t index_pos;
    int shard;
  };
  std::vector<ShardTask> tasks;
  // Shards whose index could not build the query, sort or search_after key: they fail without
  // running (every shard of an index shares its mapping, so all of them would fail alike).
  std::vector<ShardFailure> build_failures;
  for (size_t i = 0; i < indices.size(); ++i) {
    auto prepare = [&]() -> Status {
      const query::IndexLimits limits = index_limits(*indices[i].index);
      QUARRY_RETURN_IF_ERROR(query::check_index_limits(*request.query, limits));
      auto q = prechecked_index_query(indices[i], *request.query);
      if (!q.ok()) return q.status();
      if (request.post_filter) QUARRY_RETURN_IF_ERROR(query::check_index_limits(*request.post_filter, limits));
      // After the query, as Elasticsearch checks it (a query the index cannot build wins).
      int window = indices[i].index->metadata().settings.max_result_window;
      if (request.from + request.size > window) {
        return Status::InvalidArgument(
            "Result window is too large, from + size must be less than or equal to: [" + std::to_string(window) +
            "] but was [" + std::to_string(request.from + request.size) +
            "]. See the scroll api for a more efficient way to request large data sets. This limit can be set by "
            "changing the [index.max_result_window] index level setting.");
      }
      if (request.sort.empty()) {
        per_index[i].keys = query::score_order();
      } else {
        auto keys = query::resolve_sort(request.sort, *indices[i].index->mapping());
        if (!keys.ok()) return keys.status();
        per_index[i].keys = std::move(*keys);
      }
      if (!request.search_after_json.empty()) {
        auto key = query::search_after_key(per_index[i].keys, after_doc);
        if (!key.ok()) return key.status();
        per_index[i].after = std::move(*key);
      }
      return Status::Ok();
    };
    Status prepared = prepare();
    int n = indices[i].index->num_shards();
    std::set<int> routed;
    for (const auto& r : request.routing) routed.insert(ingest::route_to_shard(r, "", n));
    for (int s = 0; s < n; ++s) {
      if (!routed.empty() && !routed.count(s)) continue;
      if (prepared.ok()) {
        tasks.push_back({i, s});
      } else {
        build_failures.push_back({indices[i].index->name(), s, "", prepared});
      }
    }
  }
  out.shards_total = static_cast<int>(tasks.size() + build_failures.size());
  out.failures = std::move(build_failures);
  int top_n = request.from + request.size;

  // Query phase on every shard in parallel.
  std::vector<std::promise<Result<query::ShardResult>>> promises(tasks.size());
  std::vector<std::future<Result<query::ShardResult>>> futures;
  for (auto& p : promises) futures.push_back(p.get_future());
  for (size_t t = 0; t < tasks.size(); ++t) {
    boost::asio::post(pool_, [&, t] {
      auto& task = tasks[t];
      try {
        // The hits query scores text terms from the shard's in-memory document lengths. Only
        // this query: what the shard search builds itself (top_hits' highlight and explain) needs
        // plain terms.
        auto q = [&] {
          query::TermSourcesScope term_sources;
          return prechecked_index_query(indices[task.index_pos], *request.query);
        }();
        if (!q.ok()) {
          promises[t].set_value(q.status());
          return;
        }
        const PerIndex& pi = per_index[task.index_pos];
        query::ShardQuery sq;
        const auto& target = indices[task.index_pos];
        Xapian::Query hits_query = *q;
        if (request.post_filter) {
          auto pf = query::to_xapian(*request.post_filter, *target.index->mapping());
          if (!pf.ok()) {
            promises[t].set_value(pf.status());
            return;
          }
          hits_query = Xapian::Query(Xapian::Query::OP_FILTER, *q, *pf);
          sq.agg_query = &*q;
        }
        std::optional<Xapian::Query> alias_scope;
        if (request.aggs) {
          sq.aggs = request.aggs.get();
          sq.mapping = target.index->mapping();
          sq.index_name = target.index->name();
          sq.time_series_mode = index::is_time_series_mode(target.index->metadata().settings.flat);
          sq.fields = &request.fields;
          sq.query_node = request.query.get();
          if (!target.via_aliases.empty()) {
            // Searched through filtered aliases: the documents the aliases expose are the
            // background of significant_terms (match_all under the alias filters).
            auto scope = prechecked_index_query(target, query::QueryNode());
            if (!scope.ok()) {
              promises[t].set_value(scope.status());
              return;
            }
            alias_scope = std::move(*scope);
            sq.background_query = &*alias_scope;
          }
        }
        sq.matches_all = request.query->kind == query::QueryKind::kMatchAll && target.via_aliases.empty() &&
                         !request.post_filter;
        sq.top_n = top_n;
        sq.track_total_hits = request.track_total_hits;
        sq.sort = &pi.keys;
        sq.need_scores = need_scores;
        sq.search_after = pi.after ? &*pi.after : nullptr;
        sq.min_score = request.min_score;
        sq.terminate_after = request.terminate_after;
        sq.timeout_ms = request.timeout_ms;
        promises[t].set_value(query::search_shard(target.index->shard(task.shard), hits_query, sq));
      } catch (const std::exception& e) {
        promises[t].set_value(Status::Internal(std::string("search failed: ") + e.what()));
      }
    });
  }
  struct Ranked {
    size_t task;
    query::ShardHit hit;
  };
  // Wait for every shard before looking at any answer: the tasks reference this frame.
  std::vector<Result<query::ShardResult>> answers;
  for (auto& f : futures) answers.push_back(f.get());
  std::vector<Ranked> ranked;
  double max_score = 0;
  bool any_hit = false;
  for (size_t t = 0; t < tasks.size(); ++t) {
    auto& r = answers[t];
    if (!r.ok()) {
      out.failures.push_back({indices[tasks[t].index_pos].index->name(), tasks[t].shard, "", r.status()});
      continue;
    }
    out.shards_successful++;
    out.total += r->total;
    out.total_exact &= r->total_exact;
    out.terminated_early |= r->terminated_early;
    out.timed_out |= r->timed_out;
    if (!r->hits.empty()) {
      max_score = any_hit ? std::max(max_score, r->max_score) : r->max_score;
      any_hit = true;
    }
    for (auto& h : r->hits) ranked.push_back({t, std::move(h)});
  }
  if (!out.failures.empty()) {
    // Elasticsearch answers the error when every shard failed; a single-index search fails as a
    // whole too (its shards share one mapping, so a failure there is the request's error).
    if (out.shards_successful == 0 || indices.size() == 1) return out.failures.front().reason;
  }
  if (request.aggs) QUARRY_RETURN_IF_ERROR(reduce_aggregations(request, answers, &out));
  // Reduce: by sort key (score or fields); ties by shard order then document order (stable across
  // runs and independent of how many shards there are for field sorts with a unique tiebreaker).
  std::sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
    if (a.hit.sort_key != b.hit.sort_key) return a.hit.sort_key < b.hit.sort_key;
    if (a.task != b.task) return a.task < b.task;
    return a.hit.docid < b.hit.docid;
  });
  if (request.track_total_hits >= 0 && out.total > static_cast<uint64_t>(request.track_total_hits)) {
    out.total = request.track_total_hits;
    out.total_exact = false;
  }
  out.max_score = max_score;
  out.has_max_score = any_hit && need_scores;
  // Fetch phase for the final page only.
  size_t begin = std::min<size_t>(request.from, ranked.size());
  size_t end = std::min<size_t>(begin + request.size, ranked.size());
  std::map<size_t, std::vector<query::ShardHit*>> by_task;
  for (size_t i = begin; i < end; ++i) by_task[ranked[i].task].push_back(&ranked[i].hit);
  for (auto& [t, hits] : by_task) {
    auto& shard = indices[tasks[t].index_pos].index->shard(tasks[t].shard);
    QUARRY_RETURN_IF_ERROR(query::fetch_hits(shard, hits));
    if (request.explain) {
      auto mapping = indices[tasks[t].index_pos].index->mapping();
      QUARRY_RETURN_IF_ERROR(query::explain_hits(shard, *request.query, *mapping, hits));
    }
  }
  // Highlighters, one per index that has a hit on the page.
  std::map<size_t, query::Highlighter> highlighters;
  for (size_t i = begin; i < end; ++i) {
    size_t ip = tasks[ranked[i].task].index_pos;
    const query::ShardHit& sh = ranked[i].hit;
    SearchHit h;
    h.index = indices[ip].index->name();
    h.id = sh.id;
    h.score = sh.score;
    h.has_score = need_scores;
    h.meta = sh.meta;
    h.shard = tasks[ranked[i].task].shard;
    h.explanation = sh.explanation;
    const auto& keys = per_index[ip].keys;
    if (!request.sort.empty()) {
      for (size_t k = 0; k < keys.size(); ++k) {
        h.sort.push_back(query::sort_value(keys[k], k < sh.sort_raw.size() ? sh.sort_raw[k] : std::string(), sh.score, sh.docid));
      }
    }
    auto mapping = indices[ip].index->mapping();
    if (request.highlight) {
      auto it = highlighters.find(ip);
      if (it == highlighters.end()) {
        auto q = prechecked_index_query(indices[ip], *request.query);
        if (!q.ok()) return q.status();
        auto hl = query::Highlighter::create(*request.highlight, mapping, *q);
        if (!hl.ok()) return hl.status();
        it = highlighters.emplace(ip, std::move(*hl)).first;
      }
      h.highlight = it->second.highlight(sh.source);
    }
    h.fields = query::extract_fields(sh.source, request.fields, *mapping, false);
    for (auto& f : query::extract_fields(sh.source, request.docvalue_fields, *mapping, true)) {
      bool dup = false;
      for (const auto& e : h.fields) dup |= e.first == f.first;
      if (!dup) h.fields.push_back(std::move(f));
    }
    h.source = std::move(ranked[i].hit.source);
    out.hits.push_back(std::move(h));
  }
  out.took_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  return out;
}

}  // namespace quarry::cluster
