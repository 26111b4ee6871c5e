// The sampler aggregation: a single bucket holding, on each shard, the `shard_size` best-scoring
// matches (ties: lower docid first); its sub-aggregations see only those documents. Used to make
// significant_terms / significant_text fast and focused on the most relevant matches.
#include <algorithm>
#include <queue>

#include "query/aggs/agg_special.h"
#include "query/aggs/params.h"
#include "query/aggs/shard_context.h"

namespace quarry::query::aggs {

namespace {

class SamplerDef : public AggDef {
 public:
  int64_t shard_size = 100;
  bool needs_scores() const override { return true; }
  Result<std::unique_ptr<Collector>> collector(ShardContext& ctx) const override;
  PartialPtr empty_partial() const override;
};

class SamplerPartial : public Partial {
 public:
  explicit SamplerPartial(const AggDef* def) : Partial(def) {}
  void merge(Partial& other_base) override {
    auto& other = static_cast<SamplerPartial&>(other_base);
    doc_count += other.doc_count;
    subs.merge(other.subs);
  }
  Status finalize(const ReduceContext& ctx) override { return finalize_named(subs, def().subs, ctx); }
  void render(json::Writer& w) const override {
    w.Key("doc_count");
    w.Uint64(doc_count);
    render_named(w, subs);
  }
  NamedPartials* single_bucket_subs() override { return &subs; }
  std::optional<uint64_t> single_bucket_doc_count() const override { return doc_count; }

  uint64_t doc_count = 0;
  NamedPartials subs;
};

PartialPtr SamplerDef::empty_partial() const {
  auto p = std::make_unique<SamplerPartial>(this);
  p->subs = empty_named(subs);
  return p;
}

struct Scored {
  double score;
  Xapian::docid did;
};
// "a is better than b": higher score, then lower docid.
bool better(const Scored& a, const Scored& b) { return a.score != b.score ? a.score > b.score : a.did < b.did; }

class SamplerCollector : public Collector {
 public:
  SamplerCollector(const SamplerDef* def, std::unique_ptr<SubCollectors> subs) : def_(def), subs_(std::move(subs)) {}

  void collect(Xapian::docid did, double score) override {
    Scored s{score, did};
    auto limit = static_cast<size_t>(def_->shard_size);
    if (heap_.size() < limit) {
      heap_.push_back(s);
      std::push_heap(heap_.begin(), heap_.end(), better);  // the worst kept sample on top
    } else if (limit > 0 && better(s, heap_.front())) {
      std::pop_heap(heap_.begin(), heap_.end(), better);
      heap_.back() = s;
      std::push_heap(heap_.begin(), heap_.end(), better);
    }
  }

  Result<PartialPtr> finish() override {
    // The sample is replayed in docid order, as the sub-aggregations would have seen it.
    std::sort(heap_.begin(), heap_.end(), [](const Scored& a, const Scored& b) { return a.did < b.did; });
    for (const auto& s : heap_) subs_->collect(s.did, s.score);
    auto out = std::make_unique<SamplerPartial>(def_);
    out->doc_count = heap_.size();
    auto named = subs_->finish();
    if (!named.ok()) return named.status();
    out->subs = std::move(*named);
    return PartialPtr(std::move(out));
  }

 private:
  const SamplerDef* def_;
  std::unique_ptr<SubCollectors> subs_;
  std::vector<Scored> heap_;  // at most shard_size entries
};

Result<std::unique_ptr<Collector>> SamplerDef::collector(ShardContext& ctx) const {
  auto subs_made = SubCollectors::create(subs, ctx);
  if (!subs_made.ok()) return subs_made.status();
  return std::unique_ptr<Collector>(std::make_unique<SamplerCollector>(this, std::move(*subs_made)));
}

// Elasticsearch refuses sample sizes it could not hold; so do we (the heap is allocated as it fills).
constexpr int64_t kMaxShardSize = 1 << 24;

Result<std::unique_ptr<AggDef>> parse_sampler(const json::Value& body, const std::string& name) {
  auto def = std::make_unique<SamplerDef>();
  Params p(body, "sampler");
  auto ss = p.integer("shard_size");
  if (!ss.ok()) return ss.status();
  if (*ss) {
    if (**ss < 1 || **ss > kMaxShardSize) {
      return Status::InvalidArgument("[shard_size] must be between 1 and " + std::to_string(kMaxShardSize) + ". Found [" +
                                     std::to_string(**ss) + "] in [" + name + "]");
    }
    def->shard_size = **ss;
  }
  QUARRY_RETURN_IF_ERROR(p.finish());
  return std::unique_ptr<AggDef>(std::move(def));
}

}  // namespace

void register_sampler_agg(Registry& r) { r.add("sampler", parse_sampler); }

}  // namespace quarry::query::aggs
