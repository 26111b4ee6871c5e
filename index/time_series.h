// Time series indices (Elasticsearch's `index.mode: time_series`), the minimal consistent part:
// the settings `index.mode`, `index.routing_path`, `index.time_series.start_time` / `end_time`
// are validated against each other and against the mapping's `time_series_dimension` fields as
// Elasticsearch validates them at index creation. Quarry stores and searches such an index like
// any other (no _tsid, no @timestamp bounds on writes, no routing by dimensions); the mode only
// makes counter fields refuse the aggregations Elasticsearch refuses on them (query/aggs/params.h).
//
// Free functions over values: safe from any thread.
#pragma once

#include <map>
#include <string>

#include "index/mapping.h"
#include "index/status.h"

namespace quarry::index {

// Whether flat settings ("index.mode" -> "time_series") put the index in time_series mode.
bool is_time_series_mode(const std::map<std::string, std::string>& flat_settings);

// Checks the time-series settings of a new index with its mapping (may be null). Errors:
// kInvalidArgument with Elasticsearch's reasons ("[index.mode=time_series] requires a non-empty
// [index.routing_path]", "All fields that match routing_path must be configured with
// [time_series_dimension: true] ...", an unknown mode, bad or inverted time bounds).
Status validate_time_series_settings(const std::map<std::string, std::string>& flat_settings, const Mapping* mapping);

}  // namespace quarry::index
