#include "index/template_registry.h"

#include <algorithm>
#include <filesystem>
#include <functional>

#include "index/catalog.h"
#include "index/index_metadata.h"
#include "index/mapping.h"
#include "index/template_merge.h"

namespace quarry::index {

namespace {

// Elasticsearch's InvalidIndexTemplateException: "index_template [x] invalid, cause [...]".
Status invalid_template(const std::string& name, const std::string& cause) {
  return Status(Code::kInvalidIndexTemplate, "index_template [" + name + "] invalid, cause [" + cause + "]");
}

// A ValidationException's message: "Validation Failed: 1: a;2: b;".
std::string validation_failed(const std::vector<std::string>& errors) {
  std::string out = "Validation Failed: ";
  for (size_t i = 0; i < errors.size(); ++i) out += std::to_string(i + 1) + ": " + errors[i] + ";";
  return out;
}

// The settings of a template checked as a new index's would be; the first error's reason.
std::optional<std::string> settings_error(const std::map<std::string, std::string>& flat) {
  json::Document doc;
  doc.SetObject();
  for (const auto& [k, v] : flat) doc.AddMember(json::str(k, doc.GetAllocator()), json::str(v, doc.GetAllocator()), doc.GetAllocator());
  IndexSettings parsed;
  Status st = parse_index_settings(doc, &parsed, /*creating=*/true);
  if (st.ok()) return std::nullopt;
  return st.message();
}

// Name, patterns and the template's own settings, as Elasticsearch's validate() checks them.
Status validate_own(const std::string& name, const std::vector<std::string>& patterns, const TemplateBody* body,
                    bool global) {
  std::vector<std::string> errors = template_name_errors(name);
  for (auto& e : index_pattern_errors(patterns)) errors.push_back(std::move(e));
  if (body && body->settings) {
    if (auto e = settings_error(*body->settings)) errors.push_back(*e);
    if (global && body->settings->count("index.hidden")) {
      errors.push_back("global templates may not specify the setting index.hidden");
    }
  }
  if (!errors.empty()) return invalid_template(name, validation_failed(errors));
  if (body && body->aliases) {
    for (const auto& [alias, def] : *body->aliases) {
      if (std::find(patterns.begin(), patterns.end(), alias) != patterns.end()) {
        std::string joined;
        for (const auto& p : patterns) joined += (joined.empty() ? "" : ", ") + p;
        return Status::InvalidArgument("alias [" + alias + "] cannot be the same as any pattern in [" + joined + "]");
      }
    }
  }
  return Status::Ok();
}

Status validate_mappings(const std::string& mappings_json) {
  json::Document doc;
  QUARRY_RETURN_IF_ERROR(json::parse(mappings_json, doc));
  auto mapping = Mapping::from_es_json(doc);
  return mapping.ok() ? Status::Ok() : mapping.status();
}

bool is_match_all(const std::string& name) { return name == "*" || name == "_all"; }

// Names matched by `names` among `keys` (exact or wildcard), or the first exact name missing.
template <typename Map>
Result<std::vector<std::pair<std::string, typename Map::mapped_type>>> select_templates(const Map& all, const std::vector<std::string>& names,
                                                                              const char* what) {
  std::vector<std::pair<std::string, typename Map::mapped_type>> out;
  for (const auto& [key, value] : all) {
    bool wanted = names.empty();
    for (const auto& n : names) wanted = wanted || is_match_all(n) || wildcard_match(n, key);
    if (wanted) out.emplace_back(key, value);
  }
  for (const auto& n : names) {
    if (n.find('*') == std::string::npos && !is_match_all(n) && !all.count(n)) {
      return Status::NotFound(std::string(what) + " matching [" + n + "] not found");
    }
  }
  return out;
}

// The names a DELETE removes: several names must all exist; one name may be a wildcard.
template <typename Map>
Result<std::vector<std::string>> names_to_delete(const Map& all, const std::vector<std::string>& names,
                                                 const std::function<Status(const std::string&)>& missing) {
  std::vector<std::string> out;
  if (names.size() > 1) {
    std::string absent;
    for (const auto& n : names) {
      if (all.count(n)) out.push_back(n);
      else absent += (absent.empty() ? "" : ",") + n;
    }
    if (!absent.empty()) return missing(absent);
    return out;
  }
  const std::string name = names.empty() ? "*" : names[0];
  for (const auto& [key, value] : all) {
    if (is_match_all(name) || wildcard_match(name, key)) out.push_back(key);
  }
  if (out.empty() && !is_match_all(name)) return missing(name);
  return out;
}

}  // namespace

TemplateRegistry::TemplateRegistry(std::string data_dir)
    : path_((std::filesystem::path(data_dir) / "templates.json").string()) {}

Status TemplateRegistry::load() {
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec)) return Status::Ok();
  auto text = read_file(path_);
  if (!text.ok()) return text.status();
  json::Document doc;
  if (!json::parse(*text, doc).ok() || !doc.IsObject()) return Status::Corruption(path_ + " is not valid JSON");
  IndexMap index_templates;
  ComponentMap components;
  if (doc.HasMember("component_templates") && doc["component_templates"].IsObject()) {
    for (auto it = doc["component_templates"].MemberBegin(); it != doc["component_templates"].MemberEnd(); ++it) {
      auto t = ComponentTemplate::from_es_json(it->value);
      if (!t.ok()) return Status::Corruption(path_ + ": component template [" + std::string(json::view(it->name)) + "]: " + t.status().message());
      components.emplace(std::string(json::view(it->name)), std::move(t).value());
    }
  }
  if (doc.HasMember("index_templates") && doc["index_templates"].IsObject()) {
    for (auto it = doc["index_templates"].MemberBegin(); it != doc["index_templates"].MemberEnd(); ++it) {
      auto t = IndexTemplate::from_es_json(it->value);
      if (!t.ok()) return Status::Corruption(path_ + ": index template [" + std::string(json::view(it->name)) + "]: " + t.status().message());
      index_templates.emplace(std::string(json::view(it->name)), std::move(t).value());
    }
  }
  std::lock_guard lock(mu_);
  index_templates_ = std::move(index_templates);
  component_templates_ = std::move(components);
  return Status::Ok();
}

Status TemplateRegistry::persist(const IndexMap& index_templates, const ComponentMap& components) const {
  rapidjson::StringBuffer buf;
  json::Writer w(buf);
  w.StartObject();
  w.Key("component_templates");
  w.StartObject();
  for (const auto& [name, t] : components) {
    w.Key(name.c_str());
    t.write_persisted(w);
  }
  w.EndObject();
  w.Key("index_templates");
  w.StartObject();
  for (const auto& [name, t] : index_templates) {
    w.Key(name.c_str());
    t.write_persisted(w);
  }
  w.EndObject();
  w.EndObject();
  return write_file_atomically(path_, std::string_view(buf.GetString(), buf.GetSize()));
}

Result<ResolvedTemplate> TemplateRegistry::compose_with(const std::string& name, const IndexTemplate& t,
                                                        const ComponentMap& components) {
  std::vector<std::string> missing;
  for (const auto& c : t.components()) {
    if (!components.count(c) && !t.component_may_be_missing(c)) missing.push_back(c);
  }
  if (!missing.empty()) {
    return invalid_template(name, "index template [" + name + "] specifies component templates " +
                                      java_list(missing) + " that do not exist");
  }
  ResolvedTemplate out;
  out.name = name;
  out.index_patterns = t.index_patterns;
  out.allow_auto_create = t.allow_auto_create;
  json::Document mappings;
  mappings.SetObject();
  bool has_mappings = false;
  auto layer = [&](const TemplateBody& body) {
    if (body.settings) {
      for (const auto& [k, v] : *body.settings) out.settings[k] = v;
    }
    if (body.mappings) {
      json::Document m;
      if (json::parse(*body.mappings, m).ok() && m.IsObject()) {
        merge_mappings(mappings, m, mappings.GetAllocator());
        has_mappings = true;
      }
    }
    if (body.aliases) {
      for (const auto& [alias, def] : *body.aliases) out.aliases[alias] = def;
    }
  };
  for (const auto& c : t.components()) {
    auto it = components.find(c);
    if (it != components.end()) layer(it->second.body);
  }
  if (t.body) layer(*t.body);
  if (has_mappings) out.mappings = json::to_string(mappings);
  return out;
}

Status TemplateRegistry::validate_composed(const std::string& name, const IndexTemplate& t,
                                           const ComponentMap& components) {
  auto resolved = compose_with(name, t, components);
  if (!resolved.ok()) return resolved.status();
  if (auto e = settings_error(resolved->settings)) return Status::InvalidArgument(*e);
  if (t.is_global() && resolved->settings.count("index.hidden")) {
    return invalid_template(name, "global composable templates may not specify the setting index.hidden");
  }
  if (resolved->mappings) QUARRY_RETURN_IF_ERROR(validate_mappings(*resolved->mappings));
  return Status::Ok();
}

Status TemplateRegistry::put_index_template(const std::string& name, IndexTemplate t, bool create) {
  QUARRY_RETURN_IF_ERROR(validate_own(name, t.index_patterns, t.body ? &*t.body : nullptr, t.is_global()));
  std::lock_guard lock(mu_);
  if (create && index_templates_.count(name)) {
    return Status::InvalidArgument("index template [" + name + "] already exists");
  }
  // Two templates that could match the same index must differ in priority, so that the choice
  // at index creation is never arbitrary.
  std::vector<std::string> clashing;
  std::string clash_patterns;
  for (const auto& [other, ot] : index_templates_) {
    if (other == name || ot.priority_or_zero() != t.priority_or_zero()) continue;
    bool overlap = false;
    for (const auto& a : t.index_patterns) {
      for (const auto& b : ot.index_patterns) overlap = overlap || patterns_overlap(a, b);
    }
    if (!overlap) continue;
    clashing.push_back(other);
    clash_patterns += (clash_patterns.empty() ? "" : ",") + other + " => " + java_list(ot.index_patterns);
  }
  if (!clashing.empty()) {
    std::string names;
    for (const auto& c : clashing) names += (names.empty() ? "" : ",") + c;
    return Status::InvalidArgument("index template [" + name + "] has index patterns " + java_list(t.index_patterns) +
                                   " matching patterns from existing templates [" + names + "] with patterns (" +
                                   clash_patterns + ") that have the same priority [" +
                                   std::to_string(t.priority_or_zero()) +
                                   "], multiple index templates may not match during index creation, please use a "
                                   "different priority");
  }
  QUARRY_RETURN_IF_ERROR(validate_composed(name, t, component_templates_));
  IndexMap next = index_templates_;
  next[name] = std::move(t);
  QUARRY_RETURN_IF_ERROR(persist(next, component_templates_));
  index_templates_ = std::move(next);
  return Status::Ok();
}

Status TemplateRegistry::put_component_template(const std::string& name, ComponentTemplate t, bool create) {
  QUARRY_RETURN_IF_ERROR(validate_own(name, {}, &t.body, false));
  if (t.body.mappings) QUARRY_RETURN_IF_ERROR(validate_mappings(*t.body.mappings));
  std::lock_guard lock(mu_);
  if (create && component_templates_.count(name)) {
    return Status::InvalidArgument("component template [" + name + "] already exists");
  }
  ComponentMap next = component_templates_;
  next[name] = std::move(t);
  // Every index template that uses this component must stay valid with the new version.
  for (const auto& [tname, it] : index_templates_) {
    const auto& used = it.components();
    if (std::find(used.begin(), used.end(), name) == used.end()) continue;
    if (Status st = validate_composed(tname, it, next); !st.ok()) {
      return Status::InvalidArgument("updating component template [" + name + "] results in invalid composable template [" +
                                     tname + "] after templates are merged: " + st.message());
    }
  }
  QUARRY_RETURN_IF_ERROR(persist(index_templates_, next));
  component_templates_ = std::move(next);
  return Status::Ok();
}

Result<std::vector<std::pair<std::string, IndexTemplate>>> TemplateRegistry::index_templates(
    const std::vector<std::string>& names) const {
  std::lock_guard lock(mu_);
  return select_templates(index_templates_, names, "index template");
}

Result<std::vector<std::pair<std::string, ComponentTemplate>>> TemplateRegistry::component_templates(
    const std::vector<std::string>& names) const {
  std::lock_guard lock(mu_);
  return select_templates(component_templates_, names, "component template");
}

Status TemplateRegistry::delete_index_templates(const std::vector<std::string>& names) {
  std::lock_guard lock(mu_);
  auto targets = names_to_delete(index_templates_, names, [](const std::string& n) {
    return Status(Code::kIndexTemplateMissing, "index_template [" + n + "] missing");
  });
  if (!targets.ok()) return targets.status();
  if (targets->empty()) return Status::Ok();
  IndexMap next = index_templates_;
  for (const auto& n : *targets) next.erase(n);
  QUARRY_RETURN_IF_ERROR(persist(next, component_templates_));
  index_templates_ = std::move(next);
  return Status::Ok();
}

Status TemplateRegistry::delete_component_templates(const std::vector<std::string>& names) {
  std::lock_guard lock(mu_);
  auto targets = names_to_delete(component_templates_, names, [](const std::string& n) { return Status::NotFound(n); });
  if (!targets.ok()) return targets.status();
  if (targets->empty()) return Status::Ok();
  std::vector<std::string> in_use, users;
  for (const auto& [tname, t] : index_templates_) {
    bool uses = false;
    for (const auto& c : t.components()) {
      if (std::find(targets->begin(), targets->end(), c) == targets->end()) continue;
      uses = true;
      if (std::find(in_use.begin(), in_use.end(), c) == in_use.end()) in_use.push_back(c);
    }
    if (uses) users.push_back(tname);
  }
  if (!users.empty()) {
    return Status::InvalidArgument("component templates " + java_list(in_use) +
                                   " cannot be removed as they are still in use by index templates " + java_list(users));
  }
  ComponentMap next = component_templates_;
  for (const auto& n : *targets) next.erase(n);
  QUARRY_RETURN_IF_ERROR(persist(index_templates_, next));
  component_templates_ = std::move(next);
  return Status::Ok();
}

std::optional<ResolvedTemplate> TemplateRegistry::resolve_for_index(const std::string& index, bool hidden) const {
  std::lock_guard lock(mu_);
  const std::string* best_name = nullptr;
  const IndexTemplate* best = nullptr;
  for (const auto& [name, t] : index_templates_) {
    if (hidden && t.is_global()) continue;
    if (!t.matches(index)) continue;
    // Equal priorities cannot overlap (put_index_template refuses them); the first name wins
    // should an older data dir hold such a pair.
    if (!best || t.priority_or_zero() > best->priority_or_zero()) {
      best = &t;
      best_name = &name;
    }
  }
  if (!best) return std::nullopt;
  auto resolved = compose_with(*best_name, *best, component_templates_);
  // Missing components were refused when the template was stored; ignore-listed ones are skipped.
  if (!resolved.ok()) return std::nullopt;
  return std::move(resolved).value();
}

Result<ResolvedTemplate> TemplateRegistry::compose(const std::string& name, const IndexTemplate& t) const {
  std::lock_guard lock(mu_);
  return compose_with(name, t, component_templates_);
}

std::vector<std::pair<std::string, std::vector<std::string>>> TemplateRegistry::overlapping(
    const std::string& name, const std::vector<std::string>& patterns) const {
  std::lock_guard lock(mu_);
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (const auto& [other, t] : index_templates_) {
    if (other == name) continue;
    bool overlap = false;
    for (const auto& a : patterns) {
      for (const auto& b : t.index_patterns) overlap = overlap || patterns_overlap(a, b);
    }
    if (overlap) out.emplace_back(other, t.index_patterns);
  }
  return out;
}

}  // namespace quarry::index
