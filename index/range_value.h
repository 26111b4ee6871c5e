// Range values: how a value of a range field (integer_range, long_range, float_range,
// double_range, date_range, ip_range) becomes its indexed bounds, shared by the document mapper
// (indexing), the range / term queries on range fields and the histogram aggregations over them.
//
// Each range is stored as two inclusive bounds, after Elasticsearch's conversions: a missing or
// null bound is the type's minimum / maximum (integer and long: their limits; float and double:
// -inf / +inf; date: the long limits; ip: :: and ffff:...:ffff); gt / lt become inclusive bounds
// (integers and dates +1 / -1, float and double the next representable value of their precision,
// ip the next address). Bounds are encoded as fixed-width bytes that compare (memcmp) as their
// values do, so every relation test is a byte comparison:
//   integer, long, date: 8 bytes, big-endian two's complement with the sign bit flipped;
//   float, double:       8 bytes, the double's IEEE bits made order-preserving;
//   ip:                  16 bytes, big-endian IPv6 (IPv4 as ::ffff:a.b.c.d).
// A document's value slot for the field holds all its ranges, each as lower bound then upper
// bound, in indexing order (docs/storage-format.md).
//
// Free functions, no state: safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "index/json.h"
#include "index/mapping.h"

namespace quarry::index {

// Bytes per bound for a range field whose bounds are of type `range_of` (8, or 16 for ip).
size_t range_bound_width(FieldType range_of);

// One range, bounds inclusive and encoded as above.
struct RangeBounds {
  std::string lo, hi;
};

// Parses one value of range field `field` ({gt|gte|from, lt|lte|to} with bounds in the field's
// type, date_range bounds in the field's format; ip_range also a CIDR string). nullopt if it
// does not fit the field. The result may be empty (lo > hi, e.g. {"gt": 1, "lt": 2} on an
// integer_range): such a range matches nothing.
std::optional<RangeBounds> parse_range_value(const FieldMapping& field, const json::Value& v);

// The encoded form of the smallest / largest value of the type (open bounds).
std::string range_min_bound(FieldType range_of);
std::string range_max_bound(FieldType range_of);
// Encoders for the types' bounds.
std::string encode_long_bound(int64_t v);
std::string encode_double_bound(double v);
// The next / previous encoded value of the type (saturating at the type's limits): gt / lt.
std::string range_next_up(FieldType range_of, std::string_view bound);
std::string range_next_down(FieldType range_of, std::string_view bound);

// A bound as a number (integers and dates as their value, ip: not meaningful).
double range_bound_number(FieldType range_of, std::string_view bound);
int64_t range_bound_long(std::string_view bound);  // integer, long and date bounds

// Calls f(lo, hi) for every range in a value slot of a field with bounds of `range_of`; false if
// the bytes are not a whole number of ranges.
template <typename F>
bool for_each_range(FieldType range_of, std::string_view slot, F&& f) {
  size_t w = range_bound_width(range_of);
  if (slot.size() % (2 * w) != 0) return false;
  for (size_t i = 0; i < slot.size(); i += 2 * w) f(slot.substr(i, w), slot.substr(i + w, w));
  return true;
}

}  // namespace quarry::index
