// Registration of: significant_terms, significant_text (agg_significant.cpp), sampler
// (agg_sampler.cpp), top_hits (agg_top_hits.cpp).
#include "query/aggs/agg_special.h"

namespace quarry::query::aggs {

void register_special_aggs(Registry& r) {
  register_top_hits_agg(r);
  register_sampler_agg(r);
  register_significant_aggs(r);
}

}  // namespace quarry::query::aggs
