#include "server/index_views.h"

#include <map>
#include <memory>

namespace quarry::server {

namespace {

// A tree of settings keys built from "a.b.c" -> value.
struct SettingsNode {
  std::string value;
  bool leaf = false;
  std::map<std::string, std::unique_ptr<SettingsNode>> children;
};

void insert(SettingsNode& root, const std::string& key, const std::string& value) {
  SettingsNode* node = &root;
  size_t start = 0;
  while (true) {
    size_t dot = key.find('.', start);
    std::string part = key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    auto& child = node->children[part];
    if (!child) child = std::make_unique<SettingsNode>();
    node = child.get();
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  node->leaf = true;
  node->value = value;
}

void write_node(json::Writer& w, const SettingsNode& node) {
  if (node.leaf && node.children.empty()) {
    w.String(node.value.c_str());
    return;
  }
  w.StartObject();
  for (const auto& [k, child] : node.children) {
    w.Key(k.c_str());
    write_node(w, *child);
  }
  w.EndObject();
}

}  // namespace

void write_settings(json::Writer& w, const index::IndexMetadata& meta, bool flat) {
  std::map<std::string, std::string> all = meta.settings.flat;
  all["index.number_of_shards"] = std::to_string(meta.settings.number_of_shards);
  all["index.number_of_replicas"] = std::to_string(meta.settings.number_of_replicas);
  all["index.uuid"] = meta.uuid;
  all["index.creation_date"] = std::to_string(meta.creation_date_ms);
  all["index.provided_name"] = meta.name;
  all["index.version.created"] = "8512000";
  all["index.routing.allocation.include._tier_preference"] = "data_content";
  write_flat_settings(w, all, flat);
}

void write_flat_settings(json::Writer& w, const std::map<std::string, std::string>& all, bool flat) {
  if (flat) {
    w.StartObject();
    for (const auto& [k, v] : all) {
      w.Key(k.c_str());
      w.String(v.c_str());
    }
    w.EndObject();
    return;
  }
  SettingsNode root;
  for (const auto& [k, v] : all) insert(root, k, v);
  write_node(w, root);
}

void write_alias_body(json::Writer& w, const index::AliasMetadata& a) {
  w.StartObject();
  if (!a.filter_json.empty()) {
    w.Key("filter");
    json::write_raw(w, a.filter_json);
  }
  if (!a.index_routing.empty()) {
    w.Key("index_routing");
    w.String(a.index_routing.c_str());
  }
  if (!a.search_routing.empty()) {
    w.Key("search_routing");
    w.String(a.search_routing.c_str());
  }
  if (a.is_write_index) {
    w.Key("is_write_index");
    w.Bool(*a.is_write_index);
  }
  if (a.is_hidden) {
    w.Key("is_hidden");
    w.Bool(*a.is_hidden);
  }
  w.EndObject();
}

void write_mappings(json::Writer& w, const index::IndexMetadata& meta) { meta.mapping->write_es_json(w); }

}  // namespace quarry::server
