// Bucket `order` of terms-like aggregations: {"_count": "desc"}, {"_key": "asc"}, a sub-aggregation
// path ({"avg_votes": "desc"}, {"stats.max": "asc"}), or an array of those. Ties always end with
// the key ascending (then count descending for key orders), as in Elasticsearch.
#pragma once

#include <string>
#include <vector>

#include "index/json.h"
#include "index/status.h"
#include "query/aggs/agg.h"

namespace quarry::query::aggs {

struct OrderKey {
  std::string path;  // "_count", "_key" or a buckets path
  bool asc = false;
};

struct BucketOrder {
  std::vector<OrderKey> keys;  // never empty after parse

  // Parses "order". `default_order` is used when `v` is null. Errors: kParsing.
  static Result<BucketOrder> parse(const json::Value* v, const std::string& agg_type, OrderKey default_key);
  bool by_count_desc() const { return keys.size() == 1 && keys[0].path == "_count" && !keys[0].asc; }
  bool by_key() const { return keys[0].path == "_key"; }
  bool uses_subs() const;
  // Checks that every sub-aggregation path names a sub-aggregation of `subs`. Errors: kInvalidArgument.
  Status validate(const AggDefs& subs, const std::string& agg_name) const;
  // Strict-weak "a before b". `key_less(a, b)` compares the bucket keys ascending.
  template <typename KeyLess>
  bool before(const Bucket& a, const Bucket& b, KeyLess key_less) const;
};

template <typename KeyLess>
bool BucketOrder::before(const Bucket& a, const Bucket& b, KeyLess key_less) const {
  for (const auto& k : keys) {
    if (k.path == "_count") {
      if (a.doc_count != b.doc_count) return k.asc ? a.doc_count < b.doc_count : a.doc_count > b.doc_count;
    } else if (k.path == "_key") {
      if (key_less(a, b)) return k.asc;
      if (key_less(b, a)) return !k.asc;
    } else {
      auto va = resolve_bucket_path(a, k.path).value_or(k.asc ? 1e308 : -1e308);
      auto vb = resolve_bucket_path(b, k.path).value_or(k.asc ? 1e308 : -1e308);
      if (va != vb) return k.asc ? va < vb : va > vb;
    }
  }
  // Tie-breakers: count descending, then key ascending.
  if (a.doc_count != b.doc_count) return a.doc_count > b.doc_count;
  return key_less(a, b);
}

}  // namespace quarry::query::aggs
