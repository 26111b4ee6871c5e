// TemplateRegistry: the node's composable index templates and component templates, their
// validation as Elasticsearch does it, the choice of the template that applies to a new index
// (the matching one with the highest priority) and its composition (components in `composed_of`
// order, then the template's own `template` on top).
//
// Persisted in <data-dir>/templates.json, rewritten whole on every change through a temporary
// file that is fsynced and renamed (as index metadata is), so a crash leaves the old or the new
// set of templates, never half of one. A change is visible only once it is on disk.
//
// Thread-safety: every method may be called from any thread (one internal mutex).
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "index/index_template.h"
#include "index/status.h"

namespace quarry::index {

// What a template gives a new index, composed from its components and itself.
struct ResolvedTemplate {
  std::string name;                              // the index template chosen
  std::vector<std::string> index_patterns;       // its patterns
  std::map<std::string, std::string> settings;   // flat, "index."-prefixed
  std::optional<std::string> mappings;           // merged "mappings" JSON, if any part had one
  std::map<std::string, std::string> aliases;    // alias name -> definition (JSON)
  std::optional<bool> allow_auto_create;
};

class TemplateRegistry {
 public:
  explicit TemplateRegistry(std::string data_dir);
  TemplateRegistry(const TemplateRegistry&) = delete;
  TemplateRegistry& operator=(const TemplateRegistry&) = delete;

  // Reads templates.json if there is one. Errors: kIOError, kCorruption.
  Status load();

  // PUT /_index_template/{name}. Errors: kInvalidArgument ("index template [x] already exists"
  // with create; patterns overlapping a template of the same priority; alias named like a
  // pattern), kInvalidIndexTemplate (bad name or pattern, invalid settings, missing
  // components), kMapperParsing (mappings, once composed), kIOError.
  Status put_index_template(const std::string& name, IndexTemplate t, bool create);
  // PUT /_component_template/{name}; an update is refused if an index template using the
  // component would become invalid. Errors as put_index_template.
  Status put_component_template(const std::string& name, ComponentTemplate t, bool create);

  // The templates named by `names` (exact names or wildcards), sorted by name; all of them when
  // `names` is empty. A missing exact name is kNotFound ("index template matching [x] not found").
  Result<std::vector<std::pair<std::string, IndexTemplate>>> index_templates(
      const std::vector<std::string>& names) const;
  Result<std::vector<std::pair<std::string, ComponentTemplate>>> component_templates(
      const std::vector<std::string>& names) const;

  // DELETE: one name may be a wildcard; several names must all exist. Errors:
  // kIndexTemplateMissing / kNotFound (components), kInvalidArgument (a component still used).
  Status delete_index_templates(const std::vector<std::string>& names);
  Status delete_component_templates(const std::vector<std::string>& names);

  // The template a new index named `index` gets: the matching one with the highest priority
  // (templates with the pattern "*" never apply to hidden indices), composed. nullopt if none.
  std::optional<ResolvedTemplate> resolve_for_index(const std::string& index, bool hidden) const;
  // Composes `t` with the stored component templates, as if it were stored under `name`.
  // Errors: kInvalidIndexTemplate (a component is missing).
  Result<ResolvedTemplate> compose(const std::string& name, const IndexTemplate& t) const;
  // Stored index templates other than `name` with a pattern overlapping one of `patterns`.
  std::vector<std::pair<std::string, std::vector<std::string>>> overlapping(
      const std::string& name, const std::vector<std::string>& patterns) const;

 private:
  using IndexMap = std::map<std::string, IndexTemplate>;
  using ComponentMap = std::map<std::string, ComponentTemplate>;
  static Result<ResolvedTemplate> compose_with(const std::string& name, const IndexTemplate& t,
                                               const ComponentMap& components);
  // Checks the composed settings, mappings and aliases of `name` as a new index would get them.
  static Status validate_composed(const std::string& name, const IndexTemplate& t, const ComponentMap& components);
  Status persist(const IndexMap& index_templates, const ComponentMap& components) const;  // mu_ held

  const std::string path_;
  mutable std::mutex mu_;
  IndexMap index_templates_;
  ComponentMap component_templates_;
};

}  // namespace quarry::index
