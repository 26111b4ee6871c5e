// range and date_range: one bucket per requested [from, to) range of a numeric or date field (a
// document counts once per range it has a value in). Ranges are resolved on each shard (dates
// through the field's format or `format`, date math, time_zone) and reported sorted by from, then
// to, as Elasticsearch does.
#include <algorithm>
#include <cmath>
#include <limits>

#include "index/field_value.h"
#include "query/aggs/agg_buckets.h"
#include "query/aggs/params.h"
#include "query/aggs/shard_context.h"
#include "query/search_request.h"

namespace quarry::query::aggs {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct RangeSpec {
  std::string key;                 // "" = generated from the bounds
  std::string from_json, to_json;  // raw JSON; "" = unbounded
};

struct Resolved {
  double from = -kInf, to = kInf;
  double shown_from = -kInf, shown_to = kInf;  // as requested (from/to may be at the field's precision)
  std::string key;
  size_t spec_index = 0;
};

class RangeDef;

class RangePartial : public Partial {
 public:
  explicit RangePartial(const RangeDef* def);
  void merge(Partial& other) override;
  Status finalize(const ReduceContext& ctx) override;
  void render(json::Writer& w) const override;
  std::vector<Bucket>* buckets() override { return &buckets_; }
  std::string typed_name() const override;

  std::vector<Resolved> ranges;
  std::vector<Bucket> buckets_;  // one per range, in `ranges` order
  // How bounds print.
  bool date = false;
  bool has_format = false;
  std::shared_ptr<const index::DateFormat> date_format;
  std::string number_format;

  void describe(size_t i, Bucket* b) const;

 private:
  const RangeDef* rdef_;
};

class RangeDef : public AggDef {
 public:
  bool date = false;
  ValuesSourceSpec source;
  std::vector<RangeSpec> specs;
  bool keyed = false;
  TimeZone tz;

  Result<std::unique_ptr<Collector>> collector(ShardContext& ctx) const override;
  PartialPtr empty_partial() const override;
  // Resolves the bounds for a field (nullptr: unmapped) into `out`.
  Status resolve(const index::FieldMapping* f, RangePartial* out) const;
};

Status RangeDef::resolve(const index::FieldMapping* f, RangePartial* out) const {
  out->date = date || (f && f->type == index::FieldType::kDate);
  out->has_format = !source.format.empty();
  if (out->date) {
    if (!source.format.empty()) {
      auto df = compile_date_format(source.format);
      if (!df.ok()) return Status::InvalidArgument(df.status().message());
      out->date_format = std::make_shared<index::DateFormat>(*df);
    } else {
      out->date_format = std::make_shared<index::DateFormat>(f && f->type == index::FieldType::kDate
                                                                 ? f->effective_date_format()
                                                                 : index::DateFormat::default_format());
    }
  } else {
    out->number_format = source.format;
  }
  int64_t now = now_millis();
  out->ranges.clear();
  for (size_t i = 0; i < specs.size(); ++i) {
    Resolved r;
    r.key = specs[i].key;
    r.spec_index = i;
    auto bound = [&](const std::string& raw, double* dst) -> Status {
      if (raw.empty()) return Status::Ok();
      json::Document d;
      QUARRY_RETURN_IF_ERROR(json::parse(raw, d));
      if (d.IsNull()) return Status::Ok();
      if (out->date) {
        auto ms = parse_date_param(d, *out->date_format, tz, now);
        if (!ms.ok()) return ms.status();
        *dst = static_cast<double>(*ms);
      } else if (d.IsNumber()) {
        *dst = d.GetDouble();
      } else if (d.IsString()) {
        std::string s(json::view(d));
        char* end = nullptr;
        double v = std::strtod(s.c_str(), &end);
        if (s.empty() || end != s.c_str() + s.size()) {
          return Status::Parsing("[" + type + "] failed to parse range bound [" + s + "]");
        }
        *dst = v;
      }
      return Status::Ok();
    };
    QUARRY_RETURN_IF_ERROR(bound(specs[i].from_json, &r.from));
    QUARRY_RETURN_IF_ERROR(bound(specs[i].to_json, &r.to));
    r.shown_from = r.from;
    r.shown_to = r.to;
    out->ranges.push_back(std::move(r));
  }
  if (f && f->type == index::FieldType::kFloat) {
    // Bounds at the field's precision, so that a value stored as float compares as it was written.
    for (auto& r : out->ranges) {
      if (std::isfinite(r.from)) r.from = static_cast<double>(static_cast<float>(r.from));
      if (std::isfinite(r.to)) r.to = static_cast<double>(static_cast<float>(r.to));
    }
  }
  std::stable_sort(out->ranges.begin(), out->ranges.end(), [](const Resolved& a, const Resolved& b) {
    if (a.from != b.from) return a.from < b.from;
    return a.to < b.to;
  });
  return Status::Ok();
}

void RangePartial::describe(size_t i, Bucket* b) const {
  const Resolved& r = ranges[i];
  auto text = [&](double v) {
    if (date) return format_in_zone(static_cast<int64_t>(v), *date_format, rdef_->tz);
    if (!number_format.empty()) return format_decimal(v, number_format).value_or(java_double_string(v));
    return java_double_string(v);
  };
  std::string key = r.key;
  if (key.empty()) {
    key = (std::isinf(r.from) ? "*" : text(r.shown_from)) + "-" + (std::isinf(r.to) ? "*" : text(r.shown_to));
  }
  b->keyed_name = key;
  if (!rdef_->keyed) b->key_json = json_string(key);
  b->number = std::isinf(r.from) ? -std::numeric_limits<double>::max() : r.from;
  b->members_before.clear();
  bool strings = date || !number_format.empty();
  if (!std::isinf(r.from)) {
    b->members_before.emplace_back("from", double_json(r.shown_from));
    if (strings) b->members_before.emplace_back("from_as_string", json_string(text(r.shown_from)));
  }
  if (!std::isinf(r.to)) {
    b->members_before.emplace_back("to", double_json(r.shown_to));
    if (strings) b->members_before.emplace_back("to_as_string", json_string(text(r.shown_to)));
  }
}

RangePartial::RangePartial(const RangeDef* def) : Partial(def), rdef_(def) {}

std::string RangePartial::typed_name() const { return rdef_->date ? "date_range" : "range"; }

void RangePartial::merge(Partial& other_base) {
  auto& other = static_cast<RangePartial&>(other_base);
  for (size_t i = 0; i < buckets_.size() && i < other.buckets_.size(); ++i) merge_bucket(buckets_[i], other.buckets_[i]);
}

Status RangePartial::finalize(const ReduceContext& ctx) {
  for (size_t i = 0; i < buckets_.size() && i < ranges.size(); ++i) describe(i, &buckets_[i]);
  return finalize_buckets(buckets_, rdef_->subs, ctx);
}

void RangePartial::render(json::Writer& w) const { render_buckets(w, buckets_, rdef_->keyed); }

PartialPtr RangeDef::empty_partial() const {
  auto out = std::make_unique<RangePartial>(this);
  (void)resolve(nullptr, out.get());
  for (size_t i = 0; i < out->ranges.size(); ++i) {
    Bucket b;
    b.subs = empty_named(subs);
    out->buckets_.push_back(std::move(b));
  }
  return out;
}

class RangeCollector : public Collector {
 public:
  RangeCollector(const RangeDef* def, ShardContext& ctx, FieldValues values, std::unique_ptr<RangePartial> out)
      : def_(def), ctx_(ctx), values_(std::move(values)), out_(std::move(out)), slots_(out_->ranges.size()) {}

  void collect(Xapian::docid did, double score) override {
    const auto& ranges = out_->ranges;
    auto test = [&](double v) {
      for (size_t i = 0; i < ranges.size(); ++i) {
        if (v >= ranges[i].from && v < ranges[i].to) hit_[i] = true;
      }
    };
    hit_.assign(ranges.size(), false);
    bool any = false;
    if (values_.numeric) {
      values_.numeric->for_each(did, [&](double v) {
        any = true;
        test(v);
      });
    }
    if (!any && values_.missing_number) test(*values_.missing_number);
    for (size_t i = 0; i < ranges.size(); ++i) {
      if (hit_[i]) slots_[i].collect(def_->subs, ctx_, did, score, &error_);
    }
  }

  Result<PartialPtr> finish() override {
    if (!error_.ok()) return error_;
    for (auto& slot : slots_) {
      Bucket b;
      b.doc_count = slot.count;
      auto named = slot.finish(def_->subs);
      if (!named.ok()) return named.status();
      b.subs = std::move(*named);
      out_->buckets_.push_back(std::move(b));
    }
    return PartialPtr(std::move(out_));
  }

 private:
  const RangeDef* def_;
  ShardContext& ctx_;
  FieldValues values_;
  std::unique_ptr<RangePartial> out_;
  std::vector<BucketSlot> slots_;
  std::vector<bool> hit_;
  Status error_;
};

Result<std::unique_ptr<Collector>> RangeDef::collector(ShardContext& ctx) const {
  QUARRY_RETURN_IF_ERROR(check_no_composite(subs, type));
  QUARRY_RETURN_IF_ERROR(check_no_global(subs));
  auto values = resolve_values(source, ctx, ValuesKind::kNumeric, type);
  if (!values.ok()) return values.status();
  auto out = std::make_unique<RangePartial>(this);
  QUARRY_RETURN_IF_ERROR(resolve(values->field, out.get()));
  return std::unique_ptr<Collector>(std::make_unique<RangeCollector>(this, ctx, std::move(*values), std::move(out)));
}

Result<std::unique_ptr<AggDef>> parse_range(const json::Value& body, const std::string& name, bool date) {
  auto def = std::make_unique<RangeDef>();
  def->date = date;
  std::string type = date ? "date_range" : "range";
  Params p(body, type);
  QUARRY_RETURN_IF_ERROR(def->source.parse(p));
  auto keyed = p.boolean("keyed");
  if (!keyed.ok()) return keyed.status();
  def->keyed = keyed->value_or(false);
  if (date) {
    auto tz = p.string("time_zone");
    if (!tz.ok()) return tz.status();
    if (*tz) {
      auto parsed = TimeZone::parse(**tz);
      if (!parsed.ok()) return parsed.status();
      def->tz = std::move(*parsed);
    }
  }
  const json::Value* ranges = p.get("ranges");
  if (!ranges) return Status::InvalidArgument("No [ranges] specified for the [" + name + "] aggregation");
  if (!ranges->IsArray()) return Status::Parsing("[" + type + "] ranges must be an array");
  for (const auto& r : ranges->GetArray()) {
    if (!r.IsObject()) return Status::Parsing("[" + type + "] each range must be an object");
    RangeSpec spec;
    for (auto it = r.MemberBegin(); it != r.MemberEnd(); ++it) {
      std::string k(json::view(it->name));
      const json::Value& v = it->value;
      if (k == "key") {
        if (!v.IsString()) return Status::Parsing("[range] key must be a string");
        spec.key = std::string(json::view(v));
      } else if (k == "from" || k == "to") {
        if (!v.IsNull() && !v.IsNumber() && !v.IsString()) return Status::Parsing("[range] failed to parse field [" + k + "]");
        if (!v.IsNull()) (k == "from" ? spec.from_json : spec.to_json) = json::to_string(v);
      } else {
        return Status::Parsing("[range] unknown field [" + k + "]");
      }
    }
    def->specs.push_back(std::move(spec));
  }
  if (def->specs.empty()) return Status::InvalidArgument("No [ranges] specified for the [" + name + "] aggregation");
  QUARRY_RETURN_IF_ERROR(p.finish());
  return std::unique_ptr<AggDef>(std::move(def));
}

}  // namespace

void register_range_aggs(Registry& r) {
  r.add("range", [](const json::Value& b, const std::string& n) { return parse_range(b, n, false); });
  r.add("date_range", [](const json::Value& b, const std::string& n) { return parse_range(b, n, true); });
}

}  // namespace quarry::query::aggs
