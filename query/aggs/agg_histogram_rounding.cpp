#include "query/aggs/agg_histogram_rounding.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>

namespace quarry::query::aggs {

namespace {

constexpr int64_t kMinute = 60'000, kHour = 3'600'000, kDay = 86'400'000;

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
int64_t floor_to(int64_t a, int64_t b) { return floor_div(a, b) * b; }

int64_t be(const unsigned char* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  if (n == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

// "+01:00", "-0530", "+5", "UTC+2", "GMT-03:30" -> millis; nullopt when not an offset.
std::optional<int64_t> parse_offset_id(const std::string& tz) {
  if (tz == "Z" || tz == "UTC" || tz == "GMT" || tz == "UT" || tz == "Etc/UTC" || tz == "Etc/GMT" || tz == "utc") return 0;
  std::string s = tz;
  if (s.rfind("UTC", 0) == 0 || s.rfind("GMT", 0) == 0) s = s.substr(3);
  if (s.empty() || (s[0] != '+' && s[0] != '-')) return std::nullopt;
  int sign = s[0] == '-' ? -1 : 1;
  std::string digits;
  for (size_t i = 1; i < s.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(s[i]))) digits += s[i];
    else if (s[i] != ':') return std::nullopt;
  }
  if (digits.size() == 1 || digits.size() == 2) digits += "00";
  if (digits.size() == 3) digits = "0" + digits;
  if (digits.size() != 4) return std::nullopt;
  int h = std::stoi(digits.substr(0, 2)), m = std::stoi(digits.substr(2));
  if (h > 18 || m >= 60) return std::nullopt;
  return sign * (h * kHour + m * kMinute);
}

}  // namespace

Result<TimeZone> TimeZone::parse(const std::string& id) {
  TimeZone tz;
  tz.id_ = id;
  if (auto off = parse_offset_id(id)) {
    tz.fixed_ = *off;
    return tz;
  }
  auto unknown = Status::InvalidArgument("Unknown time-zone ID: " + id);
  // A zone name: letters, digits, '/', '_', '-', '+'; never a path out of the database.
  if (id.empty() || id.size() > 64 || id.find("..") != std::string::npos || id[0] == '/') return unknown;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '/' && c != '_' && c != '-' && c != '+') return unknown;
  }
  // Parsed zones are cached for the process (the database does not change under a running server).
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const TimeZone>> cache;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(id);
    if (it != cache.end()) return *it->second;
  }
  std::ifstream in("/usr/share/zoneinfo/" + id, std::ios::binary);
  if (!in) return unknown;
  std::vector<unsigned char> b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (b.size() < 44 || std::string(b.begin(), b.begin() + 4) != "TZif") return unknown;
  auto counts = [&](size_t at, int64_t c[6]) {
    for (int i = 0; i < 6; ++i) c[i] = be(&b[at + 20 + 4 * i], 4);
  };
  int64_t c[6];  // isutcnt isstdcnt leapcnt timecnt typecnt charcnt
  counts(0, c);
  size_t pos = 44;
  int tsize = 4;
  if (b[4] >= '2') {
    // Skip the 32-bit block; read the 64-bit one.
    pos += static_cast<size_t>(c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0]);
    if (b.size() < pos + 44) return unknown;
    counts(pos, c);
    pos += 44;
    tsize = 8;
  }
  size_t need = pos + static_cast<size_t>(c[3] * tsize + c[3] + c[4] * 6);
  if (b.size() < need || c[4] <= 0) return unknown;
  std::vector<int64_t> times(static_cast<size_t>(c[3]));
  for (int64_t i = 0; i < c[3]; ++i) times[static_cast<size_t>(i)] = be(&b[pos + static_cast<size_t>(i * tsize)], tsize);
  pos += static_cast<size_t>(c[3] * tsize);
  std::vector<int> idx(static_cast<size_t>(c[3]));
  for (int64_t i = 0; i < c[3]; ++i) idx[static_cast<size_t>(i)] = b[pos + static_cast<size_t>(i)];
  pos += static_cast<size_t>(c[3]);
  std::vector<int64_t> type_off(static_cast<size_t>(c[4]));
  std::vector<bool> type_dst(static_cast<size_t>(c[4]));
  for (int64_t i = 0; i < c[4]; ++i) {
    type_off[static_cast<size_t>(i)] = be(&b[pos + static_cast<size_t>(i * 6)], 4) * 1000;
    type_dst[static_cast<size_t>(i)] = b[pos + static_cast<size_t>(i * 6) + 4] != 0;
  }
  tz.initial_ = type_off[0];
  for (size_t i = 0; i < type_off.size(); ++i) {
    if (!type_dst[i]) {
      tz.initial_ = type_off[i];
      break;
    }
  }
  for (size_t i = 0; i < times.size(); ++i) {
    if (idx[i] >= static_cast<int>(type_off.size())) return unknown;
    tz.transitions_.push_back(times[i]);
    tz.offsets_.push_back(type_off[static_cast<size_t>(idx[i])]);
  }
  if (tz.transitions_.empty()) tz.fixed_ = tz.initial_;
  {
    std::lock_guard<std::mutex> lock(mu);
    cache.emplace(id, std::make_shared<const TimeZone>(tz));
  }
  return tz;
}

int64_t TimeZone::offset_at(int64_t utc_ms) const {
  if (transitions_.empty()) return fixed_;
  int64_t secs = floor_div(utc_ms, 1000);
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), secs);
  if (it == transitions_.begin()) return initial_;
  return offsets_[static_cast<size_t>(it - transitions_.begin() - 1)];
}

int64_t TimeZone::to_utc(int64_t local_ms) const {
  if (transitions_.empty()) return local_ms - fixed_;
  int64_t before = offset_at(local_ms - kDay), after = offset_at(local_ms + kDay);
  int64_t hi = std::max(before, after), lo = std::min(before, after);
  if (offset_at(local_ms - hi) == hi) return local_ms - hi;  // the earlier instant of an overlap
  if (offset_at(local_ms - lo) == lo) return local_ms - lo;
  return local_ms - before;  // a gap: shifted forward by its length
}

std::string offset_text(int64_t off) {
  if (off == 0) return "Z";
  char buf[16];
  int64_t a = off < 0 ? -off : off;
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", off < 0 ? '-' : '+', static_cast<int>(a / kHour),
                static_cast<int>(a % kHour / kMinute));
  return buf;
}

std::string format_in_zone(int64_t utc_ms, const index::DateFormat& format, const TimeZone& tz) {
  if (tz.is_utc() || format.spec().rfind("epoch_", 0) == 0) return format.format(utc_ms);
  int64_t off = tz.offset_at(utc_ms);
  std::string local = format.format(utc_ms + off);
  // The formatter prints its zone designator as "Z"; put the zone's offset there instead.
  std::string probe = format.format(0);
  if (off != 0 && !probe.empty() && probe.back() == 'Z' && !local.empty() && local.back() == 'Z') {
    local.pop_back();
    local += offset_text(off);
  }
  return local;
}

Result<DateRounding::Unit> DateRounding::parse_calendar(const std::string& t) {
  static const std::map<std::string, Unit> units = {
      {"minute", Unit::kMinute}, {"1m", Unit::kMinute}, {"hour", Unit::kHour},       {"1h", Unit::kHour},
      {"day", Unit::kDay},       {"1d", Unit::kDay},    {"week", Unit::kWeek},       {"1w", Unit::kWeek},
      {"month", Unit::kMonth},   {"1M", Unit::kMonth},  {"quarter", Unit::kQuarter}, {"1q", Unit::kQuarter},
      {"year", Unit::kYear},     {"1y", Unit::kYear}};
  auto it = units.find(t);
  if (it == units.end()) {
    return Status::InvalidArgument("The supplied interval [" + t + "] could not be parsed as a calendar interval.");
  }
  return it->second;
}

Result<int64_t> DateRounding::parse_fixed(const std::string& t, const std::string& setting) {
  auto bad = Status::InvalidArgument("failed to parse setting [" + setting + "] with value [" + t +
                                     "] as a time value: unit is missing or unrecognized");
  size_t i = 0;
  while (i < t.size() && (std::isdigit(static_cast<unsigned char>(t[i])) || t[i] == '.')) ++i;
  if (i == 0) return bad;
  std::string unit = t.substr(i);
  double n = std::strtod(t.substr(0, i).c_str(), nullptr);
  static const std::map<std::string, double> ms = {{"nanos", 1e-6}, {"micros", 1e-3}, {"ms", 1}, {"s", 1000},
                                                   {"m", 60000},   {"h", 3600000},   {"d", 86400000}};
  auto it = ms.find(unit);
  if (it == ms.end()) return bad;
  double v = n * it->second;
  if (!(v >= 1) || v > 9e18) {
    return Status::InvalidArgument("Zero or negative time interval not supported: [" + t + "]");
  }
  return static_cast<int64_t>(v);
}

Result<int64_t> DateRounding::parse_offset(const std::string& t) {
  if (t.empty()) return int64_t{0};
  int sign = 1;
  std::string s = t;
  if (s[0] == '+' || s[0] == '-') {
    sign = s[0] == '-' ? -1 : 1;
    s = s.substr(1);
  }
  auto v = parse_fixed(s, "date_histogram.offset");
  if (!v.ok()) return v.status();
  return sign * *v;
}

int64_t DateRounding::base_round(int64_t utc) const {
  if (unit_ == Unit::kFixed) {
    if (tz_.is_fixed()) {
      int64_t off = tz_.offset_at(0);
      return floor_to(utc + off, fixed_) - off;
    }
    int64_t local = utc + tz_.offset_at(utc);
    return tz_.to_utc(floor_to(local, fixed_));
  }
  int64_t local = utc + tz_.offset_at(utc);
  int64_t r;
  switch (unit_) {
    case Unit::kMinute: r = floor_to(local, kMinute); break;
    case Unit::kHour: r = floor_to(local, kHour); break;
    case Unit::kDay: r = floor_to(local, kDay); break;
    case Unit::kWeek: {
      int64_t d = floor_div(local, kDay);
      r = (d - (((d - 4) % 7) + 7) % 7) * kDay;  // Mondays (1970-01-05 was one)
      break;
    }
    default: {
      int64_t y;
      unsigned m, d;
      index::civil_from_days(floor_div(local, kDay), y, m, d);
      if (unit_ == Unit::kYear) m = 1;
      if (unit_ == Unit::kQuarter) m = (m - 1) / 3 * 3 + 1;
      r = index::days_from_civil(y, m, 1) * kDay;
      break;
    }
  }
  if (tz_.is_fixed()) return r - tz_.offset_at(0);
  int64_t out = tz_.to_utc(r);
  // Hour/minute rounding across an overlap: keep the instant's own offset.
  if ((unit_ == Unit::kHour || unit_ == Unit::kMinute) && r - tz_.offset_at(utc) <= utc) out = r - tz_.offset_at(utc);
  return out;
}

int64_t DateRounding::next(int64_t key) const {
  int64_t base = key - offset_;
  int64_t candidate;
  switch (unit_) {
    case Unit::kFixed: candidate = base + fixed_; break;
    case Unit::kMinute: candidate = base + kMinute; break;
    case Unit::kHour: candidate = base + kHour; break;
    case Unit::kDay:
    case Unit::kWeek: {
      int64_t local = base + tz_.offset_at(base) + (unit_ == Unit::kDay ? kDay : 7 * kDay);
      candidate = tz_.to_utc(local);
      break;
    }
    default: {
      int64_t local = base + tz_.offset_at(base);
      int64_t y;
      unsigned m, d;
      index::civil_from_days(floor_div(local, kDay), y, m, d);
      int months = unit_ == Unit::kMonth ? 1 : unit_ == Unit::kQuarter ? 3 : 12;
      int64_t total = y * 12 + (m - 1) + months;
      int64_t ny = floor_div(total, 12);
      auto nm = static_cast<unsigned>(total - ny * 12 + 1);
      int64_t tod = local - floor_to(local, kDay);
      candidate = tz_.to_utc(index::days_from_civil(ny, nm, d) * kDay + tod);
      break;
    }
  }
  int64_t r = base_round(candidate);
  if (r <= base) r = base_round(candidate + approx_width() / 2);
  if (r <= base) r = base + std::max<int64_t>(approx_width(), 1);
  return r + offset_;
}

std::optional<int64_t> DateRounding::local_day_shift() const {
  if (unit_ == Unit::kFixed || unit_ == Unit::kMinute || unit_ == Unit::kHour || !tz_.is_fixed()) return std::nullopt;
  return tz_.offset_at(0) - offset_;
}

int64_t DateRounding::approx_width() const {
  switch (unit_) {
    case Unit::kFixed: return fixed_;
    case Unit::kMinute: return kMinute;
    case Unit::kHour: return kHour;
    case Unit::kDay: return kDay;
    case Unit::kWeek: return 7 * kDay;
    case Unit::kMonth: return 28 * kDay;
    case Unit::kQuarter: return 89 * kDay;
    case Unit::kYear: return 365 * kDay;
  }
  return 1;
}

}  // namespace quarry::query::aggs
