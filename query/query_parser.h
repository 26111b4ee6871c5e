// Query DSL JSON -> QueryNode tree. Unknown query types or parameters are a kParsing error that
// names them (Elasticsearch's "unknown query [foo]" / "[match] query does not support [bar]"),
// never silently ignored. Stateless.
#pragma once

#include "index/json.h"
#include "index/status.h"
#include "query/query_tree.h"

namespace quarry::query {

Result<QueryPtr> parse_query(const json::Value& query);

}  // namespace quarry::query
