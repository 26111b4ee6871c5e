#include "query/aggs/agg_parser.h"

#include <cctype>
#include <set>

#include "query/aggs/registry.h"

namespace quarry::query::aggs {

namespace {

constexpr int kMaxDepth = 20;

// Whether `subs` holds a composite aggregation, directly or under a chain of filter aggregations.
bool has_composite_below(const AggDefs& subs) {
  for (const auto& sub : subs) {
    if (sub->type == "composite") return true;
    if (sub->type == "filter" && has_composite_below(sub->subs)) return true;
  }
  return false;
}  // nesting beyond this is refused rather than recursed into

Status parse_level(const json::Value& aggs, AggDefs* out, int depth) {
  if (!aggs.IsObject()) {
    return Status::Parsing("Expected [START_OBJECT] under [aggregations], but got a [" + std::string(json::type_name(aggs)) + "]");
  }
  if (depth > kMaxDepth) return Status::Parsing("aggregations are nested deeper than " + std::to_string(kMaxDepth) + " levels");
  std::set<std::string> names;
  for (auto it = aggs.MemberBegin(); it != aggs.MemberEnd(); ++it) {
    std::string name(json::view(it->name));
    if (name.empty() || name.find_first_of("[]>") != std::string::npos) {
      return Status::Parsing("Invalid aggregation name [" + name +
                             "]. Aggregation names can contain any character except '[', ']', and '>'");
    }
    if (!names.insert(name).second) {
      return Status::InvalidArgument("Two sibling aggregations cannot have the same name: [" + name + "]");
    }
    const json::Value& def = it->value;
    if (!def.IsObject()) {
      return Status::Parsing("Expected [START_OBJECT] under [" + name + "], but got a [" + std::string(json::type_name(def)) +
                             "] in [" + name + "]");
    }
    const json::Value* body = nullptr;
    const json::Value* subs = nullptr;
    const json::Value* meta = nullptr;
    std::string type;
    for (auto m = def.MemberBegin(); m != def.MemberEnd(); ++m) {
      std::string key(json::view(m->name));
      if (key == "aggs" || key == "aggregations") {
        if (subs) return Status::Parsing("Found two sub aggregation definitions under [" + name + "]");
        subs = &m->value;
      } else if (key == "meta") {
        if (!m->value.IsObject()) {
          // Elasticsearch names the JSON token it found (its XContent parser's token names).
          const json::Value& v = m->value;
          const char* token = v.IsNull() ? "VALUE_NULL" : v.IsString() ? "VALUE_STRING" : v.IsBool() ? "VALUE_BOOLEAN"
                              : v.IsNumber() ? "VALUE_NUMBER" : "START_ARRAY";
          return Status::Parsing(std::string("Expected [START_OBJECT] under [meta], but got a [") + token + "] in [" +
                                 name + "]");
        }
        meta = &m->value;
      } else {
        if (!type.empty()) {
          return Status::Parsing("Found two aggregation type definitions in [" + name + "]: [" + type + "] and [" + key + "]");
        }
        type = key;
        body = &m->value;
      }
    }
    if (type.empty()) return Status::Parsing("Missing definition for aggregation [" + name + "]");
    if (type == "nested" || type == "reverse_nested") {
      // Nested fields are flattened objects in Quarry (docs/storage-format.md): there are no
      // per-object documents to aggregate over, so the aggregation is refused by name.
      return Status::Parsing("[" + type + "] aggregation is not supported: Quarry indexes [nested] fields as flattened objects")
          .with("line", "1").with("col", "1");
    }
    const AggFactory* factory = Registry::instance().find(type);
    if (!factory) {
      return Status::Parsing("Unknown aggregation type [" + type + "] did you mean [" + name + "]?")
          .with("line", "1").with("col", "1");
    }
    if (!body->IsObject()) {
      return Status::Parsing("Expected [START_OBJECT] under [" + type + "], but got a [" + std::string(json::type_name(*body)) +
                             "] in [" + name + "]");
    }
    auto made = (*factory)(*body, name);
    if (!made.ok()) return made.status();
    std::unique_ptr<AggDef> agg = std::move(*made);
    agg->name = name;
    agg->type = type;
    if (meta) agg->meta_json = json::to_string(*meta);
    if (subs) {
      if (!agg->accepts_subs()) {
        return Status::Parsing("Aggregator [" + name + "] of type [" + type + "] cannot accept sub-aggregations");
      }
      QUARRY_RETURN_IF_ERROR(parse_level(*subs, &agg->subs, depth + 1));
      // Elasticsearch allows composite only at the top level, under filter aggregations (checked
      // up to the first other parent) or under nested (which Quarry refuses): it pages over all
      // buckets, which has no meaning per parent bucket. The message names the parent's Java
      // factory class, e.g. TermsAggregatorFactory.
      if (type != "filter" && has_composite_below(agg->subs)) {
        std::string cls;
        bool upper = true;
        for (char c : type) {
          if (c == '_') { upper = true; continue; }
          cls += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
          upper = false;
        }
        return Status::InvalidArgument("[composite] aggregation cannot be used with a parent aggregation of type: [" +
                                       cls + "AggregatorFactory]");
      }
    }
    out->push_back(std::move(agg));
  }
  // A parent pipeline's buckets_path starts at one of its siblings (or the bucket's _count /
  // _key); Elasticsearch validates this with the request.
  for (const auto& d : *out) {
    if (!d->is_parent_pipeline()) continue;
    for (const auto& path : d->buckets_paths()) {
      std::string_view head = std::string_view(path).substr(0, path.find('>'));
      head = head.substr(0, head.find_first_of(".["));
      if (head == "_count" || head == "_key") continue;
      bool found = false;
      for (const auto& sibling : *out) found = found || sibling->name == head;
      if (!found) {
        return Status(Code::kActionValidation, "Validation Failed: 1: No aggregation found for path [" + path + "];");
      }
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::shared_ptr<const AggDefs>> parse_aggregations(const json::Value& aggs) {
  auto defs = std::make_shared<AggDefs>();
  QUARRY_RETURN_IF_ERROR(parse_level(aggs, defs.get(), 0));
  // Parent pipelines rewrite the buckets of their enclosing aggregation: at the top level there
  // is none, and running nothing would drop the request's pipeline silently.
  for (const auto& d : *defs) {
    if (d->is_parent_pipeline()) {
      return Status(Code::kActionValidation, "Validation Failed: 1: " + d->type + " aggregation [" + d->name +
                                                 "] must be declared inside of another aggregation;");
    }
  }
  return std::shared_ptr<const AggDefs>(std::move(defs));
}

}  // namespace quarry::query::aggs
