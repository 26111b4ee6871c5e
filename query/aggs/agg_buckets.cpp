// Registration of: histogram, date_histogram, range, date_range, filter, filters, missing, global, composite.
// The types are added to this file (and files beside it) as they are implemented; until then the
// parser answers "Unknown aggregation type" for them.
#include "query/aggs/registry.h"

namespace quarry::query::aggs {

void register_bucket_aggs(Registry& /*r*/) {}

}  // namespace quarry::query::aggs
