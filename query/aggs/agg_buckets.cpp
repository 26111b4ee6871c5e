// Registration of: histogram, date_histogram, range, date_range, filter, filters, missing, global,
// composite; and the helpers those families share (agg_buckets.h).
#include "query/aggs/agg_buckets.h"

#include <cmath>
#include <cstdio>

#include "index/date_math_name.h"
#include "query/aggs/registry.h"
#include "query/search_request.h"

namespace quarry::query::aggs {

void register_bucket_aggs(Registry& r) {
  register_histogram_aggs(r);
  register_range_aggs(r);
  register_filter_aggs(r);
  register_composite_aggs(r);
}

bool has_sub_collectors(const AggDefs& defs) {
  for (const auto& d : defs) {
    if (!d->is_pipeline()) return true;
  }
  return false;
}

Status parse_zone_and_offset(Params& p, TimeZone* tz, int64_t* offset) {
  auto tz_text = p.string("time_zone");
  if (!tz_text.ok()) return tz_text.status();
  if (*tz_text) {
    auto parsed = TimeZone::parse(**tz_text);
    if (!parsed.ok()) return parsed.status();
    *tz = std::move(*parsed);
  }
  if (const json::Value* o = p.get("offset")) {
    if (o->IsInt64()) {
      *offset = o->GetInt64();
    } else if (o->IsString()) {
      auto ms = DateRounding::parse_offset(std::string(json::view(*o)));
      if (!ms.ok()) return ms.status();
      *offset = *ms;
    } else {
      return p.error("offset", "");
    }
  }
  return Status::Ok();
}

Status check_no_global(const AggDefs& subs) {
  for (const auto& d : subs) {
    if (d->type == "global") {
      return Status::InvalidArgument("Aggregation [" + d->name + "] of type [global] cannot be a sub-aggregation");
    }
    QUARRY_RETURN_IF_ERROR(check_no_global(d->subs));
  }
  return Status::Ok();
}

Status check_no_composite(const AggDefs& subs, const std::string& parent_type) {
  for (const auto& d : subs) {
    if (d->type == "composite") {
      return Status::InvalidArgument("[composite] aggregation cannot be used with a parent aggregation of type: [" +
                                     parent_type + "]");
    }
    QUARRY_RETURN_IF_ERROR(check_no_composite(d->subs, parent_type));
  }
  return Status::Ok();
}

void BucketSlot::collect(const AggDefs& defs, ShardContext& ctx, Xapian::docid did, double score, Status* error) {
  ++count;
  if (!has_sub_collectors(defs)) return;
  SubCollectors::lazy(subs, defs, ctx, error)->collect(did, score);
}

Result<NamedPartials> BucketSlot::finish(const AggDefs& defs) {
  if (subs) return subs->finish();
  return empty_named(defs);
}

std::string json_string(std::string_view s) {
  rapidjson::StringBuffer buf;
  json::Writer w(buf);
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  return std::string(buf.GetString(), buf.GetSize());
}

std::string double_json(double v) {
  if (!std::isfinite(v)) return "null";
  rapidjson::StringBuffer buf;
  json::Writer w(buf);
  w.Double(v);
  return std::string(buf.GetString(), buf.GetSize());
}

std::string java_double_string(double v) {
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (std::isnan(v)) return "NaN";
  double a = std::fabs(v);
  if (a == 0 || (a >= 1e-3 && a < 1e7)) {
    std::string s = double_json(v);
    if (s.find_first_of(".eE") == std::string::npos) s += ".0";
    return s;
  }
  // Scientific: shortest mantissa that round-trips, "1.0E10".
  char buf[64];
  for (int prec = 1; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*e", prec - 1, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  std::string s(buf);
  auto e = s.find('e');
  std::string mant = s.substr(0, e);
  int exp = std::atoi(s.c_str() + e + 1);
  if (mant.find('.') == std::string::npos) mant += ".0";
  return mant + "E" + std::to_string(exp);
}

Status check_bucket_room(const ReduceContext& ctx, double n) {
  if (!ctx.bucket_count) return Status::Ok();
  if (static_cast<double>(*ctx.bucket_count) + n > static_cast<double>(ctx.max_buckets)) {
    int64_t saved = *ctx.bucket_count;
    Status st = ctx.add_buckets(ctx.max_buckets + 1 - saved);  // builds the error
    *ctx.bucket_count = saved;
    return st;
  }
  return Status::Ok();
}

Status finalize_in_order(std::vector<Bucket>& buckets, const AggDefs& defs, const ReduceContext& ctx,
                         const BucketOrder* order) {
  auto key_less = [](const Bucket& a, const Bucket& b) { return a.number < b.number; };
  if (!order || !order->uses_subs()) {
    if (order) {
      std::stable_sort(buckets.begin(), buckets.end(),
                       [&](const Bucket& a, const Bucket& b) { return order->before(a, b, key_less); });
    }
    return finalize_buckets(buckets, defs, ctx);
  }
  QUARRY_RETURN_IF_ERROR(ctx.add_buckets(static_cast<int64_t>(buckets.size())));
  for (auto& b : buckets) QUARRY_RETURN_IF_ERROR(finalize_named(b.subs, defs, ctx));
  std::stable_sort(buckets.begin(), buckets.end(),
                   [&](const Bucket& a, const Bucket& b) { return order->before(a, b, key_less); });
  return run_parent_pipelines(buckets, defs, ctx);
}

void SingleBucketPartial::merge(Partial& other_base) {
  auto& other = static_cast<SingleBucketPartial&>(other_base);
  doc_count += other.doc_count;
  subs.merge(other.subs);
}

Status SingleBucketPartial::finalize(const ReduceContext& ctx) {
  // Single-bucket results do not count against search.max_buckets (as in Elasticsearch).
  return finalize_named(subs, def().subs, ctx);
}

void SingleBucketPartial::render(json::Writer& w) const {
  w.Key("doc_count");
  w.Uint64(doc_count);
  render_named(w, subs);
}

std::optional<double> SingleBucketPartial::property(std::string_view name) const {
  if (name.empty() || name == "_count" || name == "doc_count") return static_cast<double>(doc_count);
  return std::nullopt;
}

std::optional<std::string> format_decimal(double v, const std::string& pattern) {
  auto first = pattern.find_first_of("#0");
  if (first == std::string::npos) return std::nullopt;
  auto last = pattern.find_last_of("#0");
  size_t begin = first, end = last + 1;
  while (begin > 0 && (pattern[begin - 1] == '.' || pattern[begin - 1] == ',')) --begin;
  auto core = decimal_format(v, pattern.substr(begin, end - begin));
  if (!core) return std::nullopt;
  auto literal = [](std::string t) {
    std::string out;
    for (char c : t) {
      if (c != '\'') out += c;
    }
    return out;
  };
  return literal(pattern.substr(0, begin)) + *core + literal(pattern.substr(end));
}

Result<index::DateFormat> compile_date_format(const std::string& spec) {
  if (spec == "iso8601") return index::DateFormat::compile("strict_date_optional_time");
  return index::DateFormat::compile(spec);
}

namespace {

bool names_zone(const std::string& s) {
  auto t = s.find('T');
  if (t == std::string::npos) return false;
  return s.find_first_of("Z+-", t) != std::string::npos;
}

}  // namespace

Result<int64_t> parse_date_param(const json::Value& v, const index::DateFormat& format, const TimeZone& tz,
                                 int64_t now_ms, bool round_up) {
  if (v.IsNumber()) {
    // Numbers are read as their text in the format (epoch_second takes seconds).
    if (auto ms = index::parse_date_value(v, format)) return *ms;
    if (v.IsInt64()) return v.GetInt64();
    return static_cast<int64_t>(v.GetDouble());
  }
  if (!v.IsString()) return Status::Parsing("cannot parse date value [" + json::to_string(v) + "]");
  std::string raw(json::view(v));
  std::string anchor_text = raw, ops;
  int64_t anchor;
  bool absolute = true;
  if (raw.rfind("now", 0) == 0) {
    anchor = now_ms;
    ops = raw.substr(3);
  } else {
    auto bars = raw.find("||");
    if (bars != std::string::npos) {
      anchor_text = raw.substr(0, bars);
      ops = raw.substr(bars + 2);
    }
    auto parsed = format.parse(anchor_text);
    // Elasticsearch's ISO parsers are lenient about omitted fractions: fall back to the default.
    if (!parsed) parsed = index::DateFormat::default_format().parse(anchor_text);
    if (!parsed) {
      return Status::Parsing("failed to parse date field [" + raw + "] with format [" + format.spec() + "]");
    }
    anchor = *parsed;
    bool numeric = !anchor_text.empty() &&
                   anchor_text.find_first_not_of("0123456789.", anchor_text[0] == '-' ? 1 : 0) == std::string::npos;
    absolute = numeric || names_zone(anchor_text);
    if (!absolute) anchor = tz.to_utc(anchor);
  }
  if (ops.empty()) return anchor;
  // Date math on the wall clock of the zone.
  int64_t off = tz.offset_at(anchor);
  int64_t local = anchor + off;
  std::string expr = "now" + ops;
  if (round_up && ops.size() >= 2 && ops[ops.size() - 2] == '/') expr += std::string("+1") + ops.back();
  auto r = index::eval_date_math(expr, local);
  if (!r.ok()) return Status::Parsing(r.status().message());
  int64_t out = tz.to_utc(*r);
  return round_up && expr.size() != 3 + ops.size() ? out - 1 : out;
}

}  // namespace quarry::query::aggs
