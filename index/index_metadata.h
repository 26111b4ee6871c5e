// IndexMetadata: everything that defines an index besides its data — name, uuid, settings,
// mapping, aliases — and its persistence as <data-dir>/indices/<uuid>/meta.json (written to a
// temporary file, fsynced, renamed, so a crash leaves the old or the new version, never half).
//
// Value type. The engine (index/index_service.h) guards the live copy with its own lock.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "index/json.h"
#include "index/mapping.h"
#include "index/status.h"

namespace quarry::index {

struct AliasMetadata {
  std::string name;
  std::string filter_json;            // raw JSON of the filter query, empty = none
  std::string index_routing;          // empty = none
  std::string search_routing;
  std::optional<bool> is_write_index;
  std::optional<bool> is_hidden;
};

struct IndexSettings {
  int number_of_shards = 1;
  int number_of_replicas = 1;
  int64_t refresh_interval_ms = 1000;  // -1 disables periodic refresh
  int max_result_window = 10000;
  // Every setting as given by the user, flattened ("index.number_of_shards" -> "1"), echoed back by
  // GET _settings. Values are kept as strings, as Elasticsearch returns them.
  std::map<std::string, std::string> flat;
};

struct IndexMetadata {
  std::string name;
  std::string uuid;
  int64_t creation_date_ms = 0;
  bool closed = false;
  IndexSettings settings;
  std::shared_ptr<const Mapping> mapping = std::make_shared<Mapping>();
  std::map<std::string, AliasMetadata> aliases;

  void write_meta_json(json::Writer& w) const;
  static Result<IndexMetadata> from_meta_json(const json::Value& v);
};

// Parses a create-index "settings" object (nested or flat, with or without "index." prefix)
// into `out`. Errors: kInvalidArgument for bad values (e.g. number_of_shards < 1), unknown
// settings ("unknown setting [index.foo] please check that any required plugins are installed").
Status parse_index_settings(const json::Value& settings, IndexSettings* out, bool creating);

// Flattens a "settings" object (nested or flat) into "index."-prefixed keys with string values,
// as Elasticsearch normalises them; a null value removes the key. Errors: kInvalidArgument when
// `settings` is not an object.
Status flatten_settings(const json::Value& settings, std::map<std::string, std::string>* out);

// Reads one alias definition ({"filter":..,"routing":..,"is_write_index":..}) into `out`, whose
// name is already set. Errors: kParsing when the definition is not an object.
Status parse_alias_definition(const json::Value& definition, AliasMetadata* out);

// Elasticsearch's index-name rules. Errors: kInvalidIndexName with ES's reasons.
Status validate_index_name(std::string_view name);

// Parses "1s", "500ms", "2m", "-1" into milliseconds. Errors: kInvalidArgument.
Result<int64_t> parse_time_value(std::string_view text, std::string_view setting_name);

Status write_file_atomically(const std::string& path, std::string_view contents);
Result<std::string> read_file(const std::string& path);

}  // namespace quarry::index
