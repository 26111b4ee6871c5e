// The "aggs" / "aggregations" object of a search body -> AggDef trees (query/aggs/agg.h).
#pragma once

#include "index/json.h"
#include "index/status.h"
#include "query/aggs/agg.h"

namespace quarry::query::aggs {

// Errors: kParsing (unknown type, two types in one aggregation, bad names, unknown parameters),
// kInvalidArgument (duplicate sibling names, sub-aggregations under a metric).
Result<std::shared_ptr<const AggDefs>> parse_aggregations(const json::Value& aggs);

}  // namespace quarry::query::aggs
