// Registration of: significant_terms, significant_text, sampler, top_hits.
// The types are added to this file (and files beside it) as they are implemented; until then the
// parser answers "Unknown aggregation type" for them.
#include "query/aggs/registry.h"

namespace quarry::query::aggs {

void register_special_aggs(Registry& /*r*/) {}

}  // namespace quarry::query::aggs
