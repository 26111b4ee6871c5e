// IndexTemplate and ComponentTemplate: Elasticsearch's composable index templates as values,
// parsed from the body of PUT /_index_template/{name} and PUT /_component_template/{name}.
// Parsing checks the shape only (types, unknown fields, as Elasticsearch's x_content parser
// does); whether the settings, mappings and aliases are valid once composed is checked by
// TemplateRegistry (index/template_registry.h).
//
// The persisted form (write_persisted) is the Elasticsearch body with flat settings, so that
// from_es_json reads it back.
//
// Value types, freely copyable; no thread-safety concerns.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "index/json.h"
#include "index/status.h"

namespace quarry::index {

// The "template" object: what an index created through the template starts with. Each part is
// kept only if it was given, so that GET answers with what was PUT.
struct TemplateBody {
  // Flat keys with the "index." prefix ("index.number_of_shards" -> "2"), values as strings.
  std::optional<std::map<std::string, std::string>> settings;
  // The "mappings" object as given (compact JSON), a "_doc" wrapper removed.
  std::optional<std::string> mappings;
  // Alias name -> its definition as given (compact JSON object).
  std::optional<std::map<std::string, std::string>> aliases;

  // `what` names the enclosing object in errors ("index_template", "component_template").
  static Result<TemplateBody> from_es_json(const json::Value& v, std::string_view what);
  void write_persisted(json::Writer& w) const;
};

struct ComponentTemplate {
  TemplateBody body;
  std::optional<int64_t> version;
  std::optional<std::string> meta;  // "_meta" as given (compact JSON)
  std::optional<bool> deprecated;

  // Errors: kXContentParse (unknown field, wrong type, missing "template").
  static Result<ComponentTemplate> from_es_json(const json::Value& v);
  void write_persisted(json::Writer& w) const;
};

struct IndexTemplate {
  std::vector<std::string> index_patterns;
  std::optional<TemplateBody> body;
  std::optional<std::vector<std::string>> composed_of;
  std::optional<int64_t> priority;
  std::optional<int64_t> version;
  std::optional<std::string> meta;  // "_meta" as given (compact JSON)
  std::optional<bool> allow_auto_create;
  std::optional<std::vector<std::string>> ignore_missing_component_templates;
  std::optional<bool> deprecated;

  int64_t priority_or_zero() const { return priority.value_or(0); }
  bool matches(std::string_view index_name) const;
  // A template with the pattern "*" (it never applies to hidden indices).
  bool is_global() const;
  const std::vector<std::string>& components() const;
  bool component_may_be_missing(const std::string& component) const;

  // Errors: kXContentParse (unknown field, wrong type, missing "index_patterns"),
  // kInvalidArgument ("data_stream": Quarry has no data streams).
  static Result<IndexTemplate> from_es_json(const json::Value& v);
  void write_persisted(json::Writer& w) const;
};

// Elasticsearch's checks of a template name and of index patterns, as the list of
// "Validation Failed" items they produce (empty when fine).
std::vector<std::string> template_name_errors(std::string_view name);
inline constexpr size_t kMaxPatternLength = 1024;  // longer than any index name (255) needs
std::vector<std::string> index_pattern_errors(const std::vector<std::string>& patterns);

// Whether some index name matches both simple wildcard patterns ('*' only).
bool patterns_overlap(std::string_view a, std::string_view b);

// A list as Java prints it in Elasticsearch's messages: "[a, b]".
std::string java_list(const std::vector<std::string>& items);

}  // namespace quarry::index
