// The aggregation types Quarry knows, by name. Each family file registers its types in one
// function listed in registry.cpp (register_terms_aggs in agg_terms.cpp, ...).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "index/json.h"
#include "index/status.h"
#include "query/aggs/agg.h"

namespace quarry::query::aggs {

// Parses the body of one aggregation ({"field": ...} of {"terms": {"field": ...}}). The parser
// sets name/type/meta/subs afterwards. Errors: kParsing naming the bad or unknown parameter.
using AggFactory = std::function<Result<std::unique_ptr<AggDef>>(const json::Value& body, const std::string& name)>;

class Registry {
 public:
  static const Registry& instance();  // immutable after construction: safe from any thread
  void add(const std::string& type, AggFactory f) { factories_[type] = std::move(f); }
  const AggFactory* find(const std::string& type) const;

 private:
  std::map<std::string, AggFactory> factories_;
};

// Family registration functions (one per file).
void register_terms_aggs(Registry& r);           // agg_terms.cpp
void register_metric_aggs(Registry& r);          // agg_metrics_basic.cpp: avg min max sum value_count stats
void register_metric_extra_aggs(Registry& r);    // agg_metrics_extra.cpp: extended_stats cardinality percentiles ...
void register_bucket_aggs(Registry& r);          // agg_buckets.cpp: histogram date_histogram range filter(s) ...
void register_special_aggs(Registry& r);         // agg_special.cpp: significant_terms/text sampler top_hits
void register_pipeline_aggs(Registry& r);        // agg_pipelines.cpp: derivative cumulative_sum bucket_sort ...

}  // namespace quarry::query::aggs
