// Registration of: derivative, cumulative_sum, bucket_sort, bucket_selector, avg/max/min/sum_bucket.
// The types are added to this file (and files beside it) as they are implemented; until then the
// parser answers "Unknown aggregation type" for them.
#include "query/aggs/registry.h"

namespace quarry::query::aggs {

void register_pipeline_aggs(Registry& /*r*/) {}

}  // namespace quarry::query::aggs
