// Terms lookup: a `terms` query written as {"index", "id", "path", "routing"} takes its values from
// another document's field. Resolved once per request, before any shard is searched, with a
// realtime get (as Elasticsearch does); a missing document gives no values (matches nothing).
// Stateless; safe from any thread.
#pragma once

#include "index/status.h"
#include "query/query_tree.h"

namespace quarry::cluster {

class Node;

// `query` with every terms lookup replaced by the looked-up values (the same pointer when there
// is none). Errors: the get's (kIndexNotFound for the lookup index, ...).
Result<query::QueryPtr> resolve_terms_lookups(Node& node, const query::QueryPtr& query);

}  // namespace quarry::cluster
