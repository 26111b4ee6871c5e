// GET/POST /_search, /{index}/_search, /_count, /{index}/_count (minimal Query DSL for now).
#include <cctype>
#include <set>
#include <tuple>

#include "query/lucene_syntax.h"
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

}  // namespace

// The URI search query: q= with df, default_operator, analyzer, analyze_wildcard, lenient.
// Leaves *out unchanged when there is no q. Errors: kParsing / kInvalidArgument.
Status uri_query(const HttpRequest& req, query::QueryPtr* out) {
  if (!req.has("q")) return Status::Ok();
  query::LuceneOptions o;
  if (req.has("df")) o.default_fields = {req.param("df")};
  if (req.has("default_operator")) {
    std::string op = req.param("default_operator");
    for (auto& c : op) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
    if (op == "AND") o.default_operator_and = true;
    else if (op != "OR") return Status::InvalidArgument("operator [" + req.param("default_operator") + "] is not allowed");
  }
  o.analyzer = req.param("analyzer");
  auto lenient = bool_param(req, "lenient", false);
  if (!lenient.ok()) return lenient.status();
  o.lenient = *lenient;
  auto aw = bool_param(req, "analyze_wildcard", false);
  if (!aw.ok()) return aw.status();
  o.analyze_wildcard = *aw;
  auto q = query::parse_lucene_query(req.param("q"), o);
  if (!q.ok()) return q.status();
  *out = *q;
  return Status::Ok();
}

namespace {

Status apply_url_params(const HttpRequest& req, query::SearchRequest* sr) {
  QUARRY_RETURN_IF_ERROR(uri_query(req, &sr->query));
  if (req.has("typed_keys")) {
    std::string v = req.param("typed_keys");
    sr->typed_keys = v.empty() || v == "true";
  }
  auto from = int_param(req, "from", sr->from);
  if (!from.ok()) return from.status();
  sr->from = static_cast<int>(*from);
  auto size = int_param(req, "size", sr->size);
  if (!size.ok()) return size.status();
  sr->size = static_cast<int>(*size);
  if (req.has("track_total_hits")) {
    std::string v = req.param("track_total_hits");
    if (v == "true" || v.empty()) sr->track_total_hits = -1;
    else if (v == "false") sr->track_total_hits = 0;
    else {
      auto n = int_param(req, "track_total_hits", 10000);
      if (!n.ok()) return n.status();
      sr->track_total_hits = *n;
    }
    sr->track_total_hits_set = true;
  }
  if (sr->track_total_hits < -1) {
    return Status::InvalidArgument("[track_total_hits] parameter must be positive or equals to -1, got " +
                                   std::to_string(sr->track_total_hits));
  }
  auto as_int = bool_param(req, "rest_total_hits_as_int", false);
  if (!as_int.ok()) return as_int.status();
  sr->rest_total_hits_as_int = *as_int;
  if (sr->rest_total_hits_as_int) {
    // An integer total must be exact (or absent): Elasticsearch's RestSearchAction.
    if (!sr->track_total_hits_set) sr->track_total_hits = -1;
    else if (sr->track_total_hits != -1 && sr->track_total_hits != 0) {
      return Status::InvalidArgument("[rest_total_hits_as_int] cannot be used if the tracking of total hits is not accurate, got " +
                                     std::to_string(sr->track_total_hits));
    }
  }
  if (req.has("_source") || req.has("_source_includes") || req.has("_source_excludes")) {
    sr->source = source_filter_params(req);
  }
  sr->routing = list_param(req, "routing");
  auto version = bool_param(req, "version", sr->version);
  if (!version.ok()) return version.status();
  sr->version = *version;
  auto seq = bool_param(req, "seq_no_primary_term", sr->seq_no_primary_term);
  if (!seq.ok()) return seq.status();
  sr->seq_no_primary_term = *seq;
  if (req.has("sort")) {
    QUARRY_RETURN_IF_ERROR(query::parse_sort_param(req.param("sort"), &sr->sort));
  }
  auto track_scores = bool_param(req, "track_scores", sr->track_scores);
  if (!track_scores.ok()) return track_scores.status();
  sr->track_scores = *track_scores;
  if (req.has("terminate_after")) {
    auto n = int_param(req, "terminate_after", 0);
    if (!n.ok()) return n.status();
    if (*n < 0) return Status::InvalidArgument("terminateAfter must be > 0");
    sr->terminate_after = *n;
  }
  if (req.has("timeout")) {
    auto t = time_param_ms(req, "timeout", -1);
    if (!t.ok()) return t.status();
    sr->timeout_ms = *t;
  }
  if (req.has("stored_fields")) sr->stored_fields = list_param(req, "stored_fields");
  for (const auto& f : list_param(req, "docvalue_fields")) sr->docvalue_fields.push_back({f, ""});
  if (req.has("explain")) {
    auto e = bool_param(req, "explain", false);
    if (!e.ok()) return e.status();
    sr->explain = *e;
  }
  return Status::Ok();
}

// Whether hits carry _source: stored_fields without _source hides it, as Elasticsearch does.
bool source_shown(const query::SearchRequest& sr) {
  if (!sr.stored_fields) return true;
  for (const auto& f : *sr.stored_fields)
    if (f == "_source") return true;
  if (sr.source_explicit) return sr.source.enabled;
  return false;
}

void write_hit(json::Writer& w, const cluster::SearchHit& h, const query::SearchRequest& sr) {
  bool none = sr.stored_fields && sr.stored_fields->size() == 1 && (*sr.stored_fields)[0] == "_none_";
  w.StartObject();
  if (sr.explain) {
    std::string shard = "[" + h.index + "][" + std::to_string(h.shard) + "]";
    w.Key("_shard"); w.String(shard.c_str());
  }
  w.Key("_index"); w.String(h.index.c_str());
  if (!none) {
    w.Key("_id"); w.String(h.id.c_str());
  }
  if (sr.version) {
    w.Key("_version"); w.Int64(h.meta.version);
  }
  if (sr.seq_no_primary_term) {
    w.Key("_seq_no"); w.Int64(h.meta.seq_no);
    w.Key("_primary_term"); w.Int64(h.meta.primary_term);
  }
  w.Key("_score");
  if (h.has_score) w.Double(h.score);
  else w.Null();
  if (!h.meta.routing.empty() && !none) {
    w.Key("_routing"); w.String(h.meta.routing.c_str());
  }
  if (source_shown(sr) && !none) write_source(w, h.source, sr.source);
  if (!h.fields.empty()) {
    w.Key("fields");
    w.StartObject();
    for (const auto& [name, values] : h.fields) {
      w.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
      json::write_raw(w, values);
    }
    w.EndObject();
  }
  if (!h.highlight.empty()) {
    w.Key("highlight");
    w.StartObject();
    for (const auto& [field, frags] : h.highlight) {
      w.Key(field.c_str(), static_cast<rapidjson::SizeType>(field.size()));
      w.StartArray();
      for (const auto& f : frags) w.String(f.c_str(), static_cast<rapidjson::SizeType>(f.size()));
      w.EndArray();
    }
    w.EndObject();
  }
  if (sr.explain && !h.explanation.empty()) {
    w.Key("_explanation");
    json::write_raw(w, h.explanation);
  }
  if (!sr.sort.empty()) {
    w.Key("sort");
    w.StartArray();
    for (const auto& v : h.sort) query::write_sort_value(w, v);
    w.EndArray();
  }
  w.EndObject();
}

// `_shards`, with `failures` when some shards failed. As Elasticsearch (group_shard_failures),
// failures of one index with the same reason are listed once, under the first such shard.
void write_shards(json::Writer& w, const cluster::SearchResult& result) {
  w.Key("_shards");
  w.StartObject();
  w.Key("total"); w.Int(result.shards_total);
  w.Key("successful"); w.Int(result.shards_successful);
  w.Key("skipped"); w.Int(0);
  w.Key("failed"); w.Int(result.shards_total - result.shards_successful);
  if (!result.failures.empty()) {
    w.Key("failures");
    w.StartArray();
    std::set<std::tuple<std::string, Code, std::string>> seen;
    for (const auto& f : result.failures) {
      if (!seen.emplace(f.index, f.reason.code(), f.reason.message()).second) continue;
      w.StartObject();
      w.Key("shard"); w.Int(f.shard);
      w.Key("index"); w.String(f.index.c_str(), static_cast<rapidjson::SizeType>(f.index.size()));
      w.Key("node"); w.String(f.node.c_str(), static_cast<rapidjson::SizeType>(f.node.size()));
      w.Key("reason");
      write_error_object(w, f.reason);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

}  // namespace

void write_search_response(json::Writer& w, const cluster::SearchResult& result, const query::SearchRequest& sr) {
  w.StartObject();
  w.Key("took"); w.Int64(result.took_ms);
  w.Key("timed_out"); w.Bool(result.timed_out);
  if (sr.terminate_after > 0) {
    w.Key("terminated_early"); w.Bool(result.terminated_early);
  }
  write_shards(w, result);
  w.Key("hits");
  w.StartObject();
  if (sr.track_total_hits == 0 && sr.rest_total_hits_as_int) {
    w.Key("total");
    w.Int(-1);
  } else if (sr.track_total_hits != 0) {
    w.Key("total");
    if (sr.rest_total_hits_as_int) {
      w.Int64(static_cast<int64_t>(result.total));
    } else {
      w.StartObject();
      w.Key("value"); w.Int64(static_cast<int64_t>(result.total));
      w.Key("relation"); w.String(result.total_exact ? "eq" : "gte");
      w.EndObject();
    }
  }
  w.Key("max_score");
  if (!result.has_max_score) w.Null();
  else w.Double(result.max_score);
  w.Key("hits");
  w.StartArray();
  for (const auto& h : result.hits) write_hit(w, h, sr);
  w.EndArray();
  w.EndObject();
  if (result.aggregations) {
    w.Key("aggregations");
    w.StartObject();
    query::aggs::render_aggregations(w, *result.aggregations, sr.typed_keys);
    w.EndObject();
  }
  w.EndObject();
}

Status parse_search_request(const HttpRequest& req, const json::Value& body, query::SearchRequest* sr) {
  QUARRY_RETURN_IF_ERROR(query::parse_search_body(body, sr));
  return apply_url_params(req, sr);
}

// One search request, as /_search and each _msearch item run it.
HttpResponse run_search(cluster::Node& node, HttpRequest& req) {
  json::Document body;
  if (Status st = parse_body(req, body); !st.ok()) return error_response(st);
  query::SearchRequest sr;
  if (Status st = parse_search_request(req, body, &sr); !st.ok()) return error_response(st);
  auto opts = resolve_options(req);
  if (!opts.ok()) return error_response(opts.status());
  auto resolved = node.catalog().resolve(req.path_param("index"), *opts);
  if (!resolved.ok()) return error_response(resolved.status());
  auto result = node.search(*resolved, sr);
  if (!result.ok()) return error_response(result.status());
  return json_response(200, [&](json::Writer& w) { write_search_response(w, *result, sr); });
}

namespace {

HttpResponse search(cluster::Node& node, HttpRequest& req) { return run_search(node, req); }

HttpResponse count(cluster::Node& node, HttpRequest& req) {
  json::Document body;
  if (Status st = parse_body(req, body); !st.ok()) return error_response(st);
  query::SearchRequest sr;
  if (Status st = query::parse_count_body(body, &sr); !st.ok()) return error_response(st);
  if (Status st = uri_query(req, &sr.query); !st.ok()) return error_response(st);
  auto terminate_after = int_param(req, "terminate_after", 0);
  if (!terminate_after.ok()) return error_response(terminate_after.status());
  if (*terminate_after < 0) return error_response(Status::InvalidArgument("terminateAfter must be > 0"));
  sr.routing = list_param(req, "routing");
  auto opts = resolve_options(req);
  if (!opts.ok()) return error_response(opts.status());
  auto resolved = node.catalog().resolve(req.path_param("index"), *opts);
  if (!resolved.ok()) return error_response(resolved.status());
  auto result = node.search(*resolved, sr);
  if (!result.ok()) return error_response(result.status());
  return json_response(200, [&](json::Writer& w) {
    w.StartObject();
    w.Key("count"); w.Int64(static_cast<int64_t>(result->total));
    write_shards(w, *result);
    w.EndObject();
  });
}

}  // namespace

void register_search_handlers(Router& r, cluster::Node& node) {
  for (const char* p : {"/_search", "/{index}/_search"}) {
    r.add("GET", p, [&node](HttpRequest& q) { return search(node, q); }, kSearchParams);
    r.add("POST", p, [&node](HttpRequest& q) { return search(node, q); }, kSearchParams);
  }
  const std::vector<std::string> count_params = {"allow_no_indices", "expand_wildcards", "ignore_unavailable", "q", "df",
                                                 "default_operator", "analyzer", "analyze_wildcard", "lenient",
                                                 "routing", "preference", "min_score", "terminate_after", "ignore_throttled"};
  for (const char* p : {"/_count", "/{index}/_count"}) {
    r.add("GET", p, [&node](HttpRequest& q) { return count(node, q); }, count_params);
    r.add("POST", p, [&node](HttpRequest& q) { return count(node, q); }, count_params);
  }
}

}  // namespace quarry::server
