// Pipeline aggregations: they compute on other aggregations' finalized results on the
// coordinator and collect nothing.
//  - sibling pipelines (avg_bucket, max_bucket, min_bucket, sum_bucket, stats_bucket,
//    percentiles_bucket) read "multi_bucket_agg>path" from their siblings and add one result;
//  - parent pipelines (derivative, cumulative_sum, bucket_script, bucket_selector, bucket_sort)
//    rewrite the buckets of the multi-bucket aggregation they sit in (run_parent).
// A bucket whose path value is missing or NaN is a gap, handled by gap_policy (skip,
// insert_zeros, keep_values) as in Elasticsearch.
#include <algorithm>
#include <cmath>
#include <limits>

#include "query/aggs/agg.h"
#include "query/aggs/bucket_script.h"
#include "query/aggs/metrics.h"
#include "query/aggs/params.h"
#include "query/aggs/registry.h"

namespace quarry::query::aggs {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

enum class GapPolicy { kSkip, kInsertZeros, kKeepValues };

class PipelineDef : public AggDef {
 public:
  std::vector<std::pair<std::string, std::string>> paths;  // (variable, buckets_path); variable "" for a single path
  GapPolicy gap_policy = GapPolicy::kSkip;
  std::string format;

  bool is_pipeline() const override { return true; }
  std::vector<std::string> buckets_paths() const override {
    std::vector<std::string> out;
    for (const auto& [var, path] : paths) out.push_back(path);
    return out;
  }
  bool accepts_subs() const override { return false; }
  Result<std::unique_ptr<Collector>> collector(ShardContext&) const override {
    return Status::Internal("pipeline aggregations do not collect");
  }
  PartialPtr empty_partial() const override { return nullptr; }
  const std::string& path() const { return paths.front().second; }

  // The value of `path` in one bucket after gap_policy: nullopt = skip this bucket.
  // Errors: kAggregationExecution when the path names a multi-value metric without a value name.
  Result<std::optional<double>> bucket_value(const Bucket& b, const std::string& path) const;
};

Result<std::optional<double>> PipelineDef::bucket_value(const Bucket& b, const std::string& path) const {
  std::optional<double> v;
  if (path == "_count" || path == "_key") {
    v = resolve_bucket_path(b, path);
  } else {
    std::string rest;
    auto target = find_path_target(b.subs, path, &rest);
    // A pipeline result absent from this bucket (the first bucket of a derivative) is a gap.
    if (target.ok()) {
      auto value = (*target)->path_value(rest);
      if (!value.ok()) return value.status();
      v = *value;
      if (!v) {
        return Status(Code::kAggregationExecution,
                      "buckets_path must reference either a number value or a single value numeric metric aggregation, got: [" +
                          (*target)->def().type + "] at aggregation [" + name + "]");
      }
    }
  }
  // Infinity counts as a gap too: min/max of an empty bucket.
  if (v && std::isfinite(*v)) return v;
  switch (gap_policy) {
    case GapPolicy::kInsertZeros: return std::optional<double>(0.0);
    case GapPolicy::kKeepValues:
      if (v && !std::isnan(*v)) return v;
      return std::optional<double>();
    case GapPolicy::kSkip: break;
  }
  return std::optional<double>();
}

// A single number result ("value", optional "keys" for min/max_bucket).
class ValuePartial : public Partial {
 public:
  ValuePartial(const PipelineDef* def, std::string typed, double value, bool present)
      : Partial(def), pdef_(def), typed_(std::move(typed)), value_(value), present_(present) {}
  std::vector<std::string> keys;
  bool with_keys = false;

  void merge(Partial&) override {}
  Status finalize(const ReduceContext&) override { return Status::Ok(); }
  std::string typed_name() const override { return typed_; }
  std::optional<double> property(std::string_view name) const override {
    if (name.empty() || name == "value") return present_ ? value_ : kNaN;
    return std::nullopt;
  }
  void render(json::Writer& w) const override {
    w.Key("value");
    if (!present_) {
      w.Null();
    } else {
      write_number_or_null(w, value_);
      if (std::isfinite(value_) && !pdef_->format.empty()) {
        if (auto s = format_value(value_, nullptr, pdef_->format)) {
          w.Key("value_as_string");
          w.String(s->c_str(), static_cast<rapidjson::SizeType>(s->size()));
        }
      }
    }
    if (with_keys) {
      w.Key("keys");
      w.StartArray();
      for (const auto& k : keys) w.String(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
      w.EndArray();
    }
  }

 private:
  const PipelineDef* pdef_;
  std::string typed_;
  double value_;
  bool present_;
};

Status parse_gap_policy(Params& p, GapPolicy* out) {
  auto g = p.string("gap_policy");
  if (!g.ok()) return g.status();
  if (!*g) return Status::Ok();
  if (**g == "skip") *out = GapPolicy::kSkip;
  else if (**g == "insert_zeros") *out = GapPolicy::kInsertZeros;
  else if (**g == "keep_values") *out = GapPolicy::kKeepValues;
  else return Status::Parsing("Invalid gap policy: [" + **g + "], accepted values: [skip, insert_zeros, keep_values]");
  return Status::Ok();
}

// "buckets_path": a string (single), or an object of variable -> path (multi).
Status parse_paths(Params& p, PipelineDef* def, bool multi) {
  const json::Value* v = p.get("buckets_path");
  if (!v) return Status::Parsing("Required parameter [buckets_path] is missing for aggregation [" + p.type() + "]");
  if (v->IsString()) {
    def->paths.emplace_back(multi ? "_value" : "", std::string(json::view(*v)));
  } else if (v->IsArray() && v->Size() == 1 && (*v)[0].IsString()) {
    def->paths.emplace_back(multi ? "_value0" : "", std::string(json::view((*v)[0])));
  } else if (multi && v->IsObject()) {
    for (auto it = v->MemberBegin(); it != v->MemberEnd(); ++it) {
      if (!it->value.IsString()) return p.error("buckets_path", "paths must be strings");
      def->paths.emplace_back(std::string(json::view(it->name)), std::string(json::view(it->value)));
    }
  } else {
    return p.error("buckets_path", multi ? "expected a string or an object of paths" : "expected a single path string");
  }
  if (def->paths.empty()) return p.error("buckets_path", "no path given");
  return Status::Ok();
}

Status parse_common(Params& p, PipelineDef* def, bool multi_path, bool gap = true, bool format = true) {
  QUARRY_RETURN_IF_ERROR(parse_paths(p, def, multi_path));
  if (gap) QUARRY_RETURN_IF_ERROR(parse_gap_policy(p, &def->gap_policy));
  if (format) {
    auto f = p.string("format");
    if (!f.ok()) return f.status();
    if (*f) def->format = **f;
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// Sibling pipelines

enum class SiblingKind { kAvg, kMax, kMin, kSum, kStats, kPercentiles };

class SiblingDef : public PipelineDef {
 public:
  SiblingKind kind;
  std::vector<double> percents;  // percentiles_bucket
  bool keyed = true;
  Result<PartialPtr> run_sibling(NamedPartials& siblings, const ReduceContext&) const override;
};

class StatsBucketPartial : public Partial {
 public:
  StatsBucketPartial(const PipelineDef* def, StatsAccumulator acc) : Partial(def), pdef_(def), acc_(acc) {}
  void merge(Partial&) override {}
  Status finalize(const ReduceContext&) override { return Status::Ok(); }
  std::string typed_name() const override { return "stats_bucket"; }
  std::optional<double> property(std::string_view name) const override { return acc_.stat(name); }
  void render(json::Writer& w) const override {
    w.Key("count");
    w.Uint64(acc_.count);
    auto value = [&](const char* k, double v, bool null_if_empty) {
      w.Key(k);
      if (null_if_empty && acc_.count == 0) return w.Null(), void();
      write_number_or_null(w, v);
    };
    value("min", acc_.min, true);
    value("max", acc_.max, true);
    value("avg", acc_.avg(), true);
    value("sum", acc_.sum, false);
    if (acc_.count == 0 || pdef_->format.empty()) return;
    for (auto [k, v] : {std::pair<const char*, double>{"min_as_string", acc_.min}, {"max_as_string", acc_.max},
                        {"avg_as_string", acc_.avg()}, {"sum_as_string", acc_.sum}}) {
      if (auto s = format_value(v, nullptr, pdef_->format)) {
        w.Key(k);
        w.String(s->c_str(), static_cast<rapidjson::SizeType>(s->size()));
      }
    }
  }

 private:
  const PipelineDef* pdef_;
  StatsAccumulator acc_;
};

class PercentilesBucketPartial : public Partial {
 public:
  PercentilesBucketPartial(const SiblingDef* def, std::vector<double> sorted)
      : Partial(def), sdef_(def), sorted_(std::move(sorted)) {}
  void merge(Partial&) override {}
  Status finalize(const ReduceContext&) override { return Status::Ok(); }
  std::string typed_name() const override { return "percentiles_bucket"; }
  // Nearest rank over the sorted bucket values, as Elasticsearch's percentiles_bucket.
  double at(double percent) const {
    if (sorted_.empty()) return kNaN;
    auto i = static_cast<size_t>(std::llround(percent / 100 * static_cast<double>(sorted_.size() - 1)));
    return sorted_[std::min(i, sorted_.size() - 1)];
  }
  std::optional<double> property(std::string_view name) const override {
    std::string s(name);
    char* end = nullptr;
    double p = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size()) return std::nullopt;
    return at(p);
  }
  void render(json::Writer& w) const override {
    w.Key("values");
    sdef_->keyed ? w.StartObject() : w.StartArray();
    for (double p : sdef_->percents) {
      std::string key = number_json(p, false);
      if (sdef_->keyed) {
        w.Key(key.c_str(), static_cast<rapidjson::SizeType>(key.size()));
        write_number_or_null(w, at(p));
      } else {
        w.StartObject();
        w.Key("key");
        w.Double(p);
        w.Key("value");
        write_number_or_null(w, at(p));
        w.EndObject();
      }
    }
    sdef_->keyed ? w.EndObject() : w.EndArray();
  }

 private:
  const SiblingDef* sdef_;
  std::vector<double> sorted_;
};

// Finds the multi-bucket aggregation at the head of `path` (through single-bucket ones) and
// returns its buckets; `rest` gets the path inside each bucket.
Result<std::vector<Bucket>*> sibling_buckets(NamedPartials& siblings, const std::string& path, const std::string& agg_name,
                                             std::string* rest) {
  NamedPartials* level = &siblings;
  std::string_view p = path;
  while (true) {
    auto gt = p.find('>');
    std::string_view element = p.substr(0, gt);
    auto dot = element.find_first_of(".[");
    std::string_view name = gt == std::string_view::npos ? element.substr(0, dot) : element;
    Partial* target = level->find(name);
    if (!target) return Status::InvalidArgument("No aggregation found for path [" + path + "]");
    if (auto* b = target->buckets()) {
      if (gt == std::string_view::npos) {
        // "terms._count" style: the rest follows the dot.
        *rest = dot == std::string_view::npos ? "_count" : std::string(element.substr(dot + 1));
      } else {
        *rest = std::string(p.substr(gt + 1));
      }
      return b;
    }
    NamedPartials* subs = target->single_bucket_subs();
    if (!subs || gt == std::string_view::npos) {
      return Status::InvalidArgument("The first aggregation in buckets_path must be a multi-bucket aggregation for aggregation [" +
                                     agg_name + "] found :" + target->def().type + " for buckets path: " + path);
    }
    level = subs;
    p = p.substr(gt + 1);
  }
}

Result<PartialPtr> SiblingDef::run_sibling(NamedPartials& siblings, const ReduceContext&) const {
  std::string rest;
  auto buckets = sibling_buckets(siblings, path(), name, &rest);
  if (!buckets.ok()) return buckets.status();
  StatsAccumulator acc;
  std::vector<double> values;
  std::vector<std::string> keys;
  for (const Bucket& b : **buckets) {
    auto v = bucket_value(b, rest);
    if (!v.ok()) return v.status();
    if (!*v) continue;
    double x = **v;
    if ((kind == SiblingKind::kMax && acc.count > 0 && x > acc.max) || (kind == SiblingKind::kMin && acc.count > 0 && x < acc.min)) {
      keys.clear();
    }
    if ((kind == SiblingKind::kMax && (acc.count == 0 || x >= acc.max)) || (kind == SiblingKind::kMin && (acc.count == 0 || x <= acc.min))) {
      keys.push_back(b.keyed_key());
    }
    acc.add(x);
    values.push_back(x);
  }
  switch (kind) {
    case SiblingKind::kAvg: return PartialPtr(std::make_unique<ValuePartial>(this, "simple_value", acc.avg(), acc.count > 0));
    case SiblingKind::kSum: return PartialPtr(std::make_unique<ValuePartial>(this, "simple_value", acc.sum, true));
    case SiblingKind::kMax:
    case SiblingKind::kMin: {
      double v = kind == SiblingKind::kMax ? acc.max : acc.min;
      auto out = std::make_unique<ValuePartial>(this, "bucket_metric_value", v, acc.count > 0);
      out->with_keys = true;
      out->keys = std::move(keys);
      return PartialPtr(std::move(out));
    }
    case SiblingKind::kStats: return PartialPtr(std::make_unique<StatsBucketPartial>(this, acc));
    case SiblingKind::kPercentiles:
      std::sort(values.begin(), values.end());
      return PartialPtr(std::make_unique<PercentilesBucketPartial>(this, std::move(values)));
  }
  return Status::Internal("unknown sibling pipeline");
}

AggFactory sibling_factory(SiblingKind kind, const char* type) {
  return [kind, type](const json::Value& body, const std::string& name) -> Result<std::unique_ptr<AggDef>> {
    auto def = std::make_unique<SiblingDef>();
    def->kind = kind;
    Params p(body, type);
    QUARRY_RETURN_IF_ERROR(parse_common(p, def.get(), false));
    if (kind == SiblingKind::kPercentiles) {
      def->percents = {1, 5, 25, 50, 75, 95, 99};
      if (const json::Value* v = p.get("percents")) {
        if (!v->IsArray() || v->Empty()) return p.error("percents", "expected a non-empty array of numbers");
        def->percents.clear();
        for (const auto& e : v->GetArray()) {
          if (!e.IsNumber() || e.GetDouble() < 0 || e.GetDouble() > 100) {
            return Status::InvalidArgument("[percents] must only contain non-null doubles from 0.0-100.0 in [" + name + "]");
          }
          def->percents.push_back(e.GetDouble());
        }
      }
      auto keyed = p.boolean("keyed");
      if (!keyed.ok()) return keyed.status();
      def->keyed = keyed->value_or(true);
    }
    QUARRY_RETURN_IF_ERROR(p.finish());
    return std::unique_ptr<AggDef>(std::move(def));
  };
}

// ---------------------------------------------------------------------------------------------
// Parent pipelines

class ParentDef : public PipelineDef {
 public:
  bool is_parent_pipeline() const override { return true; }
};

class DerivativeDef : public ParentDef {
 public:
  Status run_parent(std::vector<Bucket>& buckets, const ReduceContext&) const override {
    std::optional<double> last;
    for (Bucket& b : buckets) {
      auto v = bucket_value(b, path());
      if (!v.ok()) return v.status();
      if (last && *v) b.subs.items.emplace_back(this, std::make_unique<ValuePartial>(this, "derivative", **v - *last, true));
      last = *v;
    }
    return Status::Ok();
  }
};

class CumulativeSumDef : public ParentDef {
 public:
  Status run_parent(std::vector<Bucket>& buckets, const ReduceContext&) const override {
    double sum = 0;
    for (Bucket& b : buckets) {
      auto v = bucket_value(b, path());
      if (!v.ok()) return v.status();
      if (*v) sum += **v;  // gaps add nothing but the bucket still shows the running total
      b.subs.items.emplace_back(this, std::make_unique<ValuePartial>(this, "simple_value", sum, true));
    }
    return Status::Ok();
  }
};

// bucket_script and bucket_selector: variables from buckets_path plus constant script params.
class ScriptDef : public ParentDef {
 public:
  bool selector = false;
  std::vector<double> constants;  // values of the script params, after the path variables
  std::optional<ScriptExpr> script;

  Status run_parent(std::vector<Bucket>& buckets, const ReduceContext&) const override {
    std::vector<Bucket> kept;
    std::vector<double> vars(paths.size() + constants.size());
    std::copy(constants.begin(), constants.end(), vars.begin() + static_cast<std::ptrdiff_t>(paths.size()));
    for (Bucket& b : buckets) {
      bool gap = false;
      for (size_t i = 0; i < paths.size(); ++i) {
        auto v = bucket_value(b, paths[i].second);
        if (!v.ok()) return v.status();
        gap |= !*v;
        vars[i] = v->value_or(kNaN);
      }
      if (selector) {
        // As in Elasticsearch the script sees gaps as NaN (whatever gap_policy), and every
        // comparison with NaN is false.
        double r = script->eval(vars);
        bool keep = !std::isnan(r) && r != 0;
        if (keep) kept.push_back(std::move(b));
        continue;
      }
      if (!gap) b.subs.items.emplace_back(this, std::make_unique<ValuePartial>(this, "simple_value", script->eval(vars), true));
    }
    if (selector) buckets = std::move(kept);
    return Status::Ok();
  }
};

struct SortKey {
  std::string path;
  bool asc = true;
};

class BucketSortDef : public ParentDef {
 public:
  std::vector<SortKey> sort;
  int64_t from = 0;
  std::optional<int64_t> size;

  Status run_parent(std::vector<Bucket>& buckets, const ReduceContext&) const override {
    if (!sort.empty()) {
      struct Entry {
        std::vector<double> values;
        std::vector<std::string> texts;  // "_key" of string-keyed buckets (terms): compared as text
        size_t index;
      };
      std::vector<Entry> entries;
      for (size_t i = 0; i < buckets.size(); ++i) {
        Entry e{{}, {}, i};
        bool skip = false;
        for (const auto& k : sort) {
          const Bucket& b = buckets[i];
          bool text_key = k.path == "_key" && !b.key_json.empty() && b.key_json.front() == '"';
          e.texts.push_back(text_key ? b.keyed_key() : std::string());
          auto v = bucket_value(b, k.path);
          if (!v.ok()) return v.status();
          if (!*v) skip = true;
          e.values.push_back(v->value_or(0));
        }
        if (!skip) entries.push_back(std::move(e));  // gap_policy skip drops buckets with gaps
      }
      std::stable_sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) {
        for (size_t i = 0; i < sort.size(); ++i) {
          if (a.texts[i] != b.texts[i]) return sort[i].asc ? a.texts[i] < b.texts[i] : a.texts[i] > b.texts[i];
          if (a.values[i] != b.values[i]) return sort[i].asc ? a.values[i] < b.values[i] : a.values[i] > b.values[i];
        }
        return false;
      });
      std::vector<Bucket> sorted;
      sorted.reserve(entries.size());
      for (const auto& e : entries) sorted.push_back(std::move(buckets[e.index]));
      buckets = std::move(sorted);
    }
    auto start = static_cast<size_t>(std::min<int64_t>(from, static_cast<int64_t>(buckets.size())));
    buckets.erase(buckets.begin(), buckets.begin() + static_cast<std::ptrdiff_t>(start));
    if (size && static_cast<size_t>(*size) < buckets.size()) buckets.resize(static_cast<size_t>(*size));
    return Status::Ok();
  }
};

Result<std::unique_ptr<AggDef>> parse_derivative(const json::Value& body, const std::string&) {
  auto def = std::make_unique<DerivativeDef>();
  Params p(body, "derivative");
  QUARRY_RETURN_IF_ERROR(parse_common(p, def.get(), false));
  // "unit" needs the enclosing histogram's interval, which buckets do not carry.
  if (p.get("unit")) return Status::Parsing("[derivative] [unit] is not supported");
  QUARRY_RETURN_IF_ERROR(p.finish());
  return std::unique_ptr<AggDef>(std::move(def));
}

Result<std::unique_ptr<AggDef>> parse_cumulative_sum(const json::Value& body, const std::string&) {
  auto def = std::make_unique<CumulativeSumDef>();
  Params p(body, "cumulative_sum");
  QUARRY_RETURN_IF_ERROR(parse_common(p, def.get(), false, false));
  QUARRY_RETURN_IF_ERROR(p.finish());
  return std::unique_ptr<AggDef>(std::move(def));
}

AggFactory script_factory(bool selector, const char* type) {
  return [selector, type](const json::Value& body, const std::string&) -> Result<std::unique_ptr<AggDef>> {
    auto def = std::make_unique<ScriptDef>();
    def->selector = selector;
    Params p(body, type);
    QUARRY_RETURN_IF_ERROR(parse_common(p, def.get(), true, true, !selector));
    const json::Value* s = p.get("script");
    if (!s) return Status::Parsing("Required parameter [script] is missing for aggregation [" + std::string(type) + "]");
    std::string source;
    std::vector<std::string> names;
    for (const auto& [var, path] : def->paths) names.push_back(var);
    if (s->IsString()) {
      source = std::string(json::view(*s));
    } else if (s->IsObject()) {
      Params sp(*s, "script");
      auto src = sp.string("source");
      if (!src.ok()) return src.status();
      if (!*src) return Status::Parsing("[script] requires [source]; stored scripts ([id]) are not supported");
      source = **src;
      auto lang = sp.string("lang");
      if (!lang.ok()) return lang.status();
      if (*lang && **lang != "painless" && **lang != "expression") {
        return Status::Parsing("[script] lang [" + **lang + "] is not supported");
      }
      if (const json::Value* params = sp.get("params")) {
        if (!params->IsObject()) return sp.error("params", "expected an object");
        for (auto it = params->MemberBegin(); it != params->MemberEnd(); ++it) {
          if (!it->value.IsNumber() && !it->value.IsBool()) {
            return Status::Parsing("[script] param [" + std::string(json::view(it->name)) + "] must be a number or a boolean");
          }
          names.emplace_back(json::view(it->name));
          def->constants.push_back(it->value.IsBool() ? (it->value.GetBool() ? 1 : 0) : it->value.GetDouble());
        }
      }
      QUARRY_RETURN_IF_ERROR(sp.finish());
    } else {
      return p.error("script", "expected a string or an object");
    }
    auto compiled = ScriptExpr::compile(source, names, type);
    if (!compiled.ok()) return compiled.status();
    def->script = std::move(*compiled);
    QUARRY_RETURN_IF_ERROR(p.finish());
    return std::unique_ptr<AggDef>(std::move(def));
  };
}

Status parse_sort_entry(const json::Value& e, std::vector<SortKey>* out) {
  if (e.IsString()) {
    out->push_back({std::string(json::view(e)), true});
    return Status::Ok();
  }
  if (!e.IsObject() || e.MemberCount() != 1) return Status::Parsing("[bucket_sort] [sort] entries must be a field name or {field: order}");
  const auto& m = *e.MemberBegin();
  SortKey k{std::string(json::view(m.name)), true};
  const json::Value* order = &m.value;
  if (m.value.IsObject()) {
    Params op(m.value, "sort");
    order = op.get("order");
    QUARRY_RETURN_IF_ERROR(op.finish());
  }
  if (order) {
    if (!order->IsString() || (json::view(*order) != "asc" && json::view(*order) != "desc")) {
      return Status::Parsing("[bucket_sort] [order] must be [asc] or [desc]");
    }
    k.asc = json::view(*order) == "asc";
  }
  out->push_back(std::move(k));
  return Status::Ok();
}

Result<std::unique_ptr<AggDef>> parse_bucket_sort(const json::Value& body, const std::string& name) {
  auto def = std::make_unique<BucketSortDef>();
  Params p(body, "bucket_sort");
  QUARRY_RETURN_IF_ERROR(parse_gap_policy(p, &def->gap_policy));
  if (const json::Value* s = p.get("sort")) {
    if (s->IsArray()) {
      for (const auto& e : s->GetArray()) QUARRY_RETURN_IF_ERROR(parse_sort_entry(e, &def->sort));
    } else {
      QUARRY_RETURN_IF_ERROR(parse_sort_entry(*s, &def->sort));
    }
  }
  auto from = p.integer("from");
  if (!from.ok()) return from.status();
  if (*from) {
    if (**from < 0) return Status::InvalidArgument("[from] must be a non-negative integer: [" + std::to_string(**from) + "]");
    def->from = **from;
  }
  auto size = p.integer("size");
  if (!size.ok()) return size.status();
  if (*size) {
    if (**size < 1) return Status::InvalidArgument("[size] must be a positive integer: [" + std::to_string(**size) + "]");
    def->size = **size;
  }
  QUARRY_RETURN_IF_ERROR(p.finish());
  if (def->sort.empty() && def->from == 0 && !def->size) {
    return Status::InvalidArgument("[" + name + "] is configured to perform nothing. Please set either of [sort, size, from] to use bucket_sort");
  }
  return std::unique_ptr<AggDef>(std::move(def));
}

}  // namespace

void register_pipeline_aggs(Registry& r) {
  r.add("avg_bucket", sibling_factory(SiblingKind::kAvg, "avg_bucket"));
  r.add("max_bucket", sibling_factory(SiblingKind::kMax, "max_bucket"));
  r.add("min_bucket", sibling_factory(SiblingKind::kMin, "min_bucket"));
  r.add("sum_bucket", sibling_factory(SiblingKind::kSum, "sum_bucket"));
  r.add("stats_bucket", sibling_factory(SiblingKind::kStats, "stats_bucket"));
  r.add("percentiles_bucket", sibling_factory(SiblingKind::kPercentiles, "percentiles_bucket"));
  r.add("derivative", parse_derivative);
  r.add("cumulative_sum", parse_cumulative_sum);
  r.add("bucket_script", script_factory(false, "bucket_script"));
  r.add("bucket_selector", script_factory(true, "bucket_selector"));
  r.add("bucket_sort", parse_bucket_sort);
}

}  // namespace quarry::query::aggs
