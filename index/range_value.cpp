#include "index/range_value.h"

#include <bit>
#include <cmath>
#include <limits>

#include "index/dates.h"
#include "index/field_value.h"

namespace quarry::index {
namespace {

bool integral(FieldType t) {
  return t == FieldType::kInteger || t == FieldType::kLong || t == FieldType::kDate;
}

std::string big_endian(uint64_t u) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[static_cast<size_t>(i)] = static_cast<char>(u & 0xff);
    u >>= 8;
  }
  return out;
}

uint64_t read_big_endian(std::string_view b) {
  uint64_t u = 0;
  for (size_t i = 0; i < 8 && i < b.size(); ++i) u = (u << 8) | static_cast<unsigned char>(b[i]);
  return u;
}

double decode_double_bound(std::string_view b) {
  uint64_t u = read_big_endian(b);
  u = (u & (uint64_t{1} << 63)) ? u ^ (uint64_t{1} << 63) : ~u;
  return std::bit_cast<double>(u);
}

int64_t integer_min(FieldType t) {
  return t == FieldType::kInteger ? std::numeric_limits<int32_t>::min()
                                  : std::numeric_limits<int64_t>::min();
}
int64_t integer_max(FieldType t) {
  return t == FieldType::kInteger ? std::numeric_limits<int32_t>::max()
                                  : std::numeric_limits<int64_t>::max();
}

// One bound as given in a document: encoded, or nullopt if it does not fit the type.
std::optional<std::string> parse_bound(const FieldMapping& field, const json::Value& v) {
  switch (field.range_of) {
    case FieldType::kInteger:
    case FieldType::kLong: {
      auto x = parse_integer_value(v, field.range_of, field.coerce);
      if (!x) return std::nullopt;
      return encode_long_bound(*x);
    }
    case FieldType::kFloat:
    case FieldType::kDouble: {
      auto x = parse_floating_value(v, field.range_of, field.coerce);
      if (!x) return std::nullopt;
      return encode_double_bound(*x);
    }
    case FieldType::kDate: {
      auto ms = parse_date_value(v, field.effective_date_format());
      if (!ms) return std::nullopt;
      return encode_long_bound(*ms);
    }
    case FieldType::kIp: {
      if (!v.IsString()) return std::nullopt;
      return parse_ip(json::view(v));
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

size_t range_bound_width(FieldType range_of) { return range_of == FieldType::kIp ? 16 : 8; }

std::string encode_long_bound(int64_t v) {
  return big_endian(static_cast<uint64_t>(v) ^ (uint64_t{1} << 63));
}

std::string encode_double_bound(double v) {
  v += 0.0;  // -0.0 and 0.0 are one value
  auto u = std::bit_cast<uint64_t>(v);
  u = (u & (uint64_t{1} << 63)) ? ~u : u ^ (uint64_t{1} << 63);
  return big_endian(u);
}

std::string range_min_bound(FieldType range_of) {
  if (range_of == FieldType::kIp) return std::string(16, '\0');
  if (integral(range_of)) return encode_long_bound(integer_min(range_of));
  return encode_double_bound(-std::numeric_limits<double>::infinity());
}

std::string range_max_bound(FieldType range_of) {
  if (range_of == FieldType::kIp) return std::string(16, '\xff');
  if (integral(range_of)) return encode_long_bound(integer_max(range_of));
  return encode_double_bound(std::numeric_limits<double>::infinity());
}

int64_t range_bound_long(std::string_view bound) {
  return static_cast<int64_t>(read_big_endian(bound) ^ (uint64_t{1} << 63));
}

double range_bound_number(FieldType range_of, std::string_view bound) {
  if (integral(range_of)) return static_cast<double>(range_bound_long(bound));
  if (range_of == FieldType::kIp) return 0;
  return decode_double_bound(bound);
}

namespace {

std::string step(FieldType range_of, std::string_view bound, bool up) {
  if (range_of == FieldType::kIp) {
    std::string out(bound);
    for (size_t i = out.size(); i-- > 0;) {
      auto c = static_cast<unsigned char>(out[i]);
      if (up ? c != 0xff : c != 0) {
        out[i] = static_cast<char>(up ? c + 1 : c - 1);
        for (size_t j = i + 1; j < out.size(); ++j) out[j] = up ? '\0' : '\xff';
        return out;
      }
    }
    return std::string(bound);  // saturated
  }
  if (integral(range_of)) {
    int64_t v = range_bound_long(bound);
    if (up && v < integer_max(range_of)) ++v;
    if (!up && v > integer_min(range_of)) --v;
    return encode_long_bound(v);
  }
  double d = decode_double_bound(bound);
  double inf =
      up ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
  if (range_of == FieldType::kFloat) {
    return encode_double_bound(
        static_cast<double>(std::nextafter(static_cast<float>(d), static_cast<float>(inf))));
  }
  return encode_double_bound(std::nextafter(d, inf));
}

}  // namespace

std::string range_next_up(FieldType range_of, std::string_view bound) {
  return step(range_of, bound, true);
}
std::string range_next_down(FieldType range_of, std::string_view bound) {
  return step(range_of, bound, false);
}

std::optional<RangeBounds> parse_range_value(const FieldMapping& field, const json::Value& v) {
  FieldType t = field.range_of;
  if (t == FieldType::kIp && v.IsString()) {
    RangeBounds r;
    if (!parse_cidr(json::view(v), r.lo, r.hi)) return std::nullopt;
    return r;
  }
  if (!v.IsObject()) return std::nullopt;
  std::optional<std::string> lower, upper;
  bool lower_open = false, upper_open = false;  // gt / lt
  for (const auto& m : v.GetObject()) {
    std::string_view key = json::view(m.name);
    bool is_lower = key == "gt" || key == "gte" || key == "from";
    bool is_upper = key == "lt" || key == "lte" || key == "to";
    if (!is_lower && !is_upper) return std::nullopt;
    if (m.value.IsNull()) {
      (is_lower ? lower : upper).reset();
      continue;
    }
    auto b = parse_bound(field, m.value);
    if (!b) return std::nullopt;
    (is_lower ? lower : upper) = std::move(*b);
    (is_lower ? lower_open : upper_open) = key == "gt" || key == "lt";
  }
  // The lower bound as written may not lie above the upper one.
  if (lower && upper && *lower > *upper) return std::nullopt;
  RangeBounds r;
  r.lo = lower ? (lower_open ? range_next_up(t, *lower) : *lower) : range_min_bound(t);
  r.hi = upper ? (upper_open ? range_next_down(t, *upper) : *upper) : range_max_bound(t);
  return r;
}

}  // namespace quarry::index
