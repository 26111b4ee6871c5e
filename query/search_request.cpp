#include "query/search_request.h"

#include "index/catalog.h"
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
    } else if (key == "from") {
      QUARRY_RETURN_IF_ERROR(read_int(v, "from", &out->from));
    } else if (key == "size") {
      QUARRY_RETURN_IF_ERROR(read_int(v, "size", &out->size));
    } else if (key == "track_total_hits") {
      if (v.IsBool()) out->track_total_hits = v.GetBool() ? -1 : 0;
      else if (v.IsInt64()) out->track_total_hits = v.GetInt64();
      else return Status::Parsing("[track_total_hits] must be a boolean or an integer");
    } else if (key == "_source") {
      QUARRY_RETURN_IF_ERROR(parse_source_filter(v, &out->source));
    } else if (key == "version") {
      out->version = v.IsBool() && v.GetBool();
    } else if (key == "seq_no_primary_term") {
      out->seq_no_primary_term = v.IsBool() && v.GetBool();
    } else if (key == "timeout" || key == "stats") {
      // Accepted: searches here do not time out early; stats groups are not tracked.
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

}  // namespace quarry::query
