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
void register_template_handlers(Router& router, cluster::Node& node);
void register_document_handlers(Router& router, cluster::Node& node);
void register_bulk_handlers(Router& router, cluster::Node& node);
void register_search_handlers(Router& router, cluster::Node& node);
void register_msearch_handlers(Router& router, cluster::Node& node);
void register_validate_handlers(Router& router, cluster::Node& node);
void register_explain_handlers(Router& router, cluster::Node& node);
void register_cat_handlers(Router& router, cluster::Node& node);
void register_cluster_handlers(Router& router, cluster::Node& node);
void register_analyze_handlers(Router& router, cluster::Node& node);
void register_by_query_handlers(Router& router, cluster::Node& node);
// The review explorer's static page under /_ui/ (needs no node: it calls the REST API from the browser).
void register_ui_handlers(Router& router);
// Must come before register_search_handlers: it takes /_search requests that carry ?scroll.
void register_scroll_handlers(Router& router, cluster::Node& node);

// Shared with the scroll and by-query handlers (defined in handlers_search.cpp).
HttpResponse run_search(cluster::Node& node, HttpRequest& req);
Status parse_search_request(const HttpRequest& req, const json::Value& body, query::SearchRequest* sr);
void write_search_response(json::Writer& w, const cluster::SearchResult& result, const query::SearchRequest& sr);
Status uri_query(const HttpRequest& req, query::QueryPtr* out);

inline void register_all_handlers(Router& router, cluster::Node& node, const ServerInfo& info) {
  register_root_handlers(router, node, info);
  register_index_handlers(router, node);
  register_alias_handlers(router, node);
  register_template_handlers(router, node);
  register_document_handlers(router, node);
  register_bulk_handlers(router, node);
  register_scroll_handlers(router, node);
  register_search_handlers(router, node);
  register_msearch_handlers(router, node);
  register_validate_handlers(router, node);
  register_explain_handlers(router, node);
  register_cat_handlers(router, node);
  register_cluster_handlers(router, node);
  register_analyze_handlers(router, node);
  register_by_query_handlers(router, node);
  register_ui_handlers(router);
}

}  // namespace quarry::server
