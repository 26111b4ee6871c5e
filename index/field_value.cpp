#include "index/field_value.h"

#include <xapian.h>

#include <charconv>
#include <cmath>
#include <limits>

namespace quarry::index {
namespace {

bool integer_range(FieldType type, int64_t& lo, int64_t& hi) {
  switch (type) {
    case FieldType::kLong:
      lo = std::numeric_limits<int64_t>::min();
      hi = std::numeric_limits<int64_t>::max();
      return true;
    case FieldType::kInteger:
      lo = std::numeric_limits<int32_t>::min();
      hi = std::numeric_limits<int32_t>::max();
      return true;
    case FieldType::kShort:
      lo = std::numeric_limits<int16_t>::min();
      hi = std::numeric_limits<int16_t>::max();
      return true;
    case FieldType::kByte:
      lo = std::numeric_limits<int8_t>::min();
      hi = std::numeric_limits<int8_t>::max();
      return true;
    default:
      return false;
  }
}

// Parses the whole of `s` as a double ("+" sign accepted, as Java does); nullopt otherwise.
std::optional<double> parse_double_text(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  double d = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), d);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return d;
}

std::optional<int64_t> integer_from_double(double d, bool coerce, int64_t lo, int64_t hi) {
  if (!std::isfinite(d)) return std::nullopt;
  if (!coerce && d != std::trunc(d)) return std::nullopt;
  // 2^63 is exactly representable; anything at or beyond it does not fit an int64.
  if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) return std::nullopt;
  auto v = static_cast<int64_t>(std::trunc(d));
  if (v < lo || v > hi) return std::nullopt;
  return v;
}

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

void append_preview(const json::Value& v, std::string& out) {
  if (out.size() > 1000) return;
  switch (v.GetType()) {
    case rapidjson::kNullType: out += "null"; break;
    case rapidjson::kFalseType: out += "false"; break;
    case rapidjson::kTrueType: out += "true"; break;
    case rapidjson::kStringType: out += json::view(v); break;
    case rapidjson::kNumberType: {
      std::string t;
      scalar_text(v, t);
      out += t;
      break;
    }
    case rapidjson::kObjectType: {
      out += '{';
      bool first = true;
      for (const auto& m : v.GetObject()) {
        if (!first) out += ", ";
        first = false;
        out += json::view(m.name);
        out += '=';
        append_preview(m.value, out);
      }
      out += '}';
      break;
    }
    case rapidjson::kArrayType: {
      out += '[';
      bool first = true;
      for (const auto& e : v.GetArray()) {
        if (!first) out += ", ";
        first = false;
        append_preview(e, out);
      }
      out += ']';
      break;
    }
  }
}

}  // namespace

std::optional<int64_t> parse_integer_value(const json::Value& v, FieldType type, bool coerce) {
  int64_t lo, hi;
  if (!integer_range(type, lo, hi)) return std::nullopt;
  if (v.IsInt64()) {
    int64_t x = v.GetInt64();
    if (x < lo || x > hi) return std::nullopt;
    return x;
  }
  if (v.IsUint64()) return std::nullopt;  // above int64 max
  if (v.IsDouble()) return integer_from_double(v.GetDouble(), coerce, lo, hi);
  if (v.IsString() && coerce) {
    std::string_view s = json::view(v);
    std::string_view digits = !s.empty() && s.front() == '+' ? s.substr(1) : s;
    int64_t x = 0;
    auto r = std::from_chars(digits.data(), digits.data() + digits.size(), x);
    if (!digits.empty() && r.ec == std::errc() && r.ptr == digits.data() + digits.size()) {
      if (x < lo || x > hi) return std::nullopt;
      return x;
    }
    if (r.ec == std::errc::result_out_of_range) return std::nullopt;
    auto d = parse_double_text(s);
    if (!d) return std::nullopt;
    return integer_from_double(*d, coerce, lo, hi);
  }
  return std::nullopt;
}

std::optional<double> parse_floating_value(const json::Value& v, FieldType type, bool coerce) {
  double d;
  if (v.IsNumber()) {
    d = v.GetDouble();
  } else if (v.IsString() && coerce) {
    auto p = parse_double_text(json::view(v));
    if (!p) return std::nullopt;
    d = *p;
  } else {
    return std::nullopt;
  }
  if (!std::isfinite(d)) return std::nullopt;
  if (type == FieldType::kFloat) {
    auto f = static_cast<float>(d);
    if (!std::isfinite(f)) return std::nullopt;
    return static_cast<double>(f);
  }
  if (type != FieldType::kDouble) return std::nullopt;
  return d;
}

std::optional<bool> parse_boolean_value(const json::Value& v) {
  if (v.IsBool()) return v.GetBool();
  if (v.IsString()) {
    std::string_view s = json::view(v);
    if (s == "true") return true;
    if (s == "false" || s.empty()) return false;
  }
  return std::nullopt;
}

std::string long_term_text(int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, static_cast<size_t>(r.ptr - buf));
}

std::string floating_term_text(double v, FieldType type) {
  char buf[64];
  std::to_chars_result r = type == FieldType::kFloat
                               ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(v))
                               : std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, static_cast<size_t>(r.ptr - buf));
}

bool scalar_text(const json::Value& v, std::string& out) {
  if (v.IsString()) {
    out.assign(v.GetString(), v.GetStringLength());
  } else if (v.IsInt64()) {
    out = long_term_text(v.GetInt64());
  } else if (v.IsUint64()) {
    out = std::to_string(v.GetUint64());
  } else if (v.IsDouble()) {
    out = floating_term_text(v.GetDouble(), FieldType::kDouble);
  } else if (v.IsBool()) {
    out = v.GetBool() ? "true" : "false";
  } else {
    return false;
  }
  return true;
}

bool encode_value(const FieldMapping& field, const json::Value& v, EncodedValue& out) {
  switch (field.type) {
    case FieldType::kKeyword:
      if (!scalar_text(v, out.term)) return false;
      out.slot = out.term;
      return true;
    case FieldType::kLong:
    case FieldType::kInteger:
    case FieldType::kShort:
    case FieldType::kByte: {
      auto x = parse_integer_value(v, field.type, field.coerce);
      if (!x) return false;
      out.term = long_term_text(*x);
      out.slot = Xapian::sortable_serialise(static_cast<double>(*x));
      return true;
    }
    case FieldType::kDouble:
    case FieldType::kFloat: {
      auto x = parse_floating_value(v, field.type, field.coerce);
      if (!x) return false;
      out.term = floating_term_text(*x, field.type);
      out.slot = Xapian::sortable_serialise(*x);
      return true;
    }
    case FieldType::kDate: {
      auto ms = parse_date_value(v, field.effective_date_format());
      if (!ms) return false;
      out.term = long_term_text(*ms);
      out.slot = Xapian::sortable_serialise(static_cast<double>(*ms));
      return true;
    }
    case FieldType::kBoolean: {
      auto b = parse_boolean_value(v);
      if (!b) return false;
      out.term.assign(1, *b ? kTrueTerm[0] : kFalseTerm[0]);
      out.slot.assign(1, *b ? '1' : '0');
      return true;
    }
    case FieldType::kText:
    case FieldType::kObject:
      return false;
  }
  return false;
}

bool exceeds_ignore_above(const FieldMapping& field, std::string_view value) {
  return field.ignore_above >= 0 && utf8_length(value) > static_cast<size_t>(field.ignore_above);
}

std::string value_preview(const json::Value& v) {
  std::string out;
  append_preview(v, out);
  return out;
}

}  // namespace quarry::index
