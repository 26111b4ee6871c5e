// The numeric metrics beyond the single-pass basics: extended_stats, cardinality (HyperLogLog++,
// hll.h), percentiles / percentile_ranks / median_absolute_deviation (t-digest, tdigest.h) and
// weighted_avg. Every partial merges across shards; approximations stay mergeable sketches until
// the coordinator renders them.
#include <algorithm>
#include <cmath>
#include <limits>

#include "index/field_value.h"
#include "query/aggs/agg.h"
#include "query/aggs/hll.h"
#include "query/aggs/metrics.h"
#include "query/aggs/params.h"
#include "query/aggs/registry.h"
#include "query/aggs/shard_context.h"
#include "query/aggs/tdigest.h"

namespace quarry::query::aggs {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using FieldPtr = std::shared_ptr<const index::FieldMapping>;
FieldPtr copy_field(const index::FieldMapping* f) { return f ? std::make_shared<index::FieldMapping>(*f) : nullptr; }

void write_key(json::Writer& w, const std::string& k) { w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size())); }

// "key": v (null when `present` is false or v is not finite), then "key_as_string" when the field
// or the format has a text form.
void write_value(json::Writer& w, const std::string& key, double v, bool present, const index::FieldMapping* f,
                 const std::string& format) {
  write_key(w, key);
  if (!present) {
    w.Null();
    return;
  }
  write_number_or_null(w, v);
  if (!std::isfinite(v)) return;
  if (auto s = format_value(v, f, format)) {
    write_key(w, key + "_as_string");
    w.String(s->c_str(), static_cast<rapidjson::SizeType>(s->size()));
  }
}

// Every numeric value of a document, or `missing` when it has none.
template <typename F>
void each_number(const FieldValues& fv, Xapian::docid did, F&& f) {
  bool any = false;
  if (fv.numeric) {
    fv.numeric->for_each(did, [&](double v) {
      any = true;
      f(v);
    });
  }
  if (!any && fv.missing_number) f(*fv.missing_number);
}

// A metric definition over one values source.
class SourceDef : public AggDef {
 public:
  ValuesSourceSpec source;
  bool accepts_subs() const override { return false; }
};

// ---------------------------------------------------------------------------------------------
// extended_stats

class ExtendedStatsDef : public SourceDef {
 public:
  double sigma = 2;
  Result<std::unique_ptr<Collector>> collector(ShardContext& ctx) const override;
  PartialPtr empty_partial() const override;
};

class ExtendedStatsPartial : public Partial {
 public:
  ExtendedStatsPartial(const ExtendedStatsDef* def, const index::FieldMapping* f)
      : Partial(def), def_(def), field_(copy_field(f)) {}
  StatsAccumulator acc;

  void merge(Partial& other) override {
    auto& o = static_cast<ExtendedStatsPartial&>(other);
    acc.merge(o.acc);
    if (!field_) field_ = o.field_;
  }
  Status finalize(const ReduceContext&) override { return Status::Ok(); }

  double n() const { return static_cast<double>(acc.count); }
  // Population variance; rounding can push it slightly below zero for constant inputs.
  double variance_population() const {
    if (acc.count == 0) return kNaN;
    // Elasticsearch's formula (and its rounding): (sum of squares - sum^2 / n) / n.
    return std::max(0.0, (acc.sum_of_squares - acc.sum * acc.sum / n()) / n());
  }
  double variance_sampling() const {
    if (acc.count == 0) return kNaN;
    if (acc.count == 1) return kNaN;  // undefined for one value
    return std::max(0.0, (acc.sum_of_squares - acc.sum * acc.sum / n()) / (n() - 1));
  }

  std::optional<double> property(std::string_view name) const override {
    if (auto s = acc.stat(name)) return s;
    double vp = variance_population(), vs = variance_sampling(), avg = acc.avg();
    double sdp = std::sqrt(vp), sds = std::sqrt(vs), sigma = def_->sigma;
    if (name == "sum_of_squares") return acc.count ? acc.sum_of_squares : kNaN;
    if (name == "variance" || name == "variance_population") return vp;
    if (name == "variance_sampling") return vs;
    if (name == "std_deviation" || name == "std_deviation_population") return sdp;
    if (name == "std_deviation_sampling") return sds;
    if (name == "std_upper" || name == "std_upper_population") return avg + sigma * sdp;
    if (name == "std_lower" || name == "std_lower_population") return avg - sigma * sdp;
    if (name == "std_upper_sampling") return avg + sigma * sds;
    if (name == "std_lower_sampling") return avg - sigma * sds;
    return std::nullopt;
  }

  void render(json::Writer& w) const override {
    const auto* f = field_.get();
    const std::string& fmt = def_->source.format;
    bool any = acc.count > 0;
    w.Key("count");
    w.Uint64(acc.count);
    write_value(w, "min", acc.min, any, f, fmt);
    write_value(w, "max", acc.max, any, f, fmt);
    write_value(w, "avg", acc.avg(), any, f, fmt);
    write_value(w, "sum", acc.sum, true, any ? f : nullptr, any ? fmt : "");
    // The second-order statistics are plain numbers even on dates.
    const char* names[] = {"sum_of_squares", "variance", "variance_population", "variance_sampling",
                           "std_deviation", "std_deviation_population", "std_deviation_sampling"};
    for (const char* n : names) write_value(w, n, *property(n), any, nullptr, fmt);
    const char* bounds[][2] = {{"upper", "std_upper"}, {"lower", "std_lower"},
                               {"upper_population", "std_upper_population"}, {"lower_population", "std_lower_population"},
                               {"upper_sampling", "std_upper_sampling"}, {"lower_sampling", "std_lower_sampling"}};
    w.Key("std_deviation_bounds");
    w.StartObject();
    for (const auto& b : bounds) {
      w.Key(b[0]);
      if (any) {
        write_number_or_null(w, *property(b[1]));
      } else {
        w.Null();
      }
    }
    w.EndObject();
    if (any && !fmt.empty()) {
      w.Key("std_deviation_bounds_as_string");
      w.StartObject();
      for (const auto& b : bounds) {
        double v = *property(b[1]);
        if (!std::isfinite(v)) continue;
        if (auto s = format_value(v, nullptr, fmt)) {
          w.Key(b[0]);
          w.String(s->c_str(), static_cast<rapidjson::SizeType>(s->size()));
        }
      }
      w.EndObject();
    }
  }

 private:
  const ExtendedStatsDef* def_;
  FieldPtr field_;
};

class ExtendedStatsCollector : public Collector {
 public:
  ExtendedStatsCollector(const ExtendedStatsDef* def, FieldValues values)
      : values_(std::move(values)), partial_(std::make_unique<ExtendedStatsPartial>(def, values_.field)) {}
  void collect(Xapian::docid did, double) override {
    each_number(values_, did, [&](double v) { partial_->acc.add(v); });
  }
  Result<PartialPtr> finish() override { return PartialPtr(std::move(partial_)); }

 private:
  FieldValues values_;
  std::unique_ptr<ExtendedStatsPartial> partial_;
};

Result<std::unique_ptr<Collector>> ExtendedStatsDef::collector(ShardContext& ctx) const {
  auto values = resolve_values(source, ctx, ValuesKind::kNumeric, type);
  if (!values.ok()) return values.status();
  return std::unique_ptr<Collector>(std::make_unique<ExtendedStatsCollector>(this, std::move(*values)));
}
PartialPtr ExtendedStatsDef::empty_partial() const { return std::make_unique<ExtendedStatsPartial>(this, nullptr); }

// Java's Double.toString for the numbers Elasticsearch echoes in messages ("-1.0").
std::string java_double(double v) { return number_json(v, false); }

Result<std::unique_ptr<AggDef>> parse_extended_stats(const json::Value& body, const std::string& name) {
  auto def = std::make_unique<ExtendedStatsDef>();
  Params p(body, "extended_stats");
  QUARRY_RETURN_IF_ERROR(def->source.parse(p));
  auto sigma = p.number("sigma");
  if (!sigma.ok()) return sigma.status();
  if (*sigma) {
    if (**sigma < 0) {
      return Status::InvalidArgument("[sigma] must be greater than or equal to 0. Found [" + java_double(**sigma) + "] in [" +
                                     name + "]");
    }
    def->sigma = **sigma;
  }
  QUARRY_RETURN_IF_ERROR(p.finish());
  return std::unique_ptr<AggDef>(std::move(def));
}

// ---------------------------------------------------------------------------------------------
// cardinality

class CardinalityDef : public SourceDef {
 public:
  int64_t precision_threshold = HyperLogLog::kDefaultThreshold;
  Result<std::unique_ptr<Collector>> collector(ShardContext& ctx) const override;
  PartialPtr empty_partial() const override;
};

class CardinalityPartial : public Partial {
 public:
  explicit CardinalityPartial(const CardinalityDef* def) : Partial(def), hll(def->precision_threshold) {}
  HyperLogLog hll;
  void merge(Partial& other) override { hll.merge(static_cast<CardinalityPartial&>(other).hll); }
  Status finalize(const ReduceContext&) override { return Status::Ok(); }
  std::optional<double> property(std::string_view name) const override {
    if (name.empty() || name == "value") return static_cast<double>(hll.cardinality());
    return std::nullopt;
  }
  void render(json::Writer& w) const override {
    w.Key("value");
    w.Uint64(hll.cardinality());
  }
};

class CardinalityCollector : public Collector {
 public:
  CardinalityCollector(const CardinalityDef* def, FieldValues values)
      : values_(std::move(values)), partial_(std::make_unique<CardinalityPartial>(def)) {}
  void collect(Xapian::docid did, double) override {
    bool any = false;
    if (values_.ordinals) {
      values_.ordinals->for_each(did, [&](uint32_t o) {
        any = true;
        pending_.push_back(o);
      });
      if (pending_.size() >= kPendingLimit) flush();
    } else if (values_.numeric) {
      values_.numeric->for_each(did, [&](double v) {
        any = true;
        partial_->hll.add_hash(HyperLogLog::hash_number(v));
      });
    }
    if (any) return;
    if (values_.missing_number) partial_->hll.add_hash(HyperLogLog::hash_number(*values_.missing_number));
    else if (values_.missing_term) partial_->hll.add_hash(HyperLogLog::hash_bytes(*values_.missing_term));
  }
  Result<PartialPtr> finish() override {
    flush();
    return PartialPtr(std::move(partial_));
  }

 private:
  // Ordinals are batched and each distinct one hashed once per batch: hashing a term per
  // document is the expensive part, and a batch (unlike a bitset over every term of the shard)
  // keeps the memory of a cardinality under many buckets small.
  static constexpr size_t kPendingLimit = 4096;
  void flush() {
    std::sort(pending_.begin(), pending_.end());
    pending_.erase(std::unique(pending_.begin(), pending_.end()), pending_.end());
    // ip terms are stored binary; hash their text so `missing` and other shards agree.
    bool ip = values_.field && values_.field->type == index::FieldType::kIp;
    const auto& terms = values_.ordinals ? values_.ordinals->terms : kNoTerms;
    for (uint32_t o : pending_) partial_->hll.add_hash(HyperLogLog::hash_bytes(ip ? index::ip_text(terms[o]) : terms[o]));
    pending_.clear();
  }
  static inline const std::vector<std::string> kNoTerms{};

  FieldValues values_;
  std::vector<uint32_t> pending_;
  std::unique_ptr<CardinalityPartial> partial_;
};

Result<std::unique_ptr<Collector>> CardinalityDef::collector(ShardContext& ctx) const {
  auto values = resolve_values(source, ctx, ValuesKind::kAny, type);
  if (!values.ok()) return values.status();
  return std::unique_ptr<Collector>(std::make_unique<CardinalityCollector>(this, std::move(*values)));
}
PartialPtr CardinalityDef::empty_partial() const { return std::make_unique<CardinalityPartial>(this); }

Result<std::unique_ptr<AggDef>> parse_cardinality(const json::Value& body, const std::string& name) {
  auto def = std::make_unique<CardinalityDef>();
  Params p(body, "cardinality");
  QUARRY_RETURN_IF_ERROR(def->source.parse(p));
  auto pt = p.integer("precision_threshold");
  if (!pt.ok()) return pt.status();
  if (*pt) {
    if (**pt < 0) {
      return Status::InvalidArgument("[precisionThreshold] must be greater than or equal to 0. Found [" +
                                     std::to_string(**pt) + "] in [" + name + "]");
    }
    def->precision_threshold = std::min(**pt, HyperLogLog::kMaxThreshold);
  }
  auto hint = p.string("execution_hint");
  if (!hint.ok()) return hint.status();
  if (*hint) {
    // Hints choose Elasticsearch's collection strategy; the result is the same, so any valid
    // hint is accepted and ignored.
    static const char* kHints[] = {"global_ordinals", "segment_ordinals", "direct", "save_memory_heuristic",
                                   "save_time_heuristic"};
    if (std::none_of(std::begin(kHints), std::end(kHints), [&](const char* h) { return **hint == h; })) {
      return Status::InvalidArgument("Invalid execution mode for cardinality aggregation.  Got [" + **hint +
                                     "]expected one of [global_ordinal, segment_ordinal, direct]");
    }
  }
  auto rehash = p.boolean("rehash");  // accepted: hashing is always ours
  if (!rehash.ok()) return rehash.status();
  QUARRY_RETURN_IF_ERROR(p.finish());
  return std::unique_ptr<AggDef>(std::move(def));
}

// ---------------------------------------------------------------------------------------------
// percentiles, percentile_ranks, median_absolute_deviation: a t-digest per partial

enum class DigestKind { kPercentiles, kRanks, kMad };

class DigestDef : public SourceDef {
 public:
  DigestKind kind = DigestKind::kPercentiles;
  double compression = TDigest::kDefaultCompression;
  std::vector<double> keys;  // percents (percentiles) or values (percentile_ranks), sorted
  bool keyed = true;
  Result<std::unique_ptr<Collector>> collector(ShardContext& ctx) const override;
  PartialPtr empty_partial() const override;
};

class DigestPartial : public Partial {
 public:
  DigestPartial(const DigestDef* def, const index::FieldMapping* f)
      : Partial(def), digest(def->compression), def_(def), field_(copy_field(f)) {}
  void merge(Partial& other) override {
    auto& o = static_cast<DigestPartial&>(other);
    digest.merge(o.digest);
    if (!field_) field_ = o.field_;
  }
  Status finalize(const ReduceContext&) override { return Status::Ok(); }
  std::string typed_name() const override {
    switch (def_->kind) {
      case DigestKind::kPercentiles: return "tdigest_percentiles";
      case DigestKind::kRanks: return "tdigest_percentile_ranks";
      case DigestKind::kMad: break;
    }
    return "median_absolute_deviation";
  }

  // percentiles: the value at `key` percent; ranks: the percent of values <= `key`.
  double value_at(double key) const {
    return def_->kind == DigestKind::kRanks ? digest.cdf(key) * 100 : digest.quantile(key / 100);
  }
  // The median of the distances to the median, from a digest of the centroids' distances.
  double mad() const {
    if (digest.empty()) return kNaN;
    double median = digest.quantile(0.5);
    TDigest distances(def_->compression);
    for (const auto& c : digest.centroids()) distances.add(std::fabs(c.mean - median), c.weight);
    return distances.quantile(0.5);
  }

  std::optional<double> property(std::string_view name) const override {
    if (def_->kind == DigestKind::kMad) {
      if (name.empty() || name == "value") return mad();
      return std::nullopt;
    }
    std::string s(name);
    char* end = nullptr;
    double key = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size()) return std::nullopt;
    return value_at(key);
  }

  void render(json::Writer& w) const override {
    const std::string& fmt = def_->source.format;
    // Ranks are percentages: only percentiles and the deviation carry the field's text form.
    const index::FieldMapping* f = def_->kind == DigestKind::kRanks ? nullptr : field_.get();
    if (def_->kind == DigestKind::kMad) {
      write_value(w, "value", mad(), !digest.empty(), f, fmt);
      return;
    }
    w.Key("values");
    if (def_->keyed) {
      w.StartObject();
      for (double k : def_->keys) write_value(w, number_json(k, false), value_at(k), !digest.empty(), f, fmt);
      w.EndObject();
      return;
    }
    w.StartArray();
    for (double k : def_->keys) {
      w.StartObject();
      w.Key("key");
      w.Double(k);
      write_value(w, "value", value_at(k), !digest.empty(), f, fmt);
      w.EndObject();
    }
    w.EndArray();
  }

  TDigest digest;

 private:
  const DigestDef* def_;
  FieldPtr field_;
};

class DigestCollector : public Collector {
 public:
  DigestCollector(const DigestDef* def, FieldValues values, ShardContext& ctx)
      : values_(std::move(values)), partial_(std::make_unique<DigestPartial>(def, values_.field)) {
    // Single-valued fields with few distinct values count per ordinal and feed the digest once,
    // in order, at the end: no sorting of every value.
    if (values_.numeric && values_.field && values_.numeric->multi.empty()) {
      auto ords = ctx.doc_values().numeric_ordinals(*values_.field);
      if (ords.ok() && *ords) {
        ords_ = *ords;
        counts_.assign(ords_->values.size(), 0);
      }
    }
  }
  void collect(Xapian::docid did, double) override {
    if (!ords_) {
      each_number(values_, did, [&](double v) { partial_->digest.add(v); });
      return;
    }
    uint32_t o = did < ords_->ords.size() ? ords_->ords[did] : NumericOrdinals::kNone;
    if (o != NumericOrdinals::kNone) {
      ++counts_[o];
      ++counted_;
    } else if (values_.missing_number) {
      partial_->digest.add(*values_.missing_number);
    }
  }
  Result<PartialPtr> finish() override {
    if (ords_) {
      TDigest& digest = partial_->digest;
      bool exact = counted_ + static_cast<uint64_t>(digest.count()) <= TDigest::kExactLimit;
      // Repeated values go in as weighted points no heavier than a centroid in the digest's middle
      // may grow, so a value held by many documents still spreads over several centroids.
      double chunk = exact ? 1 : std::max(1.0, std::floor(static_cast<double>(counted_) / (4 * digest.compression())));
      for (size_t o = 0; o < counts_.size(); ++o) {
        double left = static_cast<double>(counts_[o]);
        while (left > 0) {
          double w = std::min(left, chunk);
          digest.add(ords_->values[o], w);
          left -= w;
        }
      }
    }
    return PartialPtr(std::move(partial_));
  }

 private:
  FieldValues values_;
  std::unique_ptr<DigestPartial> partial_;
  std::shared_ptr<const NumericOrdinals> ords_;
  std::vector<uint64_t> counts_;
  uint64_t counted_ = 0;
};

Result<std::unique_ptr<Collector>> DigestDef::collector(ShardContext& ctx) const {
  auto values = resolve_values(source, ctx, ValuesKind::kNumeric, type);
  if (!values.ok()) return values.status();
  return std::unique_ptr<Collector>(std::make_unique<DigestCollector>(this, std::move(*values), ctx));
}
PartialPtr DigestDef::empty_partial() const { return std::make_unique<DigestPartial>(this, nullptr); }

Status check_compression(double c, const std::string& name) {
  if (c < 0 || std::isnan(c)) {
    return Status::InvalidArgument("[compression] must be greater than or equal to 0. Found [" + java_double(c) + "] in [" +
                                   name + "]");
  }
  return Status::Ok();
}

// "tdigest": {"compression", "execution_hint"}; "hdr" is refused by name.
Status parse_method(Params& p, DigestDef* def, const std::string& name) {
  if (p.get("hdr")) return Status::Parsing("[" + p.type() + "] [hdr] percentiles are not supported; use [tdigest]");
  const json::Value* td = p.get("tdigest");
  if (!td) return Status::Ok();
  if (!td->IsObject()) return p.error("tdigest", "expected an object");
  Params tp(*td, "tdigest");
  auto c = tp.number("compression");
  if (!c.ok()) return c.status();
  if (*c) {
    QUARRY_RETURN_IF_ERROR(check_compression(**c, name));
    def->compression = **c;
  }
  auto hint = tp.string("execution_hint");
  if (!hint.ok()) return hint.status();
  if (*hint && **hint != "default" && **hint != "high_accuracy") {
    return Status::InvalidArgument("Invalid execution_hint [" + **hint + "], valid values are [default, high_accuracy]");
  }
  return tp.finish();
}

// A non-empty array of numbers; percents must lie in [0, 100].
Status parse_keys(Params& p, const char* key, bool percents, const std::string& name, DigestDef* def) {
  const json::Value* v = p.get(key);
  if (!v) {
    if (!percents) return Status::InvalidArgument("[values] must not be null: [" + name + "]");
    def->keys = {1, 5, 25, 50, 75, 95, 99};
    return Status::Ok();
  }
  if (!v->IsArray()) return p.error(key, "expected an array of numbers");
  if (v->Empty()) return Status::InvalidArgument("[" + std::string(key) + "] must not be empty: [" + name + "]");
  for (const auto& e : v->GetArray()) {
    if (!e.IsNumber()) return p.error(key, "expected numbers but found [" + json::to_string(e) + "]");
    double d = e.GetDouble();
    if (percents && (d < 0 || d > 100)) {
      return Status::InvalidArgument("percent must be in [0,100], got [" + java_double(d) + "]: [" + name + "]");
    }
    def->keys.push_back(d);
  }
  std::sort(def->keys.begin(), def->keys.end());
  return Status::Ok();
}

AggFactory digest_factory(DigestKind kind, const char* type) {
  return [kind, type](const json::Value& body, const std::string& name) -> Result<std::unique_ptr<AggDef>> {
    auto def = std::make_unique<DigestDef>();
    def->kind = kind;
    Params p(body, type);
    QUARRY_RETURN_IF_ERROR(def->source.parse(p));
    if (kind == DigestKind::kMad) {
      def->compression = 1000;  // Elasticsearch's default for this aggregation
      auto c = p.number("compression");
      if (!c.ok()) return c.status();
      if (*c) {
        QUARRY_RETURN_IF_ERROR(check_compression(**c, name));
        def->compression = **c;
      }
      auto hint = p.string("execution_hint");
      if (!hint.ok()) return hint.status();
      if (*hint && **hint != "default" && **hint != "high_accuracy") {
        return Status::InvalidArgument("Invalid execution_hint [" + **hint + "], valid values are [default, high_accuracy]");
      }
    } else {
      QUARRY_RETURN_IF_ERROR(parse_method(p, def.get(), name));
      bool percents = kind == DigestKind::kPercentiles;
      QUARRY_RETURN_IF_ERROR(parse_keys(p, percents ? "percents" : "values", percents, name, def.get()));
      auto keyed = p.boolean("keyed");
      if (!keyed.ok()) return keyed.status();
      def->keyed = keyed->value_or(true);
    }
    QUARRY_RETURN_IF_ERROR(p.finish());
    return std::unique_ptr<AggDef>(std::move(def));
  };
}

// ---------------------------------------------------------------------------------------------
// weighted_avg

class WeightedAvgDef : public AggDef {
 public:
  ValuesSourceSpec value, weight;
  std::string format;
  bool accepts_subs() const override { return false; }
  Result<std::unique_ptr<Collector>> collector(ShardContext& ctx) const override;
  PartialPtr empty_partial() const override;
};

class WeightedAvgPartial : public Partial {
 public:
  WeightedAvgPartial(const WeightedAvgDef* def, const index::FieldMapping* f)
      : Partial(def), def_(def), field_(copy_field(f)) {}
  double sum = 0, weights = 0;
  void merge(Partial& other) override {
    auto& o = static_cast<WeightedAvgPartial&>(other);
    sum += o.sum;
    weights += o.weights;
    if (!field_) field_ = o.field_;
  }
  Status finalize(const ReduceContext&) override { return Status::Ok(); }
  double value() const { return weights != 0 ? sum / weights : kNaN; }
  std::optional<double> property(std::string_view name) const override {
    if (name.empty() || name == "value") return value();
    return std::nullopt;
  }
  void render(json::Writer& w) const override {
    write_value(w, "value", value(), weights != 0, field_.get(), def_->format);
  }

 private:
  const WeightedAvgDef* def_;
  FieldPtr field_;
};

class WeightedAvgCollector : public Collector {
 public:
  WeightedAvgCollector(const WeightedAvgDef* def, FieldValues value, FieldValues weight)
      : value_(std::move(value)), weight_(std::move(weight)),
        partial_(std::make_unique<WeightedAvgPartial>(def, value_.field)) {}
  void collect(Xapian::docid did, double) override {
    int weights = 0;
    double w = 0;
    each_number(weight_, did, [&](double x) {
      ++weights;
      w = x;
    });
    if (weights == 0) return;  // no weight (and no `missing`): the document does not count
    if (weights > 1) {
      error_ = Status(Code::kAggregationExecution,
                      "Encountered more than one weight for a single document. Use a script to combine multiple "
                      "weights-per-doc into a single value.");
      return;
    }
    // A multi-valued value field contributes each value with the document's weight.
    each_number(value_, did, [&](double v) {
      partial_->sum += v * w;
      partial_->weights += w;
    });
  }
  Result<PartialPtr> finish() override {
    if (!error_.ok()) return error_;
    return PartialPtr(std::move(partial_));
  }

 private:
  FieldValues value_, weight_;
  std::unique_ptr<WeightedAvgPartial> partial_;
  Status error_;
};

Result<std::unique_ptr<Collector>> WeightedAvgDef::collector(ShardContext& ctx) const {
  auto v = resolve_values(value, ctx, ValuesKind::kNumeric, type);
  if (!v.ok()) return v.status();
  auto w = resolve_values(weight, ctx, ValuesKind::kNumeric, type);
  if (!w.ok()) return w.status();
  return std::unique_ptr<Collector>(std::make_unique<WeightedAvgCollector>(this, std::move(*v), std::move(*w)));
}
PartialPtr WeightedAvgDef::empty_partial() const { return std::make_unique<WeightedAvgPartial>(this, nullptr); }

Result<std::unique_ptr<AggDef>> parse_weighted_avg(const json::Value& body, const std::string&) {
  auto def = std::make_unique<WeightedAvgDef>();
  Params p(body, "weighted_avg");
  for (const char* part : {"value", "weight"}) {
    const json::Value* v = p.get(part);
    if (!v) return Status::Parsing("[weighted_avg] requires [" + std::string(part) + "]");
    if (!v->IsObject()) return p.error(part, "expected an object");
    Params vp(*v, part);
    ValuesSourceSpec& spec = std::string_view(part) == "value" ? def->value : def->weight;
    QUARRY_RETURN_IF_ERROR(spec.parse(vp));
    if (!spec.format.empty()) return Status::Parsing("[" + std::string(part) + "] unknown field [format]");
    QUARRY_RETURN_IF_ERROR(vp.finish());
  }
  auto fmt = p.string("format");
  if (!fmt.ok()) return fmt.status();
  if (*fmt) def->format = **fmt;
  auto vt = p.string("value_type");  // accepted: the mapping decides the type
  if (!vt.ok()) return vt.status();
  QUARRY_RETURN_IF_ERROR(p.finish());
  return std::unique_ptr<AggDef>(std::move(def));
}

}  // namespace

void register_metric_extra_aggs(Registry& r) {
  r.add("extended_stats", parse_extended_stats);
  r.add("cardinality", parse_cardinality);
  r.add("percentiles", digest_factory(DigestKind::kPercentiles, "percentiles"));
  r.add("percentile_ranks", digest_factory(DigestKind::kRanks, "percentile_ranks"));
  r.add("median_absolute_deviation", digest_factory(DigestKind::kMad, "median_absolute_deviation"));
  r.add("weighted_avg", parse_weighted_avg);
}

}  // namespace quarry::query::aggs
