// JSON views of index metadata shared by several handlers: the settings object (nested or flat)
// and an alias definition, as Elasticsearch prints them.
#pragma once

#include "index/index_metadata.h"
#include "index/json.h"

namespace quarry::server {

void write_settings(json::Writer& w, const index::IndexMetadata& meta, bool flat);
void write_alias_body(json::Writer& w, const index::AliasMetadata& alias);
// Writes the nested "properties" mapping object ({} when empty).
void write_mappings(json::Writer& w, const index::IndexMetadata& meta);

}  // namespace quarry::server
