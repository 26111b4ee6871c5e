#include "index/mapping.h"

#include <algorithm>
#include <cmath>

#include "index/field_value.h"

namespace quarry::index {
namespace {

constexpr int kMetaVersion = 1;

std::string parent_path_of(std::string_view path) {
  size_t dot = path.rfind('.');
  return dot == std::string_view::npos ? std::string() : std::string(path.substr(0, dot));
}

std::string join_path(std::string_view parent, std::string_view leaf) {
  if (parent.empty()) return std::string(leaf);
  std::string p(parent);
  p += '.';
  p += leaf;
  return p;
}

std::string bool_text(bool b) { return b ? "true" : "false"; }

Status mapper_parsing(std::string m) { return Status::MapperParsing(std::move(m)); }

// Boolean mapping parameters accept true/false and "true"/"false", as Elasticsearch does.
Status read_bool(const json::Value& v, bool& out) {
  if (v.IsBool()) {
    out = v.GetBool();
    return Status::Ok();
  }
  if (v.IsString() && (json::view(v) == "true" || json::view(v) == "false")) {
    out = json::view(v) == "true";
    return Status::Ok();
  }
  return mapper_parsing("Failed to parse value [" + value_preview(v) +
                        "] as only [true] or [false] are allowed.");
}

Status read_dynamic(const json::Value& v, DynamicMode& out) {
  if (v.IsBool()) {
    out = v.GetBool() ? DynamicMode::kTrue : DynamicMode::kFalse;
    return Status::Ok();
  }
  if (v.IsString()) {
    std::string_view s = json::view(v);
    if (s == "true") out = DynamicMode::kTrue;
    else if (s == "false") out = DynamicMode::kFalse;
    else if (s == "strict") out = DynamicMode::kStrict;
    else if (s == "runtime") return mapper_parsing("dynamic [runtime] is not supported");
    else return mapper_parsing("Could not convert [dynamic] to boolean: [" + std::string(s) + "]");
    return Status::Ok();
  }
  return mapper_parsing("Could not convert [dynamic] to boolean: [" + value_preview(v) + "]");
}

std::optional<IndexOptions> parse_index_options(std::string_view s) {
  if (s == "docs") return IndexOptions::kDocs;
  if (s == "freqs") return IndexOptions::kFreqs;
  if (s == "positions") return IndexOptions::kPositions;
  if (s == "offsets") return IndexOptions::kOffsets;
  return std::nullopt;
}

// Which parameters each type accepts (besides "type"). Everything else is rejected, so a mapping
// never silently means less than the user wrote.
bool accepts_param(FieldType t, std::string_view p) {
  if (t == FieldType::kObject) return p == "properties" || p == "dynamic" || p == "enabled";
  if (p == "index" || p == "store" || p == "fields" || p == "meta" || p == "copy_to") return true;
  if (p == "time_series_dimension") {
    return t == FieldType::kKeyword || t == FieldType::kIp || t == FieldType::kBoolean || is_numeric(t);
  }
  if (p == "time_series_metric") return is_numeric(t);
  switch (t) {
    case FieldType::kText:
      return p == "analyzer" || p == "search_analyzer" || p == "index_options" || p == "norms" ||
             p == "fielddata" || p == "eager_global_ordinals" || p == "similarity" || p == "term_vector" ||
             p == "position_increment_gap" || p == "index_phrases" || p == "index_prefixes";
    case FieldType::kKeyword:
      return p == "ignore_above" || p == "null_value" || p == "doc_values" || p == "normalizer" || p == "norms" ||
             p == "eager_global_ordinals" || p == "similarity";
    case FieldType::kDate:
      return p == "format" || p == "null_value" || p == "doc_values" || p == "ignore_malformed";
    case FieldType::kBoolean:
      return p == "null_value" || p == "doc_values";
    case FieldType::kBinary:
      return p == "doc_values";
    case FieldType::kIp:
      return p == "null_value" || p == "doc_values" || p == "ignore_malformed";
    case FieldType::kGeoPoint:
      return p == "null_value" || p == "doc_values" || p == "ignore_malformed";
    case FieldType::kRange:
      return p == "coerce" || p == "doc_values" || p == "format";
    default:  // numeric
      return p == "null_value" || p == "doc_values" || p == "coerce" || p == "ignore_malformed";
  }
}

// Number of Unicode code points in UTF-8 text (Elasticsearch counts lengths in code points).
size_t code_points(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// The Java class name Elasticsearch prints for a parsed JSON value ("Integer[3]").
std::string java_type_name(const json::Value& v) {
  if (v.IsString()) return "String";
  if (v.IsBool()) return "Boolean";
  if (v.IsInt()) return "Integer";
  if (v.IsInt64() || v.IsUint64()) return "Long";
  if (v.IsNumber()) return "Double";
  if (v.IsArray()) return "ArrayList";
  if (v.IsObject()) return "HashMap";
  return "null";
}

// Per-field "meta": at most 5 entries, keys up to 20 characters, values strings up to 50.
Status read_field_meta(const json::Value& v, std::string_view leaf, std::map<std::string, std::string>& out) {
  std::string field(leaf);
  if (!v.IsObject()) {
    return mapper_parsing("[meta] must be an object, got " + java_type_name(v) + "[" + value_preview(v) +
                          "] for field [" + field + "]");
  }
  if (v.MemberCount() > 5) {
    return mapper_parsing("[meta] can't have more than 5 entries, but got " + std::to_string(v.MemberCount()) +
                          " on field [" + field + "]");
  }
  for (const auto& m : v.GetObject()) {
    if (code_points(json::view(m.name)) > 20) {
      return mapper_parsing("[meta] keys can't be longer than 20 chars, but got [" + std::string(json::view(m.name)) +
                            "] for field [" + field + "]");
    }
  }
  std::map<std::string, std::string> meta;
  for (const auto& m : v.GetObject()) {
    if (m.value.IsNull()) return mapper_parsing("[meta] values can't be null (field [" + field + "])");
    if (!m.value.IsString()) {
      return mapper_parsing("[meta] values can only be strings, but got " + java_type_name(m.value) + "[" +
                            value_preview(m.value) + "] for field [" + field + "]");
    }
    if (code_points(json::view(m.value)) > 50) {
      return mapper_parsing("[meta] values can't be longer than 50 chars, but got [" +
                            std::string(json::view(m.value)) + "] for field [" + field + "]");
    }
    meta[std::string(json::view(m.name))] = std::string(json::view(m.value));
  }
  out = std::move(meta);
  return Status::Ok();
}

Status read_copy_to(const json::Value& v, std::string_view leaf, std::vector<std::string>& out) {
  std::vector<std::string> targets;
  auto add = [&](const json::Value& t) -> Status {
    if (!t.IsString()) {
      return mapper_parsing("Failed to parse mapping: [copy_to] on mapper [" + std::string(leaf) +
                            "] must be a field name or an array of field names, got [" + value_preview(t) + "]");
    }
    QUARRY_RETURN_IF_ERROR(validate_field_name(json::view(t)));
    targets.emplace_back(json::view(t));
    return Status::Ok();
  };
  if (v.IsArray()) {
    for (const auto& t : v.GetArray()) QUARRY_RETURN_IF_ERROR(add(t));
  } else {
    QUARRY_RETURN_IF_ERROR(add(v));
  }
  out = std::move(targets);
  return Status::Ok();
}

constexpr std::string_view kTermVectorValues[] = {"no",
                                                  "yes",
                                                  "with_positions",
                                                  "with_offsets",
                                                  "with_positions_offsets",
                                                  "with_positions_payloads",
                                                  "with_positions_offsets_payloads"};

Status read_index_prefixes(const json::Value& v, std::string_view leaf, std::optional<IndexPrefixes>& out) {
  if (v.IsNull()) {
    out.reset();
    return Status::Ok();
  }
  if (!v.IsObject()) {
    return mapper_parsing("Failed to parse mapping: [index_prefixes] on mapper [" + std::string(leaf) +
                          "] must be an object");
  }
  IndexPrefixes cfg;
  std::string unsupported;
  for (const auto& m : v.GetObject()) {
    std::string_view k = json::view(m.name);
    if (k == "min_chars" || k == "max_chars") {
      auto n = parse_integer_value(m.value, FieldType::kInteger, true);
      if (!n) return mapper_parsing("Failed to parse mapping: [" + std::string(k) + "] must be an integer, got [" + value_preview(m.value) + "]");
      (k == "min_chars" ? cfg.min_chars : cfg.max_chars) = static_cast<int>(*n);
    } else {
      unsupported += " [" + std::string(k) + " : " + value_preview(m.value) + "]";
    }
  }
  if (!unsupported.empty()) {
    return mapper_parsing("Mapping definition for [index_prefixes] has unsupported parameters: " + unsupported);
  }
  if (cfg.min_chars > cfg.max_chars) {
    return mapper_parsing("min_chars [" + std::to_string(cfg.min_chars) + "] must be less than max_chars [" +
                          std::to_string(cfg.max_chars) + "]");
  }
  if (cfg.min_chars < 1) return mapper_parsing("min_chars [" + std::to_string(cfg.min_chars) + "] must be greater than zero");
  if (cfg.max_chars >= 20) return mapper_parsing("max_chars [" + std::to_string(cfg.max_chars) + "] must be less than 20");
  out = cfg;
  return Status::Ok();
}

std::string index_prefixes_text(const std::optional<IndexPrefixes>& p) {
  if (!p) return "null";
  return "{min_chars=" + std::to_string(p->min_chars) + ", max_chars=" + std::to_string(p->max_chars) + "}";
}

Status compile_date_format(FieldMapping& f) {
  bool dates = f.type == FieldType::kDate || (f.type == FieldType::kRange && f.range_of == FieldType::kDate);
  if (!dates || f.format.empty()) {
    f.date_format.reset();
    return Status::Ok();
  }
  auto compiled = DateFormat::compile(f.format);
  if (!compiled.ok()) return compiled.status();
  f.date_format = std::make_shared<const DateFormat>(std::move(compiled).value());
  return Status::Ok();
}

// Reads the parameters of a concrete (non-object) field definition into `f`.
Status read_params(FieldMapping& f, std::string_view leaf, const json::Value& def) {
  for (const auto& m : def.GetObject()) {
    std::string_view p = json::view(m.name);
    const json::Value& v = m.value;
    if (p == "type") continue;
    bool format_of_non_date_range = f.type == FieldType::kRange && f.range_of != FieldType::kDate && p == "format";
    if (!accepts_param(f.type, p) || format_of_non_date_range) {
      return mapper_parsing("unknown parameter [" + std::string(p) + "] on mapper [" + std::string(leaf) +
                            "] of type [" + f.es_type_name() + "]");
    }
    if (p == "fields" || p == "properties") continue;  // applied by the caller
    if (p == "index") {
      QUARRY_RETURN_IF_ERROR(read_bool(v, f.index));
    } else if (p == "doc_values") {
      QUARRY_RETURN_IF_ERROR(read_bool(v, f.doc_values));
    } else if (p == "store") {
      QUARRY_RETURN_IF_ERROR(read_bool(v, f.store));
    } else if (p == "coerce") {
      QUARRY_RETURN_IF_ERROR(read_bool(v, f.coerce));
    } else if (p == "ignore_malformed") {
      QUARRY_RETURN_IF_ERROR(read_bool(v, f.ignore_malformed));
    } else if (p == "enabled") {
      QUARRY_RETURN_IF_ERROR(read_bool(v, f.enabled));
    } else if (p == "dynamic") {
      DynamicMode d;
      QUARRY_RETURN_IF_ERROR(read_dynamic(v, d));
      f.dynamic = d;
    } else if (p == "ignore_above") {
      auto n = parse_integer_value(v, FieldType::kInteger, true);
      if (!n) return mapper_parsing("Failed to parse mapping: [ignore_above] must be an integer, got [" + value_preview(v) + "]");
      if (*n < 0) return mapper_parsing("[ignore_above] must be positive, got [" + std::to_string(*n) + "]");
      f.ignore_above = static_cast<int>(*n);
    } else if (p == "analyzer" || p == "search_analyzer") {
      if (!v.IsString()) return mapper_parsing("[" + std::string(p) + "] on mapper [" + std::string(leaf) + "] must be a string");
      std::string_view name = json::view(v);
      // Whether the name resolves is checked against the index's analyzers in Mapping::apply_field.
      if (name.empty()) {
        return mapper_parsing("analyzer [" + std::string(name) + "] has not been configured in mappings");
      }
      (p == "analyzer" ? f.analyzer : f.search_analyzer) = std::string(name);
    } else if (p == "index_options") {
      auto o = v.IsString() ? parse_index_options(json::view(v)) : std::nullopt;
      if (!o) {
        return mapper_parsing("Unknown value [" + value_preview(v) +
                              "] for field [index_options] - accepted values are [docs, freqs, positions, offsets]");
      }
      f.index_options = *o;
    } else if (p == "format") {
      if (!v.IsString()) return mapper_parsing("[format] on mapper [" + std::string(leaf) + "] must be a string");
      f.format = std::string(json::view(v));
      QUARRY_RETURN_IF_ERROR(compile_date_format(f));
    } else if (p == "meta") {
      if (v.IsNull()) {
        return mapper_parsing("[meta] on mapper [" + std::string(leaf) + "] of type [" + f.es_type_name() +
                              "] must not have a [null] value");
      }
      QUARRY_RETURN_IF_ERROR(read_field_meta(v, leaf, f.meta));
    } else if (p == "copy_to") {
      if (!f.parent_multi_field.empty()) {
        return mapper_parsing("copy_to in multi fields is not allowed. Found the copy_to in field [" + std::string(leaf) +
                              "] which is within a multi field.");
      }
      QUARRY_RETURN_IF_ERROR(read_copy_to(v, leaf, f.copy_to));
    } else if (p == "normalizer") {
      if (v.IsNull()) {
        f.normalizer.clear();
        continue;
      }
      if (!v.IsString() || json::view(v) != "lowercase") {
        return mapper_parsing("normalizer [" + (v.IsString() ? std::string(json::view(v)) : value_preview(v)) +
                              "] not found for field [" + std::string(leaf) + "]");
      }
      f.normalizer = std::string(json::view(v));
    } else if (p == "norms") {
      bool b = true;
      QUARRY_RETURN_IF_ERROR(read_bool(v, b));
      f.norms = b;
    } else if (p == "fielddata") {
      QUARRY_RETURN_IF_ERROR(read_bool(v, f.fielddata));
    } else if (p == "eager_global_ordinals") {
      QUARRY_RETURN_IF_ERROR(read_bool(v, f.eager_global_ordinals));
    } else if (p == "index_phrases") {
      QUARRY_RETURN_IF_ERROR(read_bool(v, f.index_phrases));
    } else if (p == "similarity") {
      if (v.IsNull()) {
        f.similarity.clear();
        continue;
      }
      std::string name = v.IsString() ? std::string(json::view(v)) : value_preview(v);
      if (name != "BM25" && name != "boolean") {
        return mapper_parsing("Unknown Similarity type [" + name + "] for field [" + std::string(leaf) + "]");
      }
      f.similarity = name;
    } else if (p == "term_vector") {
      std::string_view tv = v.IsString() ? json::view(v) : std::string_view();
      bool known = false;
      for (std::string_view k : kTermVectorValues) known = known || (v.IsString() && tv == k);
      if (!known) {
        return mapper_parsing("Unknown value [" + (v.IsString() ? std::string(tv) : value_preview(v)) +
                              "] for field [term_vector] - accepted values are [no, yes, with_positions, with_offsets, "
                              "with_positions_offsets, with_positions_payloads, with_positions_offsets_payloads]");
      }
      f.term_vector = tv == "no" ? std::string() : std::string(tv);
    } else if (p == "position_increment_gap") {
      auto n = parse_integer_value(v, FieldType::kInteger, true);
      if (!n) {
        return mapper_parsing("Failed to parse mapping: [position_increment_gap] must be an integer, got [" +
                              value_preview(v) + "]");
      }
      if (*n < 0) {
        return mapper_parsing("[position_increment_gap] on mapper [" + std::string(leaf) + "] cannot be negative");
      }
      f.position_increment_gap = static_cast<int>(*n);
    } else if (p == "index_prefixes") {
      QUARRY_RETURN_IF_ERROR(read_index_prefixes(v, leaf, f.index_prefixes));
    } else if (p == "time_series_dimension") {
      QUARRY_RETURN_IF_ERROR(read_bool(v, f.time_series_dimension));
    } else if (p == "time_series_metric") {
      if (v.IsNull()) {
        f.time_series_metric.clear();
        continue;
      }
      std::string m = v.IsString() ? std::string(json::view(v)) : value_preview(v);
      if (m != "gauge" && m != "counter") {
        bool known = m == "histogram" || m == "summary" || m == "position";
        return mapper_parsing("Unknown value [" + m + "] for field [time_series_metric] - accepted values are " +
                              (known ? "[gauge, counter]" : "[gauge, counter, histogram, summary, position]"));
      }
      f.time_series_metric = m;
    } else if (p == "null_value") {
      if (v.IsNull()) {
        f.null_value.reset();
        continue;
      }
      if (v.IsObject() || v.IsArray()) {
        return mapper_parsing("Failed to parse mapping: [null_value] on mapper [" + std::string(leaf) + "] must be a scalar");
      }
      f.null_value = json::to_string(v);
    }
  }
  if (f.type == FieldType::kText && f.index_options < IndexOptions::kPositions) {
    if (f.position_increment_gap >= 0) {
      return mapper_parsing("Cannot set position_increment_gap on field [" + std::string(leaf) +
                            "] without positions enabled");
    }
    if (f.index_phrases) {
      return mapper_parsing("Cannot set index_phrases on field [" + std::string(leaf) + "] if positions are not enabled");
    }
  }
  f.phrase_shingles = f.type == FieldType::kText && f.index_phrases;
  if (!f.time_series_metric.empty() && f.time_series_dimension) {
    return mapper_parsing("Field [time_series_metric] cannot be set in conjunction with field [time_series_dimension]");
  }
  if (f.time_series_dimension && (!f.index || !f.doc_values)) {
    return mapper_parsing("Field [time_series_dimension] requires that [index] and [doc_values] are true");
  }
  if (!f.time_series_metric.empty() && !f.doc_values) {
    return mapper_parsing("Field [time_series_metric] requires that [doc_values] is true");
  }
  if (f.null_value && f.type != FieldType::kKeyword) {
    // The null_value must itself be a valid value of the field.
    json::Document nv;
    EncodedValue enc;
    if (!json::parse(*f.null_value, nv).ok() || !encode_value(f, nv, enc)) {
      return mapper_parsing("Failed to parse mapping: Error parsing [null_value] on field [" + std::string(leaf) +
                            "]: value [" + value_preview(nv) + "] is not a valid [" + f.es_type_name() + "]");
    }
  }
  return Status::Ok();
}

std::string null_value_text(const FieldMapping& f) { return f.null_value ? *f.null_value : "null"; }

// Non-updatable parameters of an existing concrete field that a new definition changes.
std::vector<std::string> param_conflicts(const FieldMapping& e, const FieldMapping& f) {
  std::vector<std::string> out;
  auto cmp = [&](const char* param, const std::string& from, const std::string& to) {
    if (from != to) out.push_back(std::string("Cannot update parameter [") + param + "] from [" + from + "] to [" + to + "]");
  };
  auto analyzer_text = [](const std::string& a) { return a.empty() ? std::string("default") : a; };
  auto or_null = [](const std::string& s) { return s.empty() ? std::string("null") : s; };
  if (e.type == FieldType::kText || e.type == FieldType::kKeyword) {
    // norms can be switched off, never back on.
    bool en = e.effective_norms(), fn = f.effective_norms();
    if (en != fn && !en) cmp("norms", bool_text(en), bool_text(fn));
    cmp("similarity", or_null(e.similarity), or_null(f.similarity));
  }
  if (e.type == FieldType::kKeyword) cmp("normalizer", or_null(e.normalizer), or_null(f.normalizer));
  if (e.type == FieldType::kText) {
    cmp("analyzer", analyzer_text(e.analyzer), analyzer_text(f.analyzer));
    cmp("index_options", index_options_name(e.index_options), index_options_name(f.index_options));
    auto tv = [](const std::string& s) { return s.empty() ? std::string("no") : s; };
    cmp("term_vector", tv(e.term_vector), tv(f.term_vector));
    cmp("position_increment_gap", std::to_string(e.position_increment_gap), std::to_string(f.position_increment_gap));
    cmp("index_phrases", bool_text(e.index_phrases), bool_text(f.index_phrases));
    cmp("index_prefixes", index_prefixes_text(e.index_prefixes), index_prefixes_text(f.index_prefixes));
  } else {
    cmp("doc_values", bool_text(e.doc_values), bool_text(f.doc_values));
    cmp("null_value", null_value_text(e), null_value_text(f));
  }
  if (e.type == FieldType::kDate || (e.type == FieldType::kRange && e.range_of == FieldType::kDate)) {
    cmp("format", e.format.empty() ? kDefaultDateFormat : e.format, f.format.empty() ? kDefaultDateFormat : f.format);
  }
  cmp("index", bool_text(e.index), bool_text(f.index));
  cmp("store", bool_text(e.store), bool_text(f.store));
  auto metric_text = [](const std::string& m) { return m.empty() ? std::string("null") : m; };
  cmp("time_series_metric", metric_text(e.time_series_metric), metric_text(f.time_series_metric));
  cmp("time_series_dimension", bool_text(e.time_series_dimension), bool_text(f.time_series_dimension));
  return out;
}

Status object_conflict(const std::string& path) {
  return Status::InvalidArgument("can't merge a non object mapping [" + path + "] with an object mapping");
}

}  // namespace

const char* field_type_name(FieldType t) {
  switch (t) {
    case FieldType::kText: return "text";
    case FieldType::kKeyword: return "keyword";
    case FieldType::kLong: return "long";
    case FieldType::kInteger: return "integer";
    case FieldType::kShort: return "short";
    case FieldType::kByte: return "byte";
    case FieldType::kDouble: return "double";
    case FieldType::kFloat: return "float";
    case FieldType::kDate: return "date";
    case FieldType::kBoolean: return "boolean";
    case FieldType::kObject: return "object";
    case FieldType::kHalfFloat: return "half_float";
    case FieldType::kBinary: return "binary";
    case FieldType::kIp: return "ip";
    case FieldType::kGeoPoint: return "geo_point";
    case FieldType::kRange: return "range";
  }
  return "unknown";
}

std::optional<FieldType> parse_field_type(std::string_view name) {
  static constexpr FieldType kAll[] = {FieldType::kText,   FieldType::kKeyword, FieldType::kLong,
                                       FieldType::kInteger, FieldType::kShort,  FieldType::kByte,
                                       FieldType::kDouble, FieldType::kFloat,   FieldType::kDate,
                                       FieldType::kBoolean, FieldType::kObject, FieldType::kHalfFloat,
                                       FieldType::kBinary, FieldType::kIp,      FieldType::kGeoPoint};
  for (FieldType t : kAll) {
    if (name == field_type_name(t)) return t;
  }
  return std::nullopt;
}

namespace {
struct RangeTypeName {
  const char* name;
  FieldType of;
};
constexpr RangeTypeName kRangeTypes[] = {{"integer_range", FieldType::kInteger}, {"long_range", FieldType::kLong},
                                         {"float_range", FieldType::kFloat},     {"double_range", FieldType::kDouble},
                                         {"date_range", FieldType::kDate},       {"ip_range", FieldType::kIp}};
}  // namespace

std::optional<EsType> parse_es_type(std::string_view name) {
  if (name == "date_nanos") return EsType{FieldType::kDate, true};
  if (name == "nested") return EsType{FieldType::kObject, true};
  for (const auto& r : kRangeTypes) {
    if (name == r.name) return EsType{FieldType::kRange, false, r.of};
  }
  if (name == "range") return std::nullopt;  // only the six named range types exist
  auto t = parse_field_type(name);
  if (!t) return std::nullopt;
  return EsType{*t, false};
}

const char* FieldMapping::es_type_name() const {
  if (variant && type == FieldType::kDate) return "date_nanos";
  if (variant && type == FieldType::kObject) return "nested";
  if (type == FieldType::kRange) {
    for (const auto& r : kRangeTypes) {
      if (r.of == range_of) return r.name;
    }
  }
  return field_type_name(type);
}

bool is_numeric(FieldType t) {
  return t == FieldType::kLong || t == FieldType::kInteger || t == FieldType::kShort ||
         t == FieldType::kByte || t == FieldType::kDouble || t == FieldType::kFloat || t == FieldType::kHalfFloat;
}

bool has_value_slot(FieldType t) {
  return t == FieldType::kKeyword || is_numeric(t) || t == FieldType::kDate || t == FieldType::kBoolean ||
         t == FieldType::kIp || t == FieldType::kRange;
}

const char* dynamic_mode_name(DynamicMode m) {
  switch (m) {
    case DynamicMode::kTrue: return "true";
    case DynamicMode::kFalse: return "false";
    case DynamicMode::kStrict: return "strict";
  }
  return "true";
}

const char* source_mode_name(SourceMode m) {
  switch (m) {
    case SourceMode::kDisabled: return "disabled";
    case SourceMode::kStored: return "stored";
    case SourceMode::kSynthetic: return "synthetic";
  }
  return "stored";
}

const char* index_options_name(IndexOptions o) {
  switch (o) {
    case IndexOptions::kDocs: return "docs";
    case IndexOptions::kFreqs: return "freqs";
    case IndexOptions::kPositions: return "positions";
    case IndexOptions::kOffsets: return "offsets";
  }
  return "positions";
}

Status validate_field_name(std::string_view name) {
  auto bad = [](std::string m) { return Status::InvalidArgument(std::move(m)); };
  if (name.empty()) return bad("field name cannot be an empty string");
  if (name.find_first_not_of('.') == std::string_view::npos) {
    return bad("field name cannot contain only dots: [" + std::string(name) + "]");
  }
  if (name.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return bad("field name cannot contain only whitespace: ['" + std::string(name) + "']");
  }
  if (name.front() == '.' || name.back() == '.' || name.find("..") != std::string_view::npos) {
    return bad("field name cannot contain an empty segment: [" + std::string(name) + "]");
  }
  return Status::Ok();
}

Result<Mapping> Mapping::from_es_json(const json::Value& mappings) {
  Mapping m;
  QUARRY_RETURN_IF_ERROR(m.merge_impl(mappings, /*creating=*/true));
  return m;
}

Status Mapping::merge_es_json(const json::Value& mappings) { return merge_impl(mappings, false); }

Status Mapping::merge_impl(const json::Value& mappings, bool creating) {
  if (!mappings.IsObject()) return mapper_parsing("Failed to parse mapping: the mapping definition must be an object");
  // A body whose single key is the type name "_doc" (the pre-8.0 typed form).
  if (mappings.MemberCount() == 1 && json::view(mappings.MemberBegin()->name) == "_doc") {
    return Status::InvalidArgument(creating ? "The mapping definition cannot be nested under a type [_doc] unless "
                                              "include_type_name is set to true."
                                            : "Types cannot be provided in put mapping requests");
  }
  Mapping next = *this;  // copy-on-write: *this changes only if everything succeeds
  std::string unsupported;
  for (const auto& m : mappings.GetObject()) {
    std::string_view key = json::view(m.name);
    const json::Value& v = m.value;
    if (key == "properties") {
      if (!v.IsObject()) return mapper_parsing("Failed to parse mapping: [properties] must be an object");
      QUARRY_RETURN_IF_ERROR(next.apply_properties(v, ""));
    } else if (key == "dynamic") {
      QUARRY_RETURN_IF_ERROR(read_dynamic(v, next.dynamic_));
      next.dynamic_set_ = true;
    } else if (key == "date_detection") {
      QUARRY_RETURN_IF_ERROR(read_bool(v, next.date_detection_));
      next.date_detection_set_ = true;
    } else if (key == "numeric_detection") {
      QUARRY_RETURN_IF_ERROR(read_bool(v, next.numeric_detection_));
      next.numeric_detection_set_ = true;
    } else if (key == "_source") {
      QUARRY_RETURN_IF_ERROR(next.apply_source(v, creating));
    } else if (key == "_meta") {
      if (v.IsNull()) {
        next.meta_json_.reset();
      } else if (v.IsObject()) {
        next.meta_json_ = json::to_string(v);
      } else {
        return mapper_parsing("[_meta] must be an object, got [" + value_preview(v) + "]");
      }
    } else if (key == "dynamic_templates") {
      if (!v.IsArray()) return mapper_parsing("Dynamic template syntax error. An array of named objects is expected.");
      next.dynamic_templates_json_ = json::to_string(v);
    } else {
      unsupported += " [" + std::string(key) + " : " + value_preview(v) + "]";
    }
  }
  if (!unsupported.empty()) return mapper_parsing("Root mapping definition has unsupported parameters: " + unsupported);
  *this = std::move(next);
  return Status::Ok();
}

bool Mapping::source_enabled() const {
  if (source_set_) return source_enabled_;
  if (source_mode_) return *source_mode_ != SourceMode::kDisabled;
  return true;
}

// "_source": {"enabled": bool} or {"mode": "disabled"|"stored"|"synthetic"}, with Elasticsearch's
// update rules: enabled may go from true to false only; the mode may change to anything but
// "stored" (so synthetic source cannot be turned back into stored source).
Status Mapping::apply_source(const json::Value& def, bool creating) {
  if (!def.IsObject()) return mapper_parsing("Failed to parse mapping: [_source] must be an object");
  std::optional<bool> enabled;
  std::optional<SourceMode> mode;
  for (const auto& s : def.GetObject()) {
    std::string_view p = json::view(s.name);
    if (p == "enabled") {
      bool b = true;
      QUARRY_RETURN_IF_ERROR(read_bool(s.value, b));
      enabled = b;
    } else if (p == "mode") {
      std::string_view m = s.value.IsString() ? json::view(s.value) : std::string_view();
      if (m == "disabled") mode = SourceMode::kDisabled;
      else if (m == "stored") mode = SourceMode::kStored;
      else if (m == "synthetic") mode = SourceMode::kSynthetic;
      else {
        return mapper_parsing("Failed to parse mapping: Unknown value [" +
                              (s.value.IsString() ? std::string(m) : value_preview(s.value)) +
                              "] for field [mode] - accepted values are [disabled, stored, synthetic]");
      }
    } else {
      return mapper_parsing("unknown parameter [" + std::string(p) + "] on mapper [_source] of type [_source]");
    }
  }
  if (enabled && mode) return mapper_parsing("Cannot set both [mode] and [enabled] parameters");
  bool new_enabled = enabled.value_or(true);
  if (!creating) {
    std::vector<std::string> conflicts;
    if (new_enabled != source_enabled_ && !source_enabled_) {
      conflicts.push_back("Cannot update parameter [enabled] from [" + bool_text(source_enabled_) + "] to [" +
                          bool_text(new_enabled) + "]");
    }
    // Unset -> stored is allowed: it is what the default already means.
    if (mode == SourceMode::kStored && source_mode_ && *source_mode_ != SourceMode::kStored) {
      conflicts.push_back(std::string("Cannot update parameter [mode] from [") + source_mode_name(*source_mode_) +
                          "] to [stored]");
    }
    if (!conflicts.empty()) {
      std::string msg = "Mapper for [_source] conflicts with existing mapper:";
      for (const auto& c : conflicts) msg += "\n\t" + c;
      return Status::InvalidArgument(std::move(msg));
    }
  }
  // {"enabled": true} is the default and is not remembered as explicit (nor printed).
  source_enabled_ = new_enabled;
  source_set_ = !new_enabled;
  source_mode_ = mode;
  return Status::Ok();
}

Status Mapping::apply_properties(const json::Value& props, const std::string& parent_path) {
  for (const auto& m : props.GetObject()) {
    std::string_view name = json::view(m.name);
    QUARRY_RETURN_IF_ERROR(validate_field_name(name));
    // "a.b" in a mapping means object "a" with field "b".
    std::string parent = parent_path;
    std::string_view leaf = name;
    size_t dot;
    while ((dot = leaf.find('.')) != std::string_view::npos) {
      parent = join_path(parent, leaf.substr(0, dot));
      QUARRY_RETURN_IF_ERROR(ensure_object(parent));
      leaf.remove_prefix(dot + 1);
    }
    QUARRY_RETURN_IF_ERROR(apply_field(join_path(parent, leaf), leaf, m.value, ""));
  }
  return Status::Ok();
}

Status Mapping::ensure_object(const std::string& path) {
  auto it = fields_.find(path);
  if (it == fields_.end()) {
    FieldMapping obj;
    obj.path = path;
    obj.type = FieldType::kObject;
    insert(std::move(obj));
    return Status::Ok();
  }
  if (it->second.type != FieldType::kObject) return object_conflict(path);
  return Status::Ok();
}

Status Mapping::apply_field(const std::string& path, std::string_view leaf, const json::Value& def,
                            const std::string& parent_multi_field) {
  if (!def.IsObject()) {
    return mapper_parsing("Expected map for property [fields] on field [" + std::string(leaf) + "] but got a " +
                          json::type_name(def));
  }
  FieldType type = FieldType::kObject;
  bool variant = false;
  FieldType range_of = FieldType::kLong;
  auto type_it = def.FindMember("type");
  if (type_it != def.MemberEnd()) {
    if (!type_it->value.IsString()) {
      return mapper_parsing("Failed to parse mapping: [type] on field [" + std::string(leaf) + "] must be a string");
    }
    auto t = parse_es_type(json::view(type_it->value));
    if (!t) {
      return mapper_parsing("No handler for type [" + std::string(json::view(type_it->value)) +
                            "] declared on field [" + std::string(leaf) + "]");
    }
    type = t->type;
    variant = t->variant;
    range_of = t->range_of;
  } else if (!parent_multi_field.empty()) {
    return mapper_parsing("No type specified for field [" + std::string(leaf) + "]");
  }
  if (!parent_multi_field.empty() && type == FieldType::kObject) {
    return mapper_parsing(std::string("Type [") + (variant ? "nested" : "object") + "] cannot be used in multi field");
  }

  FieldMapping f;
  f.path = path;
  f.type = type;
  f.variant = variant;
  f.range_of = range_of;
  f.parent_multi_field = parent_multi_field;
  QUARRY_RETURN_IF_ERROR(read_params(f, leaf, def));
  // A mapping not yet attached to its index (create index parses "mappings" before the index and
  // its analysis settings exist) cannot know the custom analyzers: IndexService checks the names
  // when it attaches the index's AnalyzerSet (see IndexService::open).
  if (analyzers_.get() != AnalyzerSet::builtin().get()) {
    for (const std::string* name : {&f.analyzer, &f.search_analyzer}) {
      if (!name->empty() && !analyzers_->contains(*name)) {
        return mapper_parsing("analyzer [" + *name + "] has not been configured in mappings");
      }
    }
  }

  auto existing = fields_.find(path);
  if (existing == fields_.end()) {
    insert(std::move(f));
    if (!parent_multi_field.empty()) {
      auto& subs = fields_.find(parent_multi_field)->second.multi_fields;
      subs.emplace_back(leaf);
    }
  } else {
    FieldMapping& e = existing->second;
    if (e.type != f.type || e.variant != f.variant || (e.type == FieldType::kRange && e.range_of != f.range_of)) {
      if (e.type == FieldType::kObject && f.type == FieldType::kObject) {
        return Status::InvalidArgument(std::string("cannot change object mapping from ") +
                                       (e.variant ? "nested" : "non-nested") + " to " +
                                       (f.variant ? "nested" : "non-nested"));
      }
      if (e.type == FieldType::kObject || f.type == FieldType::kObject) return object_conflict(path);
      return Status::InvalidArgument("mapper [" + path + "] cannot be changed from type [" +
                                     e.es_type_name() + "] to [" + f.es_type_name() + "]");
    }
    if (e.type == FieldType::kObject) {
      if (e.enabled != f.enabled) {
        return Status::InvalidArgument("the [enabled] parameter can't be updated for the object mapping [" + path + "]");
      }
      if (f.dynamic) e.dynamic = f.dynamic;
    } else {
      auto conflicts = param_conflicts(e, f);
      if (!conflicts.empty()) {
        std::string msg = "Mapper for [" + path + "] conflicts with existing mapper:";
        for (const auto& c : conflicts) msg += "\n\t" + c;
        return Status::InvalidArgument(std::move(msg));
      }
      // Updatable parameters take the new definition's value (as in Elasticsearch).
      e.ignore_above = f.ignore_above;
      e.search_analyzer = f.search_analyzer;
      e.coerce = f.coerce;
      e.ignore_malformed = f.ignore_malformed;
      e.meta = std::move(f.meta);  // replaced, not merged (as in Elasticsearch)
      e.copy_to = std::move(f.copy_to);
      e.norms = f.norms;
      e.fielddata = f.fielddata;
      e.eager_global_ordinals = f.eager_global_ordinals;
    }
  }

  if (type == FieldType::kObject) {
    auto props = def.FindMember("properties");
    if (props != def.MemberEnd()) {
      if (!props->value.IsObject()) {
        return mapper_parsing("Expected map for property [properties] on field [" + std::string(leaf) + "]");
      }
      QUARRY_RETURN_IF_ERROR(apply_properties(props->value, path));
    }
    return Status::Ok();
  }
  auto subs = def.FindMember("fields");
  if (subs != def.MemberEnd()) {
    if (!subs->value.IsObject()) {
      return mapper_parsing("Expected map for property [fields] on field [" + std::string(leaf) + "] but got a " +
                            json::type_name(subs->value));
    }
    for (const auto& m : subs->value.GetObject()) {
      std::string_view name = json::view(m.name);
      QUARRY_RETURN_IF_ERROR(validate_field_name(name));
      if (name.find('.') != std::string_view::npos) {
        return mapper_parsing("Field name [" + std::string(name) + "] which is a multi field of [" + path +
                              "] cannot contain '.'");
      }
      QUARRY_RETURN_IF_ERROR(apply_field(join_path(path, name), name, m.value, path));
    }
  }
  return Status::Ok();
}

FieldMapping& Mapping::insert(FieldMapping f) {
  if (f.type != FieldType::kObject && f.prefix.empty()) f.prefix = "X" + std::to_string(next_prefix_++) + ":";
  if (has_value_slot(f.type) && f.slot < 0) f.slot = next_slot_++;
  if (f.type == FieldType::kDate && !f.date_format && !f.format.empty()) {
    if (!compile_date_format(f).ok()) f.format.clear();  // validated earlier; never leave it broken
  }
  std::string key = f.path;
  auto [it, inserted] = fields_.insert_or_assign(std::move(key), std::move(f));
  return it->second;
}

void Mapping::add_field(FieldMapping field) {
  if (field.path.empty() || fields_.count(field.path)) return;  // already known: keep its layout
  // Parents first, so a dynamic "a.b.c" always has its objects (or its multi-field parent).
  if (field.parent_multi_field.empty()) {
    std::string parent = parent_path_of(field.path);
    if (!parent.empty() && !fields_.count(parent)) {
      FieldMapping obj;
      obj.path = parent;
      obj.type = FieldType::kObject;
      add_field(std::move(obj));
    }
  } else {
    auto parent = fields_.find(field.parent_multi_field);
    if (parent == fields_.end()) return;
    std::string leaf = field.path.substr(std::min(field.path.size(), field.parent_multi_field.size() + 1));
    auto& subs = parent->second.multi_fields;
    if (std::find(subs.begin(), subs.end(), leaf) == subs.end()) subs.push_back(leaf);
  }
  field.prefix.clear();
  field.slot = -1;
  if (field.type == FieldType::kObject) field.multi_fields.clear();
  insert(std::move(field));
}

const FieldMapping* Mapping::find(std::string_view path) const {
  auto it = fields_.find(path);
  return it == fields_.end() ? nullptr : &it->second;
}

DynamicMode Mapping::dynamic_at(std::string_view object_path) const {
  std::string p(object_path);
  while (!p.empty()) {
    const FieldMapping* f = find(p);
    if (f && f->type == FieldType::kObject && f->dynamic) return *f->dynamic;
    p = parent_path_of(p);
  }
  return dynamic_;
}

// ---- Elasticsearch view ------------------------------------------------------------------------

void Mapping::write_children(json::Writer& w, std::string_view parent,
                             const std::map<std::string_view, std::vector<const FieldMapping*>>& kids) const {
  auto it = kids.find(parent);
  if (it == kids.end()) return;
  for (const FieldMapping* f : it->second) {
    std::string_view leaf = std::string_view(f->path).substr(parent.empty() ? 0 : parent.size() + 1);
    w.Key(leaf.data(), static_cast<rapidjson::SizeType>(leaf.size()));
    w.StartObject();
    bool has_kids = kids.count(f->path) > 0;
    if (f->type == FieldType::kObject) {
      if (f->variant) {
        w.Key("type");
        w.String("nested");
      }
      if (f->dynamic) {
        w.Key("dynamic");
        w.String(dynamic_mode_name(*f->dynamic));
      }
      if (!f->enabled) {
        w.Key("enabled");
        w.Bool(false);
      }
      if (has_kids) {
        w.Key("properties");
        w.StartObject();
        write_children(w, f->path, kids);
        w.EndObject();
      } else if (!f->variant) {
        w.Key("type");
        w.String("object");
      }
      w.EndObject();
      continue;
    }
    w.Key("type");
    w.String(f->es_type_name());
    if (!f->analyzer.empty()) {
      w.Key("analyzer");
      w.String(f->analyzer.c_str());
    }
    if (!f->search_analyzer.empty()) {
      w.Key("search_analyzer");
      w.String(f->search_analyzer.c_str());
    }
    if (f->type == FieldType::kText && f->index_options != IndexOptions::kPositions) {
      w.Key("index_options");
      w.String(index_options_name(f->index_options));
    }
    bool dates = f->type == FieldType::kDate || (f->type == FieldType::kRange && f->range_of == FieldType::kDate);
    if (dates && !f->format.empty() && f->format != kDefaultDateFormat) {
      w.Key("format");
      w.String(f->format.c_str());
    }
    if (f->ignore_above >= 0) {
      w.Key("ignore_above");
      w.Int(f->ignore_above);
    }
    if (f->null_value) {
      w.Key("null_value");
      json::write_raw(w, *f->null_value);
    }
    if (!f->coerce) {
      w.Key("coerce");
      w.Bool(false);
    }
    if (f->ignore_malformed) {
      w.Key("ignore_malformed");
      w.Bool(true);
    }
    if (!f->index) {
      w.Key("index");
      w.Bool(false);
    }
    if (!f->doc_values && f->type != FieldType::kText) {
      w.Key("doc_values");
      w.Bool(false);
    }
    if (f->store) {
      w.Key("store");
      w.Bool(true);
    }
    auto str = [&w](const std::string& v) { w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size())); };
    if (!f->normalizer.empty()) {
      w.Key("normalizer");
      str(f->normalizer);
    }
    if (f->norms && *f->norms != (f->type == FieldType::kText)) {
      w.Key("norms");
      w.Bool(*f->norms);
    }
    if (f->fielddata) {
      w.Key("fielddata");
      w.Bool(true);
    }
    if (f->eager_global_ordinals) {
      w.Key("eager_global_ordinals");
      w.Bool(true);
    }
    if (!f->similarity.empty()) {
      w.Key("similarity");
      str(f->similarity);
    }
    if (!f->term_vector.empty()) {
      w.Key("term_vector");
      str(f->term_vector);
    }
    if (f->position_increment_gap >= 0) {
      w.Key("position_increment_gap");
      w.Int(f->position_increment_gap);
    }
    if (f->index_phrases) {
      w.Key("index_phrases");
      w.Bool(true);
    }
    if (f->time_series_dimension) {
      w.Key("time_series_dimension");
      w.Bool(true);
    }
    if (!f->time_series_metric.empty()) {
      w.Key("time_series_metric");
      str(f->time_series_metric);
    }
    if (f->index_prefixes) {
      w.Key("index_prefixes");
      w.StartObject();
      w.Key("min_chars");
      w.Int(f->index_prefixes->min_chars);
      w.Key("max_chars");
      w.Int(f->index_prefixes->max_chars);
      w.EndObject();
    }
    if (!f->meta.empty()) {
      w.Key("meta");
      w.StartObject();
      for (const auto& [k, v] : f->meta) {
        w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
        str(v);
      }
      w.EndObject();
    }
    if (has_kids) {
      w.Key("fields");
      w.StartObject();
      write_children(w, f->path, kids);
      w.EndObject();
    }
    if (!f->copy_to.empty()) {
      w.Key("copy_to");
      w.StartArray();
      for (const auto& t : f->copy_to) str(t);
      w.EndArray();
    }
    w.EndObject();
  }
}

void Mapping::write_es_json(json::Writer& w) const {
  w.StartObject();
  if (dynamic_set_) {
    w.Key("dynamic");
    w.String(dynamic_mode_name(dynamic_));
  }
  if (meta_json_) {
    w.Key("_meta");
    json::write_raw(w, *meta_json_);
  }
  if (source_set_ && !source_enabled_) {
    w.Key("_source");
    w.StartObject();
    w.Key("enabled");
    w.Bool(false);
    w.EndObject();
  } else if (source_mode_) {
    w.Key("_source");
    w.StartObject();
    w.Key("mode");
    w.String(source_mode_name(*source_mode_));
    w.EndObject();
  }
  if (dynamic_templates_json_) {
    w.Key("dynamic_templates");
    json::write_raw(w, *dynamic_templates_json_);
  }
  if (date_detection_set_) {
    w.Key("date_detection");
    w.Bool(date_detection_);
  }
  if (numeric_detection_set_) {
    w.Key("numeric_detection");
    w.Bool(numeric_detection_);
  }
  // Children per parent, alphabetical by leaf name (fields_ is ordered by full path, and siblings
  // share their parent's prefix, so path order is leaf order).
  std::map<std::string_view, std::vector<const FieldMapping*>> kids;
  for (const auto& [path, f] : fields_) {
    std::string_view pv(path);
    size_t dot = pv.rfind('.');
    std::string_view parent = !f.parent_multi_field.empty() ? std::string_view(f.parent_multi_field)
                              : dot == std::string_view::npos ? std::string_view()
                                                              : pv.substr(0, dot);
    kids[parent].push_back(&f);
  }
  for (auto& [parent, list] : kids) {
    std::sort(list.begin(), list.end(), [&](const FieldMapping* a, const FieldMapping* b) {
      size_t skip = parent.empty() ? 0 : parent.size() + 1;
      return std::string_view(a->path).substr(skip) < std::string_view(b->path).substr(skip);
    });
  }
  if (kids.count("")) {
    w.Key("properties");
    w.StartObject();
    write_children(w, "", kids);
    w.EndObject();
  }
  w.EndObject();
}

// ---- Persisted view ----------------------------------------------------------------------------

void Mapping::write_meta_json(json::Writer& w) const {
  w.StartObject();
  w.Key("version");
  w.Int(kMetaVersion);
  w.Key("dynamic");
  w.String(dynamic_mode_name(dynamic_));
  w.Key("dynamic_set");
  w.Bool(dynamic_set_);
  w.Key("date_detection");
  w.Bool(date_detection_);
  w.Key("date_detection_set");
  w.Bool(date_detection_set_);
  w.Key("numeric_detection");
  w.Bool(numeric_detection_);
  w.Key("numeric_detection_set");
  w.Bool(numeric_detection_set_);
  w.Key("source_enabled");
  w.Bool(source_enabled_);
  w.Key("source_set");
  w.Bool(source_set_);
  if (source_mode_) {
    w.Key("source_mode");
    w.String(source_mode_name(*source_mode_));
  }
  if (meta_json_) {
    w.Key("meta");
    json::write_raw(w, *meta_json_);
  }
  if (dynamic_templates_json_) {
    w.Key("dynamic_templates");
    json::write_raw(w, *dynamic_templates_json_);
  }
  w.Key("next_prefix");
  w.Int(next_prefix_);
  w.Key("next_slot");
  w.Int(next_slot_);
  w.Key("fields");
  w.StartArray();
  for (const auto& [path, f] : fields_) {
    w.StartObject();
    w.Key("path");
    w.String(f.path.c_str(), static_cast<rapidjson::SizeType>(f.path.size()));
    w.Key("type");
    w.String(f.es_type_name());
    w.Key("prefix");
    w.String(f.prefix.c_str());
    w.Key("slot");
    w.Int(f.slot);
    w.Key("ignore_above");
    w.Int(f.ignore_above);
    w.Key("format");
    w.String(f.format.c_str(), static_cast<rapidjson::SizeType>(f.format.size()));
    w.Key("index_options");
    w.String(index_options_name(f.index_options));
    w.Key("analyzer");
    w.String(f.analyzer.c_str());
    w.Key("search_analyzer");
    w.String(f.search_analyzer.c_str());
    w.Key("index");
    w.Bool(f.index);
    w.Key("doc_values");
    w.Bool(f.doc_values);
    if (f.null_value) {
      w.Key("null_value");
      json::write_raw(w, *f.null_value);
    }
    w.Key("coerce");
    w.Bool(f.coerce);
    w.Key("store");
    w.Bool(f.store);
    w.Key("ignore_malformed");
    w.Bool(f.ignore_malformed);
    w.Key("enabled");
    w.Bool(f.enabled);
    w.Key("multi_fields");
    w.StartArray();
    for (const auto& s : f.multi_fields) w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
    w.EndArray();
    w.Key("parent_multi_field");
    w.String(f.parent_multi_field.c_str(), static_cast<rapidjson::SizeType>(f.parent_multi_field.size()));
    if (f.dynamic) {
      w.Key("dynamic");
      w.String(dynamic_mode_name(*f.dynamic));
    }
    auto str = [&w](const std::string& v) { w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size())); };
    // Optional members (absent = default), so metadata written before they existed still loads.
    if (!f.meta.empty()) {
      w.Key("meta");
      w.StartObject();
      for (const auto& [k, v] : f.meta) {
        w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
        str(v);
      }
      w.EndObject();
    }
    if (!f.copy_to.empty()) {
      w.Key("copy_to");
      w.StartArray();
      for (const auto& t : f.copy_to) str(t);
      w.EndArray();
    }
    if (!f.normalizer.empty()) {
      w.Key("normalizer");
      str(f.normalizer);
    }
    if (f.norms) {
      w.Key("norms");
      w.Bool(*f.norms);
    }
    if (f.fielddata) {
      w.Key("fielddata");
      w.Bool(true);
    }
    if (f.eager_global_ordinals) {
      w.Key("eager_global_ordinals");
      w.Bool(true);
    }
    if (!f.similarity.empty()) {
      w.Key("similarity");
      str(f.similarity);
    }
    if (!f.term_vector.empty()) {
      w.Key("term_vector");
      str(f.term_vector);
    }
    if (f.position_increment_gap >= 0) {
      w.Key("position_increment_gap");
      w.Int(f.position_increment_gap);
    }
    if (f.index_phrases) {
      w.Key("index_phrases");
      w.Bool(true);
    }
    if (f.phrase_shingles) {
      w.Key("phrase_shingles");
      w.Bool(true);
    }
    if (f.time_series_dimension) {
      w.Key("time_series_dimension");
      w.Bool(true);
    }
    if (!f.time_series_metric.empty()) {
      w.Key("time_series_metric");
      str(f.time_series_metric);
    }
    if (f.index_prefixes) {
      w.Key("index_prefixes");
      w.StartArray();
      w.Int(f.index_prefixes->min_chars);
      w.Int(f.index_prefixes->max_chars);
      w.EndArray();
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

namespace {

Status corrupt(const std::string& what) { return Status::Corruption("bad mapping metadata: " + what); }

bool get_bool(const json::Value& o, const char* key, bool& out) {
  auto it = o.FindMember(key);
  if (it == o.MemberEnd() || !it->value.IsBool()) return false;
  out = it->value.GetBool();
  return true;
}

bool get_int(const json::Value& o, const char* key, int& out) {
  auto it = o.FindMember(key);
  if (it == o.MemberEnd() || !it->value.IsInt()) return false;
  out = it->value.GetInt();
  return true;
}

bool get_string(const json::Value& o, const char* key, std::string& out) {
  auto it = o.FindMember(key);
  if (it == o.MemberEnd() || !it->value.IsString()) return false;
  out.assign(it->value.GetString(), it->value.GetStringLength());
  return true;
}

bool get_dynamic(const json::Value& o, const char* key, DynamicMode& out) {
  std::string s;
  if (!get_string(o, key, s)) return false;
  json::Value v(rapidjson::StringRef(s.c_str(), s.size()));
  return read_dynamic(v, out).ok();
}

// The members write_meta_json writes only when they differ from the default.
Status read_optional_field_members(const json::Value& fv, FieldMapping& f) {
  auto bad = [&](const char* what) { return corrupt(std::string(what) + " of [" + f.path + "]"); };
  if (auto it = fv.FindMember("meta"); it != fv.MemberEnd()) {
    if (!it->value.IsObject()) return bad("meta");
    for (const auto& m : it->value.GetObject()) {
      if (!m.value.IsString()) return bad("meta");
      f.meta[std::string(json::view(m.name))] = std::string(json::view(m.value));
    }
  }
  if (auto it = fv.FindMember("copy_to"); it != fv.MemberEnd()) {
    if (!it->value.IsArray()) return bad("copy_to");
    for (const auto& t : it->value.GetArray()) {
      if (!t.IsString()) return bad("copy_to");
      f.copy_to.emplace_back(json::view(t));
    }
  }
  if (fv.HasMember("normalizer") && !get_string(fv, "normalizer", f.normalizer)) return bad("normalizer");
  if (fv.HasMember("norms")) {
    bool b = true;
    if (!get_bool(fv, "norms", b)) return bad("norms");
    f.norms = b;
  }
  if (fv.HasMember("fielddata") && !get_bool(fv, "fielddata", f.fielddata)) return bad("fielddata");
  if (fv.HasMember("eager_global_ordinals") && !get_bool(fv, "eager_global_ordinals", f.eager_global_ordinals)) {
    return bad("eager_global_ordinals");
  }
  if (fv.HasMember("similarity") && !get_string(fv, "similarity", f.similarity)) return bad("similarity");
  if (fv.HasMember("term_vector") && !get_string(fv, "term_vector", f.term_vector)) return bad("term_vector");
  if (fv.HasMember("position_increment_gap") && !get_int(fv, "position_increment_gap", f.position_increment_gap)) {
    return bad("position_increment_gap");
  }
  if (fv.HasMember("index_phrases") && !get_bool(fv, "index_phrases", f.index_phrases)) return bad("index_phrases");
  if (fv.HasMember("phrase_shingles") && !get_bool(fv, "phrase_shingles", f.phrase_shingles)) {
    return bad("phrase_shingles");
  }
  if (fv.HasMember("time_series_dimension") && !get_bool(fv, "time_series_dimension", f.time_series_dimension)) {
    return bad("time_series_dimension");
  }
  if (fv.HasMember("time_series_metric") && !get_string(fv, "time_series_metric", f.time_series_metric)) {
    return bad("time_series_metric");
  }
  if (auto it = fv.FindMember("index_prefixes"); it != fv.MemberEnd()) {
    const json::Value& p = it->value;
    if (!p.IsArray() || p.Size() != 2 || !p[0].IsInt() || !p[1].IsInt()) return bad("index_prefixes");
    f.index_prefixes = IndexPrefixes{p[0].GetInt(), p[1].GetInt()};
  }
  return Status::Ok();
}

}  // namespace

Result<Mapping> Mapping::from_meta_json(const json::Value& meta) {
  if (!meta.IsObject()) return corrupt("not an object");
  int version = 0;
  if (!get_int(meta, "version", version) || version != kMetaVersion) return corrupt("unknown version");
  Mapping m;
  if (!get_dynamic(meta, "dynamic", m.dynamic_) || !get_bool(meta, "dynamic_set", m.dynamic_set_) ||
      !get_bool(meta, "date_detection", m.date_detection_) ||
      !get_bool(meta, "date_detection_set", m.date_detection_set_) ||
      !get_bool(meta, "numeric_detection", m.numeric_detection_) ||
      !get_bool(meta, "numeric_detection_set", m.numeric_detection_set_) ||
      !get_bool(meta, "source_enabled", m.source_enabled_) || !get_bool(meta, "source_set", m.source_set_) ||
      !get_int(meta, "next_prefix", m.next_prefix_) || !get_int(meta, "next_slot", m.next_slot_)) {
    return corrupt("missing top-level member");
  }
  if (meta.HasMember("source_mode")) {
    std::string mode;
    if (!get_string(meta, "source_mode", mode)) return corrupt("source_mode");
    if (mode == "disabled") m.source_mode_ = SourceMode::kDisabled;
    else if (mode == "stored") m.source_mode_ = SourceMode::kStored;
    else if (mode == "synthetic") m.source_mode_ = SourceMode::kSynthetic;
    else return corrupt("source_mode");
  }
  auto mj = meta.FindMember("meta");
  if (mj != meta.MemberEnd()) m.meta_json_ = json::to_string(mj->value);
  auto dt = meta.FindMember("dynamic_templates");
  if (dt != meta.MemberEnd()) m.dynamic_templates_json_ = json::to_string(dt->value);
  auto fields = meta.FindMember("fields");
  if (fields == meta.MemberEnd() || !fields->value.IsArray()) return corrupt("missing fields");
  for (const auto& fv : fields->value.GetArray()) {
    if (!fv.IsObject()) return corrupt("field is not an object");
    FieldMapping f;
    std::string type, index_options;
    if (!get_string(fv, "path", f.path) || !get_string(fv, "type", type) || !get_string(fv, "prefix", f.prefix) ||
        !get_int(fv, "slot", f.slot) || !get_int(fv, "ignore_above", f.ignore_above) ||
        !get_string(fv, "format", f.format) || !get_string(fv, "index_options", index_options) ||
        !get_string(fv, "analyzer", f.analyzer) || !get_string(fv, "search_analyzer", f.search_analyzer) ||
        !get_bool(fv, "index", f.index) || !get_bool(fv, "doc_values", f.doc_values) ||
        !get_bool(fv, "coerce", f.coerce) || !get_bool(fv, "store", f.store) ||
        !get_bool(fv, "ignore_malformed", f.ignore_malformed) || !get_bool(fv, "enabled", f.enabled) ||
        !get_string(fv, "parent_multi_field", f.parent_multi_field)) {
      return corrupt("field member missing");
    }
    auto t = parse_es_type(type);
    auto o = parse_index_options(index_options);
    if (!t || !o) return corrupt("bad type or index_options of [" + f.path + "]");
    f.type = t->type;
    f.variant = t->variant;
    f.range_of = t->range_of;
    f.index_options = *o;
    auto nv = fv.FindMember("null_value");
    if (nv != fv.MemberEnd()) f.null_value = json::to_string(nv->value);
    auto mf = fv.FindMember("multi_fields");
    if (mf == fv.MemberEnd() || !mf->value.IsArray()) return corrupt("multi_fields of [" + f.path + "]");
    for (const auto& s : mf->value.GetArray()) {
      if (!s.IsString()) return corrupt("multi_fields of [" + f.path + "]");
      f.multi_fields.emplace_back(json::view(s));
    }
    if (fv.HasMember("dynamic")) {
      DynamicMode d;
      if (!get_dynamic(fv, "dynamic", d)) return corrupt("dynamic of [" + f.path + "]");
      f.dynamic = d;
    }
    QUARRY_RETURN_IF_ERROR(read_optional_field_members(fv, f));
    if (!compile_date_format(f).ok()) return corrupt("date format of [" + f.path + "]");
    m.fields_.emplace(f.path, std::move(f));
  }
  return m;
}

}  // namespace quarry::index
