#include "query/search_request.h"

#include "query/aggs/agg_parser.h"

#include <cctype>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "index/catalog.h"
#include "index/dates.h"
#include "index/field_value.h"
#include "query/query_parser.h"

namespace quarry::query {

namespace {

Status read_int(const json::Value& v, const char* name, int* out) {
  if (v.IsInt()) {
    *out = v.GetInt();
    return Status::Ok();
  }
  if (v.IsString()) {
    try {
      *out = std::stoi(std::string(json::view(v)));
      return Status::Ok();
    } catch (const std::exception&) {
    }
  }
  return Status::Parsing(std::string("[") + name + "] must be an integer");
}

void string_list(const json::Value& v, std::vector<std::string>* out) {
  if (v.IsString()) {
    out->emplace_back(json::view(v));
  } else if (v.IsArray()) {
    for (const auto& e : v.GetArray()) {
      if (e.IsString()) out->emplace_back(json::view(e));
    }
  }
}

bool path_matches(const std::string& pattern, const std::string& path) {
  if (index::wildcard_match(pattern, path)) return true;
  // "obj" includes everything beneath obj.
  return path.size() > pattern.size() && path.compare(0, pattern.size(), pattern) == 0 &&
         path[pattern.size()] == '.' && pattern.find('*') == std::string::npos;
}

bool prefix_could_match(const std::string& pattern, const std::string& path) {
  // Could something beneath `path` match `pattern`? (so objects are traversed)
  std::string p = path + ".";
  if (pattern.compare(0, std::min(pattern.size(), p.size()), p, 0, std::min(pattern.size(), p.size())) == 0) return true;
  auto star = pattern.find('*');
  return star != std::string::npos && p.compare(0, std::min(star, p.size()), pattern, 0, std::min(star, p.size())) == 0;
}

// Copies the members of `in` that the filter keeps into `out`. Returns whether anything was kept.
bool filter_object(const json::Value& in, const std::string& base, const SourceFilter& f,
                   json::Value& out, json::Document::AllocatorType& alloc) {
  out.SetObject();
  for (auto it = in.MemberBegin(); it != in.MemberEnd(); ++it) {
    std::string path = base.empty() ? std::string(json::view(it->name)) : base + "." + std::string(json::view(it->name));
    bool excluded = false;
    for (const auto& e : f.excludes) excluded |= path_matches(e, path);
    if (excluded) continue;
    bool included = f.includes.empty();
    bool descend = false;
    for (const auto& i : f.includes) {
      if (path_matches(i, path)) included = true;
      else if (prefix_could_match(i, path)) descend = true;
    }
    if (included && f.excludes.empty()) {
      out.AddMember(json::Value(it->name, alloc), json::Value(it->value, alloc), alloc);
      continue;
    }
    if (it->value.IsObject() && (included || descend)) {
      json::Value child;
      SourceFilter sub = f;
      if (included) sub.includes.clear();
      if (filter_object(it->value, path, sub, child, alloc) || included) {
        out.AddMember(json::Value(it->name, alloc), child, alloc);
      }
      continue;
    }
    if (included) out.AddMember(json::Value(it->name, alloc), json::Value(it->value, alloc), alloc);
  }
  return out.MemberCount() > 0;
}

// "30s", "100ms", "1m", "-1" -> milliseconds; nullopt when malformed.
std::optional<int64_t> time_ms(std::string_view v) {
  if (v == "-1") return -1;
  size_t i = 0;
  while (i < v.size() && (isdigit(static_cast<unsigned char>(v[i])) || v[i] == '.')) ++i;
  if (i == 0) return std::nullopt;
  double n;
  try {
    n = std::stod(std::string(v.substr(0, i)));
  } catch (const std::exception&) {
    return std::nullopt;
  }
  std::string_view unit = v.substr(i);
  double mult;
  if (unit == "nanos") mult = 1e-6;
  else if (unit == "micros") mult = 1e-3;
  else if (unit == "ms") mult = 1;
  else if (unit == "s") mult = 1000;
  else if (unit == "m") mult = 60000;
  else if (unit == "h") mult = 3600000;
  else if (unit == "d") mult = 86400000;
  else if (unit.empty() && n == 0) mult = 0;
  else return std::nullopt;
  return static_cast<int64_t>(n * mult);
}

Status parse_field_list(const json::Value& v, const char* name, std::vector<FieldAndFormat>* out) {
  auto one = [&](const json::Value& e) -> Status {
    if (e.IsString()) {
      out->push_back({std::string(json::view(e)), ""});
      return Status::Ok();
    }
    if (e.IsObject() && e.HasMember("field") && e["field"].IsString()) {
      FieldAndFormat f{std::string(json::view(e["field"])), ""};
      for (auto it = e.MemberBegin(); it != e.MemberEnd(); ++it) {
        std::string k(json::view(it->name));
        if (k == "format" && it->value.IsString()) f.format = std::string(json::view(it->value));
        else if (k != "field" && k != "include_unmapped") {
          return Status::Parsing(std::string("[") + name + "] unknown field [" + k + "]");
        }
      }
      out->push_back(std::move(f));
      return Status::Ok();
    }
    return Status::Parsing(std::string("[") + name + "] entries must be strings or {\"field\": ...} objects");
  };
  if (v.IsArray()) {
    for (const auto& e : v.GetArray()) QUARRY_RETURN_IF_ERROR(one(e));
    return Status::Ok();
  }
  return one(v);
}

}  // namespace

Status parse_source_filter(const json::Value& v, SourceFilter* out) {
  if (v.IsBool()) {
    out->enabled = v.GetBool();
    return Status::Ok();
  }
  if (v.IsString() || v.IsArray()) {
    string_list(v, &out->includes);
    return Status::Ok();
  }
  if (v.IsObject()) {
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      std::string key(json::view(it->name));
      if (key == "includes" || key == "include") string_list(it->value, &out->includes);
      else if (key == "excludes" || key == "exclude") string_list(it->value, &out->excludes);
      else return Status::Parsing("Unknown key for a START_ARRAY in [" + key + "].");
    }
    return Status::Ok();
  }
  return Status::Parsing("[_source] must be a boolean, string, array or object");
}

std::string filter_source(const std::string& source, const SourceFilter& filter) {
  if (filter.includes.empty() && filter.excludes.empty()) return source;
  json::Document doc;
  doc.Parse(source.data(), source.size());
  if (doc.HasParseError() || !doc.IsObject()) return source;
  json::Document out;
  filter_object(doc, "", filter, out, out.GetAllocator());
  return json::to_string(out);
}

Status parse_search_body(const json::Value& body, SearchRequest* out) {
  if (body.IsNull()) return Status::Ok();
  if (!body.IsObject()) return Status::Parsing("request body must be a JSON object");
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    const json::Value& v = it->value;
    if (key == "query") {
      auto q = parse_query(v);
      if (!q.ok()) return q.status();
      out->query = *q;
    } else if (key == "aggs" || key == "aggregations") {
      if (out->aggs) return Status::Parsing("Found two aggregation definitions: [aggs] and [aggregations]");
      auto defs = aggs::parse_aggregations(v);
      if (!defs.ok()) return defs.status();
      out->aggs = std::move(*defs);
    } else if (key == "post_filter") {
      auto q = parse_query(v);
      if (!q.ok()) return q.status();
      out->post_filter = *q;
    } else if (key == "from") {
      QUARRY_RETURN_IF_ERROR(read_int(v, "from", &out->from));
    } else if (key == "size") {
      QUARRY_RETURN_IF_ERROR(read_int(v, "size", &out->size));
    } else if (key == "track_total_hits") {
      if (v.IsBool()) out->track_total_hits = v.GetBool() ? -1 : 0;
      else if (v.IsInt64()) out->track_total_hits = v.GetInt64();
      else return Status::Parsing("[track_total_hits] must be a boolean or an integer");
      out->track_total_hits_set = true;
    } else if (key == "_source") {
      QUARRY_RETURN_IF_ERROR(parse_source_filter(v, &out->source));
      out->source_explicit = true;
    } else if (key == "sort") {
      QUARRY_RETURN_IF_ERROR(parse_sort(v, &out->sort));
    } else if (key == "track_scores") {
      if (!v.IsBool()) return Status::Parsing("[track_scores] must be a boolean");
      out->track_scores = v.GetBool();
    } else if (key == "search_after") {
      if (!v.IsArray()) return Status::Parsing("[search_after] must be an array");
      out->search_after_json = json::to_string(v);
    } else if (key == "min_score") {
      if (!v.IsNumber()) return Status::Parsing("[min_score] must be a number");
      out->min_score = v.GetDouble();
    } else if (key == "terminate_after") {
      int n = 0;
      QUARRY_RETURN_IF_ERROR(read_int(v, "terminate_after", &n));
      if (n < 0) return Status::InvalidArgument("terminateAfter must be > 0");
      out->terminate_after = n;
    } else if (key == "timeout") {
      if (!v.IsString()) return Status::Parsing("[timeout] must be a time value string");
      auto ms = time_ms(json::view(v));
      if (!ms) {
        return Status::Parsing("failed to parse setting [timeout] with value [" + std::string(json::view(v)) +
                               "] as a time value: unit is missing or unrecognized");
      }
      out->timeout_ms = *ms;
    } else if (key == "fields") {
      QUARRY_RETURN_IF_ERROR(parse_field_list(v, "fields", &out->fields));
    } else if (key == "docvalue_fields") {
      QUARRY_RETURN_IF_ERROR(parse_field_list(v, "docvalue_fields", &out->docvalue_fields));
    } else if (key == "stored_fields") {
      std::vector<std::string> names;
      string_list(v, &names);
      out->stored_fields = std::move(names);
    } else if (key == "highlight") {
      HighlightSpec h;
      QUARRY_RETURN_IF_ERROR(parse_highlight(v, &h));
      out->highlight = std::move(h);
    } else if (key == "script_fields") {
      if (!v.IsObject()) return Status::Parsing("[script_fields] must be an object");
      out->script_fields_count = static_cast<int>(v.MemberCount());
    } else if (key == "rescore") {
      auto window = [&](const json::Value& r) {
        int w = 10;
        if (r.IsObject() && r.HasMember("window_size") && r["window_size"].IsInt()) w = r["window_size"].GetInt();
        out->rescore_window = std::max(out->rescore_window, w);
      };
      if (v.IsArray()) {
        for (const auto& r : v.GetArray()) window(r);
      } else {
        window(v);
      }
    } else if (key == "explain") {
      out->explain = v.IsBool() && v.GetBool();
    } else if (key == "version") {
      out->version = v.IsBool() && v.GetBool();
    } else if (key == "seq_no_primary_term") {
      out->seq_no_primary_term = v.IsBool() && v.GetBool();
    } else if (key == "stats") {
      // Accepted: stats groups are not tracked.
    } else {
      return Status::Parsing("Unknown key for a " + std::string(v.IsObject() ? "START_OBJECT" : v.IsArray() ? "START_ARRAY" : "VALUE") +
                             " in [" + key + "].");
    }
  }
  return Status::Ok();
}

Status parse_count_body(const json::Value& body, SearchRequest* out) {
  out->size = 0;
  out->track_total_hits = -1;
  if (body.IsNull()) return Status::Ok();
  if (!body.IsObject()) return Status::Parsing("request body must be a JSON object");
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    if (key == "query") {
      auto q = parse_query(it->value);
      if (!q.ok()) return q.status();
      out->query = *q;
    } else {
      return Status::Parsing("request does not support [" + key + "]");
    }
  }
  return Status::Ok();
}

namespace {

void collect_scalars(const json::Value& v, std::string_view path, std::vector<const json::Value*>* out) {
  if (v.IsArray()) {
    for (const auto& e : v.GetArray()) collect_scalars(e, path, out);
    return;
  }
  if (path.empty()) {
    if (!v.IsObject() && !v.IsNull()) out->push_back(&v);
    return;
  }
  if (!v.IsObject()) return;
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    std::string_view name = json::view(it->name);
    if (path == name) collect_scalars(it->value, {}, out);
    else if (path.size() > name.size() && path.compare(0, name.size(), name) == 0 && path[name.size()] == '.') {
      collect_scalars(it->value, path.substr(name.size() + 1), out);
    }
  }
}

}  // namespace

std::optional<std::string> decimal_format(double x, const std::string& pattern) {
  if (pattern.empty() || pattern.find_first_not_of("#0.,") != std::string::npos) return std::nullopt;
  auto dot = pattern.find('.');
  std::string frac = dot == std::string::npos ? "" : pattern.substr(dot + 1);
  std::string intp = pattern.substr(0, dot);
  int min_frac = static_cast<int>(std::count(frac.begin(), frac.end(), '0'));
  int max_frac = min_frac + static_cast<int>(std::count(frac.begin(), frac.end(), '#'));
  int min_int = static_cast<int>(std::count(intp.begin(), intp.end(), '0'));
  char buf[64];
  snprintf(buf, sizeof buf, "%.*f", max_frac, x);
  std::string out = buf;
  if (max_frac > min_frac) {
    size_t p = out.find('.');
    size_t keep = p + 1 + static_cast<size_t>(min_frac);
    while (out.size() > keep && out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  // Integer digits: drop a lone leading 0 when the pattern asks for none ("#.0" on 0.5 -> ".5").
  bool neg = !out.empty() && out[0] == '-';
  std::string body = neg ? out.substr(1) : out;
  if (min_int == 0 && body.rfind("0.", 0) == 0) body = body.substr(1);
  return (neg ? "-" : "") + body;
}

namespace {

bool default_like_date_format(const std::string& spec) {
  return spec.empty() || spec.rfind("strict_date_optional_time", 0) == 0 || spec.rfind("date_optional_time", 0) == 0;
}

// Writes one value of `f` as the fields API prints it; false when it does not fit the field.
bool write_field_value(json::Writer& w, const index::FieldMapping& f, const json::Value& v, const std::string& format,
                       bool docvalues) {
  using index::FieldType;
  switch (f.type) {
    case FieldType::kBinary:
    case FieldType::kIp:
    case FieldType::kText:
    case FieldType::kKeyword: {
      std::string s;
      if (!index::scalar_text(v, s)) return false;
      if (f.type == FieldType::kKeyword && index::exceeds_ignore_above(f, s)) return false;
      w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
      return true;
    }
    case FieldType::kLong:
    case FieldType::kInteger:
    case FieldType::kShort:
    case FieldType::kByte: {
      auto x = index::parse_integer_value(v, f.type, true);
      if (!x) return false;
      if (auto s = decimal_format(static_cast<double>(*x), format)) {
        w.String(s->c_str(), static_cast<rapidjson::SizeType>(s->size()));
        return true;
      }
      w.Int64(*x);
      return true;
    }
    case FieldType::kDouble:
    case FieldType::kFloat:
    case FieldType::kHalfFloat: {
      auto x = index::parse_floating_value(v, f.type, true);
      if (!x) return false;
      if (auto s = decimal_format(*x, format)) {
        w.String(s->c_str(), static_cast<rapidjson::SizeType>(s->size()));
        return true;
      }
      w.Double(*x);
      return true;
    }
    case FieldType::kBoolean: {
      auto b = index::parse_boolean_value(v);
      if (!b) return false;
      w.Bool(*b);
      return true;
    }
    case FieldType::kDate: {
      auto ms = index::parse_date_value(v, f.effective_date_format());
      if (!ms) return false;
      std::string out;
      if (format == "epoch_millis") out = std::to_string(*ms);
      else if (format == "epoch_second") out = std::to_string(*ms / 1000);
      else if (!format.empty() || docvalues || default_like_date_format(f.format)) out = index::format_date_millis(*ms);
      else if (v.IsString()) out = std::string(json::view(v));  // already in the field's own format
      else out = index::format_date_millis(*ms);
      w.String(out.c_str(), static_cast<rapidjson::SizeType>(out.size()));
      return true;
    }
    case FieldType::kGeoPoint:  // GeoJSON output not done yet: omitted from fields
    case FieldType::kRange:     // range objects: not done yet, omitted from fields
    case FieldType::kObject:
      return false;
  }
  return false;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> extract_fields(const std::string& source,
                                                               const std::vector<FieldAndFormat>& specs,
                                                               const index::Mapping& mapping, bool docvalues) {
  std::vector<std::pair<std::string, std::string>> out;
  if (specs.empty()) return out;
  json::Document doc;
  doc.Parse(source.data(), source.size());
  if (doc.HasParseError() || !doc.IsObject()) return out;
  std::set<std::string> done;
  for (const auto& spec : specs) {
    for (const auto& [path, f] : mapping.fields()) {
      if (f.type == index::FieldType::kObject || done.count(path)) continue;
      if (!(spec.field == path || (spec.field.find('*') != std::string::npos && index::wildcard_match(spec.field, path)))) continue;
      if (docvalues && (f.type == index::FieldType::kText || !f.doc_values)) continue;
      std::vector<const json::Value*> values;
      collect_scalars(doc, f.parent_multi_field.empty() ? path : f.parent_multi_field, &values);
      if (values.empty()) continue;
      rapidjson::StringBuffer buf;
      json::Writer w(buf);
      w.StartArray();
      int written = 0;
      if (docvalues && f.type == index::FieldType::kKeyword) {
        // Doc values are sorted and deduplicated.
        std::set<std::string> sorted;
        for (const auto* v : values) {
          std::string s;
          if (index::scalar_text(*v, s) && !index::exceeds_ignore_above(f, s)) sorted.insert(s);
        }
        for (const auto& s : sorted) {
          w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
          ++written;
        }
      } else {
        for (const auto* v : values) written += write_field_value(w, f, *v, spec.format, docvalues) ? 1 : 0;
      }
      w.EndArray();
      if (written == 0) continue;
      done.insert(path);
      out.emplace_back(path, buf.GetString());
    }
  }
  return out;
}

}  // namespace quarry::query
