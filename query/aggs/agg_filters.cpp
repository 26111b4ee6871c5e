// filter, filters, missing and global: buckets defined by documents rather than values.
//  - filter: the matches that also match a query (one bucket).
//  - filters: one bucket per query, named (keyed, ordered by name) or anonymous (an array in
//    request order), plus an optional "other" bucket for the matches none of them took.
//  - missing: the matches without a value in a field (one bucket).
//  - global: every document of the searched indices, whatever the query (one bucket).
// Each shard evaluates a query once into a DocSet (ShardContext::matching) and tests membership per
// collected document.
#include <algorithm>
#include <map>
#include <mutex>

#include "query/aggs/agg_buckets.h"
#include "query/aggs/params.h"
#include "query/aggs/shard_context.h"
#include "query/query_parser.h"

namespace quarry::query::aggs {

namespace {

// A filter's matching documents per shard, computed once per request: a filter under a
// multi-bucket aggregation is instantiated once per bucket, and each would otherwise run the
// query again. Keyed by the shard (searched once per request; its reader is leased throughout).
class DocSetCache {
 public:
  Result<std::shared_ptr<const DocSet>> get(ShardContext& ctx, const QueryNode& q) const {
    const void* key = &ctx.shard();
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = sets_.find(key);
      if (it != sets_.end()) return it->second;
    }
    auto set = ctx.matching(q);
    if (!set.ok()) return set.status();
    std::lock_guard<std::mutex> lock(mu_);
    sets_.emplace(key, *set);
    return *set;
  }

 private:
  mutable std::mutex mu_;
  mutable std::map<const void*, std::shared_ptr<const DocSet>> sets_;
};

// ---- filter / missing / global -------------------------------------------------------------

class SingleDef : public AggDef {
 public:
  enum class Kind { kFilter, kMissing, kGlobal } kind = Kind::kFilter;
  QueryPtr query;           // filter
  ValuesSourceSpec source;  // missing
  DocSetCache cache;        // filter

  Result<std::unique_ptr<Collector>> collector(ShardContext& ctx) const override;
  PartialPtr empty_partial() const override {
    auto p = std::make_unique<SingleBucketPartial>(this);
    p->subs = empty_named(subs);
    return p;
  }
};

class SingleCollector : public Collector {
 public:
  SingleCollector(const SingleDef* def, ShardContext& ctx) : def_(def), ctx_(ctx) {}
  std::shared_ptr<const DocSet> set;  // filter
  FieldValues values;                 // missing
  bool unmapped = false;

  void collect(Xapian::docid did, double score) override {
    switch (def_->kind) {
      case SingleDef::Kind::kFilter:
        if (!set->contains(did)) return;
        break;
      case SingleDef::Kind::kMissing:
        if (!def_->source.missing_json.empty()) return;  // `missing` gives every document a value
        if (!unmapped && ((values.numeric && values.numeric->has(did)) || (values.ordinals && values.ordinals->has(did)))) return;
        break;
      case SingleDef::Kind::kGlobal:
        return;  // every document is visited in finish()
    }
    slot_.collect(def_->subs, ctx_, did, score, &error_);
  }

  Result<PartialPtr> finish() override {
    if (def_->kind == SingleDef::Kind::kGlobal) {
      auto all = ctx_.all_documents();
      for (Xapian::docid d = 0; d < all->bits.size(); ++d) {
        if (all->bits[d]) slot_.collect(def_->subs, ctx_, d, 1.0, &error_);
      }
    }
    if (!error_.ok()) return error_;
    auto out = std::make_unique<SingleBucketPartial>(def_);
    out->doc_count = slot_.count;
    auto named = slot_.finish(def_->subs);
    if (!named.ok()) return named.status();
    out->subs = std::move(*named);
    return PartialPtr(std::move(out));
  }

 private:
  const SingleDef* def_;
  ShardContext& ctx_;
  BucketSlot slot_;
  Status error_;
};

Result<std::unique_ptr<Collector>> SingleDef::collector(ShardContext& ctx) const {
  QUARRY_RETURN_IF_ERROR(check_no_global(subs));
  auto c = std::make_unique<SingleCollector>(this, ctx);
  if (kind == Kind::kFilter) {
    auto set = cache.get(ctx, *query);
    if (!set.ok()) return set.status();
    c->set = *set;
  } else if (kind == Kind::kMissing) {
    const index::FieldMapping* f = ctx.field(source.field);
    if (!f || f->type == index::FieldType::kObject) {
      c->unmapped = true;
    } else {
      auto values = resolve_values(source, ctx, ValuesKind::kAny, "missing");
      if (!values.ok()) return values.status();
      c->values = std::move(*values);
    }
  }
  return std::unique_ptr<Collector>(std::move(c));
}

Result<std::unique_ptr<AggDef>> parse_filter(const json::Value& body, const std::string&) {
  auto def = std::make_unique<SingleDef>();
  def->kind = SingleDef::Kind::kFilter;
  auto q = parse_query(body);
  if (!q.ok()) return q.status();
  def->query = *q;
  return std::unique_ptr<AggDef>(std::move(def));
}

Result<std::unique_ptr<AggDef>> parse_missing(const json::Value& body, const std::string&) {
  auto def = std::make_unique<SingleDef>();
  def->kind = SingleDef::Kind::kMissing;
  Params p(body, "missing");
  QUARRY_RETURN_IF_ERROR(def->source.parse(p));
  QUARRY_RETURN_IF_ERROR(p.finish());
  return std::unique_ptr<AggDef>(std::move(def));
}

Result<std::unique_ptr<AggDef>> parse_global(const json::Value& body, const std::string&) {
  auto def = std::make_unique<SingleDef>();
  def->kind = SingleDef::Kind::kGlobal;
  Params p(body, "global");
  QUARRY_RETURN_IF_ERROR(p.finish());
  return std::unique_ptr<AggDef>(std::move(def));
}

// ---- filters --------------------------------------------------------------------------------

class FiltersDef : public AggDef {
 public:
  std::vector<std::pair<std::string, QueryPtr>> filters;  // named: sorted by name
  std::vector<std::unique_ptr<DocSetCache>> caches;       // one per filter
  bool named = false;
  bool keyed = true;
  bool other_bucket = false;
  std::string other_key = "_other_";

  Result<std::unique_ptr<Collector>> collector(ShardContext& ctx) const override;
  PartialPtr empty_partial() const override;
};

class FiltersPartial : public Partial {
 public:
  explicit FiltersPartial(const FiltersDef* def) : Partial(def), fdef_(def) {}
  std::vector<Bucket> buckets_;  // the filters' buckets in order, then "other"

  void merge(Partial& other_base) override {
    auto& other = static_cast<FiltersPartial&>(other_base);
    for (size_t i = 0; i < buckets_.size() && i < other.buckets_.size(); ++i) merge_bucket(buckets_[i], other.buckets_[i]);
  }
  Status finalize(const ReduceContext& ctx) override {
    for (size_t i = 0; i < buckets_.size(); ++i) {
      Bucket& b = buckets_[i];
      b.number = static_cast<double>(i);
      std::string name = i < fdef_->filters.size() ? fdef_->filters[i].first : fdef_->other_key;
      b.keyed_name = fdef_->named ? name : std::to_string(i);
      b.key_json = fdef_->named && !fdef_->keyed ? json_string(name) : "";
    }
    return finalize_buckets(buckets_, fdef_->subs, ctx);
  }
  void render(json::Writer& w) const override { render_buckets(w, buckets_, fdef_->keyed && fdef_->named); }
  std::vector<Bucket>* buckets() override { return &buckets_; }

 private:
  const FiltersDef* fdef_;
};

PartialPtr FiltersDef::empty_partial() const {
  auto p = std::make_unique<FiltersPartial>(this);
  for (size_t i = 0; i < filters.size() + (other_bucket ? 1 : 0); ++i) {
    Bucket b;
    b.subs = empty_named(subs);
    p->buckets_.push_back(std::move(b));
  }
  return p;
}

class FiltersCollector : public Collector {
 public:
  FiltersCollector(const FiltersDef* def, ShardContext& ctx, std::vector<std::shared_ptr<const DocSet>> sets)
      : def_(def), ctx_(ctx), sets_(std::move(sets)), slots_(sets_.size() + (def->other_bucket ? 1 : 0)) {}

  void collect(Xapian::docid did, double score) override {
    bool any = false;
    for (size_t i = 0; i < sets_.size(); ++i) {
      if (sets_[i]->contains(did)) {
        any = true;
        slots_[i].collect(def_->subs, ctx_, did, score, &error_);
      }
    }
    if (!any && def_->other_bucket) slots_.back().collect(def_->subs, ctx_, did, score, &error_);
  }

  Result<PartialPtr> finish() override {
    if (!error_.ok()) return error_;
    auto out = std::make_unique<FiltersPartial>(def_);
    for (auto& slot : slots_) {
      Bucket b;
      b.doc_count = slot.count;
      auto named = slot.finish(def_->subs);
      if (!named.ok()) return named.status();
      b.subs = std::move(*named);
      out->buckets_.push_back(std::move(b));
    }
    return PartialPtr(std::move(out));
  }

 private:
  const FiltersDef* def_;
  ShardContext& ctx_;
  std::vector<std::shared_ptr<const DocSet>> sets_;
  std::vector<BucketSlot> slots_;
  Status error_;
};

Result<std::unique_ptr<Collector>> FiltersDef::collector(ShardContext& ctx) const {
  QUARRY_RETURN_IF_ERROR(check_no_composite(subs, type));
  QUARRY_RETURN_IF_ERROR(check_no_global(subs));
  std::vector<std::shared_ptr<const DocSet>> sets;
  for (size_t i = 0; i < filters.size(); ++i) {
    auto set = caches[i]->get(ctx, *filters[i].second);
    if (!set.ok()) return set.status();
    sets.push_back(*set);
  }
  return std::unique_ptr<Collector>(std::make_unique<FiltersCollector>(this, ctx, std::move(sets)));
}

Result<std::unique_ptr<AggDef>> parse_filters(const json::Value& body, const std::string& name) {
  auto def = std::make_unique<FiltersDef>();
  Params p(body, "filters");
  const json::Value* filters = p.get("filters");
  if (!filters) return Status::Parsing("[filters] cannot be empty.");
  if (filters->IsObject()) {
    def->named = true;
    for (auto it = filters->MemberBegin(); it != filters->MemberEnd(); ++it) {
      auto q = parse_query(it->value);
      if (!q.ok()) return q.status();
      def->filters.emplace_back(std::string(json::view(it->name)), *q);
    }
    std::stable_sort(def->filters.begin(), def->filters.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  } else if (filters->IsArray()) {
    for (const auto& f : filters->GetArray()) {
      auto q = parse_query(f);
      if (!q.ok()) return q.status();
      def->filters.emplace_back(std::to_string(def->filters.size()), *q);
    }
    def->keyed = false;
  } else {
    return Status::Parsing("Unknown key for a " + std::string(json::type_name(*filters)) + " in [filters]: [filters].");
  }
  if (def->filters.empty()) return Status::InvalidArgument("[filters] cannot be empty.");
  for (size_t i = 0; i < def->filters.size(); ++i) def->caches.push_back(std::make_unique<DocSetCache>());
  auto keyed = p.boolean("keyed");
  if (!keyed.ok()) return keyed.status();
  if (*keyed && def->named) def->keyed = **keyed;
  auto other = p.boolean("other_bucket");
  if (!other.ok()) return other.status();
  auto other_key = p.string("other_bucket_key");
  if (!other_key.ok()) return other_key.status();
  if (*other_key) {
    def->other_key = **other_key;
    def->other_bucket = true;
  }
  if (*other) def->other_bucket = **other;
  QUARRY_RETURN_IF_ERROR(p.finish());
  (void)name;
  return std::unique_ptr<AggDef>(std::move(def));
}

}  // namespace

void register_filter_aggs(Registry& r) {
  r.add("filter", parse_filter);
  r.add("filters", parse_filters);
  r.add("missing", parse_missing);
  r.add("global", parse_global);
}

}  // namespace quarry::query::aggs
