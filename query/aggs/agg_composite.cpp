// composite: buckets keyed by a tuple of values from several sources (terms, histogram,
// date_histogram), sorted by that tuple and paged with `after`. Each shard keeps only the first
// `size` keys after `after` (bounded memory), the coordinator merges and keeps the first `size`,
// and after_key is the last bucket's key: passing it back as `after` continues with the next page
// until a page comes back empty.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "index/field_value.h"
#include "query/aggs/agg_buckets.h"
#include "query/aggs/params.h"
#include "query/aggs/shard_context.h"

namespace quarry::query::aggs {

namespace {

// One component of a composite key.
struct CVal {
  enum Kind { kNull, kNum, kStr } kind = kNull;
  double num = 0;
  std::string str;
  bool operator==(const CVal& o) const {
    return kind == o.kind && (kind == kNull || (kind == kNum ? num == o.num : str == o.str));
  }
};
using CKey = std::vector<CVal>;

struct Source {
  enum class Type { kTerms, kHistogram, kDateHistogram } type = Type::kTerms;
  std::string name;
  ValuesSourceSpec spec;
  bool missing_bucket = false;
  enum class MissingOrder { kDefault, kFirst, kLast } missing_order = MissingOrder::kDefault;
  bool asc = true;
  double interval = 0, offset = 0;  // histogram
  DateRounding rounding;            // date_histogram
};

class CompositeDef;

// Orders keys by the sources' orders.
struct KeyLess {
  const std::vector<Source>* sources;
  // <0, 0, >0
  static int cmp_one(const Source& s, const CVal& a, const CVal& b) {
    if (a.kind == CVal::kNull || b.kind == CVal::kNull) {
      if (a.kind == b.kind) return 0;
      bool nulls_first = s.missing_order == Source::MissingOrder::kFirst ||
                         (s.missing_order == Source::MissingOrder::kDefault && s.asc);
      int r = a.kind == CVal::kNull ? -1 : 1;
      return nulls_first ? r : -r;
    }
    int r;
    if (a.kind != b.kind) {
      r = a.kind == CVal::kNum ? -1 : 1;
    } else if (a.kind == CVal::kNum) {
      r = a.num < b.num ? -1 : (a.num > b.num ? 1 : 0);
    } else {
      r = a.str < b.str ? -1 : (a.str > b.str ? 1 : 0);
    }
    return s.asc ? r : -r;
  }
  bool operator()(const CKey& a, const CKey& b) const {
    for (size_t i = 0; i < sources->size(); ++i) {
      int c = cmp_one((*sources)[i], a[i], b[i]);
      if (c != 0) return c < 0;
    }
    return false;
  }
};

// How one source's values print (from the shard that saw its field).
struct SourceStyle {
  bool known = false;
  bool integer = false;  // long-like numbers print without ".0"
  bool date_string = false;
  std::shared_ptr<const index::DateFormat> date_format;
  bool boolean = false;
};

class CompositePartial : public Partial {
 public:
  CompositePartial(const CompositeDef* def);
  void merge(Partial& other) override;
  Status finalize(const ReduceContext& ctx) override;
  void render(json::Writer& w) const override;
  std::vector<Bucket>* buckets() override { return &final_; }

  std::map<CKey, Bucket, KeyLess> by_key;
  std::vector<SourceStyle> styles;

 private:
  std::string key_object(const CKey& k) const;
  const CompositeDef* cdef_;
  std::vector<Bucket> final_;
  std::string after_key_;
};

class CompositeDef : public AggDef {
 public:
  std::vector<Source> sources;
  int64_t size = 10;
  std::optional<CKey> after;
  std::string after_json;  // raw, resolved per shard for formatted dates

  Result<std::unique_ptr<Collector>> collector(ShardContext& ctx) const override;
  PartialPtr empty_partial() const override { return std::make_unique<CompositePartial>(this); }
  void trim(std::map<CKey, Bucket, KeyLess>& m) const {
    while (static_cast<int64_t>(m.size()) > size) m.erase(std::prev(m.end()));
  }
};

CompositePartial::CompositePartial(const CompositeDef* def)
    : Partial(def), by_key(KeyLess{&def->sources}), styles(def->sources.size()), cdef_(def) {
  for (size_t i = 0; i < def->sources.size(); ++i) {
    const Source& s = def->sources[i];
    if (s.type == Source::Type::kDateHistogram) {
      styles[i].integer = true;
      if (!s.spec.format.empty()) {
        auto df = compile_date_format(s.spec.format);
        if (df.ok()) {
          styles[i].date_string = true;
          styles[i].date_format = std::make_shared<index::DateFormat>(*df);
        }
      }
    }
  }
}

SourceStyle style_for(const Source& s, const index::FieldMapping* f) {
  SourceStyle st;
  st.known = f != nullptr;
  if (s.type == Source::Type::kHistogram) return st;
  bool date = f && f->type == index::FieldType::kDate;
  if (s.type == Source::Type::kDateHistogram || date) {
    st.integer = true;
    if (!s.spec.format.empty()) {
      auto df = compile_date_format(s.spec.format);
      if (df.ok()) {
        st.date_string = true;
        st.date_format = std::make_shared<index::DateFormat>(*df);
      }
    }
    return st;
  }
  if (f && f->type == index::FieldType::kBoolean) st.boolean = true;
  if (f && index::is_numeric(f->type) && f->type != index::FieldType::kDouble && f->type != index::FieldType::kFloat &&
      f->type != index::FieldType::kHalfFloat) {
    st.integer = true;
  }
  return st;
}

void CompositePartial::merge(Partial& other_base) {
  auto& other = static_cast<CompositePartial&>(other_base);
  for (size_t i = 0; i < styles.size(); ++i) {
    if (!styles[i].known && other.styles[i].known) styles[i] = other.styles[i];
  }
  for (auto& [k, b] : other.by_key) {
    auto it = by_key.find(k);
    if (it == by_key.end()) {
      by_key.emplace(k, std::move(b));
    } else {
      merge_bucket(it->second, b);
    }
  }
  cdef_->trim(by_key);
}

std::string CompositePartial::key_object(const CKey& k) const {
  std::string out = "{";
  for (size_t i = 0; i < k.size(); ++i) {
    if (i) out += ",";
    out += json_string(cdef_->sources[i].name) + ":";
    const CVal& v = k[i];
    const SourceStyle& st = styles[i];
    if (v.kind == CVal::kNull) {
      out += "null";
    } else if (v.kind == CVal::kStr) {
      out += json_string(v.str);
    } else if (st.date_string) {
      const TimeZone& tz = cdef_->sources[i].type == Source::Type::kDateHistogram ? cdef_->sources[i].rounding.tz()
                                                                                  : TimeZone();
      out += json_string(format_in_zone(static_cast<int64_t>(v.num), *st.date_format, tz));
    } else if (st.boolean) {
      out += v.num != 0 ? "true" : "false";
    } else {
      out += st.integer ? number_json(v.num, true) : double_json(v.num);
    }
  }
  return out + "}";
}

Status CompositePartial::finalize(const ReduceContext& ctx) {
  QUARRY_RETURN_IF_ERROR(check_bucket_room(ctx, static_cast<double>(cdef_->size)));
  cdef_->trim(by_key);
  final_.clear();
  CKey last;
  for (auto& [k, b] : by_key) {
    // A formatted date key must parse back to itself, or `after` could not continue from it.
    for (size_t i = 0; i < k.size(); ++i) {
      const SourceStyle& st = styles[i];
      if (k[i].kind != CVal::kNum || !st.date_string) continue;
      const TimeZone& tz = cdef_->sources[i].rounding.tz();
      std::string text = format_in_zone(static_cast<int64_t>(k[i].num), *st.date_format, tz);
      json::Document d;
      d.SetString(text.c_str(), static_cast<rapidjson::SizeType>(text.size()), d.GetAllocator());
      auto back = parse_date_param(d, *st.date_format, tz, 0);
      if (!back.ok() || static_cast<double>(*back) != k[i].num) {
        return Status::InvalidArgument("Format [" + st.date_format->spec() + "] created output it couldn't parse for value [" +
                                       number_json(k[i].num, true) + "] of type [java.lang.Long]. parsed value: [" +
                                       (back.ok() ? std::to_string(*back) : std::string("unparseable")) + "(" + text + ")]");
      }
    }
    b.key_json = key_object(k);
    b.number = k.empty() || k[0].kind != CVal::kNum ? static_cast<double>(final_.size()) : k[0].num;
    last = k;
    final_.push_back(std::move(b));
  }
  by_key.clear();
  after_key_ = final_.empty() ? "" : key_object(last);
  return finalize_buckets(final_, cdef_->subs, ctx);
}

void CompositePartial::render(json::Writer& w) const {
  if (!after_key_.empty()) {
    w.Key("after_key");
    json::write_raw(w, after_key_);
  }
  render_buckets(w, final_, false);
}

// The values of one source for one document (sorted, distinct).
struct SourceValues {
  const Source* source = nullptr;
  FieldValues values;
  bool ip = false;
};

class CompositeCollector : public Collector {
 public:
  CompositeCollector(const CompositeDef* def, ShardContext& ctx, std::vector<SourceValues> sources,
                     std::unique_ptr<CompositePartial> out, std::optional<CKey> after)
      : def_(def), ctx_(ctx), sources_(std::move(sources)), out_(std::move(out)), after_(std::move(after)),
        slots_(KeyLess{&def->sources}), per_source_(sources_.size()) {}

  void collect(Xapian::docid did, double score) override {
    for (size_t i = 0; i < sources_.size(); ++i) {
      auto& vals = per_source_[i];
      vals.clear();
      const SourceValues& sv = sources_[i];
      const Source& s = *sv.source;
      if (sv.values.ordinals) {
        sv.values.ordinals->for_each(did, [&](uint32_t o) {
          CVal v;
          v.kind = CVal::kStr;
          v.str = sv.ip ? index::ip_text(sv.values.ordinals->terms[o]) : sv.values.ordinals->terms[o];
          vals.push_back(std::move(v));
        });
      } else if (sv.values.numeric) {
        sv.values.numeric->for_each(did, [&](double x) {
          CVal v;
          v.kind = CVal::kNum;
          if (s.type == Source::Type::kHistogram) {
            v.num = std::floor((x - s.offset) / s.interval) * s.interval + s.offset;
          } else if (s.type == Source::Type::kDateHistogram) {
            v.num = static_cast<double>(s.rounding.round(static_cast<int64_t>(std::floor(x))));
          } else {
            v.num = x;
          }
          if (vals.empty() || !(vals.back() == v)) vals.push_back(v);
        });
      }
      if (vals.empty()) {
        if (!s.missing_bucket) return;
        vals.emplace_back();
      }
    }
    // Every combination of the sources' values.
    CKey key(sources_.size());
    add_product(0, key, did, score);
  }

  Result<PartialPtr> finish() override {
    if (!error_.ok()) return error_;
    for (auto& [k, slot] : slots_) {
      Bucket b;
      b.doc_count = slot.count;
      auto named = slot.finish(def_->subs);
      if (!named.ok()) return named.status();
      b.subs = std::move(*named);
      out_->by_key.emplace(k, std::move(b));
    }
    return PartialPtr(std::move(out_));
  }

 private:
  void add_product(size_t i, CKey& key, Xapian::docid did, double score) {
    if (i == key.size()) {
      KeyLess less{&def_->sources};
      if (after_ && !less(*after_, key)) return;
      auto it = slots_.find(key);
      if (it == slots_.end()) {
        // Full: a key after the current last cannot make this shard's first `size`.
        if (static_cast<int64_t>(slots_.size()) >= def_->size) {
          if (!less(key, std::prev(slots_.end())->first)) return;
          slots_.erase(std::prev(slots_.end()));
        }
        it = slots_.emplace(key, BucketSlot()).first;
      }
      it->second.collect(def_->subs, ctx_, did, score, &error_);
      return;
    }
    for (const CVal& v : per_source_[i]) {
      key[i] = v;
      add_product(i + 1, key, did, score);
    }
  }

  const CompositeDef* def_;
  ShardContext& ctx_;
  std::vector<SourceValues> sources_;
  std::unique_ptr<CompositePartial> out_;
  std::optional<CKey> after_;
  std::map<CKey, BucketSlot, KeyLess> slots_;
  std::vector<std::vector<CVal>> per_source_;
  Status error_;
};

// `after` resolved for the shard's field types (formatted dates parsed back, numeric strings).
Result<CKey> resolve_after(const CompositeDef& def, const std::vector<SourceValues>& sources) {
  json::Document d;
  QUARRY_RETURN_IF_ERROR(json::parse(def.after_json, d));
  CKey key(def.sources.size());
  for (size_t i = 0; i < def.sources.size(); ++i) {
    const Source& s = def.sources[i];
    auto it = d.FindMember(rapidjson::StringRef(s.name.c_str(), s.name.size()));
    if (it == d.MemberEnd()) {
      return Status::InvalidArgument("[after] has " + std::to_string(d.MemberCount()) +
                                     " value(s) but [sources] has " + std::to_string(def.sources.size()));
    }
    const json::Value& v = it->value;
    CVal& out = key[i];
    if (v.IsNull()) {
      if (!s.missing_bucket) {
        return Status::InvalidArgument("Cannot set after key in the composite aggregation [" + def.name + "] - missing_bucket is not set");
      }
      continue;
    }
    const FieldValues& fv = sources[i].values;
    bool numeric_source = s.type != Source::Type::kTerms || fv.numeric;
    if (!numeric_source && (fv.ordinals || !fv.field)) {
      out.kind = CVal::kStr;
      out.str = v.IsString() ? std::string(json::view(v)) : json::to_string(v);
      continue;
    }
    out.kind = CVal::kNum;
    if (v.IsNumber()) {
      out.num = v.GetDouble();
    } else if (v.IsBool()) {
      out.num = v.GetBool() ? 1 : 0;
    } else if (v.IsString()) {
      bool date = s.type == Source::Type::kDateHistogram || (fv.field && fv.field->type == index::FieldType::kDate);
      if (date) {
        const index::DateFormat* fmt = &index::DateFormat::default_format();
        index::DateFormat own;
        if (!s.spec.format.empty()) {
          auto df = compile_date_format(s.spec.format);
          if (!df.ok()) return Status::InvalidArgument(df.status().message());
          own = *df;
          fmt = &own;
        } else if (fv.field && fv.field->type == index::FieldType::kDate) {
          fmt = &fv.field->effective_date_format();
        }
        auto ms = parse_date_param(v, *fmt, s.rounding.tz(), now_millis());
        if (!ms.ok()) return ms.status();
        out.num = static_cast<double>(*ms);
      } else if (json::view(v) == "true" || json::view(v) == "false") {
        out.num = json::view(v) == "true" ? 1 : 0;
      } else {
        std::string t(json::view(v));
        char* end = nullptr;
        out.num = std::strtod(t.c_str(), &end);
        if (t.empty() || end != t.c_str() + t.size()) {
          return Status::InvalidArgument("invalid value [" + t + "] in [after] for source [" + s.name + "]");
        }
      }
    } else {
      return Status::InvalidArgument("invalid value in [after] for source [" + s.name + "]");
    }
  }
  return key;
}

Result<std::unique_ptr<Collector>> CompositeDef::collector(ShardContext& ctx) const {
  QUARRY_RETURN_IF_ERROR(check_no_composite(subs, type));
  QUARRY_RETURN_IF_ERROR(check_no_global(subs));
  std::vector<SourceValues> values;
  auto out = std::make_unique<CompositePartial>(this);
  for (size_t i = 0; i < sources.size(); ++i) {
    const Source& s = sources[i];
    SourceValues sv;
    sv.source = &s;
    ValuesKind kind = s.type == Source::Type::kTerms ? ValuesKind::kAny : ValuesKind::kNumeric;
    auto v = resolve_values(s.spec, ctx, kind, "composite");
    if (!v.ok()) return v.status();
    sv.values = std::move(*v);
    sv.ip = sv.values.field && sv.values.field->type == index::FieldType::kIp;
    out->styles[i] = style_for(s, sv.values.field);
    values.push_back(std::move(sv));
  }
  std::optional<CKey> after_key;
  if (!after_json.empty()) {
    auto k = resolve_after(*this, values);
    if (!k.ok()) return k.status();
    after_key = std::move(*k);
  }
  return std::unique_ptr<Collector>(
      std::make_unique<CompositeCollector>(this, ctx, std::move(values), std::move(out), std::move(after_key)));
}

Result<Source> parse_source(const std::string& name, const std::string& type, const json::Value& body) {
  Source s;
  s.name = name;
  if (type == "terms") s.type = Source::Type::kTerms;
  else if (type == "histogram") s.type = Source::Type::kHistogram;
  else if (type == "date_histogram") s.type = Source::Type::kDateHistogram;
  else return Status::Parsing("Unknown value source type [" + type + "] in composite source [" + name + "]");
  if (!body.IsObject()) return Status::Parsing("[" + type + "] source [" + name + "] must be an object");
  Params p(body, type);
  QUARRY_RETURN_IF_ERROR(s.spec.parse(p));
  if (!s.spec.missing_json.empty()) {
    return Status::InvalidArgument("[missing] is not supported in composite sources: use [missing_bucket]");
  }
  auto mb = p.boolean("missing_bucket");
  if (!mb.ok()) return mb.status();
  s.missing_bucket = mb->value_or(false);
  auto mo = p.string("missing_order");
  if (!mo.ok()) return mo.status();
  if (*mo) {
    if (**mo == "first") s.missing_order = Source::MissingOrder::kFirst;
    else if (**mo == "last") s.missing_order = Source::MissingOrder::kLast;
    else if (**mo != "default") return Status::InvalidArgument("Unknown MissingOrder value: [" + **mo + "]");
    if (s.missing_order != Source::MissingOrder::kDefault && !s.missing_bucket) {
      return Status::InvalidArgument("missingOrder can only be set if missingBucket is true");
    }
  }
  auto order = p.string("order");
  if (!order.ok()) return order.status();
  if (*order) {
    if (**order == "desc") s.asc = false;
    else if (**order != "asc") return Status::InvalidArgument("Unknown order direction [" + **order + "]");
  }
  if (s.type == Source::Type::kHistogram) {
    auto interval = p.number("interval");
    if (!interval.ok()) return interval.status();
    if (!*interval || !(**interval > 0)) return Status::InvalidArgument("[interval] must be greater than 0 for [histogram] source");
    s.interval = **interval;
    auto offset = p.number("offset");
    if (!offset.ok()) return offset.status();
    s.offset = offset->value_or(0);
  } else if (s.type == Source::Type::kDateHistogram) {
    auto cal = p.string("calendar_interval");
    if (!cal.ok()) return cal.status();
    auto fixed = p.string("fixed_interval");
    if (!fixed.ok()) return fixed.status();
    auto legacy = p.string("interval");
    if (!legacy.ok()) return legacy.status();
    DateRounding::Unit unit = DateRounding::Unit::kFixed;
    int64_t ms = 1;
    if (*cal && *fixed) return Status::InvalidArgument("Cannot use [fixed_interval] with [calendar_interval] configuration option.");
    if (*cal) {
      auto u = DateRounding::parse_calendar(**cal);
      if (!u.ok()) return u.status();
      unit = *u;
    } else if (*fixed || *legacy) {
      auto u = *legacy ? DateRounding::parse_calendar(**legacy) : Result<DateRounding::Unit>(Status::InvalidArgument(""));
      if (u.ok()) {
        unit = *u;
      } else {
        auto f = DateRounding::parse_fixed(*fixed ? **fixed : **legacy, "date_histogram.fixedInterval");
        if (!f.ok()) return f.status();
        ms = *f;
      }
    } else {
      return Status::InvalidArgument("Invalid interval specified, must be non-null and non-empty");
    }
    TimeZone tz;
    int64_t offset = 0;
    QUARRY_RETURN_IF_ERROR(parse_zone_and_offset(p, &tz, &offset));
    s.rounding = DateRounding(unit, ms, std::move(tz), offset);
    if (!s.spec.format.empty()) {
      auto df = compile_date_format(s.spec.format);
      if (!df.ok()) {
        return Status::InvalidArgument("Format [" + s.spec.format + "] created output it couldn't parse: " + df.status().message());
      }
    }
  }
  QUARRY_RETURN_IF_ERROR(p.finish());
  return s;
}

Result<std::unique_ptr<AggDef>> parse_composite(const json::Value& body, const std::string& name) {
  auto def = std::make_unique<CompositeDef>();
  Params p(body, "composite");
  const json::Value* sources = p.get("sources");
  if (!sources) return Status::InvalidArgument("Required [sources]");
  if (!sources->IsArray() || sources->Empty()) return Status::InvalidArgument("Composite [sources] cannot be null or empty");
  std::set<std::string> names;
  for (const auto& src : sources->GetArray()) {
    if (!src.IsObject() || src.MemberCount() != 1) {
      return Status::Parsing("[composite] each source must be an object with exactly one named source");
    }
    auto it = src.MemberBegin();
    std::string sname(json::view(it->name));
    const json::Value& inner = it->value;
    if (!inner.IsObject() || inner.MemberCount() != 1) {
      return Status::Parsing("[composite] source [" + sname + "] must name exactly one value source type");
    }
    auto t = inner.MemberBegin();
    auto s = parse_source(sname, std::string(json::view(t->name)), t->value);
    if (!s.ok()) return s.status();
    if (!names.insert(sname).second) {
      return Status::InvalidArgument("Composite source names must be unique, found duplicates: [" + sname + "]");
    }
    def->sources.push_back(std::move(*s));
  }
  auto size = p.integer("size");
  if (!size.ok()) return size.status();
  if (*size) {
    if (**size < 1) return Status::InvalidArgument("[size] must be greater than 0. Found [" + std::to_string(**size) + "] in [" + name + "]");
    def->size = **size;
  }
  if (const json::Value* after = p.get("after")) {
    if (!after->IsObject()) return Status::Parsing("[composite] after must be an object");
    if (after->MemberCount() != def->sources.size()) {
      return Status::InvalidArgument("[after] has " + std::to_string(after->MemberCount()) + " value(s) but [sources] has " +
                                     std::to_string(def->sources.size()));
    }
    def->after_json = json::to_string(*after);
  }
  QUARRY_RETURN_IF_ERROR(p.finish());
  return std::unique_ptr<AggDef>(std::move(def));
}

}  // namespace

void register_composite_aggs(Registry& r) { r.add("composite", parse_composite); }

}  // namespace quarry::query::aggs
