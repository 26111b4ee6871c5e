#include "query/aggs/registry.h"

namespace quarry::query::aggs {

const Registry& Registry::instance() {
  static const Registry registry = [] {
    Registry r;
    register_terms_aggs(r);
    register_metric_aggs(r);
    register_metric_extra_aggs(r);
    register_bucket_aggs(r);
    register_special_aggs(r);
    register_pipeline_aggs(r);
    return r;
  }();
  return registry;
}

const AggFactory* Registry::find(const std::string& type) const {
  auto it = factories_.find(type);
  return it == factories_.end() ? nullptr : &it->second;
}

}  // namespace quarry::query::aggs
