#include "cluster/node.h"

#include <boost/asio/post.hpp>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <set>
#include <optional>

#include "cluster/search_coordinator.h"
#include "cluster/terms_lookup.h"
#include "index/date_math_name.h"
#include "index/template_merge.h"
#include "index/time_series.h"
#include "query/query_parser.h"
#include "query/to_xapian.h"

namespace quarry::cluster {

namespace {

Result<std::string> load_or_make_cluster_uuid(const std::string& data_dir, index::Catalog& catalog) {
  std::string path = data_dir + "/cluster_uuid";
  auto existing = index::read_file(path);
  if (existing.ok() && !existing->empty()) return *existing;
  std::string uuid = catalog.new_uuid();
  QUARRY_RETURN_IF_ERROR(index::write_file_atomically(path, uuid));
  return uuid;
}

std::string default_node_name() {
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == 0) return "quarry-node";
  return std::string("quarry-") + host;
}

}  // namespace

Node::Node(NodeOptions options)
    : options_(std::move(options)),
      catalog_(options_.data_dir),
      templates_(options_.data_dir),
      ingest_(options_.redis, options_.limits) {
  node_name_ = options_.node_name.empty() ? default_node_name() : options_.node_name;
}

Node::~Node() { stop(); }

Status Node::start() {
  QUARRY_RETURN_IF_ERROR(catalog_.load());
  QUARRY_RETURN_IF_ERROR(templates_.load());
  auto uuid = load_or_make_cluster_uuid(options_.data_dir, catalog_);
  if (!uuid.ok()) return uuid.status();
  cluster_uuid_ = *uuid;
  search_pool_ = std::make_unique<boost::asio::thread_pool>(std::max(1, options_.search_threads));
  for (const auto& idx : catalog_.all()) QUARRY_RETURN_IF_ERROR(attach(idx));
  return Status::Ok();
}

void Node::stop() {
  ingest_.stop_all();
  if (search_pool_) {
    search_pool_->join();
    search_pool_.reset();
  }
}

Status Node::attach(const std::shared_ptr<index::IndexService>& index) { return ingest_.attach(index); }

Result<index::IndexMetadata> Node::index_metadata_from_body(const std::string& name, const json::Value* body) {
  int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  index::IndexMetadata meta;
  meta.name = name;
  meta.uuid = catalog_.new_uuid();
  meta.creation_date_ms = now_ms;
  if (body && !body->IsNull()) {
    if (!body->IsObject()) return Status::Parsing("request body must be a JSON object");
    for (auto it = body->MemberBegin(); it != body->MemberEnd(); ++it) {
      std::string key(json::view(it->name));
      const json::Value& v = it->value;
      if (key == "settings") {
        QUARRY_RETURN_IF_ERROR(index::parse_index_settings(v, &meta.settings, /*creating=*/true));
      } else if (key == "mappings") {
        if (!v.IsObject()) return Status::MapperParsing("Failed to parse mapping: [mappings] must be an object");
        auto mapping = index::Mapping::from_es_json(v);
        if (!mapping.ok()) return mapping.status();
        meta.mapping = std::make_shared<index::Mapping>(std::move(mapping).value());
      } else if (key == "aliases") {
        if (!v.IsObject()) return Status::Parsing("[aliases] must be an object");
        for (auto a = v.MemberBegin(); a != v.MemberEnd(); ++a) {
          index::AliasMetadata am;
          auto alias_name = index::resolve_date_math_name(json::view(a->name), now_ms);
          if (!alias_name.ok()) return alias_name.status();
          am.name = *alias_name;
          if (am.name == name) {
            return Status::InvalidArgument("alias name [" + am.name + "] self-conflicts with index name");
          }
          // A definition that is not an object is read as an empty one, as before.
          if (a->value.IsObject()) QUARRY_RETURN_IF_ERROR(index::parse_alias_definition(a->value, &am));
          meta.aliases[am.name] = am;
        }
      } else {
        return Status::Parsing("unknown key [" + key + "] for create index");
      }
    }
  }
  QUARRY_RETURN_IF_ERROR(index::validate_time_series_settings(meta.settings.flat, meta.mapping.get()));
  return meta;
}

Result<std::shared_ptr<index::IndexService>> Node::create_index(const std::string& requested_name,
                                                                const json::Value* body, bool automatic) {
  int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  auto resolved_name = index::resolve_date_math_name(requested_name, now_ms);
  if (!resolved_name.ok()) return resolved_name.status();
  const std::string& name = *resolved_name;
  QUARRY_RETURN_IF_ERROR(index::validate_index_name(name));
  // A hidden index is never configured by a template matching everything ("*"), as in
  // Elasticsearch; index.hidden can only come from the request here.
  bool hidden = false;
  if (body && body->IsObject() && body->HasMember("settings") && (*body)["settings"].IsObject()) {
    std::map<std::string, std::string> flat;
    if (index::flatten_settings((*body)["settings"], &flat).ok()) hidden = flat["index.hidden"] == "true";
  }
  json::Document with_template;
  if (auto tmpl = templates_.resolve_for_index(name, hidden)) {
    if (automatic && tmpl->allow_auto_create == false) {
      return Status::IndexNotFound("composable template " + index::java_list(tmpl->index_patterns) +
                                   " forbids index auto creation");
    }
    index::apply_template(*tmpl, body, &with_template);
    body = &with_template;
  }
  auto built = index_metadata_from_body(name, body);
  if (!built.ok()) return built.status();
  index::IndexMetadata meta = std::move(built).value();
  std::lock_guard lock(create_mu_);
  if (catalog_.find(name)) {
    auto existing = catalog_.find(name);
    return Status::AlreadyExists("index [" + name + "/" + existing->uuid() + "] already exists")
        .with("index", name)
        .with("index_uuid", existing->uuid());
  }
  int shards = meta.settings.number_of_shards;
  QUARRY_RETURN_IF_ERROR(ingest_.reset_streams(name, shards));
  auto created = catalog_.create(std::move(meta));
  if (!created.ok()) return created.status();
  Status st = attach(*created);
  if (!st.ok()) {
    (void)catalog_.detach(name);
    index::Catalog::destroy_files(**created);
    return st;
  }
  return created;
}

Status Node::delete_index(const std::string& name) {
  std::lock_guard lock(create_mu_);
  auto detached = catalog_.detach(name);
  if (!detached.ok()) return detached.status();
  ingest_.detach(name, /*drain=*/false, /*delete_streams=*/true);
  for (int s = 0; s < (*detached)->num_shards(); ++s) (*detached)->shard(s).close_writer();
  index::Catalog::destroy_files(**detached);
  return Status::Ok();
}

Status Node::set_closed(const std::string& name, bool closed) {
  auto idx = catalog_.find(name);
  if (!idx) return Status::IndexNotFound(name);
  if (closed) QUARRY_RETURN_IF_ERROR(ingest_.refresh(name));  // everything acknowledged is applied first
  return idx->update_metadata([&](index::IndexMetadata& m) {
    m.closed = closed;
    return Status::Ok();
  });
}

Status Node::refresh(const std::vector<std::shared_ptr<index::IndexService>>& indices) {
  for (const auto& idx : indices) QUARRY_RETURN_IF_ERROR(ingest_.refresh(idx->name()));
  return Status::Ok();
}

void Node::bulk(std::vector<ingest::BulkItem>& items, std::vector<ingest::BulkItemResult>& results,
                ingest::RefreshPolicy refresh, bool auto_create) {
  results.assign(items.size(), {});
  // Group by target index, keeping each group's positions.
  std::map<std::string, std::vector<size_t>> groups;
  std::map<std::string, std::shared_ptr<index::IndexService>> targets;
  for (size_t i = 0; i < items.size(); ++i) {
    auto& item = items[i];
    results[i].action = item.action;
    results[i].index = item.index;
    results[i].id = item.id;
    if (item.require_alias && !catalog_.alias_exists(item.index)) {
      results[i].error = Status(Code::kIndexNotFound, "no such index [" + item.index +
                                                          "] and [require_alias] request flag is [true] and [" +
                                                          item.index + "] is not an alias")
                             .with("index", item.index);
      continue;
    }
    auto target = catalog_.resolve_write(item.index);
    if (!target.ok() && target.status().code() == Code::kIndexNotFound && auto_create) {
      auto created = create_index(item.index, nullptr, /*automatic=*/true);
      if (created.ok()) target = *created;
      else if (created.status().code() == Code::kAlreadyExists) target = catalog_.resolve_write(item.index);
      else target = created.status();
    }
    if (!target.ok()) {
      results[i].error = target.status();
      continue;
    }
    if ((*target)->metadata().closed) {
      results[i].error = index::index_closed((*target)->name(), (*target)->uuid());
      continue;
    }
    const auto& name = (*target)->name();
    targets[name] = *target;
    groups[name].push_back(i);
  }
  // An index is in the catalog before its ingest pipelines are attached; its creator holds
  // create_mu_ through both. Waiting for the lock once makes sure a target that another request
  // is still creating is ready to take writes (else they fail with index_not_found).
  if (!groups.empty()) {
    std::lock_guard barrier(create_mu_);
  }
  for (auto& [name, positions] : groups) {
    std::vector<ingest::BulkItem> group_items;
    group_items.reserve(positions.size());
    for (size_t p : positions) group_items.push_back(std::move(items[p]));
    std::vector<ingest::BulkItemResult> group_results;
    ingest_.write(*targets[name], group_items, group_results, refresh);
    for (size_t k = 0; k < positions.size(); ++k) {
      items[positions[k]] = std::move(group_items[k]);
      results[positions[k]] = std::move(group_results[k]);
    }
  }
}

Result<GetResult> Node::get(const std::string& index_or_alias, const std::string& id,
                            const std::string& routing, bool realtime) {
  auto target = catalog_.resolve_write(index_or_alias);
  if (!target.ok()) {
    if (target.status().code() == Code::kInvalidArgument) {
      return Status::InvalidArgument("alias [" + index_or_alias +
                                     "] has more than one index associated with it, can't execute a single index op");
    }
    return target.status();
  }
  if ((*target)->metadata().closed) return index::index_closed((*target)->name(), (*target)->uuid());
  GetResult out;
  out.index = (*target)->name();
  out.mapping = (*target)->mapping();
  out.source_enabled = out.mapping->source_enabled();
  auto doc = ingest_.get(**target, id, routing, realtime);
  if (!doc.ok()) return doc.status();
  if (doc->has_value()) {
    out.found = true;
    out.doc = std::move(**doc);
  }
  return out;
}

Result<SearchResult> Node::search(const std::vector<index::ResolvedIndex>& indices,
                                  const query::SearchRequest& request) {
  // Terms lookups fetch their values once here, not on every shard.
  auto q = resolve_terms_lookups(*this, request.query);
  if (!q.ok()) return q.status();
  auto pf = resolve_terms_lookups(*this, request.post_filter);
  if (!pf.ok()) return pf.status();
  auto result = [&]() -> Result<SearchResult> {
    if (*q == request.query && *pf == request.post_filter) return SearchCoordinator(*search_pool_).search(indices, request);
    query::SearchRequest resolved = request;
    resolved.query = *q;
    resolved.post_filter = *pf;
    return SearchCoordinator(*search_pool_).search(indices, resolved);
  }();
  if (result.ok()) {
    for (auto& f : result->failures) f.node = node_name_;
  }
  return result;
}

}  // namespace quarry::cluster
