// JSON views of index metadata shared by several handlers: the settings object (nested or flat)
// and an alias definition, as Elasticsearch prints them.
#pragma once

#include <map>
#include <string>

#include "index/index_metadata.h"
#include "index/json.h"

namespace quarry::server {

void write_settings(json::Writer& w, const index::IndexMetadata& meta, bool flat);
// Writes flat settings ("index.number_of_shards" -> "2") as one object, nested by the dots
// ({"index":{"number_of_shards":"2"}}) unless `flat`.
void write_flat_settings(json::Writer& w, const std::map<std::string, std::string>& settings, bool flat);
void write_alias_body(json::Writer& w, const index::AliasMetadata& alias);
// Writes the nested "properties" mapping object ({} when empty).
void write_mappings(json::Writer& w, const index::IndexMetadata& meta);

}  // namespace quarry::server
