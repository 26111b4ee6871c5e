// Registration of: extended_stats, cardinality, percentiles, percentile_ranks, weighted_avg, median_absolute_deviation.
// The types are added to this file (and files beside it) as they are implemented; until then the
// parser answers "Unknown aggregation type" for them.
#include "query/aggs/registry.h"

namespace quarry::query::aggs {

void register_metric_extra_aggs(Registry& /*r*/) {}

}  // namespace quarry::query::aggs
