#include "index/template_merge.h"

#include "index/index_metadata.h"

namespace quarry::index {

namespace {

// An object field definition whose sub-fields merge with a later definition of the same object
// (rather than being replaced by it).
bool is_object_definition(const json::Value& def) {
  if (!def.IsObject() || !def.HasMember("properties")) return false;
  if (!def.HasMember("type")) return true;
  const json::Value& t = def["type"];
  return t.IsString() && (json::view(t) == "object" || json::view(t) == "nested");
}

void set_member(json::Value& obj, const json::Value& key, const json::Value& value, json::Document::AllocatorType& alloc) {
  json::Value copy(value, alloc);
  auto it = obj.FindMember(key);
  if (it != obj.MemberEnd()) {
    it->value = std::move(copy);
  } else {
    obj.AddMember(json::Value(key, alloc), std::move(copy), alloc);
  }
}

void merge_properties(json::Value& base, const json::Value& overlay, json::Document::AllocatorType& alloc) {
  for (auto it = overlay.MemberBegin(); it != overlay.MemberEnd(); ++it) {
    auto existing = base.FindMember(it->name);
    if (existing != base.MemberEnd() && is_object_definition(existing->value) && is_object_definition(it->value)) {
      merge_mappings(existing->value, it->value, alloc);
    } else {
      set_member(base, it->name, it->value, alloc);
    }
  }
}

}  // namespace

void merge_mappings(json::Value& base, const json::Value& overlay, json::Document::AllocatorType& alloc) {
  for (auto it = overlay.MemberBegin(); it != overlay.MemberEnd(); ++it) {
    auto existing = base.FindMember(it->name);
    if (json::view(it->name) == "properties" && existing != base.MemberEnd() && existing->value.IsObject() &&
        it->value.IsObject()) {
      merge_properties(existing->value, it->value, alloc);
    } else {
      set_member(base, it->name, it->value, alloc);
    }
  }
}

void apply_template(const ResolvedTemplate& tmpl, const json::Value* request, json::Document* out) {
  auto& alloc = out->GetAllocator();
  out->SetObject();
  const bool has_request = request && request->IsObject();

  // Settings: the template's flat keys, then the request's (normalised the same way).
  std::map<std::string, std::string> settings = tmpl.settings;
  const json::Value* req_settings = has_request && request->HasMember("settings") ? &(*request)["settings"] : nullptr;
  if (req_settings && req_settings->IsObject()) (void)flatten_settings(*req_settings, &settings);
  if (req_settings && !req_settings->IsObject()) {
    out->AddMember("settings", json::Value(*req_settings, alloc), alloc);
  } else if (!settings.empty() || req_settings) {
    json::Value obj(rapidjson::kObjectType);
    for (const auto& [k, v] : settings) obj.AddMember(json::str(k, alloc), json::str(v, alloc), alloc);
    out->AddMember("settings", std::move(obj), alloc);
  }

  // Mappings: the template's, with the request's merged on top.
  const json::Value* req_mappings = has_request && request->HasMember("mappings") ? &(*request)["mappings"] : nullptr;
  if (req_mappings && !req_mappings->IsObject()) {
    out->AddMember("mappings", json::Value(*req_mappings, alloc), alloc);
  } else if (tmpl.mappings || req_mappings) {
    json::Value merged(rapidjson::kObjectType);
    if (tmpl.mappings) {
      json::Document parsed;
      if (json::parse(*tmpl.mappings, parsed).ok() && parsed.IsObject()) merged.CopyFrom(parsed, alloc);
    }
    if (req_mappings) merge_mappings(merged, *req_mappings, alloc);
    out->AddMember("mappings", std::move(merged), alloc);
  }

  // Aliases: by name, the request's definition wins.
  const json::Value* req_aliases = has_request && request->HasMember("aliases") ? &(*request)["aliases"] : nullptr;
  if (req_aliases && !req_aliases->IsObject()) {
    out->AddMember("aliases", json::Value(*req_aliases, alloc), alloc);
  } else if (!tmpl.aliases.empty() || req_aliases) {
    json::Value obj(rapidjson::kObjectType);
    for (const auto& [name, def] : tmpl.aliases) {
      if (req_aliases && req_aliases->HasMember(name.c_str())) continue;
      json::Document parsed;
      if (!json::parse(def, parsed).ok()) continue;
      obj.AddMember(json::str(name, alloc), json::Value(parsed, alloc), alloc);
    }
    if (req_aliases) {
      for (auto it = req_aliases->MemberBegin(); it != req_aliases->MemberEnd(); ++it) {
        obj.AddMember(json::Value(it->name, alloc), json::Value(it->value, alloc), alloc);
      }
    }
    out->AddMember("aliases", std::move(obj), alloc);
  }

  // Anything else in the request is passed through (and rejected by index creation).
  if (has_request) {
    for (auto it = request->MemberBegin(); it != request->MemberEnd(); ++it) {
      std::string_view key = json::view(it->name);
      if (key == "settings" || key == "mappings" || key == "aliases") continue;
      out->AddMember(json::Value(it->name, alloc), json::Value(it->value, alloc), alloc);
    }
  }
}

}  // namespace quarry::index
