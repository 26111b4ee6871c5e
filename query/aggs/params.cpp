#include "query/aggs/params.h"

#include <cmath>
#include <cstdio>

#include "index/dates.h"
#include "index/field_value.h"
#include "query/aggs/shard_context.h"
#include "query/search_request.h"

namespace quarry::query::aggs {

const json::Value* Params::get(std::string_view key) {
  known_.insert(std::string(key));
  auto it = body_.FindMember(rapidjson::StringRef(key.data(), key.size()));
  return it == body_.MemberEnd() ? nullptr : &it->value;
}

Status Params::error(std::string_view key, std::string_view why) const {
  return Status::XContentParse("[" + type_ + "] failed to parse field [" + std::string(key) + "]" + (why.empty() ? "" : ": ") +
                         std::string(why));
}

Result<std::optional<std::string>> Params::string(std::string_view key) {
  const json::Value* v = get(key);
  if (!v) return std::optional<std::string>();
  if (v->IsString()) return std::optional<std::string>(std::string(json::view(*v)));
  if (v->IsNumber() || v->IsBool()) return std::optional<std::string>(json::to_string(*v));
  return error(key, "");
}

Result<std::optional<double>> Params::number(std::string_view key) {
  const json::Value* v = get(key);
  if (!v) return std::optional<double>();
  if (v->IsNumber()) return std::optional<double>(v->GetDouble());
  if (v->IsString()) {
    std::string s(json::view(*v));
    char* end = nullptr;
    double d = std::strtod(s.c_str(), &end);
    if (!s.empty() && end == s.c_str() + s.size()) return std::optional<double>(d);
  }
  return error(key, "");
}

Result<std::optional<int64_t>> Params::integer(std::string_view key) {
  const json::Value* v = get(key);
  if (!v) return std::optional<int64_t>();
  if (v->IsInt64()) return std::optional<int64_t>(v->GetInt64());
  if (v->IsString()) {
    std::string s(json::view(*v));
    char* end = nullptr;
    long long n = std::strtoll(s.c_str(), &end, 10);
    if (!s.empty() && end == s.c_str() + s.size()) return std::optional<int64_t>(n);
  }
  return error(key, "");
}

Result<std::optional<bool>> Params::boolean(std::string_view key) {
  const json::Value* v = get(key);
  if (!v) return std::optional<bool>();
  if (v->IsBool()) return std::optional<bool>(v->GetBool());
  if (v->IsString() && (json::view(*v) == "true" || json::view(*v) == "false")) {
    return std::optional<bool>(json::view(*v) == "true");
  }
  return error(key, "");
}

Status Params::finish() const {
  for (auto it = body_.MemberBegin(); it != body_.MemberEnd(); ++it) {
    std::string_view key = json::view(it->name);
    if (!known_.count(key)) return Status::XContentParse("[" + type_ + "] unknown field [" + std::string(key) + "]");
  }
  return Status::Ok();
}

Status ValuesSourceSpec::parse(Params& p, bool field_required) {
  if (p.get("script")) return Status::Parsing("[" + p.type() + "] [script] is not supported");
  auto f = p.string("field");
  if (!f.ok()) return f.status();
  if (*f) field = **f;
  if (const json::Value* m = p.get("missing")) missing_json = json::to_string(*m);
  auto fmt = p.string("format");
  if (!fmt.ok()) return fmt.status();
  if (*fmt) format = **fmt;
  auto vt = p.string("value_type");  // the mapping decides the type; it only types unmapped fields
  if (!vt.ok()) return vt.status();
  if (*vt) value_type = **vt;
  if (field_required && field.empty()) {
    return Status::InvalidArgument("Required one of fields [field, script], but none were specified.");
  }
  return Status::Ok();
}

namespace {

bool numeric_field(index::FieldType t) {
  return index::is_numeric(t) || t == index::FieldType::kDate || t == index::FieldType::kBoolean;
}

// "missing" converted to the field's type. Errors: kInvalidArgument when it does not fit.
Status resolve_missing(const std::string& missing_json, FieldValues* out) {
  if (missing_json.empty()) return Status::Ok();
  json::Document d;
  QUARRY_RETURN_IF_ERROR(json::parse(missing_json, d));
  const index::FieldMapping* f = out->field;
  if (!f) {
    // Unmapped: Elasticsearch treats the field by the missing value's own type.
    if (d.IsNumber()) out->missing_number = d.GetDouble();
    else if (d.IsBool()) out->missing_number = d.GetBool() ? 1 : 0;
    else if (d.IsString()) out->missing_term = std::string(json::view(d));
    return Status::Ok();
  }
  if (f->type == index::FieldType::kDate) {
    auto ms = index::parse_date_value(d, f->effective_date_format());
    if (!ms) return Status::InvalidArgument("failed to parse date field [" + json::to_string(d) + "] with format [" + f->effective_date_format().spec() + "]");
    out->missing_number = static_cast<double>(*ms);
  } else if (f->type == index::FieldType::kBoolean) {
    if (d.IsBool()) out->missing_number = d.GetBool() ? 1 : 0;
    else if (d.IsString() && (json::view(d) == "true" || json::view(d) == "false")) out->missing_number = json::view(d) == "true" ? 1 : 0;
    else return Status::InvalidArgument("Can't parse boolean value [" + json::to_string(d) + "], expected [true] or [false]");
  } else if (numeric_field(f->type)) {
    if (d.IsNumber()) {
      out->missing_number = d.GetDouble();
    } else if (d.IsString()) {
      std::string s(json::view(d));
      char* end = nullptr;
      double v = std::strtod(s.c_str(), &end);
      if (s.empty() || end != s.c_str() + s.size()) return Status::InvalidArgument("For input string: \"" + s + "\"");
      out->missing_number = v;
    } else {
      return Status::InvalidArgument("missing value [" + json::to_string(d) + "] does not fit field [" + f->path + "]");
    }
  } else {
    out->missing_term = d.IsString() ? std::string(json::view(d)) : json::to_string(d);
  }
  return Status::Ok();
}

// The values-source family of a mapped field type and of a `value_type` name (Elasticsearch's
// ValuesSourceType: bytes, numeric, date, boolean, ip, range, geo_point).
std::string_view field_family(const index::FieldMapping& f) {
  switch (f.type) {
    case index::FieldType::kDate: return "date";
    case index::FieldType::kBoolean: return "boolean";
    case index::FieldType::kIp: return "ip";
    case index::FieldType::kRange: return "range";
    case index::FieldType::kGeoPoint: return "geo_point";
    case index::FieldType::kKeyword:
    case index::FieldType::kText:
    case index::FieldType::kBinary:
    case index::FieldType::kObject: return "bytes";
    default: return "numeric";
  }
}

std::string_view value_type_family(std::string_view vt) {
  if (vt == "string") return "bytes";
  if (vt == "date" || vt == "boolean" || vt == "ip" || vt == "range" || vt == "geo_point") return vt;
  if (vt == "long" || vt == "integer" || vt == "short" || vt == "byte" || vt == "double" || vt == "float" ||
      vt == "number" || vt == "numeric") {
    return "numeric";
  }
  return {};  // unknown names keep being ignored for mapped fields
}

// Elasticsearch's ValueType names as it prints them in errors.
std::string value_type_description(std::string_view vt) {
  if (vt == "long" || vt == "integer" || vt == "short" || vt == "byte") return "byte|short|integer|long";
  if (vt == "double" || vt == "float") return "float|double";
  return std::string(vt);
}

Status unsupported_field(const index::FieldMapping& f, std::string_view type_name, const std::string& agg_type) {
  return Status::InvalidArgument("Field [" + f.path + "] of type [" + std::string(type_name) +
                                 "] is not supported for aggregation [" + agg_type + "]");
}

// The aggregations Elasticsearch runs on counter fields of time_series indices (besides rate).
bool supports_counters(std::string_view agg_type) {
  return agg_type == "min" || agg_type == "max" || agg_type == "histogram" || agg_type == "range" ||
         agg_type == "top_metrics" || agg_type == "variable_width_histogram";
}

}  // namespace

Result<FieldValues> resolve_values(const ValuesSourceSpec& spec, ShardContext& ctx, ValuesKind kind,
                                   const std::string& agg_type) {
  FieldValues out;
  out.field = ctx.field(spec.field);
  if (out.field && out.field->type == index::FieldType::kObject) out.field = nullptr;
  if (out.field) {
    const index::FieldMapping& f = *out.field;
    if (!spec.value_type.empty()) {
      std::string_view hinted = value_type_family(spec.value_type);
      if (!hinted.empty() && hinted != field_family(f)) {
        return Status::InvalidArgument(std::string("Field type [") + f.es_type_name() +
                                       "] is incompatible with specified value_type [" +
                                       value_type_description(spec.value_type) + "]");
      }
    }
    if (ctx.time_series_mode() && f.time_series_metric == "counter" && !supports_counters(agg_type)) {
      return unsupported_field(f, f.es_type_name(), agg_type);
    }
    if (f.type == index::FieldType::kRange) {
      if (kind != ValuesKind::kNumericOrRange) return unsupported_field(f, f.es_type_name(), agg_type);
      if (f.range_of == index::FieldType::kIp) {
        return Status::InvalidArgument("Expected numeric range type but found non-numeric range [" +
                                       std::string(f.es_type_name()) + "]");
      }
      auto col = ctx.doc_values().ranges(f);
      if (!col.ok()) return col.status();
      out.ranges = *col;
      return out;  // "missing" does not apply to ranges
    }
    if (numeric_field(f.type)) {
      auto col = ctx.doc_values().numeric(f);
      if (!col.ok()) return col.status();
      out.numeric = *col;
    } else if (kind != ValuesKind::kAny) {
      if (f.type == index::FieldType::kText) return no_doc_values_error(f);
      return unsupported_field(f, index::field_type_name(f.type), agg_type);
    } else {
      auto col = ctx.doc_values().ordinals(f);
      if (!col.ok()) return col.status();
      out.ordinals = *col;
    }
  }
  if (!out.field && !spec.value_type.empty()) {
    auto t = index::parse_field_type(spec.value_type == "numeric" ? "double" : spec.value_type);
    if (t && numeric_field(*t)) {
      auto f = std::make_shared<index::FieldMapping>();
      f->path = spec.field;
      f->type = *t;
      out.unmapped_as = std::move(f);
    }
  }
  if (out.unmapped_as) {
    // "missing" is read as a value of value_type (a date string becomes epoch millis).
    out.field = out.unmapped_as.get();
    Status st = resolve_missing(spec.missing_json, &out);
    out.field = nullptr;
    QUARRY_RETURN_IF_ERROR(st);
    return out;
  }
  QUARRY_RETURN_IF_ERROR(resolve_missing(spec.missing_json, &out));
  return out;
}

std::string number_json(double v, bool integer_like) {
  if (!std::isfinite(v)) return "null";
  if (integer_like && v == std::floor(v) && std::fabs(v) < 9.2e18) return std::to_string(static_cast<int64_t>(v));
  rapidjson::StringBuffer buf;
  json::Writer w(buf);
  w.Double(v);
  return std::string(buf.GetString(), buf.GetSize());
}

std::optional<std::string> format_value(double v, const index::FieldMapping* f, const std::string& format) {
  if (f && f->type == index::FieldType::kDate) {
    auto ms = static_cast<int64_t>(std::llround(v));
    if (!format.empty()) {
      auto df = index::DateFormat::compile(format);
      if (df.ok()) return df->format(ms);
    }
    return f->effective_date_format().format(ms);
  }
  if (f && f->type == index::FieldType::kBoolean) return std::string(v != 0 ? "true" : "false");
  if (!format.empty()) return decimal_format(v, format);
  return std::nullopt;
}

}  // namespace quarry::query::aggs
