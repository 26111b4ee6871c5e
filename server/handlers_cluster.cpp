// GET /_cluster/health[/{index}] (with wait_for_status and level=indices|shards) and
// GET /_capabilities. A single node holds every primary; replicas have no second node yet,
// so an index with number_of_replicas > 0 is yellow, as on a one-node Elasticsearch.
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "server/es_error.h"
#include "server/handler_util.h"
#include "server/handlers.h"

namespace quarry::server {

namespace {

int rank(const std::string& status) { return status == "green" ? 2 : status == "yellow" ? 1 : 0; }

struct IndexHealth {
  std::string name, status;
  int primaries = 0, replicas_unassigned = 0, replicas = 0;
};

struct Health {
  std::string status = "green";
  std::vector<IndexHealth> indices;
  int active_primary = 0, unassigned = 0;
  bool missing = false;
};

Health compute(cluster::Node& node, const std::string& expr) {
  Health h;
  index::ResolveOptions opts;
  opts.ignore_unavailable = false;
  opts.expand_hidden = true;
  opts.expand_closed = true;
  auto resolved = node.catalog().resolve(expr, opts);
  if (!resolved.ok()) {
    h.missing = true;
    h.status = "red";
    return h;
  }
  std::set<std::string> seen;
  for (const auto& r : *resolved) {
    if (!seen.insert(r.index->name()).second) continue;
    auto meta = r.index->metadata();
    IndexHealth ih;
    ih.name = meta.name;
    ih.primaries = meta.settings.number_of_shards;
    ih.replicas = meta.settings.number_of_replicas;
    ih.replicas_unassigned = ih.primaries * ih.replicas;
    ih.status = ih.replicas_unassigned > 0 ? "yellow" : "green";
    h.active_primary += ih.primaries;
    h.unassigned += ih.replicas_unassigned;
    if (rank(ih.status) < rank(h.status)) h.status = ih.status;
    h.indices.push_back(ih);
  }
  return h;
}

HttpResponse health(cluster::Node& node, HttpRequest& req) {
  std::string expr = req.path_param("index");
  std::string wait = req.param("wait_for_status");
  if (!wait.empty() && wait != "green" && wait != "yellow" && wait != "red") {
    return error_response(Status::InvalidArgument("unknown cluster health status [" + wait + "]"));
  }
  auto timeout = index::parse_time_value(req.param("timeout", "30s"), "timeout");
  if (!timeout.ok()) return error_response(timeout.status());
  std::string level = req.param("level", "cluster");
  if (level != "cluster" && level != "indices" && level != "shards") {
    return error_response(Status::InvalidArgument("level must be one of [cluster, indices, shards] but was [" + level + "]"));
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max<int64_t>(0, *timeout));
  Health h = compute(node, expr);
  bool timed_out = false;
  // Waiting here is the API's contract (an index may appear or recover meanwhile); polled, bounded.
  while ((h.missing || (!wait.empty() && rank(h.status) < rank(wait)))) {
    if (std::chrono::steady_clock::now() >= deadline) {
      timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    h = compute(node, expr);
  }
  if (h.missing && !timed_out && wait.empty()) timed_out = true;
  int total_active = h.active_primary;
  return json_response(timed_out ? 408 : 200, [&](json::Writer& w) {
    w.StartObject();
    w.Key("cluster_name"); w.String(node.options().cluster_name.c_str());
    w.Key("status"); w.String(h.status.c_str());
    w.Key("timed_out"); w.Bool(timed_out);
    w.Key("number_of_nodes"); w.Int(1);
    w.Key("number_of_data_nodes"); w.Int(1);
    w.Key("active_primary_shards"); w.Int(h.active_primary);
    w.Key("active_shards"); w.Int(total_active);
    w.Key("relocating_shards"); w.Int(0);
    w.Key("initializing_shards"); w.Int(0);
    w.Key("unassigned_shards"); w.Int(h.unassigned);
    w.Key("unassigned_primary_shards"); w.Int(0);
    w.Key("delayed_unassigned_shards"); w.Int(0);
    w.Key("number_of_pending_tasks"); w.Int(0);
    w.Key("number_of_in_flight_fetch"); w.Int(0);
    w.Key("task_max_waiting_in_queue_millis"); w.Int(0);
    int all = total_active + h.unassigned;
    w.Key("active_shards_percent_as_number"); w.Double(all == 0 ? 100.0 : 100.0 * total_active / all);
    if (level != "cluster") {
      w.Key("indices");
      w.StartObject();
      for (const auto& ih : h.indices) {
        w.Key(ih.name.c_str());
        w.StartObject();
        w.Key("status"); w.String(ih.status.c_str());
        w.Key("number_of_shards"); w.Int(ih.primaries);
        w.Key("number_of_replicas"); w.Int(ih.replicas);
        w.Key("active_primary_shards"); w.Int(ih.primaries);
        w.Key("active_shards"); w.Int(ih.primaries);
        w.Key("relocating_shards"); w.Int(0);
        w.Key("initializing_shards"); w.Int(0);
        w.Key("unassigned_shards"); w.Int(ih.replicas_unassigned);
        w.Key("unassigned_primary_shards"); w.Int(0);
        if (level == "shards") {
          w.Key("shards");
          w.StartObject();
          for (int s = 0; s < ih.primaries; ++s) {
            w.Key(std::to_string(s).c_str());
            w.StartObject();
            w.Key("status"); w.String(ih.status.c_str());
            w.Key("primary_active"); w.Bool(true);
            w.Key("active_shards"); w.Int(1);
            w.Key("relocating_shards"); w.Int(0);
            w.Key("initializing_shards"); w.Int(0);
            w.Key("unassigned_shards"); w.Int(ih.replicas);
            w.Key("unassigned_primary_shards"); w.Int(0);
            w.EndObject();
          }
          w.EndObject();
        }
        w.EndObject();
      }
      w.EndObject();
    }
    w.EndObject();
  });
}

// The capabilities this node declares, per (method, path).
HttpResponse capabilities(HttpRequest& req) {
  static const std::map<std::string, std::set<std::string>> kCapabilities = {
      {"GET /_cluster/health", {"unassigned_pri_shard_count"}}};
  std::string key = req.param("method", "GET") + " " + req.param("path");
  bool supported = true;
  auto it = kCapabilities.find(key);
  for (const auto& cap : split_list(req.param("capabilities"))) {
    supported &= it != kCapabilities.end() && it->second.count(cap) > 0;
  }
  if (!req.has("capabilities") && it == kCapabilities.end()) supported = false;
  return json_response(200, [&](json::Writer& w) {
    w.StartObject();
    w.Key("supported"); w.Bool(supported);
    w.EndObject();
  });
}

}  // namespace

void register_cluster_handlers(Router& r, cluster::Node& node) {
  const std::vector<std::string> params = {"expand_wildcards", "level", "local", "master_timeout", "timeout",
                                           "wait_for_active_shards", "wait_for_nodes", "wait_for_events",
                                           "wait_for_no_relocating_shards", "wait_for_no_initializing_shards",
                                           "wait_for_status"};
  r.add("GET", "/_cluster/health", [&node](HttpRequest& q) { return health(node, q); }, params);
  r.add("GET", "/_cluster/health/{index}", [&node](HttpRequest& q) { return health(node, q); }, params);
  r.add("GET", "/_capabilities", capabilities, {"method", "path", "parameters", "capabilities", "local_only"});
}

}  // namespace quarry::server
