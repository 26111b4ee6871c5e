// Scroll: ?scroll=<keep-alive> on _search opens a scroll context (cluster/scroll_store.h) and
// answers its first page with a _scroll_id; GET/POST /_search/scroll returns the next pages;
// DELETE /_search/scroll frees contexts. A search without ?scroll goes to the plain search handler.
#include <algorithm>

#include "cluster/scroll_store.h"
#include "query/highlight.h"
#include "server/es_error.h"
#include "server/handler_util.h"
#include "server/handlers.h"

namespace quarry::server {

namespace {

const std::vector<std::string> kSearchParams = {
    "allow_no_indices", "expand_wildcards", "ignore_unavailable", "from", "size", "track_total_hits",
    "rest_total_hits_as_int", "_source", "_source_includes", "_source_excludes", "routing", "preference",
    "timeout", "search_type", "typed_keys", "request_cache", "batched_reduce_size", "pre_filter_shard_size",
    "max_concurrent_shard_requests", "ccs_minimize_roundtrips", "allow_partial_search_results", "version",
    "seq_no_primary_term", "ignore_throttled", "track_scores", "explain", "stored_fields", "docvalue_fields",
    "terminate_after", "stats", "suggest_field", "suggest_mode", "suggest_size", "suggest_text", "q", "df",
    "default_operator", "analyzer", "analyze_wildcard", "lenient", "sort", "scroll", "include_named_queries_score"};

constexpr int64_t kMaxKeepAliveMs = 24LL * 3600 * 1000;  // search.max_keep_alive

Result<int64_t> keep_alive(std::string_view text) {
  auto ms = parse_time_ms(text, "scroll");
  if (!ms.ok()) return ms.status();
  if (*ms > kMaxKeepAliveMs) {
    return Status::InvalidArgument("Keep alive for request (" + std::string(text) +
                                   ") is too large. It must be less than (1d). This limit can be set by changing the "
                                   "[search.max_keep_alive] cluster level setting.");
  }
  return *ms;
}

// One page of a context, rendered as a search response with the _scroll_id first.
HttpResponse render_page(cluster::ScrollContext& ctx, bool rest_total_hits_as_int) {
  auto started = std::chrono::steady_clock::now();
  const auto& snap = ctx.snapshot;
  query::SearchRequest sr = ctx.request;
  sr.rest_total_hits_as_int = rest_total_hits_as_int;
  sr.track_total_hits = -1;
  sr.terminate_after = 0;
  cluster::SearchResult result;
  result.total = snap.entries.size();
  result.total_exact = true;
  result.max_score = snap.max_score;
  result.has_max_score = snap.has_max_score;
  result.shards_total = result.shards_successful = snap.shards_total;
  size_t begin = std::min(ctx.position, snap.entries.size());
  size_t end = std::min(begin + static_cast<size_t>(std::max(sr.size, 0)), snap.entries.size());
  std::map<uint32_t, query::Highlighter> highlighters;
  for (size_t i = begin; i < end; ++i) {
    const auto& e = snap.entries[i];
    const auto& target = snap.targets[e.target];
    index::StoredDocument stored;
    if (Status st = index::decode_stored(e.data, &stored); !st.ok()) return error_response(st);
    cluster::SearchHit h;
    h.index = target.index->name();
    h.id = e.id;
    h.score = e.score;
    h.has_score = snap.has_max_score;
    h.meta = stored.meta;
    h.shard = e.shard;
    h.sort = e.sort;
    auto mapping = target.index->mapping();
    if (sr.highlight) {
      auto it = highlighters.find(e.target);
      if (it == highlighters.end()) {
        auto q = cluster::build_index_query(target, *sr.query);
        if (!q.ok()) return error_response(q.status());
        auto hl = query::Highlighter::create(*sr.highlight, mapping, *q);
        if (!hl.ok()) return error_response(hl.status());
        it = highlighters.emplace(e.target, std::move(*hl)).first;
      }
      h.highlight = it->second.highlight(stored.source);
    }
    h.fields = query::extract_fields(stored.source, sr.fields, *mapping, false);
    for (auto& f : query::extract_fields(stored.source, sr.docvalue_fields, *mapping, true)) {
      bool dup = false;
      for (const auto& x : h.fields) dup |= x.first == f.first;
      if (!dup) h.fields.push_back(std::move(f));
    }
    h.source = std::move(stored.source);
    result.hits.push_back(std::move(h));
  }
  ctx.position = end;
  result.took_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  HttpResponse resp = json_response(200, [&](json::Writer& w) { write_search_response(w, result, sr); });
  std::string id_member = "\"_scroll_id\":\"" + ctx.id + "\",";
  auto brace = resp.body.find('{');
  if (brace != std::string::npos) resp.body.insert(brace + 1, id_member);
  return resp;
}

HttpResponse start_scroll(cluster::Node& node, cluster::ScrollStore& store, HttpRequest& req) {
  auto ka = keep_alive(req.param("scroll"));
  if (!ka.ok()) return error_response(ka.status());
  json::Document body;
  if (Status st = parse_body(req, body); !st.ok()) return error_response(st);
  auto ctx = std::make_shared<cluster::ScrollContext>();
  query::SearchRequest& sr = ctx->request;
  if (Status st = parse_search_request(req, body, &sr); !st.ok()) return error_response(st);
  if (sr.from > 0) return error_response(Status(Code::kActionValidation, "Validation Failed: 1: using [from] is not allowed in a scroll context;"));
  if (!sr.search_after_json.empty()) return error_response(Status(Code::kActionValidation, "Validation Failed: 1: [search_after] cannot be used in a scroll context;"));
  if (sr.track_total_hits == 0 && sr.track_total_hits_set) return error_response(Status(Code::kActionValidation, "Validation Failed: 1: disabling [track_total_hits] is not allowed in a scroll context;"));
  if (sr.size < 0) return error_response(Status::InvalidArgument("[size] parameter cannot be negative, found [" + std::to_string(sr.size) + "]"));
  auto opts = resolve_options(req);
  if (!opts.ok()) return error_response(opts.status());
  auto resolved = node.catalog().resolve(req.path_param("index"), *opts);
  if (!resolved.ok()) return error_response(resolved.status());
  for (const auto& r : *resolved) {
    int window = r.index->metadata().settings.max_result_window;
    if (sr.size > window) {
      return error_response(Status::InvalidArgument(
          "Batch size is too large, size must be less than or equal to: [" + std::to_string(window) + "] but was [" +
          std::to_string(sr.size) + "]. Scroll batch sizes cost as much memory as result windows so they are "
          "controlled by the [index.max_result_window] index level setting."));
    }
  }
  if (sr.explain) return error_response(Status::InvalidArgument("[explain] is not supported in a scroll context"));
  size_t entries_left = 0, bytes_left = 0;
  if (Status st = store.check_room(&entries_left, &bytes_left); !st.ok()) return error_response(st);
  cluster::SnapshotLimits limits;
  limits.keep_data = true;
  limits.max_entries = entries_left;
  limits.max_bytes = bytes_left;
  limits.limit_setting = "search.max_scroll_documents";
  auto snap = cluster::snapshot_search(*resolved, sr, limits);
  if (!snap.ok()) return error_response(snap.status());
  ctx->snapshot = std::move(*snap);
  auto id = store.open(ctx, *ka);
  if (!id.ok()) return error_response(id.status());
  std::lock_guard<std::mutex> lock(ctx->mu);
  return render_page(*ctx, sr.rest_total_hits_as_int);
}

// A search with "pit" in its body: no index in the path; runs on the PIT's private copies.
HttpResponse pit_search(cluster::Node& node, cluster::PitStore& pits, HttpRequest& req, json::Document& body) {
  if (!req.path_param("index").empty()) {
    return error_response(Status(Code::kActionValidation,
                                 "Validation Failed: 1: [indices] cannot be used with point in time. Do not specify any index with point in time.;"));
  }
  if (req.has("scroll")) return error_response(Status(Code::kActionValidation, "Validation Failed: 1: using [point in time] is not allowed in a scroll context;"));
  const json::Value& pit = body["pit"];
  if (!pit.IsObject()) return error_response(Status::Parsing("[pit] must be an object"));
  std::string id;
  int64_t ka_ms = -1;
  for (auto it = pit.MemberBegin(); it != pit.MemberEnd(); ++it) {
    std::string key(it->name.GetString(), it->name.GetStringLength());
    if (key == "id" && it->value.IsString()) id = it->value.GetString();
    else if (key == "keep_alive" && it->value.IsString()) {
      auto ka = keep_alive(it->value.GetString());
      if (!ka.ok()) return error_response(ka.status());
      ka_ms = *ka;
    } else return error_response(Status::Parsing("[pit] unknown field [" + key + "]"));
  }
  if (id.empty()) return error_response(Status::Parsing("[pit] requires [id]"));
  body.RemoveMember("pit");
  query::SearchRequest sr;
  if (Status st = parse_search_request(req, body, &sr); !st.ok()) return error_response(st);
  auto indices = pits.find(id, ka_ms);
  if (!indices) return error_response(Status::NotFound("No search context found for id [" + id + "]"));
  auto result = node.search(*indices, sr);
  if (!result.ok()) return error_response(result.status());
  HttpResponse resp = json_response(200, [&](json::Writer& w) { write_search_response(w, *result, sr); });
  auto brace = resp.body.find('{');
  if (brace != std::string::npos) resp.body.insert(brace + 1, "\"pit_id\":\"" + id + "\",");
  return resp;
}

HttpResponse search_or_scroll(cluster::Node& node, cluster::ScrollStore& store, cluster::PitStore& pits, HttpRequest& req) {
  if (req.body.find("\"pit\"") != std::string::npos) {
    json::Document body;
    if (Status st = parse_body(req, body); !st.ok()) return error_response(st);
    if (body.IsObject() && body.HasMember("pit")) return pit_search(node, pits, req, body);
  }
  if (!req.has("scroll")) return run_search(node, req);
  return start_scroll(node, store, req);
}

HttpResponse open_pit(cluster::Node& node, cluster::PitStore& pits, HttpRequest& req) {
  if (!req.has("keep_alive")) return error_response(Status(Code::kActionValidation, "Validation Failed: 1: [keep_alive] is not specified;"));
  auto ka = keep_alive(req.param("keep_alive"));
  if (!ka.ok()) return error_response(ka.status());
  auto opts = resolve_options(req);
  if (!opts.ok()) return error_response(opts.status());
  auto resolved = node.catalog().resolve(req.path_param("index"), *opts);
  if (!resolved.ok()) return error_response(resolved.status());
  auto id = pits.open(*resolved, *ka);
  if (!id.ok()) return error_response(id.status());
  int shards = 0;
  for (const auto& r : *resolved) shards += r.index->num_shards();
  return json_response(200, [&](json::Writer& w) {
    w.StartObject();
    w.Key("id"); w.String(id->c_str());
    w.Key("_shards");
    w.StartObject();
    w.Key("total"); w.Int(shards);
    w.Key("successful"); w.Int(shards);
    w.Key("skipped"); w.Int(0);
    w.Key("failed"); w.Int(0);
    w.EndObject();
    w.EndObject();
  });
}

HttpResponse close_pit(cluster::PitStore& pits, HttpRequest& req) {
  json::Document body;
  if (Status st = parse_body(req, body); !st.ok()) return error_response(st);
  if (!body.IsObject() || !body.HasMember("id") || !body["id"].IsString()) {
    return error_response(Status(Code::kActionValidation, "Validation Failed: 1: point in time id must be specified;"));
  }
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    std::string key(it->name.GetString(), it->name.GetStringLength());
    if (key != "id") return error_response(Status::Parsing("[close_point_in_time] unknown field [" + key + "]"));
  }
  bool freed = pits.close(body["id"].GetString());
  return json_response(freed ? 200 : 404, [&](json::Writer& w) {
    w.StartObject();
    w.Key("succeeded"); w.Bool(true);
    w.Key("num_freed"); w.Int(freed ? 1 : 0);
    w.EndObject();
  });
}

HttpResponse next_page(cluster::ScrollStore& store, HttpRequest& req) {
  json::Document body;
  if (Status st = parse_body(req, body); !st.ok()) return error_response(st);
  std::string id = req.path_param("scroll_id");
  if (req.has("scroll_id")) id = req.param("scroll_id");
  std::string scroll = req.param("scroll");
  if (body.IsObject()) {
    for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
      std::string key(it->name.GetString(), it->name.GetStringLength());
      if (key == "scroll_id" && it->value.IsString()) id = it->value.GetString();
      else if (key == "scroll" && it->value.IsString()) scroll = it->value.GetString();
      else if (key == "rest_total_hits_as_int") continue;
      else return error_response(Status::Parsing("[search_scroll] unknown field [" + key + "]"));
    }
  } else if (!body.IsNull()) {
    return error_response(Status::Parsing("request body must be an object"));
  }
  if (id.empty()) return error_response(Status(Code::kActionValidation, "Validation Failed: 1: scroll id is missing;"));
  int64_t ka_ms = -1;
  if (!scroll.empty()) {
    auto ka = keep_alive(scroll);
    if (!ka.ok()) return error_response(ka.status());
    ka_ms = *ka;
  }
  auto as_int = bool_param(req, "rest_total_hits_as_int", false);
  if (!as_int.ok()) return error_response(as_int.status());
  auto ctx = store.find(id, ka_ms);
  if (!ctx) return error_response(Status::NotFound("No search context found for id [" + id + "]"));
  std::lock_guard<std::mutex> lock(ctx->mu);
  return render_page(*ctx, *as_int);
}

HttpResponse clear_scroll(cluster::ScrollStore& store, HttpRequest& req) {
  json::Document body;
  if (Status st = parse_body(req, body); !st.ok()) return error_response(st);
  std::vector<std::string> ids;
  for (const auto& s : split_list(req.path_param("scroll_id"))) ids.push_back(s);
  if (body.IsObject()) {
    for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
      std::string key(it->name.GetString(), it->name.GetStringLength());
      if (key != "scroll_id") return error_response(Status::Parsing("[clear_scroll] unknown field [" + key + "]"));
      if (it->value.IsString()) ids.push_back(it->value.GetString());
      else if (it->value.IsArray()) {
        for (const auto& v : it->value.GetArray()) {
          if (!v.IsString()) return error_response(Status::Parsing("[scroll_id] must hold strings"));
          ids.push_back(v.GetString());
        }
      } else return error_response(Status::Parsing("[scroll_id] must be a string or an array"));
    }
  } else if (!body.IsNull()) {
    return error_response(Status::Parsing("request body must be an object"));
  }
  if (ids.empty()) return error_response(Status(Code::kActionValidation, "Validation Failed: 1: no scroll ids specified;"));
  size_t freed = 0;
  if (std::find(ids.begin(), ids.end(), "_all") != ids.end()) {
    freed = store.clear_all();
  } else {
    for (const auto& id : ids) freed += store.clear(id) ? 1 : 0;
  }
  return json_response(freed > 0 ? 200 : 404, [&](json::Writer& w) {
    w.StartObject();
    w.Key("succeeded"); w.Bool(true);
    w.Key("num_freed"); w.Uint64(freed);
    w.EndObject();
  });
}

}  // namespace

void register_scroll_handlers(Router& r, cluster::Node& node) {
  auto store = std::make_shared<cluster::ScrollStore>();
  auto pits = std::make_shared<cluster::PitStore>(node.options().data_dir);
  // Registered before register_search_handlers: on equal patterns the first route wins.
  for (const char* p : {"/_search", "/{index}/_search"}) {
    r.add("GET", p, [&node, store, pits](HttpRequest& q) { return search_or_scroll(node, *store, *pits, q); }, kSearchParams);
    r.add("POST", p, [&node, store, pits](HttpRequest& q) { return search_or_scroll(node, *store, *pits, q); }, kSearchParams);
  }
  const std::vector<std::string> params = {"scroll", "scroll_id", "rest_total_hits_as_int"};
  for (const char* p : {"/_search/scroll", "/_search/scroll/{scroll_id}"}) {
    r.add("GET", p, [store](HttpRequest& q) { return next_page(*store, q); }, params);
    r.add("POST", p, [store](HttpRequest& q) { return next_page(*store, q); }, params);
    r.add("DELETE", p, [store](HttpRequest& q) { return clear_scroll(*store, q); });
  }
  r.add("POST", "/{index}/_pit", [&node, pits](HttpRequest& q) { return open_pit(node, *pits, q); },
        {"keep_alive", "ignore_unavailable", "expand_wildcards", "allow_no_indices", "routing", "preference",
         "allow_partial_search_results"});
  r.add("DELETE", "/_pit", [pits](HttpRequest& q) { return close_pit(*pits, q); });
}

}  // namespace quarry::server
