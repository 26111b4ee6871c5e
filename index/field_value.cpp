#include "index/field_value.h"
#include "index/range_value.h"

#include <arpa/inet.h>
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
  if (type == FieldType::kFloat || type == FieldType::kHalfFloat) {
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
  std::to_chars_result r = type == FieldType::kFloat || type == FieldType::kHalfFloat
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
    case FieldType::kFloat:
    case FieldType::kHalfFloat: {
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
    case FieldType::kIp: {
      if (!v.IsString()) return false;
      auto b = parse_ip(json::view(v));
      if (!b) return false;
      out.term = ip_text(*b);
      out.slot = std::move(*b);
      return true;
    }
    case FieldType::kBinary:
      if (!v.IsString() || !valid_base64(json::view(v))) return false;
      out.term.clear();
      out.slot.clear();
      return true;
    case FieldType::kGeoPoint: {
      double lat, lon;
      if (!parse_geo_point(v, lat, lon)) return false;
      out.term.clear();
      out.slot.clear();
      return true;
    }
    case FieldType::kRange: {
      auto r = parse_range_value(field, v);
      if (!r) return false;
      out.term.clear();
      out.slot = std::move(r->lo);
      out.slot += r->hi;
      return true;
    }
    case FieldType::kText:
    case FieldType::kObject:
      return false;
  }
  return false;
}

std::optional<std::string> parse_ip(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  std::string s(text);
  unsigned char buf[16] = {};
  if (s.find(':') == std::string::npos) {
    unsigned char v4[4];
    if (inet_pton(AF_INET, s.c_str(), v4) != 1) return std::nullopt;
    buf[10] = buf[11] = 0xff;
    for (int i = 0; i < 4; ++i) buf[12 + i] = v4[i];
  } else if (inet_pton(AF_INET6, s.c_str(), buf) != 1) {
    return std::nullopt;
  }
  return std::string(reinterpret_cast<const char*>(buf), 16);
}

std::string ip_text(std::string_view bytes) {
  if (bytes.size() != 16) return std::string();
  const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
  bool mapped = b[10] == 0xff && b[11] == 0xff;
  for (int i = 0; i < 10 && mapped; ++i) mapped = b[i] == 0;
  char out[INET6_ADDRSTRLEN];
  if (mapped) {
    inet_ntop(AF_INET, b + 12, out, sizeof out);
  } else {
    inet_ntop(AF_INET6, b, out, sizeof out);
  }
  return out;
}

bool parse_cidr(std::string_view text, std::string& lo, std::string& hi) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return false;
  auto addr = parse_ip(text.substr(0, slash));
  if (!addr) return false;
  std::string_view len_text = text.substr(slash + 1);
  int len = -1;
  auto r = std::from_chars(len_text.data(), len_text.data() + len_text.size(), len);
  if (len_text.empty() || r.ec != std::errc() || r.ptr != len_text.data() + len_text.size()) return false;
  bool v4 = text.substr(0, slash).find(':') == std::string_view::npos;
  if (len < 0 || len > (v4 ? 32 : 128)) return false;
  if (v4) len += 96;
  lo = *addr;
  hi = *addr;
  for (int bit = len; bit < 128; ++bit) {
    auto mask = static_cast<unsigned char>(0x80u >> (bit % 8));
    lo[bit / 8] = static_cast<char>(static_cast<unsigned char>(lo[bit / 8]) & ~mask);
    hi[bit / 8] = static_cast<char>(static_cast<unsigned char>(hi[bit / 8]) | mask);
  }
  return true;
}

bool valid_base64(std::string_view s) {
  size_t n = s.size();
  size_t pad = 0;
  while (pad < 2 && n > 0 && s[n - 1] == '=') {
    --n;
    ++pad;
  }
  if (pad > 0 && (n + pad) % 4 != 0) return false;
  if (n % 4 == 1) return false;
  for (size_t i = 0; i < n; ++i) {
    char c = s[i];
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    if (!ok) return false;
  }
  return true;
}

namespace {

bool geo_in_range(double lat, double lon) {
  return std::isfinite(lat) && std::isfinite(lon) && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180;
}

std::optional<double> geo_number(const json::Value& v) {
  if (v.IsNumber()) return v.GetDouble();
  if (v.IsString()) return parse_double_text(json::view(v));
  return std::nullopt;
}

bool decode_geohash(std::string_view h, double& lat, double& lon) {
  static constexpr std::string_view kBase32 = "0123456789bcdefghjkmnpqrstuvwxyz";
  if (h.empty() || h.size() > 12) return false;
  double lat_lo = -90, lat_hi = 90, lon_lo = -180, lon_hi = 180;
  bool even = true;
  for (char c : h) {
    size_t idx = kBase32.find(c);
    if (idx == std::string_view::npos) return false;
    for (int bit = 4; bit >= 0; --bit) {
      bool on = (idx >> bit) & 1;
      if (even) {
        double mid = (lon_lo + lon_hi) / 2;
        (on ? lon_lo : lon_hi) = mid;
      } else {
        double mid = (lat_lo + lat_hi) / 2;
        (on ? lat_lo : lat_hi) = mid;
      }
      even = !even;
    }
  }
  lat = (lat_lo + lat_hi) / 2;
  lon = (lon_lo + lon_hi) / 2;
  return true;
}

}  // namespace

bool is_geo_point_array(const json::Value& v) {
  if (!v.IsArray() || v.Size() < 2 || v.Size() > 3) return false;
  for (const auto& e : v.GetArray()) {
    if (!e.IsNumber()) return false;
  }
  return true;
}

bool parse_geo_point(const json::Value& v, double& lat, double& lon) {
  if (v.IsArray()) {
    if (!is_geo_point_array(v)) return false;
    lon = v[0].GetDouble();
    lat = v[1].GetDouble();
    return geo_in_range(lat, lon);
  }
  if (v.IsObject()) {
    std::optional<double> la, lo;
    for (const auto& m : v.GetObject()) {
      std::string_view k = json::view(m.name);
      if (k == "lat") la = geo_number(m.value);
      else if (k == "lon") lo = geo_number(m.value);
      else if (k != "z") return false;
      if ((k == "lat" && !la) || (k == "lon" && !lo)) return false;
    }
    if (!la || !lo) return false;
    lat = *la;
    lon = *lo;
    return geo_in_range(lat, lon);
  }
  if (v.IsString()) {
    std::string_view s = json::view(v);
    size_t comma = s.find(',');
    if (comma == std::string_view::npos) return decode_geohash(s, lat, lon);
    auto trim = [](std::string_view t) {
      while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
      while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
      return t;
    };
    std::string_view rest = s.substr(comma + 1);
    size_t comma2 = rest.find(',');
    if (comma2 != std::string_view::npos) rest = rest.substr(0, comma2);  // lat,lon,z
    auto la = parse_double_text(trim(s.substr(0, comma)));
    auto lo = parse_double_text(trim(rest));
    if (!la || !lo) return false;
    lat = *la;
    lon = *lo;
    return geo_in_range(lat, lon);
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
