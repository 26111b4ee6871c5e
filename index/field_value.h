// Field values: how one JSON scalar becomes the indexed form of a field (the term text after the
// field's prefix and the value-slot bytes), with Elasticsearch's coercion rules. Shared by the
// document mapper (indexing) and the query side (a term query must build the same term).
//
// Free functions, no state: safe from any thread. See docs/storage-format.md for the encodings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "index/json.h"
#include "index/mapping.h"

namespace quarry::index {

// Integer field types (long, integer, short, byte): a JSON number or, when `coerce`, a numeric
// string. Decimals are truncated towards zero when `coerce` (12.7 -> 12), rejected otherwise.
// Out of the type's range -> nullopt.
std::optional<int64_t> parse_integer_value(const json::Value& v, FieldType type, bool coerce);

// double / float: a finite JSON number or, when `coerce`, a numeric string. float values are
// rounded to float precision (and must fit a float).
std::optional<double> parse_floating_value(const json::Value& v, FieldType type, bool coerce);

// ip: IPv4 (dotted quad) or IPv6 text -> 16 bytes, big-endian IPv6 (IPv4 as ::ffff:a.b.c.d).
std::optional<std::string> parse_ip(std::string_view text);
// The canonical text of 16 ip bytes: dotted quad for IPv4-mapped, else RFC 5952 IPv6.
std::string ip_text(std::string_view bytes);
// A CIDR block "192.168.0.0/16" or "2001:db8::/32" -> the lowest and highest 16-byte addresses.
bool parse_cidr(std::string_view text, std::string& lo, std::string& hi);

// binary: whether `s` is valid (padded or unpadded) base64.
bool valid_base64(std::string_view s);

// geo_point: [lon, lat(, z)], "lat,lon", {"lat":..,"lon":..} or a geohash; latitude in [-90, 90],
// longitude in [-180, 180]. False if malformed.
bool parse_geo_point(const json::Value& v, double& lat, double& lon);
// Whether an array value of a geo_point field is a single point ([lon, lat]), not a list of points.
bool is_geo_point_array(const json::Value& v);

// boolean: true/false, "true"/"false", and "" (false).
std::optional<bool> parse_boolean_value(const json::Value& v);

// The canonical term text of numbers: integers in decimal; double/float as the shortest text
// that reads back to the same value (float: at float precision), integral values without ".0".
std::string long_term_text(int64_t v);
std::string floating_term_text(double v, FieldType type);

// The text of a scalar as keyword/text fields index it: strings as is, numbers in canonical
// form, booleans "true"/"false". False for null, objects and arrays.
bool scalar_text(const json::Value& v, std::string& out);

// Terms of boolean fields and their slot bytes.
inline constexpr char kTrueTerm[] = "T";
inline constexpr char kFalseTerm[] = "F";

// The indexed form of one value of a non-text field.
struct EncodedValue {
  std::string term;  // without the field prefix
  std::string slot;  // value-slot bytes
};

// Encodes `v` for a keyword, numeric, date, boolean, ip, binary, geo_point or range field (binary
// and geo_point: validation only, empty term and slot; range: empty term, the slot is one range's
// two bounds as index/range_value.h encodes them). False if it does not fit the field
// (the caller reports the Elasticsearch "failed to parse field" error). `out` is reused.
bool encode_value(const FieldMapping& field, const json::Value& v, EncodedValue& out);

// keyword: whether `value` is longer than ignore_above (counted in characters, as Elasticsearch).
bool exceeds_ignore_above(const FieldMapping& field, std::string_view value);

// Elasticsearch's "Preview of field's value" text of a JSON value ("abc", 12, {a=1}, [1, 2]).
std::string value_preview(const json::Value& v);

}  // namespace quarry::index
