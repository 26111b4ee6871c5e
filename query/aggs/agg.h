// Aggregations: the core types every aggregation implements.
//
// Life of an aggregation request (see docs/aggregations.md):
//  1. parse (coordinator): the "aggs" JSON -> a tree of AggDef (one subclass per type, found in
//     registry.cpp); immutable afterwards and shared by the shard threads of the request.
//  2. collect (each shard, in parallel): AggDef::collector() makes a Collector bound to the
//     shard's reader; the query's match loop calls collect() for every matching document; finish()
//     turns it into the shard's Partial (for top_hits, also fetching what it needs).
//  3. reduce (coordinator): Partials of the same aggregation from every shard merge() into one;
//     finalize() then trims (terms size), fills (empty histogram buckets), counts buckets against
//     search.max_buckets and runs the pipeline aggregations; render() writes the response.
//
// Multi-bucket results share one Bucket shape so that pipelines (derivative, bucket_sort, ...)
// and the bucket renderer work on any of them.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "index/json.h"
#include "index/mapping.h"
#include "index/status.h"

namespace quarry::query::aggs {

class AggDef;
class Partial;
class ShardContext;
using PartialPtr = std::unique_ptr<Partial>;
using AggDefs = std::vector<std::unique_ptr<AggDef>>;

// Results of sibling aggregations, in request order (response order is the same).
struct NamedPartials {
  std::vector<std::pair<const AggDef*, PartialPtr>> items;

  Partial* find(std::string_view name) const;
  // Merges another shard's results of the same definitions (same order) into these.
  void merge(NamedPartials& other);
};

// One bucket of a multi-bucket aggregation.
struct Bucket {
  std::string key_json;           // JSON of "key" ("\"game\"", "12", "1.5"); "" = no key member
  std::string key_as_string;      // "" = no key_as_string member
  std::string keyed_name;         // name under "buckets" when keyed; "" = key_as_string or key
  // Extra members (name, raw JSON value) before doc_count (range "from"/"to") and after it
  // (terms "doc_count_error_upper_bound", significant_terms "score").
  std::vector<std::pair<std::string, std::string>> members_before, members_after;
  uint64_t doc_count = 0;
  double number = 0;              // numeric key (histogram, range from) for ordering and pipelines
  NamedPartials subs;             // sub-aggregations (and pipeline results added by finalize)

  // Name used when rendered keyed.
  std::string keyed_key() const;
};

struct ReduceContext {
  int64_t max_buckets = 65536;     // search.max_buckets
  int64_t* bucket_count = nullptr; // running total over the whole response
  // Counts `n` more buckets. Errors: too_many_buckets_exception.
  Status add_buckets(int64_t n) const;
};

class Partial {
 public:
  explicit Partial(const AggDef* def) : def_(def) {}
  virtual ~Partial() = default;
  const AggDef& def() const { return *def_; }

  // Adds another shard's partial of the same aggregation into this one.
  virtual void merge(Partial& other) = 0;
  // Once, after every merge: final computations. Multi-bucket results finalize their buckets'
  // sub-aggregations (finalize_named) and run their parent pipelines here.
  virtual Status finalize(const ReduceContext& ctx) = 0;
  // Writes the members of this aggregation's result object (without the braces). "meta" is
  // written by the caller.
  virtual void render(json::Writer& w) const = 0;
  // The name typed_keys prints before '#' (Elasticsearch's result type: "sterms", "avg", ...).
  virtual std::string typed_name() const;
  // A numeric property for buckets_path and terms `order`: "" = the natural value ("value" of
  // single-value metrics, doc_count of single-bucket aggregations), else e.g. "avg", "99", "max",
  // "_count". nullopt: no such property.
  virtual std::optional<double> property(std::string_view name) const;
  // The value a pipeline's buckets_path reads ("agg[name]" / "agg.name"): property(name) unless
  // the aggregation has its own rules and errors (top_hits: a field of its single hit).
  virtual Result<std::optional<double>> path_value(std::string_view name) const { return property(name); }
  // Multi-bucket results expose their (finalized) buckets to pipelines; nullptr otherwise.
  virtual std::vector<Bucket>* buckets() { return nullptr; }
  // Single-bucket results (filter, missing, global, sampler) expose their one bucket's content.
  virtual NamedPartials* single_bucket_subs() { return nullptr; }
  virtual std::optional<uint64_t> single_bucket_doc_count() const { return std::nullopt; }

 private:
  const AggDef* def_;
};

// Per-shard collection. Not thread-safe: one per shard thread.
class Collector {
 public:
  virtual ~Collector() = default;
  virtual void collect(Xapian::docid did, double score) = 0;
  // The shard's partial result. Called once, while the shard's reader is still leased.
  virtual Result<PartialPtr> finish() = 0;
};

// The sub-aggregations of one bucket on one shard (pipelines excluded: they run on the coordinator).
class SubCollectors {
 public:
  static Result<std::unique_ptr<SubCollectors>> create(const AggDefs& defs, ShardContext& ctx);
  // The collectors in `slot`, created on a bucket's first document. A creation error is kept in
  // `*error` (the first one wins) and the bucket then collects into nothing.
  static SubCollectors* lazy(std::unique_ptr<SubCollectors>& slot, const AggDefs& defs, ShardContext& ctx,
                             Status* error);
  void collect(Xapian::docid did, double score) {
    for (auto& c : collectors_) c.second->collect(did, score);
  }
  bool empty() const { return collectors_.empty(); }
  Result<NamedPartials> finish();

 private:
  std::vector<std::pair<const AggDef*, std::unique_ptr<Collector>>> collectors_;
};

class AggDef {
 public:
  virtual ~AggDef() = default;
  std::string name;
  std::string type;                 // as in the request: "terms", "avg", ...
  std::string meta_json;            // "meta" as given ("" = none)
  AggDefs subs;                     // sub-aggregations, pipelines included, in request order

  virtual bool is_pipeline() const { return false; }
  // A pipeline's buckets_path values (empty for other aggregations).
  virtual std::vector<std::string> buckets_paths() const { return {}; }
  // Whether this aggregation accepts sub-aggregations (metrics do not).
  virtual bool accepts_subs() const { return true; }
  // Whether collect() needs the real query score (top_hits, sampler): the shard then runs the
  // aggregation pass with BM25 even when the hits are sorted by a field without track_scores.
  virtual bool needs_scores() const { return false; }
  // Shard side. Errors here (a text field, a bad format for the field's type) fail the search
  // with a 400.
  virtual Result<std::unique_ptr<Collector>> collector(ShardContext& ctx) const = 0;
  // The result when nothing was collected anywhere (no shard, every index unmapped).
  virtual PartialPtr empty_partial() const = 0;
  // Sibling pipelines (avg_bucket, ...): computes this pipeline's result from its siblings.
  virtual Result<PartialPtr> run_sibling(NamedPartials& /*siblings*/, const ReduceContext&) const {
    return Status::Internal("not a sibling pipeline");
  }
  // Parent pipelines (derivative, cumulative_sum, bucket_sort, bucket_selector): rewrites the
  // buckets of the enclosing multi-bucket aggregation (adding results to each bucket's subs,
  // reordering or dropping buckets). Only called when is_parent_pipeline().
  virtual bool is_parent_pipeline() const { return false; }
  virtual Status run_parent(std::vector<Bucket>& /*buckets*/, const ReduceContext&) const {
    return Status::Internal("not a parent pipeline");
  }
};

// Whether any definition in the tree (sub-aggregations included) needs_scores().
bool any_needs_scores(const AggDefs& defs);
// Creates the empty result of every non-pipeline definition (for shards-less requests).
NamedPartials empty_named(const AggDefs& defs);
// Finalizes every result in `named`, then runs the sibling pipelines among `defs` in order,
// inserting their results at the pipelines' positions. Call once per level.
Status finalize_named(NamedPartials& named, const AggDefs& defs, const ReduceContext& ctx);
// Runs the parent pipelines among `defs` over `buckets` (after each bucket was finalized).
Status run_parent_pipelines(std::vector<Bucket>& buckets, const AggDefs& defs, const ReduceContext& ctx);
// Writes {"name": {...}, ...} members for every result (with "meta"); `typed_keys` prefixes
// names with "type#" as Elasticsearch's typed_keys parameter does.
// The top-level call: writes the "aggregations" object's members.
void render_aggregations(json::Writer& w, const NamedPartials& named, bool typed_keys);
// Nested levels (a bucket's sub-aggregations): same options as the enclosing render_aggregations.
void render_named(json::Writer& w, const NamedPartials& named);
// Writes "buckets": [...] or {...} (keyed).
void render_buckets(json::Writer& w, const std::vector<Bucket>& buckets, bool keyed);
// Merges bucket b into a (same key): doc counts and sub-aggregations.
void merge_bucket(Bucket& a, Bucket& b);
// Finalizes each bucket's subs, counts them against max_buckets and runs parent pipelines.
Status finalize_buckets(std::vector<Bucket>& buckets, const AggDefs& defs, const ReduceContext& ctx);

// Resolves a buckets_path ("agg>agg2.metric", "_count", "_key") against one bucket's contents.
// nullopt: the path leads nowhere (Elasticsearch's "gap").
std::optional<double> resolve_bucket_path(const Bucket& bucket, std::string_view path);
// Resolves a path against sibling results (for sibling pipelines and terms order).
Result<const Partial*> find_path_target(const NamedPartials& named, std::string_view path, std::string* rest);

// Whether the writer should print a double as Elasticsearch does for metric values (NaN/inf as null).
void write_number_or_null(json::Writer& w, double v);

}  // namespace quarry::query::aggs
