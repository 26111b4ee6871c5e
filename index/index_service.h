// IndexService: one open index — its metadata (settings, mapping, aliases) and its shards.
//
// Thread-safety: all methods may be called from any thread. Metadata changes (dynamic mapping,
// PUT _mapping, aliases) are serialised by an internal mutex and persisted before they return;
// mapping() hands out an immutable snapshot. Shards follow index/shard.h's rules.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "index/index_metadata.h"
#include "index/shard.h"

namespace quarry::index {

// The error of reading or writing a closed index (index_closed_exception).
inline Status index_closed(const std::string& name, const std::string& uuid) {
  return Status(Code::kIndexClosed, "closed").with("index_uuid", uuid).with("index", name);
}

class IndexService {
 public:
  IndexService(std::string dir, IndexMetadata meta);
  IndexService(const IndexService&) = delete;
  IndexService& operator=(const IndexService&) = delete;

  // Opens (creating) every shard database. Errors: kIOError / kCorruption.
  Status open();
  // Writes meta.json. Errors: kIOError.
  Status persist();

  const std::string& name() const { return name_; }
  const std::string& uuid() const { return uuid_; }
  const std::string& dir() const { return dir_; }
  int num_shards() const { return static_cast<int>(shards_.size()); }
  Shard& shard(int i) { return *shards_[i]; }

  IndexMetadata metadata() const;
  std::shared_ptr<const Mapping> mapping() const;
  int64_t refresh_interval_ms() const;

  // Adds fields found by dynamic mapping (those already present are skipped) and persists.
  Status add_dynamic_fields(const std::vector<FieldMapping>& fields);
  // PUT _mapping body. Errors as Mapping::merge_es_json.
  Status put_mapping(const json::Value& mappings);
  // Applies `change` to a copy of the metadata; keeps and persists it only if it returns Ok.
  Status update_metadata(const std::function<Status(IndexMetadata&)>& change);

 private:
  const std::string dir_;
  const std::string name_;
  const std::string uuid_;
  mutable std::mutex mu_;
  IndexMetadata meta_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace quarry::index
