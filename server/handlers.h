// Registration of the REST API families on the router. Each family lives in its own
// handlers_<family>.cpp; handlers translate HTTP <-> Node calls and never touch Xapian or Redis.
#pragma once

#include "cluster/node.h"
#include "server/router.h"

namespace quarry::server {

struct ServerInfo {
  std::string version = "8.15.0";  // the Elasticsearch version whose API Quarry speaks
  std::string lucene_version = "9.11.1";
};

void register_root_handlers(Router& router, cluster::Node& node, const ServerInfo& info);
void register_index_handlers(Router& router, cluster::Node& node);
void register_alias_handlers(Router& router, cluster::Node& node);
void register_document_handlers(Router& router, cluster::Node& node);
void register_bulk_handlers(Router& router, cluster::Node& node);
void register_search_handlers(Router& router, cluster::Node& node);
void register_msearch_handlers(Router& router, cluster::Node& node);
void register_validate_handlers(Router& router, cluster::Node& node);
void register_cat_handlers(Router& router, cluster::Node& node);
void register_cluster_handlers(Router& router, cluster::Node& node);
void register_analyze_handlers(Router& router, cluster::Node& node);

inline void register_all_handlers(Router& router, cluster::Node& node, const ServerInfo& info) {
  register_root_handlers(router, node, info);
  register_index_handlers(router, node);
  register_alias_handlers(router, node);
  register_document_handlers(router, node);
  register_bulk_handlers(router, node);
  register_search_handlers(router, node);
  register_msearch_handlers(router, node);
  register_validate_handlers(router, node);
  register_cat_handlers(router, node);
  register_cluster_handlers(router, node);
  register_analyze_handlers(router, node);
}

}  // namespace quarry::server
