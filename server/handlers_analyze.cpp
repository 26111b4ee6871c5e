// The analyze API: GET/POST /_analyze and /{index}/_analyze. The request is parsed and run by
// index/analysis_request.h; this file resolves the index and writes the tokens.
#include "index/analysis_request.h"
#include "server/es_error.h"
#include "server/handler_util.h"
#include "server/handlers.h"

namespace quarry::server {

namespace {

HttpResponse analyze(cluster::Node& node, HttpRequest& req) {
  json::Document body;
  if (Status st = parse_body(req, body); !st.ok()) return error_response(st);
  auto request = index::parse_analyze_request(body);
  if (!request.ok()) return error_response(request.status());

  std::string index_name = req.path_param("index");
  if (index_name.empty()) index_name = req.param("index");
  std::shared_ptr<const index::Mapping> mapping;
  if (!index_name.empty()) {
    auto resolved = node.catalog().resolve(index_name);
    if (!resolved.ok()) return error_response(resolved.status());
    if (resolved->empty()) return error_response(Status::IndexNotFound(index_name));
    if (resolved->size() > 1) {
      return error_response(Status::InvalidArgument("[" + index_name + "] resolves to more than one index"));
    }
    mapping = resolved->front().index->mapping();
  }

  auto tokens = index::run_analyze_request(*request, mapping.get());
  if (!tokens.ok()) return error_response(tokens.status());
  return json_response(200, [&](json::Writer& w) {
    w.StartObject();
    w.Key("tokens");
    w.StartArray();
    for (const auto& t : *tokens) {
      w.StartObject();
      w.Key("token"); w.String(t.token.data(), static_cast<rapidjson::SizeType>(t.token.size()));
      w.Key("start_offset"); w.Uint(t.start_offset);
      w.Key("end_offset"); w.Uint(t.end_offset);
      w.Key("type"); w.String(index::token_type_name(t.type));
      w.Key("position"); w.Uint(t.position);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  });
}

}  // namespace

void register_analyze_handlers(Router& r, cluster::Node& node) {
  auto handler = [&node](HttpRequest& q) { return analyze(node, q); };
  r.add("GET", "/_analyze", handler, {"index"});
  r.add("POST", "/_analyze", handler, {"index"});
  r.add("GET", "/{index}/_analyze", handler, {"index"});
  r.add("POST", "/{index}/_analyze", handler, {"index"});
}

}  // namespace quarry::server
