#include "query/aggs/bucket_order.h"

namespace quarry::query::aggs {

namespace {

Status parse_one(const json::Value& obj, const std::string& agg_type, std::vector<OrderKey>* out) {
  if (!obj.IsObject()) return Status::Parsing("[" + agg_type + "] order must be an object or an array of objects");
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    OrderKey k;
    k.path = std::string(json::view(it->name));
    if (k.path == "_term") k.path = "_key";  // the pre-6.0 name
    if (!it->value.IsString()) return Status::Parsing("[" + agg_type + "] order direction must be a string");
    std::string dir(json::view(it->value));
    if (dir == "asc") {
      k.asc = true;
    } else if (dir != "desc") {
      return Status::Parsing("Unknown order direction [" + dir + "]");
    }
    out->push_back(std::move(k));
  }
  return Status::Ok();
}

}  // namespace

Result<BucketOrder> BucketOrder::parse(const json::Value* v, const std::string& agg_type, OrderKey default_key) {
  BucketOrder order;
  if (!v) {
    order.keys.push_back(std::move(default_key));
    return order;
  }
  if (v->IsArray()) {
    for (const auto& e : v->GetArray()) QUARRY_RETURN_IF_ERROR(parse_one(e, agg_type, &order.keys));
  } else {
    QUARRY_RETURN_IF_ERROR(parse_one(*v, agg_type, &order.keys));
  }
  if (order.keys.empty()) order.keys.push_back(std::move(default_key));
  return order;
}

bool BucketOrder::uses_subs() const {
  for (const auto& k : keys) {
    if (k.path != "_count" && k.path != "_key") return true;
  }
  return false;
}

Status BucketOrder::validate(const AggDefs& subs, const std::string& agg_name) const {
  for (const auto& k : keys) {
    if (k.path == "_count" || k.path == "_key") continue;
    std::string first = k.path.substr(0, k.path.find_first_of(".[>"));
    bool found = false;
    for (const auto& s : subs) found |= s->name == first;
    if (!found) {
      return Status::InvalidArgument("Invalid aggregator order path [" + k.path + "]. The provided aggregation [" + first +
                                     "] either does not exist, or is a pipeline aggregation and cannot be used to sort the "
                                     "buckets.")
          .with("aggregation", agg_name);
    }
  }
  return Status::Ok();
}

}  // namespace quarry::query::aggs
