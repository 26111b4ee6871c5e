#include "index/date_math_name.h"

#include <cstdio>

#include "index/dates.h"

namespace quarry::index {

namespace {

constexpr int64_t kDay = 86400000;

struct Civil {
  int64_t y;
  unsigned mo, d;
  int64_t h, mi, s, ms;
};

Civil to_civil(int64_t millis) {
  int64_t days = millis >= 0 ? millis / kDay : -((-millis + kDay - 1) / kDay);
  int64_t rem = millis - days * kDay;
  Civil c{};
  civil_from_days(days, c.y, c.mo, c.d);
  c.h = rem / 3600000;
  c.mi = rem / 60000 % 60;
  c.s = rem / 1000 % 60;
  c.ms = rem % 1000;
  return c;
}

int64_t from_civil(const Civil& c) {
  return days_from_civil(c.y, c.mo, c.d) * kDay + c.h * 3600000 + c.mi * 60000 + c.s * 1000 + c.ms;
}

int64_t add_months(int64_t millis, int64_t months) {
  Civil c = to_civil(millis);
  int64_t total = c.y * 12 + (c.mo - 1) + months;
  c.y = total >= 0 ? total / 12 : (total - 11) / 12;
  c.mo = static_cast<unsigned>(total - c.y * 12 + 1);
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (c.y % 4 == 0 && c.y % 100 != 0) || c.y % 400 == 0;
  unsigned max_day = kDays[c.mo - 1] + (c.mo == 2 && leap ? 1 : 0);
  if (c.d > max_day) c.d = max_day;
  return from_civil(c);
}

Result<int64_t> round_down(int64_t millis, char unit) {
  Civil c = to_civil(millis);
  switch (unit) {
    case 'y': c.mo = 1; c.d = 1; [[fallthrough]];
    case 'M': if (unit == 'M') c.d = 1; [[fallthrough]];
    case 'd': c.h = 0; [[fallthrough]];
    case 'h': case 'H': c.mi = 0; [[fallthrough]];
    case 'm': c.s = 0; [[fallthrough]];
    case 's': c.ms = 0; break;
    case 'w': {
      int64_t days = days_from_civil(c.y, c.mo, c.d);
      int64_t weekday = ((days % 7) + 7 + 3) % 7;  // 1970-01-01 was a Thursday; Monday = 0
      return (days - weekday) * kDay;
    }
    default:
      return Status::InvalidArgument(std::string("unit [") + unit + "] not supported for date math");
  }
  return from_civil(c);
}

std::string format_with(int64_t millis, std::string_view pattern) {
  Civil c = to_civil(millis);
  std::string out;
  for (size_t i = 0; i < pattern.size();) {
    char ch = pattern[i];
    size_t n = 1;
    while (i + n < pattern.size() && pattern[i + n] == ch) ++n;
    char buf[32];
    auto num = [&](int64_t v, size_t width) {
      std::snprintf(buf, sizeof buf, "%0*lld", static_cast<int>(width), static_cast<long long>(v));
      out += buf;
    };
    switch (ch) {
      case 'y': case 'u': n == 2 ? num(c.y % 100, 2) : num(c.y, n); break;
      case 'M': num(c.mo, n); break;
      case 'd': num(c.d, n); break;
      case 'H': num(c.h, n); break;
      case 'm': num(c.mi, n); break;
      case 's': num(c.s, n); break;
      case 'S': num(c.ms, 3); break;
      default: out.append(n, ch);
    }
    i += n;
  }
  return out;
}

}  // namespace

Result<int64_t> eval_date_math(std::string_view expr, int64_t now_ms) {
  int64_t t;
  std::string_view ops;
  if (expr.rfind("now", 0) == 0) {
    t = now_ms;
    ops = expr.substr(3);
  } else {
    auto bars = expr.find("||");
    std::string_view anchor = bars == std::string_view::npos ? expr : expr.substr(0, bars);
    auto parsed = DateFormat::default_format().parse(anchor);
    if (!parsed) return Status::InvalidArgument("invalid date math expression [" + std::string(expr) + "]");
    t = *parsed;
    ops = bars == std::string_view::npos ? std::string_view() : expr.substr(bars + 2);
  }
  while (!ops.empty()) {
    char op = ops[0];
    ops.remove_prefix(1);
    if (op == '/') {
      if (ops.empty()) return Status::InvalidArgument("truncated date math [" + std::string(expr) + "]");
      auto r = round_down(t, ops[0]);
      if (!r.ok()) return r.status();
      t = *r;
      ops.remove_prefix(1);
      continue;
    }
    if (op != '+' && op != '-') return Status::InvalidArgument("invalid date math expression [" + std::string(expr) + "]");
    int64_t n = 0;
    size_t digits = 0;
    while (digits < ops.size() && std::isdigit(static_cast<unsigned char>(ops[digits]))) n = n * 10 + (ops[digits++] - '0');
    if (digits == 0) n = 1;
    ops.remove_prefix(digits);
    if (ops.empty()) return Status::InvalidArgument("truncated date math [" + std::string(expr) + "]");
    char unit = ops[0];
    ops.remove_prefix(1);
    int64_t sign = op == '+' ? 1 : -1;
    switch (unit) {
      case 'y': t = add_months(t, sign * n * 12); break;
      case 'M': t = add_months(t, sign * n); break;
      case 'w': t += sign * n * 7 * kDay; break;
      case 'd': t += sign * n * kDay; break;
      case 'h': case 'H': t += sign * n * 3600000; break;
      case 'm': t += sign * n * 60000; break;
      case 's': t += sign * n * 1000; break;
      default: return Status::InvalidArgument(std::string("unit [") + unit + "] not supported for date math");
    }
  }
  return t;
}

Result<std::string> resolve_date_math_name(std::string_view name, int64_t now_ms) {
  if (name.size() < 2 || name.front() != '<' || name.back() != '>') return std::string(name);
  std::string_view body = name.substr(1, name.size() - 2);
  std::string out;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c == '\\' && i + 1 < body.size()) {
      out.push_back(body[++i]);
      continue;
    }
    if (c != '{') {
      out.push_back(c);
      continue;
    }
    // {expr} or {expr{format}}
    size_t close = body.find('}', i);
    if (close == std::string_view::npos) {
      return Status::InvalidArgument("invalid dynamic name expression [" + std::string(name) + "]: missing closing `}`");
    }
    std::string_view inner = body.substr(i + 1, close - i - 1);
    std::string_view format = "uuuu.MM.dd";
    auto brace = inner.find('{');
    if (brace != std::string_view::npos) {
      format = inner.substr(brace + 1);
      inner = inner.substr(0, brace);
      auto bar = format.find('|');  // {format|time_zone}: only UTC here
      if (bar != std::string_view::npos) format = format.substr(0, bar);
      if (close + 1 >= body.size() || body[close + 1] != '}') {
        return Status::InvalidArgument("invalid dynamic name expression [" + std::string(name) + "]");
      }
      ++close;
    }
    auto t = eval_date_math(inner, now_ms);
    if (!t.ok()) return t.status();
    out += format_with(*t, format);
    i = close;
  }
  return out;
}

}  // namespace quarry::index
