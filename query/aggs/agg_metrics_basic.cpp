// Single-pass numeric metrics over one field: avg, min, max, sum, value_count and stats. They
// share one accumulator (count, sum, min, max) that merges across shards exactly.
#include <cmath>
#include <limits>

#include "query/aggs/agg.h"
#include "query/aggs/metrics.h"
#include "query/aggs/params.h"
#include "query/aggs/registry.h"
#include "query/aggs/shard_context.h"

namespace quarry::query::aggs {

namespace {

enum class BasicKind { kAvg, kMin, kMax, kSum, kValueCount, kStats };

class BasicDef : public AggDef {
 public:
  BasicKind kind;
  ValuesSourceSpec source;
  bool accepts_subs() const override { return false; }
  Result<std::unique_ptr<Collector>> collector(ShardContext& ctx) const override;
  PartialPtr empty_partial() const override;
};

class BasicPartial : public Partial {
 public:
  BasicPartial(const BasicDef* def, const index::FieldMapping* field)
      : Partial(def), bdef_(def), field_(field ? std::make_shared<index::FieldMapping>(*field) : nullptr) {}
  StatsAccumulator acc;

  void merge(Partial& other) override {
    auto& o = static_cast<BasicPartial&>(other);
    acc.merge(o.acc);
    if (!field_) field_ = o.field_;
  }
  Status finalize(const ReduceContext&) override { return Status::Ok(); }

  std::optional<double> property(std::string_view name) const override {
    switch (bdef_->kind) {
      case BasicKind::kAvg: if (name.empty() || name == "value") return acc.avg(); break;
      case BasicKind::kMin: if (name.empty() || name == "value") return acc.min_or_inf(); break;
      case BasicKind::kMax: if (name.empty() || name == "value") return acc.max_or_inf(); break;
      case BasicKind::kSum: if (name.empty() || name == "value") return acc.sum; break;
      case BasicKind::kValueCount: if (name.empty() || name == "value") return static_cast<double>(acc.count); break;
      case BasicKind::kStats: return acc.stat(name);
    }
    return std::nullopt;
  }

  void render(json::Writer& w) const override {
    const std::string& fmt = bdef_->source.format;
    auto value_with_string = [&](const char* key, double v, bool null_when_empty) {
      w.Key(key);
      if (null_when_empty && acc.count == 0) {
        w.Null();
        return;
      }
      write_number_or_null(w, v);
      if (acc.count == 0 || !std::isfinite(v)) return;
      if (auto s = format_value(v, field_.get(), fmt)) {
        std::string k = std::string(key) + "_as_string";
        w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
        w.String(s->c_str(), static_cast<rapidjson::SizeType>(s->size()));
      }
    };
    switch (bdef_->kind) {
      case BasicKind::kAvg: value_with_string("value", acc.avg(), true); break;
      case BasicKind::kMin: value_with_string("value", acc.min, true); break;
      case BasicKind::kMax: value_with_string("value", acc.max, true); break;
      case BasicKind::kSum: value_with_string("value", acc.sum, false); break;
      case BasicKind::kValueCount:
        w.Key("value");
        w.Uint64(acc.count);
        if (!fmt.empty()) {
          if (auto s = format_value(static_cast<double>(acc.count), nullptr, fmt)) {
            w.Key("value_as_string");
            w.String(s->c_str(), static_cast<rapidjson::SizeType>(s->size()));
          }
        }
        break;
      case BasicKind::kStats:
        w.Key("count");
        w.Uint64(acc.count);
        value_with_string("min", acc.min, true);
        value_with_string("max", acc.max, true);
        value_with_string("avg", acc.avg(), true);
        value_with_string("sum", acc.sum, false);
        break;
    }
  }

 private:
  const BasicDef* bdef_;
  std::shared_ptr<const index::FieldMapping> field_;  // for value_as_string (dates)
};

class BasicCollector : public Collector {
 public:
  BasicCollector(const BasicDef* def, FieldValues values) : def_(def), values_(std::move(values)) {
    partial_ = std::make_unique<BasicPartial>(def, values_.field);
  }
  void collect(Xapian::docid did, double) override {
    StatsAccumulator& acc = partial_->acc;
    bool any = false;
    if (values_.numeric) {
      values_.numeric->for_each(did, [&](double v) {
        any = true;
        acc.add(v);
      });
    } else if (values_.ordinals) {
      // value_count on keyword / ip fields: one per distinct value.
      values_.ordinals->for_each(did, [&](uint32_t) {
        any = true;
        ++acc.count;
      });
    }
    if (!any) {
      if (values_.missing_number) acc.add(*values_.missing_number);
      else if (values_.missing_term) ++acc.count;
    }
  }
  Result<PartialPtr> finish() override { return PartialPtr(std::move(partial_)); }

 private:
  const BasicDef* def_;
  FieldValues values_;
  std::unique_ptr<BasicPartial> partial_;
};

Result<std::unique_ptr<Collector>> BasicDef::collector(ShardContext& ctx) const {
  auto values = resolve_values(source, ctx, kind == BasicKind::kValueCount ? ValuesKind::kAny : ValuesKind::kNumeric, type);
  if (!values.ok()) return values.status();
  return std::unique_ptr<Collector>(std::make_unique<BasicCollector>(this, std::move(*values)));
}

PartialPtr BasicDef::empty_partial() const { return std::make_unique<BasicPartial>(this, nullptr); }

AggFactory basic_factory(BasicKind kind, const char* type) {
  return [kind, type](const json::Value& body, const std::string&) -> Result<std::unique_ptr<AggDef>> {
    auto def = std::make_unique<BasicDef>();
    def->kind = kind;
    Params p(body, type);
    QUARRY_RETURN_IF_ERROR(def->source.parse(p));
    QUARRY_RETURN_IF_ERROR(p.finish());
    return std::unique_ptr<AggDef>(std::move(def));
  };
}

}  // namespace

void StatsAccumulator::add(double v) {
  ++count;
  sum += v;
  sum_of_squares += v * v;
  if (v < min) min = v;
  if (v > max) max = v;
}

void StatsAccumulator::merge(const StatsAccumulator& o) {
  count += o.count;
  sum += o.sum;
  sum_of_squares += o.sum_of_squares;
  if (o.min < min) min = o.min;
  if (o.max > max) max = o.max;
}

double StatsAccumulator::avg() const {
  return count == 0 ? std::numeric_limits<double>::quiet_NaN() : sum / static_cast<double>(count);
}

std::optional<double> StatsAccumulator::stat(std::string_view name) const {
  if (name == "count") return static_cast<double>(count);
  if (name == "sum") return sum;
  if (name == "min") return min_or_inf();
  if (name == "max") return max_or_inf();
  if (name == "avg") return avg();
  return std::nullopt;
}

void register_metric_aggs(Registry& r) {
  r.add("avg", basic_factory(BasicKind::kAvg, "avg"));
  r.add("min", basic_factory(BasicKind::kMin, "min"));
  r.add("max", basic_factory(BasicKind::kMax, "max"));
  r.add("sum", basic_factory(BasicKind::kSum, "sum"));
  r.add("value_count", basic_factory(BasicKind::kValueCount, "value_count"));
  r.add("stats", basic_factory(BasicKind::kStats, "stats"));
}

}  // namespace quarry::query::aggs
