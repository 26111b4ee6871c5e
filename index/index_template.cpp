#include "index/index_template.h"

#include <cmath>
#include <cstring>

#include "index/catalog.h"
#include "index/index_metadata.h"

namespace quarry::index {

namespace {

// Elasticsearch's object parsers name the object and the field: "[index_template] unknown
// field [foo]", "[index_template] failed to parse field [priority]".
Status unknown_field(std::string_view what, std::string_view key) {
  return Status::XContentParse("[" + std::string(what) + "] unknown field [" + std::string(key) + "]");
}
Status bad_field(std::string_view what, std::string_view key) {
  return Status::XContentParse("[" + std::string(what) + "] failed to parse field [" + std::string(key) + "]");
}

// A string array; a single string is read as a list of one, as Elasticsearch's parsers do.
Result<std::vector<std::string>> string_list(const json::Value& v, std::string_view what, std::string_view key) {
  std::vector<std::string> out;
  if (v.IsString()) {
    out.emplace_back(json::view(v));
    return out;
  }
  if (!v.IsArray()) return bad_field(what, key);
  for (const auto& e : v.GetArray()) {
    if (!e.IsString()) return bad_field(what, key);
    out.emplace_back(json::view(e));
  }
  return out;
}

// A long given as a number or a numeric string.
Result<int64_t> long_value(const json::Value& v, std::string_view what, std::string_view key) {
  if (v.IsInt64()) return v.GetInt64();
  if (v.IsDouble() && std::isfinite(v.GetDouble()) && std::trunc(v.GetDouble()) == v.GetDouble() &&
      std::fabs(v.GetDouble()) < 9.2e18) {
    return static_cast<int64_t>(v.GetDouble());
  }
  if (v.IsString()) {
    std::string s(json::view(v));
    try {
      size_t used = 0;
      long long n = std::stoll(s, &used);
      if (used == s.size()) return static_cast<int64_t>(n);
    } catch (const std::exception&) {
    }
  }
  return bad_field(what, key);
}

Result<bool> bool_value(const json::Value& v, std::string_view what, std::string_view key) {
  if (v.IsBool()) return v.GetBool();
  if (v.IsString() && (json::view(v) == "true" || json::view(v) == "false")) return json::view(v) == "true";
  return bad_field(what, key);
}

void write_string_list(json::Writer& w, const char* key, const std::vector<std::string>& items) {
  w.Key(key);
  w.StartArray();
  for (const auto& s : items) w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  w.EndArray();
}

void write_common(json::Writer& w, const std::optional<int64_t>& version, const std::optional<std::string>& meta,
                  const std::optional<bool>& deprecated) {
  if (version) {
    w.Key("version");
    w.Int64(*version);
  }
  if (meta) {
    w.Key("_meta");
    json::write_raw(w, *meta);
  }
  if (deprecated) {
    w.Key("deprecated");
    w.Bool(*deprecated);
  }
}

}  // namespace

Result<TemplateBody> TemplateBody::from_es_json(const json::Value& v, std::string_view what) {
  if (!v.IsObject()) return bad_field(what, "template");
  TemplateBody body;
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    const json::Value& val = it->value;
    if (key == "settings") {
      if (val.IsNull()) continue;
      if (!val.IsObject()) return bad_field("template", key);
      std::map<std::string, std::string> flat;
      QUARRY_RETURN_IF_ERROR(flatten_settings(val, &flat));
      body.settings = std::move(flat);
    } else if (key == "mappings") {
      if (val.IsNull()) continue;
      if (!val.IsObject()) return bad_field("template", key);
      // Mappings may be wrapped in the single type name "_doc", as in Elasticsearch.
      const json::Value* m = &val;
      if (val.MemberCount() == 1 && val.HasMember("_doc") && val["_doc"].IsObject()) m = &val["_doc"];
      body.mappings = json::to_string(*m);
    } else if (key == "aliases") {
      if (val.IsNull()) continue;
      if (!val.IsObject()) return bad_field("template", key);
      std::map<std::string, std::string> aliases;
      for (auto a = val.MemberBegin(); a != val.MemberEnd(); ++a) {
        AliasMetadata alias;
        alias.name = json::view(a->name);
        QUARRY_RETURN_IF_ERROR(parse_alias_definition(a->value, &alias));
        aliases[alias.name] = json::to_string(a->value);
      }
      body.aliases = std::move(aliases);
    } else if (key == "lifecycle" || key == "data_stream_options") {
      return Status::InvalidArgument("[template." + key + "] is not supported: Quarry has no data streams");
    } else {
      return unknown_field("template", key);
    }
  }
  return body;
}

void TemplateBody::write_persisted(json::Writer& w) const {
  w.StartObject();
  if (settings) {
    w.Key("settings");
    w.StartObject();
    for (const auto& [k, v] : *settings) {
      w.Key(k.c_str());
      w.String(v.c_str());
    }
    w.EndObject();
  }
  if (mappings) {
    w.Key("mappings");
    json::write_raw(w, *mappings);
  }
  if (aliases) {
    w.Key("aliases");
    w.StartObject();
    for (const auto& [name, def] : *aliases) {
      w.Key(name.c_str());
      json::write_raw(w, def);
    }
    w.EndObject();
  }
  w.EndObject();
}

Result<ComponentTemplate> ComponentTemplate::from_es_json(const json::Value& v) {
  static constexpr std::string_view kWhat = "component_template";
  if (!v.IsObject()) return Status::Parsing("request body is required");
  ComponentTemplate out;
  bool has_template = false;
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    const json::Value& val = it->value;
    if (key == "template") {
      auto body = TemplateBody::from_es_json(val, kWhat);
      if (!body.ok()) return body.status();
      out.body = std::move(body).value();
      has_template = true;
    } else if (key == "version") {
      auto n = long_value(val, kWhat, key);
      if (!n.ok()) return n.status();
      out.version = *n;
    } else if (key == "_meta") {
      if (!val.IsObject()) return bad_field(kWhat, key);
      out.meta = json::to_string(val);
    } else if (key == "deprecated") {
      auto b = bool_value(val, kWhat, key);
      if (!b.ok()) return b.status();
      out.deprecated = *b;
    } else {
      return unknown_field(kWhat, key);
    }
  }
  if (!has_template) return Status::XContentParse("Required [template]");
  return out;
}

void ComponentTemplate::write_persisted(json::Writer& w) const {
  w.StartObject();
  w.Key("template");
  body.write_persisted(w);
  write_common(w, version, meta, deprecated);
  w.EndObject();
}

Result<IndexTemplate> IndexTemplate::from_es_json(const json::Value& v) {
  static constexpr std::string_view kWhat = "index_template";
  if (!v.IsObject()) return Status::Parsing("request body is required");
  IndexTemplate out;
  bool has_patterns = false;
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    const json::Value& val = it->value;
    if (key == "index_patterns") {
      auto list = string_list(val, kWhat, key);
      if (!list.ok()) return list.status();
      out.index_patterns = std::move(list).value();
      has_patterns = true;
    } else if (key == "template") {
      auto body = TemplateBody::from_es_json(val, kWhat);
      if (!body.ok()) return body.status();
      out.body = std::move(body).value();
    } else if (key == "composed_of" || key == "ignore_missing_component_templates") {
      auto list = string_list(val, kWhat, key);
      if (!list.ok()) return list.status();
      (key == "composed_of" ? out.composed_of : out.ignore_missing_component_templates) = std::move(list).value();
    } else if (key == "priority" || key == "version") {
      auto n = long_value(val, kWhat, key);
      if (!n.ok()) return n.status();
      (key == "priority" ? out.priority : out.version) = *n;
    } else if (key == "_meta") {
      if (!val.IsObject()) return bad_field(kWhat, key);
      out.meta = json::to_string(val);
    } else if (key == "allow_auto_create" || key == "deprecated") {
      auto b = bool_value(val, kWhat, key);
      if (!b.ok()) return b.status();
      (key == "deprecated" ? out.deprecated : out.allow_auto_create) = *b;
    } else if (key == "data_stream") {
      return Status::InvalidArgument("[data_stream] is not supported: Quarry has no data streams");
    } else {
      return unknown_field(kWhat, key);
    }
  }
  if (!has_patterns) return Status::XContentParse("Required [index_patterns]");
  return out;
}

void IndexTemplate::write_persisted(json::Writer& w) const {
  w.StartObject();
  write_string_list(w, "index_patterns", index_patterns);
  if (body) {
    w.Key("template");
    body->write_persisted(w);
  }
  if (composed_of) write_string_list(w, "composed_of", *composed_of);
  if (priority) {
    w.Key("priority");
    w.Int64(*priority);
  }
  if (version) {
    w.Key("version");
    w.Int64(*version);
  }
  if (meta) {
    w.Key("_meta");
    json::write_raw(w, *meta);
  }
  if (allow_auto_create) {
    w.Key("allow_auto_create");
    w.Bool(*allow_auto_create);
  }
  if (ignore_missing_component_templates) {
    write_string_list(w, "ignore_missing_component_templates", *ignore_missing_component_templates);
  }
  if (deprecated) {
    w.Key("deprecated");
    w.Bool(*deprecated);
  }
  w.EndObject();
}

bool IndexTemplate::matches(std::string_view index_name) const {
  for (const auto& p : index_patterns) {
    if (wildcard_match(p, index_name)) return true;
  }
  return false;
}

bool IndexTemplate::is_global() const {
  for (const auto& p : index_patterns) {
    if (p.find_first_not_of('*') == std::string::npos && !p.empty()) return true;
  }
  return false;
}

const std::vector<std::string>& IndexTemplate::components() const {
  static const std::vector<std::string> kNone;
  return composed_of ? *composed_of : kNone;
}

bool IndexTemplate::component_may_be_missing(const std::string& component) const {
  if (!ignore_missing_component_templates) return false;
  for (const auto& c : *ignore_missing_component_templates) {
    if (c == component) return true;
  }
  return false;
}

std::vector<std::string> template_name_errors(std::string_view name) {
  std::vector<std::string> errors;
  auto has = [&](char c) { return name.find(c) != std::string_view::npos; };
  if (has(' ')) errors.push_back("name must not contain a space");
  if (has(',')) errors.push_back("name must not contain a ','");
  if (has('#')) errors.push_back("name must not contain a '#'");
  if (has('*')) errors.push_back("name must not contain a '*'");
  if (!name.empty() && name[0] == '_') errors.push_back("name must not start with '_'");
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') {
      errors.push_back("name must be lower cased");
      break;
    }
  }
  return errors;
}

std::vector<std::string> index_pattern_errors(const std::vector<std::string>& patterns) {
  std::vector<std::string> errors;
  for (const auto& p : patterns) {
    auto has = [&](char c) { return p.find(c) != std::string::npos; };
    if (has(' ')) errors.push_back("index_patterns [" + p + "] must not contain a space");
    if (has(',')) errors.push_back("index_pattern [" + p + "] must not contain a ','");
    if (has('#')) errors.push_back("index_pattern [" + p + "] must not contain a '#'");
    if (has(':')) errors.push_back("index_pattern [" + p + "] must not contain a ':'");
    if (!p.empty() && p[0] == '_') errors.push_back("index_pattern [" + p + "] must not start with '_'");
    // Overlap checks compare patterns pairwise in time and memory quadratic in their length.
    if (p.size() > kMaxPatternLength) {
      errors.push_back("index_pattern [" + p.substr(0, 64) + "...] must not be longer than " +
                       std::to_string(kMaxPatternLength) + " characters");
    }
    // Elasticsearch's file-name rule, '*' excepted (it is the wildcard).
    if (p.find_first_of("\\/?\"<>| ,") != std::string::npos) {
      errors.push_back("index_pattern [" + p + "] must not contain the following characters [ , \", *, \\, <, |, ,, >, /, ?]");
    }
  }
  return errors;
}

bool patterns_overlap(std::string_view a, std::string_view b) {
  // Is there a string matched by both? reach[i][j]: some string takes a[0..i) and b[0..j) to the
  // same point. A '*' on either side may match nothing or swallow the other side's next
  // character (or the other side's '*'). Every step moves forward, so one row-major pass decides.
  const size_t n = a.size(), m = b.size();
  std::vector<char> reach((n + 1) * (m + 1), 0);
  auto at = [&](size_t i, size_t j) -> char& { return reach[i * (m + 1) + j]; };
  at(0, 0) = 1;
  for (size_t i = 0; i <= n; ++i) {
    for (size_t j = 0; j <= m; ++j) {
      if (!at(i, j)) continue;
      bool star_a = i < n && a[i] == '*', star_b = j < m && b[j] == '*';
      if (star_a) {
        at(i + 1, j) = 1;
        if (j < m) at(i, j + 1) = 1;
      }
      if (star_b) {
        at(i, j + 1) = 1;
        if (i < n) at(i + 1, j) = 1;
      }
      if (!star_a && !star_b && i < n && j < m && a[i] == b[j]) at(i + 1, j + 1) = 1;
    }
  }
  return at(n, m);
}

std::string java_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += items[i];
  }
  return out + "]";
}

}  // namespace quarry::index
