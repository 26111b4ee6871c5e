// Document APIs: index (PUT/POST _doc, _create), get / exists / _source, delete, update, _mget.
// Each single-document write is a bulk of one through Node::bulk, so it takes the same
// Redis-buffered path as _bulk.
#include "ingest/bulk_parser.h"
#include "server/es_error.h"
#include "server/handler_util.h"
#include "server/handlers.h"

namespace quarry::server {

namespace {

using ingest::BulkAction;
using ingest::BulkItem;
using ingest::BulkItemResult;

int replicas_of(cluster::Node& node, const std::string& index) {
  auto idx = node.catalog().find(index);
  return idx ? idx->metadata().settings.number_of_replicas : 1;
}

// Reads the write parameters shared by index / create / delete into `item`.
Status read_write_params(const HttpRequest& req, BulkItem* item, bool allow_version) {
  item->routing = req.param("routing");
  if (req.has("pipeline") && req.param("pipeline") != "_none") {
    return Status::InvalidArgument("ingest pipelines are not supported: remove the [pipeline] parameter");
  }
  auto seq = int_param(req, "if_seq_no", -1);
  if (!seq.ok()) return seq.status();
  auto term = int_param(req, "if_primary_term", 0);
  if (!term.ok()) return term.status();
  if (req.has("if_seq_no")) item->if_seq_no = *seq;
  if (req.has("if_primary_term")) item->if_primary_term = *term;
  if (req.has("if_seq_no") != req.has("if_primary_term")) {
    return Status(Code::kActionValidation, req.has("if_seq_no")
                                               ? "Validation Failed: 1: ifSeqNo is set, but primary term is [0];"
                                               : "Validation Failed: 1: ifSeqNo is unassigned, but primary term is [" +
                                                     req.param("if_primary_term") + "];");
  }
  if (req.has("version_type")) {
    std::string t = req.param("version_type");
    if (t == "external") item->version_type = ingest::VersionType::kExternal;
    else if (t == "external_gte") item->version_type = ingest::VersionType::kExternalGte;
    else if (t == "internal") item->version_type = ingest::VersionType::kInternal;
    else return Status::InvalidArgument("No version type match [" + t + "]");
  }
  if (req.has("version")) {
    if (!allow_version) return Status(Code::kActionValidation, "Validation Failed: 1: can't provide version in update request;");
    auto v = int_param(req, "version", 0);
    if (!v.ok()) return v.status();
    item->version = *v;
    if (item->version_type == ingest::VersionType::kInternal) {
      return Status(Code::kActionValidation,
                    "Validation Failed: 1: internal versioning can not be used for optimistic concurrency control. "
                    "Please use `if_seq_no` and `if_primary_term` instead;");
    }
  }
  auto alias = bool_param(req, "require_alias", false);
  if (!alias.ok()) return alias.status();
  item->require_alias = *alias;
  return Status::Ok();
}

void write_result_body(json::Writer& w, const BulkItemResult& r, int replicas) {
  w.Key("_index"); w.String(r.index.c_str());
  w.Key("_id"); w.String(r.id.c_str());
  w.Key("_version"); w.Int64(r.version);
  w.Key("result"); w.String(r.result.c_str());
  if (r.forced_refresh) {
    w.Key("forced_refresh"); w.Bool(true);
  }
  write_write_shards(w, replicas, r.result == "noop");
  w.Key("_seq_no"); w.Int64(r.seq_no);
  w.Key("_primary_term"); w.Int64(r.primary_term);
}

HttpResponse single_write(cluster::Node& node, BulkItem item, ingest::RefreshPolicy refresh,
                          const query::SourceFilter* update_get = nullptr) {
  std::vector<BulkItem> items;
  items.push_back(std::move(item));
  std::vector<BulkItemResult> results;
  node.bulk(items, results, refresh);
  const BulkItemResult& r = results[0];
  if (!r.error.ok()) return error_response(r.error);
  int replicas = replicas_of(node, r.index);
  return json_response(r.http_status(), [&](json::Writer& w) {
    w.StartObject();
    write_result_body(w, r, replicas);
    if (update_get && update_get->enabled && !r.source.empty()) {
      w.Key("get");
      w.StartObject();
      w.Key("_seq_no"); w.Int64(r.seq_no);
      w.Key("_primary_term"); w.Int64(r.primary_term);
      w.Key("found"); w.Bool(true);
      write_source(w, r.source, *update_get);
      w.EndObject();
    }
    w.EndObject();
  });
}

HttpResponse index_doc(cluster::Node& node, HttpRequest& req, bool create_endpoint) {
  BulkItem item;
  item.index = req.path_param("index");
  item.id = req.path_param("id");
  if (Status st = index::validate_index_name(item.index); !st.ok() && !node.catalog().alias_exists(item.index)) {
    return error_response(st);
  }
  if (req.has("id") || (!req.path_params.count("id") && req.method == "PUT")) {
    // PUT /{index}/_doc without an id is not a route in Elasticsearch.
  }
  if (Status st = ingest::validate_doc_id(item.id); !st.ok()) return error_response(st);
  if (Status st = read_write_params(req, &item, true); !st.ok()) return error_response(st);
  std::string op_type = req.param("op_type", create_endpoint ? "create" : "index");
  if (op_type == "create") item.action = BulkAction::kCreate;
  else if (op_type == "index") item.action = BulkAction::kIndex;
  else return error_response(Status::InvalidArgument("opType must be 'create' or 'index', found: [" + op_type + "]"));
  if (create_endpoint && op_type != "create") {
    return error_response(Status::InvalidArgument("opType must be 'create', found: [" + op_type + "]"));
  }
  json::Document body;
  if (Status st = parse_body(req, body); !st.ok()) {
    return error_response(Status::DocumentParsing("[1:1] failed to parse: " + st.message()));
  }
  if (!body.IsObject()) {
    return error_response(body.IsNull() ? Status(Code::kActionValidation, "Validation Failed: 1: source is missing;")
                                        : Status::DocumentParsing("[1:1] failed to parse: the document must be a JSON object"));
  }
  item.source = req.body;
  auto refresh = parse_refresh(req);
  if (!refresh.ok()) return error_response(refresh.status());
  return single_write(node, std::move(item), *refresh);
}

HttpResponse delete_doc(cluster::Node& node, HttpRequest& req) {
  BulkItem item;
  item.action = BulkAction::kDelete;
  item.index = req.path_param("index");
  item.id = req.path_param("id");
  if (Status st = read_write_params(req, &item, true); !st.ok()) return error_response(st);
  auto refresh = parse_refresh(req);
  if (!refresh.ok()) return error_response(refresh.status());
  // Deleting from a missing index does not create it.
  if (!node.catalog().find(item.index) && !node.catalog().alias_exists(item.index)) {
    return error_response(Status::IndexNotFound(item.index));
  }
  return single_write(node, std::move(item), *refresh);
}

HttpResponse update_doc(cluster::Node& node, HttpRequest& req) {
  BulkItem item;
  item.action = BulkAction::kUpdate;
  item.index = req.path_param("index");
  item.id = req.path_param("id");
  if (Status st = ingest::validate_doc_id(item.id); !st.ok()) return error_response(st);
  if (Status st = read_write_params(req, &item, false); !st.ok()) return error_response(st);
  json::Document body;
  if (Status st = parse_body(req, body); !st.ok()) return error_response(st);
  if (!body.IsObject()) return error_response(Status(Code::kActionValidation, "Validation Failed: 1: script or doc is missing;"));
  query::SourceFilter get_filter = source_filter_params(req);
  bool want_source = req.has("_source") || req.has("_source_includes") || req.has("_source_excludes");
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    if (key == "_source") {
      get_filter = {};
      if (Status st = query::parse_source_filter(it->value, &get_filter); !st.ok()) return error_response(st);
      want_source = get_filter.enabled;
    } else if (key != "doc" && key != "upsert" && key != "doc_as_upsert" && key != "detect_noop" &&
               key != "script" && key != "scripted_upsert" && key != "if_seq_no" && key != "if_primary_term") {
      return error_response(Status::Parsing("[UpdateRequest] unknown field [" + key + "]"));
    }
  }
  if (!body.HasMember("doc") && !body.HasMember("script") && !body.HasMember("upsert")) {
    return error_response(Status(Code::kActionValidation, "Validation Failed: 1: script or doc is missing;"));
  }
  if (get_filter.enabled && get_filter.includes.empty() && get_filter.excludes.empty() && !want_source) {
    get_filter.enabled = false;
  }
  item.source = req.body;
  auto refresh = parse_refresh(req);
  if (!refresh.ok()) return error_response(refresh.status());
  return single_write(node, std::move(item), *refresh, &get_filter);
}

// Collects the values at a dotted path of a JSON document (arrays are flattened).
void collect_values(const json::Value& v, std::string_view path, std::vector<const json::Value*>* out) {
  if (v.IsArray()) {
    for (const auto& e : v.GetArray()) collect_values(e, path, out);
    return;
  }
  if (path.empty()) {
    out->push_back(&v);
    return;
  }
  if (!v.IsObject()) return;
  // Try the longest key first so "a.b" keys written with dots still match.
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    std::string_view key = json::view(it->name);
    if (path == key) collect_values(it->value, {}, out);
    else if (path.size() > key.size() && path.substr(0, key.size()) == key && path[key.size()] == '.') {
      collect_values(it->value, path.substr(key.size() + 1), out);
    }
  }
}

// "fields" of stored fields (mapped with store: true) named by ?stored_fields.
void write_stored_fields(json::Writer& w, const index::Mapping& mapping, const std::string& source,
                         const std::vector<std::string>& patterns) {
  if (patterns.empty()) return;
  json::Document doc;
  doc.Parse(source.data(), source.size());
  if (doc.HasParseError()) return;
  bool open = false;
  for (const auto& [path, field] : mapping.fields()) {
    if (!field.store) continue;
    bool wanted = false;
    for (const auto& p : patterns) wanted |= index::wildcard_match(p, path);
    if (!wanted) continue;
    std::vector<const json::Value*> values;
    collect_values(doc, path, &values);
    if (values.empty()) continue;
    if (!open) {
      w.Key("fields");
      w.StartObject();
      open = true;
    }
    w.Key(path.c_str());
    w.StartArray();
    for (const auto* v : values) v->Accept(w);
    w.EndArray();
  }
  if (open) w.EndObject();
}

void write_get_body(json::Writer& w, const cluster::GetResult& g, const std::string& id,
                    const query::SourceFilter& filter) {
  w.Key("_index"); w.String(g.index.c_str());
  w.Key("_id"); w.String(id.c_str());
  if (!g.found) {
    w.Key("found"); w.Bool(false);
    return;
  }
  w.Key("_version"); w.Int64(g.doc.meta.version);
  w.Key("_seq_no"); w.Int64(g.doc.meta.seq_no);
  w.Key("_primary_term"); w.Int64(g.doc.meta.primary_term);
  if (!g.doc.meta.routing.empty()) {
    w.Key("_routing"); w.String(g.doc.meta.routing.c_str());
  }
  w.Key("found"); w.Bool(true);
  if (g.source_enabled) write_source(w, g.doc.source, filter);
}

HttpResponse get_doc(cluster::Node& node, HttpRequest& req, bool head, bool source_only) {
  std::string index_name = req.path_param("index"), id = req.path_param("id");
  auto realtime = bool_param(req, "realtime", true);
  if (!realtime.ok()) return error_response(realtime.status());
  auto g = node.get(index_name, id, req.param("routing"), *realtime);
  if (!g.ok()) return error_response(g.status());
  query::SourceFilter filter = source_filter_params(req);
  if (req.has("version") && g->found) {
    auto want = int_param(req, "version", 0);
    if (!want.ok()) return error_response(want.status());
    if (*want != g->doc.meta.version) {
      return error_response(Status::VersionConflict("[" + id + "]: version conflict, current version [" +
                                                    std::to_string(g->doc.meta.version) +
                                                    "] is different than the one provided [" + std::to_string(*want) + "]")
                                .with("index", g->index));
    }
  }
  if (head) {
    return HttpResponse::json(g->found && (!source_only || g->source_enabled) ? 200 : 404, "");
  }
  if (source_only) {
    if (!g->found) {
      return error_response(Status::NotFound("Document not found [" + g->index + "]/[" + id + "]"));
    }
    if (!g->source_enabled) {
      return error_response(Status::NotFound("Source not found [" + g->index + "]/[" + id + "]"));
    }
    std::string body = query::filter_source(g->doc.source, filter);
    return HttpResponse::json(200, body);
  }
  auto stored = list_param(req, "stored_fields");
  return json_response(g->found ? 200 : 404, [&](json::Writer& w) {
    w.StartObject();
    write_get_body(w, *g, id, filter);
    if (g->found && g->mapping) write_stored_fields(w, *g->mapping, g->doc.source, stored);
    w.EndObject();
  });
}

HttpResponse mget(cluster::Node& node, HttpRequest& req) {
  json::Document body;
  if (Status st = parse_body(req, body); !st.ok()) return error_response(st);
  if (!body.IsObject()) return error_response(Status(Code::kActionValidation, "Validation Failed: 1: no documents to get;"));
  std::string default_index = req.path_param("index");
  query::SourceFilter default_filter = source_filter_params(req);
  std::string default_routing = req.param("routing");
  struct Doc {
    std::string index, id, routing;
    query::SourceFilter filter;
  };
  std::vector<Doc> docs;
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    if (key == "docs") {
      if (!it->value.IsArray()) return error_response(Status::Parsing("[docs] must be an array"));
      for (const auto& d : it->value.GetArray()) {
        if (!d.IsObject()) return error_response(Status::Parsing("[docs] entries must be objects"));
        Doc doc{default_index, "", default_routing, default_filter};
        for (auto m = d.MemberBegin(); m != d.MemberEnd(); ++m) {
          std::string k(json::view(m->name));
          const json::Value& v = m->value;
          if (k == "_index") doc.index = v.IsString() ? std::string(json::view(v)) : "";
          else if (k == "_id") doc.id = v.IsString() ? std::string(json::view(v)) : json::to_string(v);
          else if (k == "routing" || k == "_routing") doc.routing = v.IsString() ? std::string(json::view(v)) : json::to_string(v);
          else if (k == "_source") {
            doc.filter = {};
            if (Status st = query::parse_source_filter(v, &doc.filter); !st.ok()) return error_response(st);
          } else if (k == "stored_fields" || k == "_stored_fields" || k == "version" || k == "version_type") {
          } else {
            return error_response(Status::Parsing("unknown field [" + k + "]"));
          }
        }
        docs.push_back(std::move(doc));
      }
    } else if (key == "ids") {
      if (!it->value.IsArray()) return error_response(Status::Parsing("[ids] must be an array"));
      for (const auto& v : it->value.GetArray()) {
        docs.push_back({default_index, v.IsString() ? std::string(json::view(v)) : json::to_string(v), default_routing, default_filter});
      }
    } else {
      return error_response(Status::Parsing("unknown key [" + key + "] for a START_ARRAY, expected [docs] or [ids]"));
    }
  }
  if (docs.empty()) return error_response(Status(Code::kActionValidation, "Validation Failed: 1: no documents to get;"));
  auto realtime_param = bool_param(req, "realtime", true);
  if (!realtime_param.ok()) return error_response(realtime_param.status());
  bool realtime = *realtime_param;
  std::string problems;
  for (size_t i = 0; i < docs.size(); ++i) {
    if (docs[i].index.empty()) problems += std::to_string(problems.empty() ? 1 : 2) + ": index is missing for doc " + std::to_string(i) + ";";
    if (docs[i].id.empty()) problems += std::to_string(problems.empty() ? 1 : 2) + ": id is missing for doc " + std::to_string(i) + ";";
  }
  if (!problems.empty()) return error_response(Status(Code::kActionValidation, "Validation Failed: " + problems));
  return json_response(200, [&](json::Writer& w) {
    w.StartObject();
    w.Key("docs");
    w.StartArray();
    for (const auto& d : docs) {
      w.StartObject();
      auto g = node.get(d.index, d.id, d.routing, realtime);
      if (!g.ok()) {
        w.Key("_index"); w.String(d.index.c_str());
        w.Key("_id"); w.String(d.id.c_str());
        w.Key("error");
        write_error_object(w, g.status());
      } else {
        write_get_body(w, *g, d.id, d.filter);
      }
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  });
}

}  // namespace

void register_document_handlers(Router& r, cluster::Node& node) {
  const std::vector<std::string> write_params = {"if_seq_no", "if_primary_term", "op_type", "pipeline", "refresh",
                                                 "routing", "timeout", "version", "version_type",
                                                 "wait_for_active_shards", "require_alias", "require_data_stream"};
  auto index_h = [&node](HttpRequest& q) { return index_doc(node, q, false); };
  auto create_h = [&node](HttpRequest& q) { return index_doc(node, q, true); };
  r.add("PUT", "/{index}/_doc/{id}", index_h, write_params);
  r.add("POST", "/{index}/_doc/{id}", index_h, write_params);
  r.add("POST", "/{index}/_doc", index_h, write_params);
  r.add("PUT", "/{index}/_create/{id}", create_h, write_params);
  r.add("POST", "/{index}/_create/{id}", create_h, write_params);
  r.add("DELETE", "/{index}/_doc/{id}", [&node](HttpRequest& q) { return delete_doc(node, q); },
        {"if_seq_no", "if_primary_term", "refresh", "routing", "timeout", "version", "version_type", "wait_for_active_shards"});
  r.add("POST", "/{index}/_update/{id}", [&node](HttpRequest& q) { return update_doc(node, q); },
        {"if_seq_no", "if_primary_term", "lang", "refresh", "retry_on_conflict", "routing", "timeout",
         "wait_for_active_shards", "_source", "_source_includes", "_source_excludes", "require_alias"});
  const std::vector<std::string> get_params = {"preference", "realtime", "refresh", "routing", "stored_fields", "_source",
                                               "_source_includes", "_source_excludes", "version", "version_type"};
  r.add("GET", "/{index}/_doc/{id}", [&node](HttpRequest& q) { return get_doc(node, q, false, false); }, get_params);
  r.add("HEAD", "/{index}/_doc/{id}", [&node](HttpRequest& q) { return get_doc(node, q, true, false); }, get_params);
  r.add("GET", "/{index}/_source/{id}", [&node](HttpRequest& q) { return get_doc(node, q, false, true); }, get_params);
  r.add("HEAD", "/{index}/_source/{id}", [&node](HttpRequest& q) { return get_doc(node, q, true, true); }, get_params);
  const std::vector<std::string> mget_params = {"preference", "realtime", "refresh", "routing", "stored_fields",
                                                "_source", "_source_includes", "_source_excludes"};
  for (const char* p : {"/_mget", "/{index}/_mget"}) {
    r.add("GET", p, [&node](HttpRequest& q) { return mget(node, q); }, mget_params);
    r.add("POST", p, [&node](HttpRequest& q) { return mget(node, q); }, mget_params);
  }
}

}  // namespace quarry::server
