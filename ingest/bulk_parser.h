// Parsing of the _bulk NDJSON body into BulkItems (Elasticsearch's format: an action line, then a
// source line for index/create/update). A problem confined to one item (bad source JSON, empty
// _id, id too long, pipeline) fails that item only; a malformed action line or structure fails the
// whole request with kParsing / kInvalidArgument / kActionValidation, as Elasticsearch does.
// Pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "index/status.h"
#include "ingest/bulk_request.h"

namespace quarry::ingest {

struct BulkDefaults {
  std::string index;       // from /{index}/_bulk
  std::string routing;     // ?routing=
  bool require_alias = false;
};

inline constexpr size_t kMaxIdBytes = 512;

Result<std::vector<BulkItem>> parse_bulk(std::string_view body, const BulkDefaults& defaults);

// Checks an explicit document id. Errors: kActionValidation.
Status validate_doc_id(std::string_view id);

}  // namespace quarry::ingest
