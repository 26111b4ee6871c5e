// POST /{index}/_delete_by_query, /{index}/_update_by_query (no scripts) and /_reindex (local):
// request parsing and the BulkByScroll response; the work is cluster::run_by_query().
#include <algorithm>

#include "cluster/by_query.h"
#include "server/es_error.h"
#include "server/handler_util.h"
#include "server/handlers.h"

namespace quarry::server {

namespace {

const std::vector<std::string> kByQueryParams = {
    "analyzer", "analyze_wildcard", "conflicts", "default_operator", "df", "expand_wildcards", "from",
    "ignore_unavailable", "allow_no_indices", "lenient", "max_docs", "preference", "q", "refresh", "request_cache",
    "requests_per_second", "routing", "scroll", "scroll_size", "search_type", "search_timeout", "slices", "sort",
    "stats", "terminate_after", "timeout", "version", "wait_for_active_shards", "wait_for_completion", "pipeline"};

const std::vector<std::string> kReindexParams = {"refresh", "requests_per_second", "scroll", "slices", "timeout",
                                                 "wait_for_active_shards", "wait_for_completion", "max_docs",
                                                 "require_alias"};

Status parse_conflicts(const std::string& v, bool* proceed) {
  if (v == "proceed") *proceed = true;
  else if (v == "abort") *proceed = false;
  else return Status::InvalidArgument("conflicts may only be \"proceed\" or \"abort\" but was [" + v + "]");
  return Status::Ok();
}

// Parameters common to the three APIs.
Status common_params(const HttpRequest& req, cluster::ByQueryRequest* r) {
  if (req.has("conflicts")) QUARRY_RETURN_IF_ERROR(parse_conflicts(req.param("conflicts"), &r->proceed_on_conflicts));
  if (req.has("max_docs")) {
    auto n = int_param(req, "max_docs", -1);
    if (!n.ok()) return n.status();
    if (*n <= 0) return Status(Code::kActionValidation, "Validation Failed: 1: maxDocs should be greater than 0 if the request is limited to some number of documents or -1 if it isn't but it was [" + std::to_string(*n) + "];");
    r->max_docs = *n;
  }
  if (req.has("refresh")) {
    auto b = bool_param(req, "refresh", false);
    if (!b.ok()) return b.status();
    r->refresh = *b;
  }
  if (req.has("wait_for_completion")) {
    auto b = bool_param(req, "wait_for_completion", true);
    if (!b.ok()) return b.status();
    if (!*b) return Status::InvalidArgument("[wait_for_completion=false] is not supported: Quarry runs these requests synchronously");
  }
  if (req.has("slices")) {
    std::string s = req.param("slices");
    if (s != "auto") {
      auto n = int_param(req, "slices", 1);
      if (!n.ok()) return n.status();
      if (*n < 1) return Status(Code::kActionValidation, "Validation Failed: 1: slices must be greater than 0;");
    }
  }
  return Status::Ok();
}

Status parse_max_docs_body(const json::Value& v, cluster::ByQueryRequest* r) {
  if (!v.IsInt64()) return Status::Parsing("[max_docs] must be a number");
  if (v.GetInt64() <= 0) return Status(Code::kActionValidation, "Validation Failed: 1: maxDocs should be greater than 0 if the request is limited to some number of documents or -1 if it isn't but it was [" + std::to_string(v.GetInt64()) + "];");
  r->max_docs = v.GetInt64();
  return Status::Ok();
}

Status parse_query_value(const json::Value& q, query::SearchRequest* sr) {
  json::Document doc;
  doc.SetObject();
  json::Value copy(q, doc.GetAllocator());
  doc.AddMember("query", copy, doc.GetAllocator());
  return query::parse_count_body(doc, sr);
}

int highest_status(const cluster::ByQueryResult& res) {
  int status = 200;
  for (const auto& f : res.failures) status = std::max(status, es_error_kind(f.cause.code()).http_status);
  return status;
}

HttpResponse respond(const cluster::ByQueryResult& res, cluster::ByQueryKind kind) {
  return json_response(highest_status(res), [&](json::Writer& w) {
    w.StartObject();
    w.Key("took"); w.Int64(res.took_ms);
    w.Key("timed_out"); w.Bool(false);
    w.Key("total"); w.Uint64(res.total);
    if (kind != cluster::ByQueryKind::kDelete) {
      w.Key("updated"); w.Uint64(res.updated);
    }
    if (kind == cluster::ByQueryKind::kReindex) {
      w.Key("created"); w.Uint64(res.created);
    }
    w.Key("deleted"); w.Uint64(res.deleted);
    w.Key("batches"); w.Uint64(res.batches);
    w.Key("version_conflicts"); w.Uint64(res.version_conflicts);
    w.Key("noops"); w.Uint64(res.noops);
    w.Key("retries");
    w.StartObject();
    w.Key("bulk"); w.Int(0);
    w.Key("search"); w.Int(0);
    w.EndObject();
    w.Key("throttled_millis"); w.Int(0);
    w.Key("requests_per_second"); w.Double(-1.0);
    w.Key("throttled_until_millis"); w.Int(0);
    w.Key("failures");
    w.StartArray();
    for (const auto& f : res.failures) {
      w.StartObject();
      w.Key("index"); w.String(f.index.c_str());
      w.Key("id"); w.String(f.id.c_str());
      w.Key("cause");
      write_error_object(w, f.cause);
      w.Key("status"); w.Int(es_error_kind(f.cause.code()).http_status);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  });
}

HttpResponse by_query(cluster::Node& node, HttpRequest& req, cluster::ByQueryKind kind) {
  const char* api = kind == cluster::ByQueryKind::kDelete ? "delete_by_query" : "update_by_query";
  json::Document body;
  if (Status st = parse_body(req, body); !st.ok()) return error_response(st);
  cluster::ByQueryRequest r;
  r.kind = kind;
  if (!body.IsNull()) {
    if (!body.IsObject()) return error_response(Status::Parsing("request body must be an object"));
    for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
      std::string key(it->name.GetString(), it->name.GetStringLength());
      Status st;
      if (key == "query") st = parse_query_value(it->value, &r.search);
      else if (key == "max_docs") st = parse_max_docs_body(it->value, &r);
      else if (key == "conflicts" && it->value.IsString()) st = parse_conflicts(it->value.GetString(), &r.proceed_on_conflicts);
      else if (key == "script") {
        st = Status::InvalidArgument("[script] is not supported by Quarry's _" + std::string(api) +
                                     ": it re-indexes the matching documents as they are");
      } else if (key == "slice") st = Status::InvalidArgument("[slice] is not supported");
      else st = Status::Parsing("[" + std::string(api) + "] unknown field [" + key + "]");
      if (!st.ok()) return error_response(st);
    }
  }
  if (Status st = uri_query(req, &r.search.query); !st.ok()) return error_response(st);
  if (Status st = common_params(req, &r); !st.ok()) return error_response(st);
  if (req.has("scroll_size")) {
    auto n = int_param(req, "scroll_size", 1000);
    if (!n.ok()) return error_response(n.status());
    if (*n < 1) return error_response(Status::InvalidArgument("[scroll_size] must be greater than 0"));
    r.batch_size = static_cast<int>(std::min<int64_t>(*n, 10000));
  }
  r.search.routing = list_param(req, "routing");
  auto opts = resolve_options(req);
  if (!opts.ok()) return error_response(opts.status());
  auto resolved = node.catalog().resolve(req.path_param("index"), *opts);
  if (!resolved.ok()) return error_response(resolved.status());
  auto res = cluster::run_by_query(node, *resolved, r);
  if (!res.ok()) return error_response(res.status());
  return respond(*res, kind);
}

HttpResponse reindex(cluster::Node& node, HttpRequest& req) {
  json::Document body;
  if (Status st = parse_body(req, body); !st.ok()) return error_response(st);
  if (!body.IsObject()) return error_response(Status(Code::kActionValidation, "Validation Failed: 1: source is missing;2: destination is missing;"));
  cluster::ByQueryRequest r;
  r.kind = cluster::ByQueryKind::kReindex;
  std::string source_indices;
  bool has_source = false, has_dest = false;
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    std::string key(it->name.GetString(), it->name.GetStringLength());
    const json::Value& v = it->value;
    Status st;
    if (key == "source") {
      has_source = true;
      if (!v.IsObject()) return error_response(Status::Parsing("[source] must be an object"));
      for (auto s = v.MemberBegin(); s != v.MemberEnd(); ++s) {
        std::string sk(s->name.GetString(), s->name.GetStringLength());
        if (sk == "index") {
          if (s->value.IsString()) source_indices = s->value.GetString();
          else if (s->value.IsArray()) {
            for (const auto& e : s->value.GetArray()) {
              if (!e.IsString()) return error_response(Status::Parsing("[source.index] must hold strings"));
              if (!source_indices.empty()) source_indices += ",";
              source_indices += e.GetString();
            }
          } else return error_response(Status::Parsing("[source.index] must be a string or an array"));
        } else if (sk == "query") st = parse_query_value(s->value, &r.search);
        else if (sk == "size") {
          if (!s->value.IsInt() || s->value.GetInt() < 1) return error_response(Status::Parsing("[source.size] must be a positive number"));
          r.batch_size = std::min(s->value.GetInt(), 10000);
        } else if (sk == "_source") st = query::parse_source_filter(s->value, &r.search.source);
        else if (sk == "remote") st = Status::InvalidArgument("[source.remote] is not supported: Quarry reindexes from local indices only");
        else if (sk == "slice") st = Status::InvalidArgument("[source.slice] is not supported");
        else st = Status::Parsing("[source] unknown field [" + sk + "]");
        if (!st.ok()) return error_response(st);
      }
    } else if (key == "dest") {
      has_dest = true;
      if (!v.IsObject()) return error_response(Status::Parsing("[dest] must be an object"));
      for (auto d = v.MemberBegin(); d != v.MemberEnd(); ++d) {
        std::string dk(d->name.GetString(), d->name.GetStringLength());
        const json::Value& dv = d->value;
        if (dk == "index" && dv.IsString()) r.dest_index = dv.GetString();
        else if (dk == "op_type" && dv.IsString()) {
          std::string op = dv.GetString();
          if (op == "create") r.dest_create = true;
          else if (op != "index") st = Status::InvalidArgument("opType must be 'create' or 'index', found: [" + op + "]");
        } else if (dk == "version_type" && dv.IsString()) {
          std::string vt = dv.GetString();
          if (vt == "external" || vt == "external_gt") r.dest_external = true;
          else if (vt != "internal") st = Status::InvalidArgument("version_type [" + vt + "] is not supported by _reindex");
        } else if (dk == "routing" && dv.IsString()) {
          std::string rt = dv.GetString();
          if (rt == "keep" || rt == "discard" || (rt.size() > 1 && rt[0] == '=')) r.dest_routing = rt;
          else st = Status::InvalidArgument("[routing] must be [keep], [discard] or [=<something>] but was [" + rt + "]");
        } else if (dk == "pipeline") st = Status::InvalidArgument("[dest.pipeline] is not supported");
        else st = Status::Parsing("[dest] unknown field [" + dk + "]");
        if (!st.ok()) return error_response(st);
      }
    } else if (key == "conflicts") {
      if (!v.IsString()) return error_response(Status::Parsing("[conflicts] must be a string"));
      st = parse_conflicts(v.GetString(), &r.proceed_on_conflicts);
    } else if (key == "max_docs" || key == "size") st = parse_max_docs_body(v, &r);
    else if (key == "script") st = Status::InvalidArgument("[script] is not supported by Quarry's _reindex: documents are copied as they are");
    else st = Status::Parsing("[reindex] unknown field [" + key + "]");
    if (!st.ok()) return error_response(st);
  }
  std::string missing;
  int n = 0;
  if (!has_source || source_indices.empty()) missing += std::to_string(++n) + ": use _all if you really want to copy from all existing indexes;";
  if (!has_dest || r.dest_index.empty()) missing += std::to_string(++n) + ": index must be specified;";
  if (!missing.empty()) return error_response(Status(Code::kActionValidation, "Validation Failed: " + missing));
  if (Status st = common_params(req, &r); !st.ok()) return error_response(st);
  auto resolved = node.catalog().resolve(source_indices, index::ResolveOptions{});
  if (!resolved.ok()) return error_response(resolved.status());
  auto dest = node.catalog().resolve_write(r.dest_index);
  if (dest.ok()) {
    for (const auto& s : *resolved) {
      if (s.index->name() == (*dest)->name()) {
        return error_response(Status(Code::kActionValidation, "Validation Failed: 1: reindex cannot write into an index its reading from [" + s.index->name() + "];"));
      }
    }
  }
  auto res = cluster::run_by_query(node, *resolved, r);
  if (!res.ok()) return error_response(res.status());
  return respond(*res, cluster::ByQueryKind::kReindex);
}

}  // namespace

void register_by_query_handlers(Router& r, cluster::Node& node) {
  r.add("POST", "/{index}/_delete_by_query",
        [&node](HttpRequest& q) { return by_query(node, q, cluster::ByQueryKind::kDelete); }, kByQueryParams);
  r.add("POST", "/{index}/_update_by_query",
        [&node](HttpRequest& q) { return by_query(node, q, cluster::ByQueryKind::kUpdate); }, kByQueryParams);
  r.add("POST", "/_reindex", [&node](HttpRequest& q) { return reindex(node, q); }, kReindexParams);
}

}  // namespace quarry::server
