// Registration functions of the files behind agg_special.cpp (one aggregation family each).
#pragma once

#include "query/aggs/registry.h"

namespace quarry::query::aggs {

void register_top_hits_agg(Registry& r);     // agg_top_hits.cpp
void register_sampler_agg(Registry& r);      // agg_sampler.cpp
void register_significant_aggs(Registry& r); // agg_significant.cpp: significant_terms, significant_text

}  // namespace quarry::query::aggs
