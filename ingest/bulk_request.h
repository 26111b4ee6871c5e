// BulkItem / BulkItemResult: the write requests and per-item answers of the ingest layer, shared by
// the _bulk NDJSON parser and the single-document APIs (a single write is a bulk of one).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "index/status.h"

namespace quarry::ingest {

enum class BulkAction { kIndex, kCreate, kUpdate, kDelete };
const char* bulk_action_name(BulkAction a);

enum class VersionType { kInternal, kExternal, kExternalGte };

struct BulkItem {
  BulkAction action = BulkAction::kIndex;
  std::string index;     // as named by the client (index or alias), resolved above ingest
  std::string id;        // empty = auto-generate (index/create only)
  std::string routing;
  std::optional<int64_t> if_seq_no;
  std::optional<int64_t> if_primary_term;
  std::optional<int64_t> version;
  VersionType version_type = VersionType::kInternal;
  bool require_alias = false;
  // index/create: the document. update: the update request body ({"doc":..,"upsert":..,...}).
  std::string source;
  // Update options parsed from `source`.
  int retry_on_conflict = 0;
  // A problem found while parsing this item: it fails alone with this error.
  Status error;
};

struct BulkItemResult {
  BulkAction action = BulkAction::kIndex;
  std::string index;
  std::string id;
  Status error;          // non-OK: the item failed
  std::string result;    // created / updated / deleted / not_found / noop
  int64_t version = 0;
  int64_t seq_no = 0;
  int64_t primary_term = 1;
  int shard = 0;
  bool forced_refresh = false;
  std::string source;    // update: the resulting _source (for "get" in the response)
  int http_status() const;  // 201 created, 404 not_found, 200 otherwise (errors: caller's table)
};

}  // namespace quarry::ingest
