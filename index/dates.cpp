#include "index/dates.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>

namespace quarry::index {
namespace {

using Element = DateFormat::Element;
using Alternative = DateFormat::Alternative;
using EKind = Element::Kind;

// Years beyond this cannot be represented in int64 milliseconds (Elasticsearch's own limit is
// similar: +/-292278993).
constexpr int64_t kMaxAbsYear = 292000000;

struct NamedFormat {
  std::string_view name;
  std::string_view pattern;  // in this file's pattern language; "" = epoch kinds
};

// Single letters are lenient (1-2 digits, year 1-9 digits); doubled letters are exact width.
// "S" is a fraction of 1-9 digits. "X" accepts Z, +hh, +hhmm and +hh:mm.
constexpr NamedFormat kNamedFormats[] = {
    {"strict_date_optional_time", "yyyy[-MM[-dd['T'HH[:mm[:ss[.S]]][X]]]]"},
    {"strict_date_optional_time_nanos", "yyyy[-MM[-dd['T'HH[:mm[:ss[.S]]][X]]]]"},
    {"date_optional_time", "y[-M[-d['T'H[:m[:s[.S]]][X]]]]"},
    {"strict_date", "yyyy-MM-dd"},
    {"date", "y-M-d"},
    {"strict_year_month_day", "yyyy-MM-dd"},
    {"year_month_day", "y-M-d"},
    {"strict_year_month", "yyyy-MM"},
    {"year_month", "y-M"},
    {"strict_year", "yyyy"},
    {"year", "y"},
    {"strict_date_time", "yyyy-MM-dd'T'HH:mm:ss[.S]X"},
    {"date_time", "y-M-d'T'H:m:s[.S]X"},
    {"strict_date_time_no_millis", "yyyy-MM-dd'T'HH:mm:ssX"},
    {"date_time_no_millis", "y-M-d'T'H:m:sX"},
    {"strict_date_hour_minute_second", "yyyy-MM-dd'T'HH:mm:ss"},
    {"date_hour_minute_second", "y-M-d'T'H:m:s"},
    {"strict_date_hour_minute_second_millis", "yyyy-MM-dd'T'HH:mm:ss.S"},
    {"date_hour_minute_second_millis", "y-M-d'T'H:m:s.S"},
    {"strict_date_hour_minute", "yyyy-MM-dd'T'HH:mm"},
    {"date_hour_minute", "y-M-d'T'H:m"},
    {"basic_date", "yyyyMMdd"},
    {"basic_date_time", "yyyyMMdd'T'HHmmss[.S]X"},
    {"basic_date_time_no_millis", "yyyyMMdd'T'HHmmssX"},
};

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_numeric_kind(EKind k) {
  return k == EKind::kYear || k == EKind::kMonth || k == EKind::kDay || k == EKind::kHour ||
         k == EKind::kMinute || k == EKind::kSecond || k == EKind::kFraction;
}

Status invalid_format(std::string_view spec, std::string_view why) {
  return Status::MapperParsing("Invalid format: [" + std::string(spec) + "]: " + std::string(why));
}

Result<std::vector<Element>> compile_pattern(std::string_view spec, std::string_view pattern) {
  std::vector<Element> out;
  std::vector<size_t> open;
  size_t i = 0;
  while (i < pattern.size()) {
    char c = pattern[i];
    if (is_ascii_letter(c)) {
      size_t n = 1;
      while (i + n < pattern.size() && pattern[i + n] == c) ++n;
      Element e{};
      int count = static_cast<int>(n);
      switch (c) {
        case 'y':
        case 'u':
          e.kind = EKind::kYear;
          if (count == 2) {
            e.min_digits = e.max_digits = 2;  // two-digit year: 2000 + yy
          } else {
            e.min_digits = count == 1 ? 1 : count;
            e.max_digits = 9;
          }
          break;
        case 'M':
        case 'd':
        case 'H':
        case 'm':
        case 's':
          if (count > 2) return invalid_format(spec, std::string("Unsupported pattern: ") + std::string(n, c));
          e.kind = c == 'M' ? EKind::kMonth : c == 'd' ? EKind::kDay : c == 'H' ? EKind::kHour
                 : c == 'm' ? EKind::kMinute : EKind::kSecond;
          e.min_digits = count;
          e.max_digits = 2;
          break;
        case 'S':
          e.kind = EKind::kFraction;
          if (count > 9) return invalid_format(spec, "Too many pattern letters: S");
          e.min_digits = count == 1 ? 1 : count;
          e.max_digits = count == 1 ? 9 : count;
          break;
        case 'X':
        case 'x':
        case 'Z':
          e.kind = EKind::kOffset;
          break;
        default:
          return invalid_format(spec, std::string("Unknown pattern letter: ") + c);
      }
      out.push_back(std::move(e));
      i += n;
    } else if (c == '\'') {
      size_t j = i + 1;
      std::string lit;
      for (;;) {
        if (j >= pattern.size()) return invalid_format(spec, "Pattern ends with an incomplete string literal");
        if (pattern[j] == '\'') {
          if (j + 1 < pattern.size() && pattern[j + 1] == '\'') {
            lit.push_back('\'');
            j += 2;
            continue;
          }
          break;
        }
        lit.push_back(pattern[j++]);
      }
      if (lit.empty() && j == i + 1) lit = "'";  // '' is a quote
      out.push_back(Element{EKind::kLiteral, 0, 0, std::move(lit), 0});
      i = j + 1;
    } else if (c == '[') {
      open.push_back(out.size());
      out.push_back(Element{EKind::kOptionalBegin, 0, 0, {}, 0});
      ++i;
    } else if (c == ']') {
      if (open.empty()) return invalid_format(spec, "Pattern invalid as it contains ] without previous [");
      out[open.back()].match = out.size();
      open.pop_back();
      out.push_back(Element{EKind::kOptionalEnd, 0, 0, {}, 0});
      ++i;
    } else if (c == '{' || c == '}' || c == '#') {
      return invalid_format(spec, std::string("Pattern includes reserved character: '") + c + "'");
    } else {
      out.push_back(Element{EKind::kLiteral, 0, 0, std::string(1, c), 0});
      ++i;
    }
  }
  if (!open.empty()) {
    // Java closes unterminated optional sections at the end of the pattern.
    while (!open.empty()) {
      out[open.back()].match = out.size();
      open.pop_back();
      out.push_back(Element{EKind::kOptionalEnd, 0, 0, {}, 0});
    }
  }
  // Adjacent value parsing ("yyyyMMdd"): a numeric element directly followed by another numeric
  // element reads exactly its minimum width, so the next one gets its digits.
  for (size_t k = 0; k + 1 < out.size(); ++k) {
    if (is_numeric_kind(out[k].kind) && is_numeric_kind(out[k + 1].kind)) {
      out[k].max_digits = out[k].min_digits;
    }
  }
  return out;
}

struct Parsed {
  int64_t year = 1970;
  int month = 1, day = 1, hour = 0, minute = 0, second = 0, millis = 0;
  int offset_seconds = 0;
};

bool read_digits(std::string_view s, size_t& pos, int min, int max, int64_t& value, int& count) {
  value = 0;
  count = 0;
  while (pos < s.size() && count < max && is_digit(s[pos])) {
    value = value * 10 + (s[pos] - '0');
    ++pos;
    ++count;
  }
  return count >= min;
}

bool read_offset(std::string_view s, size_t& pos, int& offset_seconds) {
  if (pos >= s.size()) return false;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    offset_seconds = 0;
    ++pos;
    return true;
  }
  if (s[pos] != '+' && s[pos] != '-') return false;
  int sign = s[pos] == '-' ? -1 : 1;
  size_t p = pos + 1;
  int64_t hh = 0, mm = 0;
  int n = 0;
  if (!read_digits(s, p, 2, 2, hh, n)) return false;
  if (p < s.size() && s[p] == ':') {
    size_t q = p + 1;
    if (!read_digits(s, q, 2, 2, mm, n)) return false;
    p = q;
  } else if (p + 1 < s.size() && is_digit(s[p])) {
    if (!read_digits(s, p, 2, 2, mm, n)) return false;
  }
  if (hh > 18 || mm > 59) return false;
  offset_seconds = sign * static_cast<int>(hh * 3600 + mm * 60);
  pos = p;
  return true;
}

bool match_range(const std::vector<Element>& els, size_t begin, size_t end, std::string_view s,
                 size_t& pos, Parsed& out) {
  for (size_t i = begin; i < end; ++i) {
    const Element& e = els[i];
    switch (e.kind) {
      case EKind::kOptionalBegin: {
        Parsed trial = out;
        size_t p = pos;
        if (match_range(els, i + 1, e.match, s, p, trial)) {
          out = trial;
          pos = p;
        }
        i = e.match;  // the loop's ++i steps past kOptionalEnd
        break;
      }
      case EKind::kOptionalEnd:
        break;
      case EKind::kLiteral:
        if (s.substr(pos, e.literal.size()) != e.literal) return false;
        pos += e.literal.size();
        break;
      case EKind::kOffset:
        if (!read_offset(s, pos, out.offset_seconds)) return false;
        break;
      case EKind::kFraction: {
        int64_t v;
        int n;
        if (!read_digits(s, pos, e.min_digits, e.max_digits, v, n)) return false;
        // Keep milliseconds; finer digits are truncated.
        while (n > 3) {
          v /= 10;
          --n;
        }
        while (n < 3) {
          v *= 10;
          ++n;
        }
        out.millis = static_cast<int>(v);
        break;
      }
      default: {
        int64_t v;
        int n;
        if (!read_digits(s, pos, e.min_digits, e.max_digits, v, n)) return false;
        switch (e.kind) {
          case EKind::kYear: out.year = (e.max_digits == 2) ? 2000 + v : v; break;
          case EKind::kMonth: out.month = static_cast<int>(v); break;
          case EKind::kDay: out.day = static_cast<int>(v); break;
          case EKind::kHour: out.hour = static_cast<int>(v); break;
          case EKind::kMinute: out.minute = static_cast<int>(v); break;
          case EKind::kSecond: out.second = static_cast<int>(v); break;
          default: break;
        }
      }
    }
  }
  return true;
}

bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

std::optional<int64_t> to_millis(const Parsed& p) {
  if (p.year > kMaxAbsYear || p.year < -kMaxAbsYear) return std::nullopt;
  if (p.month < 1 || p.month > 12) return std::nullopt;
  if (p.day < 1 || p.day > days_in_month(p.year, p.month)) return std::nullopt;
  if (p.hour > 23 || p.minute > 59 || p.second > 59) return std::nullopt;
  int64_t days = days_from_civil(p.year, static_cast<unsigned>(p.month), static_cast<unsigned>(p.day));
  int64_t secs = days * 86400 + p.hour * 3600 + p.minute * 60 + p.second - p.offset_seconds;
  return secs * 1000 + p.millis;
}

std::optional<int64_t> parse_pattern(const std::vector<Element>& els, std::string_view s) {
  Parsed p;
  size_t pos = 0;
  if (!match_range(els, 0, els.size(), s, pos, p) || pos != s.size()) return std::nullopt;
  return to_millis(p);
}

// "-?digits(.digits)?" scaled by `unit_millis` (1 for epoch_millis, 1000 for epoch_second).
std::optional<int64_t> parse_epoch(std::string_view s, int64_t unit_millis) {
  size_t pos = 0;
  bool neg = false;
  if (pos < s.size() && (s[pos] == '-' || s[pos] == '+')) {
    neg = s[pos] == '-';
    ++pos;
  }
  int64_t whole;
  int n;
  if (!read_digits(s, pos, 1, 18, whole, n)) return std::nullopt;
  int64_t frac_millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int64_t frac;
    int fn;
    if (!read_digits(s, pos, 0, 18, frac, fn)) return std::nullopt;
    if (unit_millis == 1000) {
      // Milliseconds are the first three fraction digits.
      while (fn > 3) { frac /= 10; --fn; }
      while (fn < 3) { frac *= 10; ++fn; }
      frac_millis = frac;
    }
  }
  if (pos != s.size()) return std::nullopt;
  __int128 v = static_cast<__int128>(whole) * unit_millis + frac_millis;
  if (v > INT64_MAX) return std::nullopt;
  return neg ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
}

}  // namespace

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  // Howard Hinnant's algorithm (proleptic Gregorian calendar).
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

Result<DateFormat> DateFormat::compile(std::string_view spec) {
  DateFormat f;
  f.spec_ = std::string(spec);
  if (spec.empty()) return invalid_format(spec, "empty format");
  size_t start = 0;
  for (;;) {
    size_t bar = spec.find("||", start);
    std::string_view part = spec.substr(start, bar == std::string_view::npos ? spec.npos : bar - start);
    if (part.empty()) return invalid_format(spec, "empty alternative");
    Alternative alt;
    if (part == "epoch_millis") {
      alt.kind = Alternative::Kind::kEpochMillis;
    } else if (part == "epoch_second") {
      alt.kind = Alternative::Kind::kEpochSecond;
    } else {
      std::string_view pattern = part;
      bool named = false;
      for (const auto& nf : kNamedFormats) {
        if (nf.name == part) {
          pattern = nf.pattern;
          named = true;
          break;
        }
      }
      // A name made only of letters and underscores that is not a known format is most likely a
      // misspelt or unsupported named format: say so rather than "unknown pattern letter".
      if (!named && part.find('_') != std::string_view::npos &&
          part.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string_view::npos) {
        return invalid_format(spec, "Unknown or unsupported named format [" + std::string(part) + "]");
      }
      auto els = compile_pattern(spec, pattern);
      if (!els.ok()) return els.status();
      alt.elements = std::move(els).value();
    }
    f.alternatives_.push_back(std::move(alt));
    if (bar == std::string_view::npos) break;
    start = bar + 2;
  }
  return f;
}

const DateFormat& DateFormat::default_format() {
  // Immutable after first initialisation (thread-safe static init); not mutable global state.
  static const DateFormat kDefault = DateFormat::compile(kDefaultDateFormat).value();
  return kDefault;
}

std::optional<int64_t> DateFormat::parse(std::string_view text) const {
  for (const Alternative& alt : alternatives_) {
    std::optional<int64_t> r;
    switch (alt.kind) {
      case Alternative::Kind::kEpochMillis: r = parse_epoch(text, 1); break;
      case Alternative::Kind::kEpochSecond: r = parse_epoch(text, 1000); break;
      case Alternative::Kind::kPattern: r = parse_pattern(alt.elements, text); break;
    }
    if (r) return r;
  }
  return std::nullopt;
}

std::string DateFormat::format(int64_t millis) const {
  if (alternatives_.empty()) return format_date_millis(millis);
  const Alternative& alt = alternatives_.front();
  if (alt.kind == Alternative::Kind::kEpochMillis) return std::to_string(millis);
  if (alt.kind == Alternative::Kind::kEpochSecond) {
    int64_t s = millis / 1000;
    if (millis % 1000 != 0 && millis < 0) --s;
    return std::to_string(s);
  }
  int64_t days = millis / 86400000;
  int64_t rem = millis % 86400000;
  if (rem < 0) {
    rem += 86400000;
    --days;
  }
  int64_t y;
  unsigned mo, d;
  civil_from_days(days, y, mo, d);
  int64_t secs = rem / 1000;
  auto pad = [](int64_t v, int width) {
    std::string t = std::to_string(v < 0 ? -v : v);
    if (static_cast<int>(t.size()) < width) t.insert(0, static_cast<size_t>(width) - t.size(), '0');
    return v < 0 ? "-" + t : t;
  };
  std::string out;
  for (const Element& e : alt.elements) {
    switch (e.kind) {
      case EKind::kYear:
        out += e.max_digits == 2 ? pad(((y % 100) + 100) % 100, 2) : pad(y, std::max(e.min_digits, 4));
        break;
      case EKind::kMonth: out += pad(mo, e.min_digits); break;
      case EKind::kDay: out += pad(d, e.min_digits); break;
      case EKind::kHour: out += pad(secs / 3600, e.min_digits); break;
      case EKind::kMinute: out += pad(secs / 60 % 60, e.min_digits); break;
      case EKind::kSecond: out += pad(secs % 60, e.min_digits); break;
      case EKind::kFraction: {
        std::string ms = pad(rem % 1000, 3);
        int width = e.max_digits == 9 && e.min_digits == 1 ? 3 : e.min_digits;
        while (static_cast<int>(ms.size()) < width) ms.push_back('0');
        out += ms.substr(0, static_cast<size_t>(width));
        break;
      }
      case EKind::kOffset: out += 'Z'; break;
      case EKind::kLiteral: out += e.literal; break;
      case EKind::kOptionalBegin:
      case EKind::kOptionalEnd: break;
    }
  }
  return out;
}

std::optional<int64_t> parse_date_value(const json::Value& v, const DateFormat& format) {
  if (v.IsString()) return format.parse(json::view(v));
  if (v.IsInt64()) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v.GetInt64());
    return format.parse(std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
  }
  if (v.IsUint64()) return std::nullopt;  // beyond int64 millis
  if (v.IsDouble()) {
    double d = v.GetDouble();
    if (!(d > -9.2e18 && d < 9.2e18)) return std::nullopt;  // also rejects NaN
    char buf[64];
    // Fixed notation so that epoch_millis sees digits, never an exponent.
    int n = std::snprintf(buf, sizeof buf, "%.3f", d);
    std::string_view text(buf, static_cast<size_t>(n));
    while (text.back() == '0') text.remove_suffix(1);
    if (text.back() == '.') text.remove_suffix(1);
    return format.parse(text);
  }
  return std::nullopt;
}

std::optional<int64_t> parse_date(std::string_view format, std::string_view text) {
  auto f = DateFormat::compile(format);
  if (!f.ok()) return std::nullopt;
  return f->parse(text);
}

std::string format_date_millis(int64_t millis) {
  int64_t days = millis / 86400000;
  int64_t rem = millis % 86400000;
  if (rem < 0) {
    rem += 86400000;
    --days;
  }
  int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  int ms = static_cast<int>(rem % 1000);
  int64_t secs = rem / 1000;
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ",
                        static_cast<long long>(y), m, d, static_cast<int>(secs / 3600),
                        static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60), ms);
  return std::string(buf, static_cast<size_t>(n));
}

int64_t now_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace quarry::index
