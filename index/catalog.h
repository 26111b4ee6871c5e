// Catalog: every index of this node, by name, with their directories under
// <data-dir>/indices/<uuid>/, and the resolution of Elasticsearch index expressions
// (comma lists, wildcards, exclusions, _all, aliases) to concrete indices.
//
// Thread-safety: all methods may be called from any thread (one internal mutex). Index services
// are handed out as shared_ptr so a concurrent delete never frees one still in use.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "index/index_service.h"

namespace quarry::index {

struct ResolveOptions {
  bool ignore_unavailable = false;  // a missing concrete name is skipped instead of an error
  bool allow_no_indices = true;     // a wildcard/_all matching nothing is fine
  bool expand_open = true;          // expand_wildcards=open
  bool expand_closed = false;       // expand_wildcards=closed
  bool expand_hidden = false;       // expand_wildcards=hidden
};

// An index matched by an expression and, when it came through aliases, their names.
struct ResolvedIndex {
  std::shared_ptr<IndexService> index;
  std::vector<std::string> via_aliases;  // empty when named directly / by wildcard on index names
};

class Catalog {
 public:
  explicit Catalog(std::string data_dir);

  // Opens every index found under the data dir. Errors: kIOError / kCorruption.
  Status load();

  // Creates an index directory and its shards. Errors: kAlreadyExists, kIOError.
  Result<std::shared_ptr<IndexService>> create(IndexMetadata meta);
  // Removes the index from the catalog and returns it; the caller stops its users and then
  // calls destroy_files(). Errors: kIndexNotFound.
  Result<std::shared_ptr<IndexService>> detach(const std::string& name);
  static void destroy_files(const IndexService& index);

  std::shared_ptr<IndexService> find(const std::string& name) const;
  std::vector<std::shared_ptr<IndexService>> all() const;
  bool alias_exists(const std::string& name) const;

  // Resolves an expression ("a,b*,-b2,alias", "_all", "*", "") to concrete indices in a stable
  // order. Errors: kIndexNotFound (missing concrete name, or nothing matched with
  // allow_no_indices=false).
  Result<std::vector<ResolvedIndex>> resolve(const std::string& expression,
                                             const ResolveOptions& options = {}) const;
  // The index a write to `name` goes to: an index, or an alias with one index or a write index.
  // Errors: kIndexNotFound (missing), kInvalidArgument (alias without a write index).
  Result<std::shared_ptr<IndexService>> resolve_write(const std::string& name) const;

  std::string new_uuid();

 private:
  const std::string data_dir_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<IndexService>> indices_;
  uint64_t uuid_counter_ = 0;
};

// Elasticsearch simple wildcard match ('*' only).
bool wildcard_match(std::string_view pattern, std::string_view text);

}  // namespace quarry::index
