// Pieces shared by the bucket aggregation families (agg_histogram.cpp, agg_range.cpp,
// agg_filters.cpp, agg_composite.cpp): per-bucket sub-collector slots, the single-bucket result
// (filter, missing, global), ordering + finalizing of multi-bucket results, and date parameters.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "index/dates.h"
#include "query/aggs/agg.h"
#include "query/aggs/agg_histogram_rounding.h"
#include "query/aggs/params.h"
#include "query/aggs/bucket_order.h"
#include "query/aggs/registry.h"

namespace quarry::query::aggs {

void register_histogram_aggs(Registry& r);  // agg_histogram.cpp: histogram, date_histogram
void register_range_aggs(Registry& r);      // agg_range.cpp: range, date_range
void register_filter_aggs(Registry& r);     // agg_filters.cpp: filter, filters, missing, global
void register_composite_aggs(Registry& r);  // agg_composite.cpp: composite

// The documents of one bucket on one shard: a count and the bucket's sub-collectors (created on
// the first document, so that empty buckets cost nothing).
struct BucketSlot {
  uint64_t count = 0;
  std::unique_ptr<SubCollectors> subs;

  // Counts `did` and feeds it to the sub-aggregations. Errors are kept in `*error`.
  void collect(const AggDefs& defs, ShardContext& ctx, Xapian::docid did, double score, Status* error);
  // The bucket's sub-results (empty results if no document reached it).
  Result<NamedPartials> finish(const AggDefs& defs);
};

bool has_sub_collectors(const AggDefs& defs);
// Elasticsearch's rule that `global` is top-level only, checked over a whole subtree.
// Errors: kInvalidArgument "Aggregation [x] of type [global] cannot be a sub-aggregation".
Status check_no_global(const AggDefs& subs);
// date_histogram's "time_zone" (UTC when absent) and "offset" (millis, or "+1h" / "-6h"), shared
// by the date_histogram aggregation and composite's date_histogram source. Errors: kInvalidArgument
// for an unknown zone or offset, the Params error for an offset of another JSON type.
Status parse_zone_and_offset(Params& p, TimeZone* tz, int64_t* offset);
// Elasticsearch's rule that `composite` has no multi-bucket ancestor: called by multi-bucket
// aggregations over their subtree. Errors: kInvalidArgument.
Status check_no_composite(const AggDefs& subs, const std::string& parent_type);

// A JSON string literal of `s`.
std::string json_string(std::string_view s);
// A double as Elasticsearch prints it in JSON (1.0, 2.5, 1.0E-10 style is not needed: rapidjson).
std::string double_json(double v);
// Java's Double.toString for keys of range buckets ("100.0", "1.0E10").
std::string java_double_string(double v);

// Fails with too_many_buckets_exception if `n` more buckets would exceed search.max_buckets; does
// not count them (finalize_buckets does, when they exist).
Status check_bucket_room(const ReduceContext& ctx, double n);

// Finalizes `buckets` in `order` (nullptr: keep the current order): sub-aggregations first when the
// order reads them, then counting, sibling and parent pipelines (finalize_buckets otherwise).
Status finalize_in_order(std::vector<Bucket>& buckets, const AggDefs& defs, const ReduceContext& ctx,
                         const BucketOrder* order);

// The result of filter, missing, global: one bucket without a key.
class SingleBucketPartial : public Partial {
 public:
  explicit SingleBucketPartial(const AggDef* def) : Partial(def) {}
  uint64_t doc_count = 0;
  NamedPartials subs;

  void merge(Partial& other) override;
  Status finalize(const ReduceContext& ctx) override;
  void render(json::Writer& w) const override;
  std::optional<double> property(std::string_view name) const override;
  NamedPartials* single_bucket_subs() override { return &subs; }
  std::optional<uint64_t> single_bucket_doc_count() const override { return doc_count; }
};

// A date parameter (extended_bounds, date_range from/to, composite after): epoch millis, or a
// string in `format` (a wall time in `tz` unless it names its zone), or date math ("now-10d/d",
// "2020-01-01||+1M"). Errors: kParsing naming the value.
Result<int64_t> parse_date_param(const json::Value& v, const index::DateFormat& format, const TimeZone& tz,
                                 int64_t now_ms, bool round_up = false);
using index::now_millis;
// A DecimalFormat pattern with literal text around the number ("Value is ##0.0"); nullopt when
// the number part is not supported.
std::optional<std::string> format_decimal(double v, const std::string& pattern);
// DateFormat::compile with the aggregation-only names too ("iso8601").
Result<index::DateFormat> compile_date_format(const std::string& spec);

}  // namespace quarry::query::aggs
