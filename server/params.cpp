#include "server/params.h"

#include <cctype>
#include <charconv>
#include <limits>

namespace quarry::server {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool parse_int64(std::string_view s, std::int64_t* out) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool looks_like_decimal(std::string_view s) {
  bool digit = false, dot = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digit = true;
    } else if (c == '.' && !dot) {
      dot = true;
    } else if (!((c == '-' || c == '+') && i == 0)) {
      return false;
    }
  }
  return digit && dot;
}

Result<std::int64_t> integer_param(const HttpRequest& req, const std::string& name,
                                   std::int64_t def, bool int32, const char* kind) {
  auto it = req.params.find(name);
  if (it == req.params.end()) return def;
  std::int64_t v = 0;
  bool ok = parse_int64(it->second, &v);
  if (ok && int32) {
    ok = v >= std::numeric_limits<std::int32_t>::min() &&
         v <= std::numeric_limits<std::int32_t>::max();
  }
  if (!ok) {
    return Status::InvalidArgument(std::string("Failed to parse ") + kind + " parameter [" +
                                   name + "] with value [" + it->second + "]");
  }
  return v;
}

}  // namespace

Result<bool> parse_bool(std::string_view value) {
  if (value == "true") return true;
  if (value == "false") return false;
  return Status::InvalidArgument("Failed to parse value [" + std::string(value) +
                                 "] as only [true] or [false] are allowed.");
}

Result<bool> bool_param(const HttpRequest& req, const std::string& name, bool def) {
  auto it = req.params.find(name);
  if (it == req.params.end()) return def;
  if (it->second.empty()) return true;
  return parse_bool(it->second);
}

Result<std::int64_t> int_param(const HttpRequest& req, const std::string& name,
                               std::int64_t def) {
  return integer_param(req, name, def, true, "int");
}

Result<std::int64_t> long_param(const HttpRequest& req, const std::string& name,
                                std::int64_t def) {
  return integer_param(req, name, def, false, "long");
}

Result<std::int64_t> parse_time_ms(std::string_view value, std::string_view setting) {
  const std::string original(value);
  std::string norm(trim(value));
  for (char& c : norm) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (norm == "-1") return std::int64_t{-1};
  if (norm == "0") return std::int64_t{0};

  // Longest suffixes first: "ms" before "s" and "m".
  struct Unit {
    const char* suffix;
    std::int64_t num;  // milliseconds = n * num / den
    std::int64_t den;
  };
  static constexpr Unit kUnits[] = {{"nanos", 1, 1000000}, {"micros", 1, 1000}, {"ms", 1, 1},
                                    {"s", 1000, 1},        {"m", 60000, 1},     {"h", 3600000, 1},
                                    {"d", 86400000, 1}};
  for (const Unit& u : kUnits) {
    std::string_view sv(norm);
    std::string_view suffix(u.suffix);
    if (sv.size() < suffix.size() || sv.substr(sv.size() - suffix.size()) != suffix) continue;
    std::string_view number = trim(sv.substr(0, sv.size() - suffix.size()));
    std::int64_t n = 0;
    if (!parse_int64(number, &n)) {
      if (looks_like_decimal(number)) {
        return Status::InvalidArgument("failed to parse [" + original +
                                       "], fractional time values are not supported");
      }
      return Status::InvalidArgument("failed to parse [" + original + "]");
    }
    if (n < 0) {
      return Status::InvalidArgument("failed to parse setting [" + std::string(setting) +
                                     "] with value [" + original +
                                     "] as a time value: negative durations are not supported");
    }
    if (u.num > 1 && n > std::numeric_limits<std::int64_t>::max() / u.num) {
      return Status::InvalidArgument("failed to parse [" + original + "]");
    }
    return n * u.num / u.den;
  }
  return Status::InvalidArgument("failed to parse setting [" + std::string(setting) +
                                 "] with value [" + original +
                                 "] as a time value: unit is missing or unrecognized");
}

Result<std::int64_t> time_param_ms(const HttpRequest& req, const std::string& name,
                                   std::int64_t def_ms) {
  auto it = req.params.find(name);
  if (it == req.params.end()) return def_ms;
  return parse_time_ms(it->second, name);
}

std::vector<std::string> split_list(std::string_view value) {
  std::vector<std::string> out;
  while (true) {
    std::size_t comma = value.find(',');
    std::string_view item = trim(value.substr(0, comma));
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return out;
}

std::vector<std::string> list_param(const HttpRequest& req, const std::string& name) {
  auto it = req.params.find(name);
  if (it == req.params.end()) return {};
  return split_list(it->second);
}

}  // namespace quarry::server
