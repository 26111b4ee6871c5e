// GET/POST /{index}/_explain/{id}: whether one document matches a query and how its score is
// computed (cluster/explain.h). The query comes from the body ({"query": ...}) or from q= (with
// df, default_operator, analyzer, analyze_wildcard, lenient); _source / _source_includes /
// _source_excludes add the document under "get". A missing document is 404 with matched: false,
// as in Elasticsearch.
#include "cluster/explain.h"
#include "query/query_parser.h"
#include "server/es_error.h"
#include "server/handler_util.h"
#include "server/handlers.h"

namespace quarry::server {

namespace {

HttpResponse explain(cluster::Node& node, HttpRequest& req) {
  json::Document body;
  if (Status st = parse_body(req, body); !st.ok()) return error_response(st);
  query::QueryPtr q;
  query::SourceFilter filter = source_filter_params(req);
  bool want_source = req.has("_source") || req.has("_source_includes") || req.has("_source_excludes");
  if (body.IsObject()) {
    for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
      std::string key(json::view(it->name));
      if (key != "query") return error_response(Status::Parsing("request does not support [" + key + "]"));
      auto parsed = query::parse_query(it->value);
      if (!parsed.ok()) return error_response(parsed.status());
      q = *parsed;
    }
  } else if (!body.IsNull()) {
    return error_response(Status::Parsing("request body must be a JSON object"));
  }
  if (Status st = uri_query(req, &q); !st.ok()) return error_response(st);
  if (!q) return error_response(Status(Code::kActionValidation, "Validation Failed: 1: query is missing;"));
  // Without _source=false, a bare ?_source leaves the filter enabled: the document is shown.
  if (want_source && !filter.enabled) want_source = false;

  std::string id = req.path_param("id");
  auto r = cluster::explain_document(node.catalog(), req.path_param("index"), id, req.param("routing"), *q);
  if (!r.ok()) return error_response(r.status());
  return json_response(r->found ? 200 : 404, [&](json::Writer& w) {
    w.StartObject();
    w.Key("_index"); w.String(r->index.c_str());
    w.Key("_id"); w.String(id.c_str());
    w.Key("matched"); w.Bool(r->matched);
    if (r->found) {
      w.Key("explanation");
      json::write_raw(w, r->explanation);
      if (want_source) {
        w.Key("get");
        w.StartObject();
        w.Key("_seq_no"); w.Int64(r->doc.meta.seq_no);
        w.Key("_primary_term"); w.Int64(r->doc.meta.primary_term);
        w.Key("found"); w.Bool(true);
        if (r->source_enabled) write_source(w, r->doc.source, filter);
        w.EndObject();
      }
    }
    w.EndObject();
  });
}

}  // namespace

void register_explain_handlers(Router& r, cluster::Node& node) {
  const std::vector<std::string> params = {"routing", "preference", "_source", "_source_includes", "_source_excludes",
                                           "q", "df", "default_operator", "analyzer",
                                           "analyze_wildcard", "lenient"};
  r.add("GET", "/{index}/_explain/{id}", [&node](HttpRequest& q) { return explain(node, q); }, params);
  r.add("POST", "/{index}/_explain/{id}", [&node](HttpRequest& q) { return explain(node, q); }, params);
}

}  // namespace quarry::server
