#include "query/aggs/agg.h"

#include <cmath>

namespace quarry::query::aggs {

namespace {

// render_aggregations' typed_keys, for the nested render_named calls of the same response.
thread_local bool tl_typed_keys = false;

void write_key(json::Writer& w, std::string_view k) { w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); }

}  // namespace

Partial* NamedPartials::find(std::string_view name) const {
  for (const auto& [def, p] : items) {
    if (def->name == name) return p.get();
  }
  return nullptr;
}

void NamedPartials::merge(NamedPartials& other) {
  for (size_t i = 0; i < items.size() && i < other.items.size(); ++i) {
    if (items[i].second && other.items[i].second) items[i].second->merge(*other.items[i].second);
  }
}

std::string Bucket::keyed_key() const {
  if (!keyed_name.empty()) return keyed_name;
  if (!key_as_string.empty()) return key_as_string;
  if (key_json.size() >= 2 && key_json.front() == '"') {
    json::Document d;
    if (json::parse(key_json, d).ok() && d.IsString()) return std::string(json::view(d));
  }
  return key_json;
}

Status ReduceContext::add_buckets(int64_t n) const {
  if (!bucket_count) return Status::Ok();
  *bucket_count += n;
  if (*bucket_count > max_buckets) {
    return Status(Code::kTooManyBuckets,
                  "Trying to create too many buckets. Must be less than or equal to: [" + std::to_string(max_buckets) +
                      "] but this number of buckets was exceeded. This limit can be set by changing the [search.max_buckets] "
                      "cluster level setting.")
        .with("max_buckets", std::to_string(max_buckets));
  }
  return Status::Ok();
}

std::string Partial::typed_name() const { return def().type; }

std::optional<double> Partial::property(std::string_view name) const {
  if (auto c = single_bucket_doc_count(); c && (name.empty() || name == "_count" || name == "doc_count")) {
    return static_cast<double>(*c);
  }
  return std::nullopt;
}

Result<std::unique_ptr<SubCollectors>> SubCollectors::create(const AggDefs& defs, ShardContext& ctx) {
  auto out = std::make_unique<SubCollectors>();
  for (const auto& d : defs) {
    if (d->is_pipeline()) continue;
    auto c = d->collector(ctx);
    if (!c.ok()) return c.status();
    out->collectors_.emplace_back(d.get(), std::move(*c));
  }
  return out;
}

SubCollectors* SubCollectors::lazy(std::unique_ptr<SubCollectors>& slot, const AggDefs& defs, ShardContext& ctx,
                                   Status* error) {
  if (!slot) {
    auto made = create(defs, ctx);
    if (made.ok()) {
      slot = std::move(*made);
    } else {
      if (error->ok()) *error = made.status();
      slot = std::make_unique<SubCollectors>();
    }
  }
  return slot.get();
}

Result<NamedPartials> SubCollectors::finish() {
  NamedPartials out;
  for (auto& [def, c] : collectors_) {
    auto p = c->finish();
    if (!p.ok()) return p.status();
    out.items.emplace_back(def, std::move(*p));
  }
  return out;
}

bool any_needs_scores(const AggDefs& defs) {
  for (const auto& d : defs) {
    if (d->needs_scores() || any_needs_scores(d->subs)) return true;
  }
  return false;
}

NamedPartials empty_named(const AggDefs& defs) {
  NamedPartials out;
  for (const auto& d : defs) {
    if (!d->is_pipeline()) out.items.emplace_back(d.get(), d->empty_partial());
  }
  return out;
}

Status finalize_named(NamedPartials& named, const AggDefs& defs, const ReduceContext& ctx) {
  for (auto& [def, p] : named.items) QUARRY_RETURN_IF_ERROR(p->finalize(ctx));
  // Sibling pipelines, in request order, each seeing the results before it (pipelines included).
  for (size_t i = 0; i < defs.size(); ++i) {
    const AggDef& d = *defs[i];
    if (!d.is_pipeline() || d.is_parent_pipeline()) continue;
    auto r = d.run_sibling(named, ctx);
    if (!r.ok()) return r.status();
    // Keep the request order: insert after the results of the definitions before it.
    size_t pos = 0;
    for (size_t j = 0; j < i; ++j) {
      for (const auto& item : named.items) pos += item.first == defs[j].get();
    }
    named.items.insert(named.items.begin() + static_cast<std::ptrdiff_t>(std::min(pos, named.items.size())),
                       {&d, std::move(*r)});
  }
  return Status::Ok();
}

Status run_parent_pipelines(std::vector<Bucket>& buckets, const AggDefs& defs, const ReduceContext& ctx) {
  for (const auto& d : defs) {
    if (d->is_parent_pipeline()) QUARRY_RETURN_IF_ERROR(d->run_parent(buckets, ctx));
  }
  return Status::Ok();
}

Status finalize_buckets(std::vector<Bucket>& buckets, const AggDefs& defs, const ReduceContext& ctx) {
  QUARRY_RETURN_IF_ERROR(ctx.add_buckets(static_cast<int64_t>(buckets.size())));
  for (auto& b : buckets) QUARRY_RETURN_IF_ERROR(finalize_named(b.subs, defs, ctx));
  return run_parent_pipelines(buckets, defs, ctx);
}

void merge_bucket(Bucket& a, Bucket& b) {
  a.doc_count += b.doc_count;
  a.subs.merge(b.subs);
}

void render_named(json::Writer& w, const NamedPartials& named) {
  for (const auto& [def, p] : named.items) {
    if (tl_typed_keys) {
      write_key(w, p->typed_name() + "#" + def->name);
    } else {
      write_key(w, def->name);
    }
    w.StartObject();
    if (!def->meta_json.empty()) {
      w.Key("meta");
      json::write_raw(w, def->meta_json);
    }
    p->render(w);
    w.EndObject();
  }
}

void render_aggregations(json::Writer& w, const NamedPartials& named, bool typed_keys) {
  bool saved = tl_typed_keys;
  tl_typed_keys = typed_keys;
  render_named(w, named);
  tl_typed_keys = saved;
}

void render_buckets(json::Writer& w, const std::vector<Bucket>& buckets, bool keyed) {
  w.Key("buckets");
  keyed ? w.StartObject() : w.StartArray();
  for (const auto& b : buckets) {
    if (keyed) write_key(w, b.keyed_key());
    w.StartObject();
    if (!b.key_json.empty()) {
      w.Key("key");
      json::write_raw(w, b.key_json);
    }
    if (!b.key_as_string.empty()) {
      w.Key("key_as_string");
      w.String(b.key_as_string.c_str(), static_cast<rapidjson::SizeType>(b.key_as_string.size()));
    }
    for (const auto& [k, v] : b.members_before) {
      write_key(w, k);
      json::write_raw(w, v);
    }
    w.Key("doc_count");
    w.Uint64(b.doc_count);
    for (const auto& [k, v] : b.members_after) {
      write_key(w, k);
      json::write_raw(w, v);
    }
    render_named(w, b.subs);
    w.EndObject();
  }
  keyed ? w.EndObject() : w.EndArray();
}

namespace {

// Splits the last path element "name.metric" / "name[metric]" into its parts.
void split_metric(std::string_view element, std::string_view* name, std::string_view* metric) {
  auto br = element.find('[');
  if (br != std::string_view::npos && element.back() == ']') {
    *name = element.substr(0, br);
    *metric = element.substr(br + 1, element.size() - br - 2);
    return;
  }
  auto dot = element.find('.');
  *name = element.substr(0, dot);
  *metric = dot == std::string_view::npos ? std::string_view() : element.substr(dot + 1);
}

}  // namespace

Result<const Partial*> find_path_target(const NamedPartials& named, std::string_view path, std::string* rest) {
  const NamedPartials* level = &named;
  while (true) {
    auto gt = path.find('>');
    std::string_view element = path.substr(0, gt);
    if (gt == std::string_view::npos) {
      std::string_view name, metric;
      split_metric(element, &name, &metric);
      const Partial* p = level->find(name);
      if (!p) return Status::InvalidArgument("No aggregation found for path [" + std::string(path) + "]");
      *rest = std::string(metric);
      return p;
    }
    Partial* p = level->find(element);
    if (!p) return Status::InvalidArgument("No aggregation found for path [" + std::string(path) + "]");
    NamedPartials* subs = p->single_bucket_subs();
    if (!subs) {
      return Status::InvalidArgument("[" + std::string(element) +
                                     "] is not a single-bucket aggregation and cannot be used in the middle of a buckets_path");
    }
    level = subs;
    path = path.substr(gt + 1);
  }
}

std::optional<double> resolve_bucket_path(const Bucket& bucket, std::string_view path) {
  if (path == "_count") return static_cast<double>(bucket.doc_count);
  if (path == "_key") return bucket.number;
  std::string rest;
  auto target = find_path_target(bucket.subs, path, &rest);
  if (!target.ok()) return std::nullopt;
  return (*target)->property(rest);
}

void write_number_or_null(json::Writer& w, double v) {
  if (std::isfinite(v)) {
    w.Double(v);
  } else {
    w.Null();
  }
}

}  // namespace quarry::query::aggs
