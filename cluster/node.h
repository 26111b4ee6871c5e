// Node: one quarryd's engine, composed once by main() and passed by reference to the HTTP
// handlers: the catalog of indices, the ingest service (Redis-buffered write path) and the
// coordinator of searches over the shards (local shards only for now; remote ones slot in here).
//
// Thread-safety: every method may be called from any thread. start() and stop() bracket its use.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "index/catalog.h"
#include "index/template_registry.h"
#include "ingest/bulk_request.h"
#include "ingest/ingest_service.h"
#include "query/search_request.h"
#include "query/shard_search.h"
#include "cluster/search_coordinator.h"

namespace quarry::cluster {

struct NodeOptions {
  std::string data_dir = "data";
  ingest::RedisAddress redis;
  ingest::IngestLimits limits;
  int search_threads = 2;
  std::string node_name;      // default: "quarry-" + host name
  std::string cluster_name = "quarry";
};

struct GetResult {
  std::string index;       // concrete index name
  bool found = false;
  bool source_enabled = true;  // the mapping's _source.enabled
  index::StoredDocument doc;
  std::shared_ptr<const index::Mapping> mapping;
};

class Node {
 public:
  explicit Node(NodeOptions options);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Loads the catalog and recovers every index from its stream. Errors: kIOError, kUnavailable.
  Status start();
  // Drains and stops every applier (everything acknowledged is committed to Xapian).
  void stop();

  const NodeOptions& options() const { return options_; }
  const std::string& cluster_uuid() const { return cluster_uuid_; }
  const std::string& node_name() const { return node_name_; }
  index::Catalog& catalog() { return catalog_; }
  index::TemplateRegistry& templates() { return templates_; }
  ingest::IngestService& ingest() { return ingest_; }

  // ---- index administration ----
  // body: {"settings":..,"mappings":..,"aliases":..} or null. The matching index template with
  // the highest priority gives the index its start, the body is merged on top (index/template_merge.h).
  // `automatic`: created by a write to a missing index (refused when the template says
  // allow_auto_create: false). Errors: kInvalidIndexName, kAlreadyExists, kMapperParsing,
  // kInvalidArgument, kIndexNotFound (auto-creation forbidden).
  Result<std::shared_ptr<index::IndexService>> create_index(const std::string& name, const json::Value* body,
                                                            bool automatic = false);
  // The metadata a create-index body gives an index named `name` (already resolved and valid),
  // templates not applied; nothing is created. Errors as create_index.
  Result<index::IndexMetadata> index_metadata_from_body(const std::string& name, const json::Value* body);
  // Deletes concrete indices (after resolution). Errors: kIndexNotFound.
  Status delete_index(const std::string& name);
  Status refresh(const std::vector<std::shared_ptr<index::IndexService>>& indices);
  // _close / _open: a closed index keeps its data but refuses reads and writes.
  Status set_closed(const std::string& name, bool closed);

  // ---- documents ----
  // Resolves each item's index (alias -> write index; auto-creates missing indices when
  // auto_create), then writes. results[i] answers items[i].
  void bulk(std::vector<ingest::BulkItem>& items, std::vector<ingest::BulkItemResult>& results,
            ingest::RefreshPolicy refresh, bool auto_create = true);
  // Realtime get. Errors: kIndexNotFound.
  // realtime=false reads only what a refresh made visible, as Elasticsearch's ?realtime=false.
  Result<GetResult> get(const std::string& index_or_alias, const std::string& id, const std::string& routing,
                        bool realtime = true);

  // ---- search ----
  Result<SearchResult> search(const std::vector<index::ResolvedIndex>& indices,
                              const query::SearchRequest& request);

 private:
  Status attach(const std::shared_ptr<index::IndexService>& index);

  NodeOptions options_;
  std::string cluster_uuid_;
  std::string node_name_;
  index::Catalog catalog_;
  index::TemplateRegistry templates_;
  ingest::IngestService ingest_;
  std::mutex create_mu_;  // serialises index creation and deletion
  std::unique_ptr<boost::asio::thread_pool> search_pool_;
};

}  // namespace quarry::cluster
