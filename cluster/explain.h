// The explain API's engine side (GET /{index}/_explain/{id}): finds the document on the shard its
// id (or routing) routes to, in the searchable (refreshed) view as a search would, and explains
// its score for a query tree (query/explain.h). Stateless; safe from any thread.
#pragma once

#include <string>

#include "index/catalog.h"
#include "index/status.h"
#include "index/stored_document.h"
#include "query/query_tree.h"

namespace quarry::cluster {

struct ExplainResult {
  std::string index;          // concrete index name
  bool found = false;         // the document exists
  bool matched = false;       // ... and matches the query
  std::string explanation;    // the explanation JSON object (empty when not found)
  bool source_enabled = true;
  index::StoredDocument doc;  // when found
};

// Errors: kIndexNotFound, index_closed, kInvalidArgument (an alias to several indices, a query
// that does not convert for the mapping).
Result<ExplainResult> explain_document(index::Catalog& catalog, const std::string& index_or_alias, const std::string& id,
                                       const std::string& routing, const query::QueryNode& node);

}  // namespace quarry::cluster
