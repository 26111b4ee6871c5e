// The field types of the target index, so that `quarry load` can type CSV cells (CSV has no
// types) the way the index expects them.
//
// fetch_field_types asks the server for GET /{index}/_mapping; when the index does not exist
// yet it asks which mapping an index of that name would get from the index templates
// (POST /_index_template/_simulate_index/{index}). Free functions, no state.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "server/cli/http_client.h"

namespace quarry::cli {

struct FieldType {
  std::string type;    // "long", "keyword", "date", ...
  std::string format;  // date format, "" when the mapping gives none
};

// Dotted field path ("author.steamid") -> its mapping. Multi-fields are not listed.
using FieldTypes = std::unordered_map<std::string, FieldType>;

// The fields of a GET /{index}/_mapping body (its first index), of a _simulate_index body
// ({"template":{"mappings":...}}) or of a bare mappings object. nullopt when it is none of these.
std::optional<FieldTypes> parse_field_types(std::string_view body);

// The field types the server knows for `index`; nullopt when it knows none (no index, no
// matching template) or cannot say. `note` tells the user where the types came from.
std::optional<FieldTypes> fetch_field_types(HttpClient& client, const std::string& index,
                                            std::string& note);

}  // namespace quarry::cli
