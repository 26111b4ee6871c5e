#include "query/q_common.h"

namespace quarry::query {

Result<QueryPtr> parse_query_string(const json::Value&) { return Status::Parsing("[query_string] not yet"); }
Result<QueryPtr> parse_simple_query_string(const json::Value&) { return Status::Parsing("[simple_query_string] not yet"); }

}  // namespace quarry::query
