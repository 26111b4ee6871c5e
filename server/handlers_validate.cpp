// GET/POST /_validate/query and /{index}/_validate/query: whether a query parses and converts for
// each target index, without running it. With ?explain=true each index gets an explanation (the
// Xapian query's description) or the error. A query that does not parse is "valid": false with
// status 200, as in Elasticsearch; unknown request keys and missing indices are errors.
#include "cluster/search_coordinator.h"
#include "query/query_parser.h"
#include "server/es_error.h"
#include "server/handler_util.h"
#include "server/handlers.h"

namespace quarry::server {

// handlers_search.cpp: the q= URI query (unchanged when there is no q).
Status uri_query(const HttpRequest& req, query::QueryPtr* out);

namespace {

std::string error_text(const Status& st) {
  const char* type = es_error_kind(st.code()).type;
  return std::string("[") + type + "] " + st.message();
}

HttpResponse validate(cluster::Node& node, HttpRequest& req) {
  json::Document body;
  if (Status st = parse_body(req, body); !st.ok()) return error_response(st);
  auto explain = bool_param(req, "explain", false);
  if (!explain.ok()) return error_response(explain.status());
  auto opts = resolve_options(req);
  if (!opts.ok()) return error_response(opts.status());
  auto resolved = node.catalog().resolve(req.path_param("index"), *opts);
  if (!resolved.ok()) return error_response(resolved.status());

  Status parse_error;
  query::QueryPtr node_query = std::make_shared<query::QueryNode>();
  if (body.IsObject()) {
    for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
      std::string key(json::view(it->name));
      if (key != "query") {
        return error_response(Status::Parsing("request does not support [" + key + "]"));
      }
      auto q = query::parse_query(it->value);
      if (!q.ok()) parse_error = q.status();
      else node_query = *q;
    }
  } else if (!body.IsNull()) {
    return error_response(Status::Parsing("request body must be a JSON object"));
  }
  if (req.has("q")) {
    Status st = uri_query(req, &node_query);
    if (!st.ok()) parse_error = st;
  }

  struct Item {
    std::string index;
    bool valid;
    std::string text;  // explanation or error
  };
  std::vector<Item> items;
  bool all_valid = parse_error.ok();
  for (const auto& target : *resolved) {
    Item item{target.index->name(), true, ""};
    if (!parse_error.ok()) {
      item.valid = false;
      item.text = error_text(parse_error);
    } else {
      auto xq = cluster::build_index_query(target, *node_query);
      if (!xq.ok()) {
        item.valid = false;
        item.text = error_text(xq.status());
        all_valid = false;
      } else {
        item.text = xq->get_description();
      }
    }
    items.push_back(std::move(item));
  }
  int shards = static_cast<int>(resolved->size());
  return json_response(200, [&](json::Writer& w) {
    w.StartObject();
    w.Key("_shards");
    w.StartObject();
    w.Key("total"); w.Int(shards);
    w.Key("successful"); w.Int(shards);
    w.Key("failed"); w.Int(0);
    w.EndObject();
    w.Key("valid"); w.Bool(all_valid);
    if (*explain) {
      w.Key("explanations");
      w.StartArray();
      for (const auto& item : items) {
        w.StartObject();
        w.Key("index"); w.String(item.index.c_str());
        w.Key("valid"); w.Bool(item.valid);
        w.Key(item.valid ? "explanation" : "error");
        w.String(item.text.c_str(), static_cast<rapidjson::SizeType>(item.text.size()));
        w.EndObject();
      }
      w.EndArray();
    }
    w.EndObject();
  });
}

}  // namespace

void register_validate_handlers(Router& r, cluster::Node& node) {
  const std::vector<std::string> params = {"explain", "rewrite", "all_shards", "q", "df", "default_operator",
                                           "analyzer", "analyze_wildcard", "lenient", "ignore_unavailable",
                                           "allow_no_indices", "expand_wildcards"};
  for (const char* p : {"/_validate/query", "/{index}/_validate/query"}) {
    r.add("GET", p, [&node](HttpRequest& q) { return validate(node, q); }, params);
    r.add("POST", p, [&node](HttpRequest& q) { return validate(node, q); }, params);
  }
}

}  // namespace quarry::server
