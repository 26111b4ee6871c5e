// GET /_cat/indices[/{index}]: a text table (?v headers, ?h columns, ?s sort, ?bytes units) or
// JSON with ?format=json, as Elasticsearch's cat API prints it.
#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "index/dates.h"
#include "server/es_error.h"
#include "server/handler_util.h"
#include "server/handlers.h"

namespace quarry::server {

namespace {

std::string human_bytes(uint64_t bytes, const std::string& unit) {
  static const std::pair<const char*, double> kUnits[] = {
      {"b", 1}, {"kb", 1024.0}, {"mb", 1048576.0}, {"gb", 1073741824.0}, {"tb", 1099511627776.0}, {"pb", 1125899906842624.0}};
  if (!unit.empty()) {
    for (const auto& [name, factor] : kUnits) {
      if (unit == name) return std::to_string(static_cast<uint64_t>(bytes / factor));
    }
  }
  const char* name = "b";
  double value = static_cast<double>(bytes);
  for (const auto& [n, factor] : kUnits) {
    if (bytes >= factor) {
      name = n;
      value = bytes / factor;
    }
  }
  std::ostringstream out;
  double rounded = std::round(value * 10) / 10;
  if (rounded == std::floor(rounded)) out << static_cast<uint64_t>(rounded);
  else out << rounded;
  return out.str() + name;
}

struct Column {
  std::string name;
  std::vector<std::string> aliases;
  bool numeric;
};

const std::vector<Column> kColumns = {
    {"health", {"h"}, false},          {"status", {"s"}, false},      {"index", {"i", "idx"}, false},
    {"uuid", {"id", "uuid"}, false},   {"pri", {"p", "shards.primary", "shardsPrimary"}, true},
    {"rep", {"r", "shards.replica", "shardsReplica"}, true},
    {"docs.count", {"dc", "docsCount"}, true},  {"docs.deleted", {"dd", "docsDeleted"}, true},
    {"creation.date", {"cd"}, true},   {"creation.date.string", {"cds"}, false},
    {"store.size", {"ss", "storeSize"}, true},  {"pri.store.size", {}, true}, {"dataset.size", {}, true}};
const std::vector<std::string> kDefaultColumns = {"health", "status", "index", "uuid", "pri", "rep", "docs.count",
                                                  "docs.deleted", "store.size", "pri.store.size", "dataset.size"};

const Column* find_column(const std::string& name) {
  for (const auto& c : kColumns) {
    if (c.name == name || std::find(c.aliases.begin(), c.aliases.end(), name) != c.aliases.end()) return &c;
  }
  return nullptr;
}

HttpResponse cat_indices(cluster::Node& node, HttpRequest& req) {
  index::ResolveOptions defaults;
  defaults.expand_closed = true;
  auto opts = resolve_options(req, defaults);
  if (!opts.ok()) return error_response(opts.status());
  auto resolved = node.catalog().resolve(req.path_param("index"), *opts);
  if (!resolved.ok()) return error_response(resolved.status());
  std::string bytes_unit = req.param("bytes");
  std::string health_filter = req.param("health");
  if (!health_filter.empty() && health_filter != "green" && health_filter != "yellow" && health_filter != "red") {
    return error_response(Status::InvalidArgument("Invalid health status [" + health_filter + "], expected one of [green, yellow, red]"));
  }

  std::vector<const Column*> columns;
  if (req.has("h")) {
    for (const auto& h : split_list(req.param("h"))) {
      bool matched = false;
      for (const auto& c : kColumns) {
        if (index::wildcard_match(h, c.name)) {
          columns.push_back(&c);
          matched = true;
        }
      }
      if (!matched) {
        if (const Column* c = find_column(h)) columns.push_back(c);
        else return error_response(Status::InvalidArgument("header [" + h + "] not found"));
      }
    }
  } else {
    for (const auto& n : kDefaultColumns) columns.push_back(find_column(n));
  }

  std::vector<std::map<std::string, std::string>> rows;
  std::map<std::string, std::set<std::string>> seen;
  std::set<std::string> done;
  for (const auto& r : *resolved) {
    if (done.count(r.index->name())) continue;
    done.insert(r.index->name());
    auto meta = r.index->metadata();
    uint64_t docs = 0, bytes = 0;
    for (int s = 0; s < r.index->num_shards(); ++s) {
      docs += r.index->shard(s).doc_count();
      bytes += r.index->shard(s).store_size_bytes();
    }
    std::string health = meta.closed ? "" : (meta.settings.number_of_replicas > 0 ? "yellow" : "green");
    if (!health_filter.empty() && health != health_filter) continue;
    std::map<std::string, std::string> row;
    row["health"] = health;
    row["status"] = meta.closed ? "close" : "open";
    row["index"] = meta.name;
    row["uuid"] = meta.uuid;
    row["pri"] = std::to_string(meta.settings.number_of_shards);
    row["rep"] = std::to_string(meta.settings.number_of_replicas);
    row["docs.count"] = std::to_string(docs);
    row["docs.deleted"] = "0";
    row["creation.date"] = std::to_string(meta.creation_date_ms);
    row["creation.date.string"] = index::format_date_millis(meta.creation_date_ms);
    row["store.size"] = human_bytes(bytes, bytes_unit);
    row["pri.store.size"] = human_bytes(bytes, bytes_unit);
    row["dataset.size"] = human_bytes(bytes, bytes_unit);
    rows.push_back(std::move(row));
  }
  // ?s=col[:asc|:desc],... ; default order by index name.
  std::vector<std::pair<std::string, bool>> sort_keys;
  for (const auto& s : split_list(req.param("s", "index"))) {
    auto colon = s.find(':');
    std::string name = s.substr(0, colon);
    bool desc = colon != std::string::npos && s.substr(colon + 1) == "desc";
    const Column* c = find_column(name);
    if (!c) return error_response(Status::InvalidArgument("Unable to sort by unknown sort key `" + name + "`"));
    sort_keys.emplace_back(c->name, desc);
  }
  std::stable_sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) {
    for (const auto& [key, desc] : sort_keys) {
      const Column* c = find_column(key);
      const std::string &x = a.at(key), &y = b.at(key);
      if (x == y) continue;
      bool less = c->numeric && !x.empty() && !y.empty() && std::isdigit(x[0]) && std::isdigit(y[0])
                      ? std::stod(x) < std::stod(y)
                      : x < y;
      return desc ? !less : less;
    }
    return false;
  });

  if (req.param("format") == "json") {
    return json_response(200, [&](json::Writer& w) {
      w.StartArray();
      for (const auto& row : rows) {
        w.StartObject();
        for (const Column* c : columns) {
          w.Key(c->name.c_str());
          const std::string& v = row.at(c->name);
          if (v.empty() && c->name == "health") w.Null();
          else w.String(v.c_str());
        }
        w.EndObject();
      }
      w.EndArray();
    });
  }
  auto v = bool_param(req, "v", false);
  if (!v.ok()) return error_response(v.status());
  std::vector<size_t> widths(columns.size(), 0);
  for (size_t i = 0; i < columns.size(); ++i) {
    if (*v) widths[i] = columns[i]->name.size();
    for (const auto& row : rows) widths[i] = std::max(widths[i], row.at(columns[i]->name).size());
  }
  std::ostringstream out;
  auto emit = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) {
      bool right = columns[i]->numeric;
      std::string pad(widths[i] - cells[i].size(), ' ');
      out << (right ? pad + cells[i] : cells[i] + (i + 1 < cells.size() ? pad : ""));
      if (i + 1 < cells.size()) out << ' ';
    }
    out << '\n';
  };
  if (*v) {
    std::vector<std::string> header;
    for (const Column* c : columns) header.push_back(c->name);
    emit(header);
  }
  for (const auto& row : rows) {
    std::vector<std::string> cells;
    for (const Column* c : columns) cells.push_back(row.at(c->name));
    emit(cells);
  }
  HttpResponse resp;
  resp.status = 200;
  resp.content_type = "text/plain; charset=UTF-8";
  resp.body = out.str();
  return resp;
}

}  // namespace

void register_cat_handlers(Router& r, cluster::Node& node) {
  const std::vector<std::string> params = {"format", "h", "help", "s", "v", "bytes", "health", "pri", "time",
                                           "expand_wildcards", "local", "master_timeout", "include_unloaded_segments"};
  r.add("GET", "/_cat/indices", [&node](HttpRequest& q) { return cat_indices(node, q); }, params);
  r.add("GET", "/_cat/indices/{index}", [&node](HttpRequest& q) { return cat_indices(node, q); }, params);
}

}  // namespace quarry::server
