// GET/POST /_msearch and /{index}/_msearch: NDJSON pairs of header and search body, each run as
// a /_search would be, answered in order in "responses" with a "status" per item; a bad item is
// an error object in its slot, not a failure of the whole request.
#include <chrono>

#include "server/es_error.h"
#include "server/handler_util.h"
#include "server/handlers.h"

namespace quarry::server {

// handlers_search.cpp: one search request as /_search runs it.
HttpResponse run_search(cluster::Node& node, HttpRequest& req);

namespace {

// Header keys that become URL parameters of the item's search.
const char* const kHeaderParams[] = {"routing", "preference", "search_type", "request_cache", "expand_wildcards",
                                     "ignore_unavailable", "allow_no_indices", "ignore_throttled"};

std::string scalar_param(const json::Value& v) {
  if (v.IsString()) return std::string(json::view(v));
  if (v.IsBool()) return v.GetBool() ? "true" : "false";
  if (v.IsArray()) {
    std::string out;
    for (const auto& e : v.GetArray()) {
      if (!out.empty()) out += ",";
      out += scalar_param(e);
    }
    return out;
  }
  return json::to_string(v);
}

// Builds the item request from its header; errors are reported in the item's slot.
Status item_request(const HttpRequest& outer, const json::Value& header, std::string body, HttpRequest* out) {
  out->method = "POST";
  out->body = std::move(body);
  out->headers["content-type"] = "application/json";
  if (outer.has("rest_total_hits_as_int")) out->params["rest_total_hits_as_int"] = outer.param("rest_total_hits_as_int");
  if (outer.has("search_type")) out->params["search_type"] = outer.param("search_type");
  std::string index = outer.path_param("index");
  if (!header.IsObject()) return Status::Parsing("msearch header must be a JSON object");
  for (auto it = header.MemberBegin(); it != header.MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    if (key == "index" || key == "indices") {
      index = scalar_param(it->value);
      continue;
    }
    bool known = false;
    for (const char* p : kHeaderParams) known |= key == p;
    if (key == "ccs_minimize_roundtrips" || key == "allow_partial_search_results" || key == "type") continue;
    if (!known) return Status::InvalidArgument("key [" + key + "] is not supported in the metadata section");
    out->params[key] = scalar_param(it->value);
  }
  out->path_params["index"] = index.empty() ? "_all" : index;
  return Status::Ok();
}

HttpResponse msearch(cluster::Node& node, HttpRequest& req) {
  auto started = std::chrono::steady_clock::now();
  // Split into lines; blank lines between items are allowed.
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < req.body.size()) {
    size_t nl = req.body.find('\n', pos);
    std::string line = req.body.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? req.body.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    lines.push_back(std::move(line));
  }
  if (lines.empty()) return error_response(Status(Code::kActionValidation, "Validation Failed: 1: no requests added;"));
  if (lines.size() % 2 != 0) {
    return error_response(Status::Parsing("The msearch request must be terminated by a newline [\\n]"));
  }
  std::vector<std::string> items;
  for (size_t i = 0; i + 1 < lines.size(); i += 2) {
    json::Document header;
    Status st = json::parse(lines[i], header);
    HttpRequest item;
    if (st.ok()) st = item_request(req, header, lines[i + 1], &item);
    if (!st.ok()) {
      // A broken header makes the whole request unreadable in Elasticsearch.
      return error_response(st);
    }
    HttpResponse r = run_search(node, item);
    std::string body = std::move(r.body);
    if (r.status == 200) {
      while (!body.empty() && body.back() != '}') body.pop_back();
      if (!body.empty()) body.pop_back();
      body += ",\"status\":200}";
    }
    items.push_back(std::move(body));
  }
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  return json_response(200, [&](json::Writer& w) {
    w.StartObject();
    w.Key("took"); w.Int64(took);
    w.Key("responses");
    w.StartArray();
    for (const auto& item : items) json::write_raw(w, item);
    w.EndArray();
    w.EndObject();
  });
}

}  // namespace

void register_msearch_handlers(Router& r, cluster::Node& node) {
  const std::vector<std::string> params = {"max_concurrent_searches", "rest_total_hits_as_int", "typed_keys",
                                           "search_type", "ccs_minimize_roundtrips", "pre_filter_shard_size",
                                           "max_concurrent_shard_requests", "ignore_unavailable", "allow_no_indices",
                                           "expand_wildcards", "ignore_throttled", "routing"};
  for (const char* p : {"/_msearch", "/{index}/_msearch"}) {
    r.add("GET", p, [&node](HttpRequest& q) { return msearch(node, q); }, params);
    r.add("POST", p, [&node](HttpRequest& q) { return msearch(node, q); }, params);
  }
}

}  // namespace quarry::server
