// POST /_bulk and /{index}/_bulk: NDJSON in, per-item results out. A bad item fails alone; a
// malformed request fails whole, before anything is written.
#include <chrono>

#include "ingest/bulk_parser.h"
#include "server/es_error.h"
#include "server/handler_util.h"
#include "server/handlers.h"

namespace quarry::server {

namespace {

HttpResponse bulk(cluster::Node& node, HttpRequest& req) {
  auto started = std::chrono::steady_clock::now();
  if (req.has("pipeline") && req.param("pipeline") != "_none") {
    return error_response(Status::InvalidArgument("ingest pipelines are not supported: remove the [pipeline] parameter"));
  }
  auto refresh = parse_refresh(req);
  if (!refresh.ok()) return error_response(refresh.status());
  auto require_alias = bool_param(req, "require_alias", false);
  if (!require_alias.ok()) return error_response(require_alias.status());
  ingest::BulkDefaults defaults{req.path_param("index"), req.param("routing"), *require_alias};
  auto items = ingest::parse_bulk(req.body, defaults);
  if (!items.ok()) return error_response(items.status());
  query::SourceFilter source = source_filter_params(req);
  bool want_source = req.has("_source") || req.has("_source_includes") || req.has("_source_excludes");
  std::vector<ingest::BulkItemResult> results;
  node.bulk(*items, results, *refresh);
  bool errors = false;
  for (const auto& r : results) errors |= !r.error.ok();
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  std::map<std::string, int> replicas;
  return json_response(200, [&](json::Writer& w) {
    w.StartObject();
    w.Key("errors"); w.Bool(errors);
    w.Key("took"); w.Int64(took);
    w.Key("items");
    w.StartArray();
    for (const auto& r : results) {
      w.StartObject();
      w.Key(ingest::bulk_action_name(r.action));
      w.StartObject();
      w.Key("_index"); w.String(r.index.c_str());
      w.Key("_id"); w.String(r.id.c_str());
      if (!r.error.ok()) {
        w.Key("status"); w.Int(es_error_kind(r.error.code()).http_status);
        w.Key("error");
        write_error_object(w, r.error);
      } else {
        if (!replicas.count(r.index)) {
          auto idx = node.catalog().find(r.index);
          replicas[r.index] = idx ? idx->metadata().settings.number_of_replicas : 1;
        }
        w.Key("_version"); w.Int64(r.version);
        w.Key("result"); w.String(r.result.c_str());
        if (r.forced_refresh) {
          w.Key("forced_refresh"); w.Bool(true);
        }
        write_write_shards(w, replicas[r.index], r.result == "noop");
        w.Key("_seq_no"); w.Int64(r.seq_no);
        w.Key("_primary_term"); w.Int64(r.primary_term);
        w.Key("status"); w.Int(r.http_status());
        if (r.action == ingest::BulkAction::kUpdate && want_source && source.enabled && !r.source.empty()) {
          w.Key("get");
          w.StartObject();
          w.Key("found"); w.Bool(true);
          write_source(w, r.source, source);
          w.EndObject();
        }
      }
      w.EndObject();
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  });
}

}  // namespace

void register_bulk_handlers(Router& r, cluster::Node& node) {
  const std::vector<std::string> params = {"pipeline", "refresh", "routing", "timeout", "wait_for_active_shards",
                                           "require_alias", "require_data_stream", "_source", "_source_includes",
                                           "_source_excludes", "list_executed_pipelines"};
  for (const char* p : {"/_bulk", "/{index}/_bulk"}) {
    r.add("POST", p, [&node](HttpRequest& q) { return bulk(node, q); }, params);
    r.add("PUT", p, [&node](HttpRequest& q) { return bulk(node, q); }, params);
  }
}

}  // namespace quarry::server
