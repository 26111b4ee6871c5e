// Small helpers around RapidJSON shared by every layer: parse with an Elasticsearch-like error,
// serialise a value, and read typed members. Free functions, no state.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <string_view>

#include "index/status.h"

namespace quarry::json {

using Value = rapidjson::Value;
using Document = rapidjson::Document;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// Parses `text` into `doc`. On failure returns Code::kParsing with a reason naming the offset.
Status parse(std::string_view text, Document& doc);

// Compact serialisation of a value.
std::string to_string(const Value& v);

// Writes `raw` (already valid JSON) into the writer as a nested value.
void write_raw(Writer& w, std::string_view raw);

// Copies a string into a value owned by `alloc`.
inline Value str(std::string_view s, Document::AllocatorType& alloc) {
  return Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), alloc);
}

inline std::string_view view(const Value& v) { return {v.GetString(), v.GetStringLength()}; }

// Name of the JSON type of `v` as Elasticsearch error messages print it.
const char* type_name(const Value& v);

}  // namespace quarry::json
