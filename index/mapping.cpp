#include "index/mapping.h"

#include <algorithm>
#include <cmath>

#include "index/analysis.h"
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
  if (p == "index" || p == "store" || p == "fields") return true;
  switch (t) {
    case FieldType::kText:
      return p == "analyzer" || p == "search_analyzer" || p == "index_options";
    case FieldType::kKeyword:
      return p == "ignore_above" || p == "null_value" || p == "doc_values";
    case FieldType::kDate:
      return p == "format" || p == "null_value" || p == "doc_values" || p == "ignore_malformed";
    case FieldType::kBoolean:
      return p == "null_value" || p == "doc_values";
    default:  // numeric
      return p == "null_value" || p == "doc_values" || p == "coerce" || p == "ignore_malformed";
  }
}

Status compile_date_format(FieldMapping& f) {
  if (f.type != FieldType::kDate || f.format.empty()) {
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
    if (!accepts_param(f.type, p)) {
      return mapper_parsing("unknown parameter [" + std::string(p) + "] on mapper [" + std::string(leaf) +
                            "] of type [" + field_type_name(f.type) + "]");
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
      if (!is_known_analyzer(name) || name.empty()) {
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
  if (f.null_value && f.type != FieldType::kKeyword) {
    // The null_value must itself be a valid value of the field.
    json::Document nv;
    EncodedValue enc;
    if (!json::parse(*f.null_value, nv).ok() || !encode_value(f, nv, enc)) {
      return mapper_parsing("Failed to parse mapping: Error parsing [null_value] on field [" + std::string(leaf) +
                            "]: value [" + value_preview(nv) + "] is not a valid [" + field_type_name(f.type) + "]");
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
  if (e.type == FieldType::kText) {
    cmp("analyzer", analyzer_text(e.analyzer), analyzer_text(f.analyzer));
    cmp("index_options", index_options_name(e.index_options), index_options_name(f.index_options));
  } else {
    cmp("doc_values", bool_text(e.doc_values), bool_text(f.doc_values));
    cmp("null_value", null_value_text(e), null_value_text(f));
  }
  if (e.type == FieldType::kDate) {
    cmp("format", e.format.empty() ? kDefaultDateFormat : e.format, f.format.empty() ? kDefaultDateFormat : f.format);
  }
  cmp("index", bool_text(e.index), bool_text(f.index));
  cmp("store", bool_text(e.store), bool_text(f.store));
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
  }
  return "unknown";
}

std::optional<FieldType> parse_field_type(std::string_view name) {
  static constexpr FieldType kAll[] = {FieldType::kText,   FieldType::kKeyword, FieldType::kLong,
                                       FieldType::kInteger, FieldType::kShort,  FieldType::kByte,
                                       FieldType::kDouble, FieldType::kFloat,   FieldType::kDate,
                                       FieldType::kBoolean, FieldType::kObject};
  for (FieldType t : kAll) {
    if (name == field_type_name(t)) return t;
  }
  return std::nullopt;
}

bool is_numeric(FieldType t) {
  return t == FieldType::kLong || t == FieldType::kInteger || t == FieldType::kShort ||
         t == FieldType::kByte || t == FieldType::kDouble || t == FieldType::kFloat;
}

bool has_value_slot(FieldType t) {
  return t == FieldType::kKeyword || is_numeric(t) || t == FieldType::kDate || t == FieldType::kBoolean;
}

const char* dynamic_mode_name(DynamicMode m) {
  switch (m) {
    case DynamicMode::kTrue: return "true";
    case DynamicMode::kFalse: return "false";
    case DynamicMode::kStrict: return "strict";
  }
  return "true";
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
  if (name.empty()) return mapper_parsing("field name cannot be an empty string");
  if (name.find_first_not_of('.') == std::string_view::npos) {
    return mapper_parsing("field name cannot contain only dots: [" + std::string(name) + "]");
  }
  if (name.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return mapper_parsing("field name cannot contain only whitespace: ['" + std::string(name) + "']");
  }
  if (name.front() == '.' || name.back() == '.' || name.find("..") != std::string_view::npos) {
    return mapper_parsing("field name cannot contain an empty segment: [" + std::string(name) + "]");
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
      if (!v.IsObject()) return mapper_parsing("Failed to parse mapping: [_source] must be an object");
      for (const auto& s : v.GetObject()) {
        if (json::view(s.name) != "enabled") {
          return mapper_parsing("unknown parameter [" + std::string(json::view(s.name)) +
                                "] on mapper [_source] of type [_source]");
        }
        bool enabled = true;
        QUARRY_RETURN_IF_ERROR(read_bool(s.value, enabled));
        if (!creating && enabled != source_enabled_) {
          return Status::InvalidArgument("Mapper for [_source] conflicts with existing mapper:\n\tCannot update parameter [enabled] from [" +
                                         bool_text(source_enabled_) + "] to [" + bool_text(enabled) + "]");
        }
        next.source_enabled_ = enabled;
        next.source_set_ = true;
      }
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
  auto type_it = def.FindMember("type");
  if (type_it != def.MemberEnd()) {
    if (!type_it->value.IsString()) {
      return mapper_parsing("Failed to parse mapping: [type] on field [" + std::string(leaf) + "] must be a string");
    }
    auto t = parse_field_type(json::view(type_it->value));
    if (!t) {
      return mapper_parsing("No handler for type [" + std::string(json::view(type_it->value)) +
                            "] declared on field [" + std::string(leaf) + "]");
    }
    type = *t;
  } else if (!parent_multi_field.empty()) {
    return mapper_parsing("No type specified for field [" + std::string(leaf) + "]");
  }
  if (!parent_multi_field.empty() && type == FieldType::kObject) {
    return mapper_parsing("Type [object] cannot be used in multi field");
  }

  FieldMapping f;
  f.path = path;
  f.type = type;
  f.parent_multi_field = parent_multi_field;
  QUARRY_RETURN_IF_ERROR(read_params(f, leaf, def));

  auto existing = fields_.find(path);
  if (existing == fields_.end()) {
    insert(std::move(f));
    if (!parent_multi_field.empty()) {
      auto& subs = fields_.find(parent_multi_field)->second.multi_fields;
      subs.emplace_back(leaf);
    }
  } else {
    FieldMapping& e = existing->second;
    if (e.type != f.type) {
      if (e.type == FieldType::kObject || f.type == FieldType::kObject) return object_conflict(path);
      return Status::InvalidArgument("mapper [" + path + "] cannot be changed from type [" +
                                     field_type_name(e.type) + "] to [" + field_type_name(f.type) + "]");
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
      } else {
        w.Key("type");
        w.String("object");
      }
      w.EndObject();
      continue;
    }
    w.Key("type");
    w.String(field_type_name(f->type));
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
    if (f->type == FieldType::kDate && !f->format.empty() && f->format != kDefaultDateFormat) {
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
    if (has_kids) {
      w.Key("fields");
      w.StartObject();
      write_children(w, f->path, kids);
      w.EndObject();
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
    w.String(field_type_name(f.type));
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
    auto t = parse_field_type(type);
    auto o = parse_index_options(index_options);
    if (!t || !o) return corrupt("bad type or index_options of [" + f.path + "]");
    f.type = *t;
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
    if (!compile_date_format(f).ok()) return corrupt("date format of [" + f.path + "]");
    m.fields_.emplace(f.path, std::move(f));
  }
  return m;
}

}  // namespace quarry::index
