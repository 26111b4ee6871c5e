// Progress line formatting (see progress.h).
#include "server/cli/progress.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace quarry::cli {
namespace {

double fraction_done(const ProgressSnapshot& s) {
  if (s.total_bytes <= 0) return -1;
  return std::clamp(static_cast<double>(s.bytes_read) / static_cast<double>(s.total_bytes), 0.0,
                    1.0);
}

uint64_t docs_per_second(const ProgressSnapshot& s) {
  if (s.elapsed_seconds <= 0) return 0;
  return static_cast<uint64_t>(std::llround(static_cast<double>(s.docs_sent) / s.elapsed_seconds));
}

// Remaining time from the read rate so far; negative when it cannot be estimated.
double eta_seconds(const ProgressSnapshot& s) {
  const double f = fraction_done(s);
  if (f <= 0 || s.elapsed_seconds <= 0) return -1;
  return s.elapsed_seconds * (1.0 - f) / f;
}

std::string percent(double f) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", f * 100.0);
  return buf;
}

}  // namespace

std::string format_count(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string format_bytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"KB", "MB", "GB", "TB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double v = static_cast<double>(bytes) / 1024.0;
  int unit = 0;
  while (v >= 1024.0 && unit < 3) {
    v /= 1024.0;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[unit]);
  return buf;
}

std::string format_duration(double seconds) {
  if (!(seconds >= 0)) seconds = 0;  // also catches NaN
  const uint64_t total = static_cast<uint64_t>(std::llround(std::min(seconds, 1e9)));
  char buf[32];
  if (total < 60) {
    std::snprintf(buf, sizeof buf, "%llus", static_cast<unsigned long long>(total));
  } else if (total < 3600) {
    std::snprintf(buf, sizeof buf, "%llu:%02llu", static_cast<unsigned long long>(total / 60),
                  static_cast<unsigned long long>(total % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%llu:%02llu:%02llu",
                  static_cast<unsigned long long>(total / 3600),
                  static_cast<unsigned long long>(total / 60 % 60),
                  static_cast<unsigned long long>(total % 60));
  }
  return buf;
}

std::string format_progress_bar_line(const ProgressSnapshot& s, int bar_width) {
  std::string line;
  const double f = fraction_done(s);
  if (f >= 0) {
    const int filled = static_cast<int>(f * bar_width);
    line.push_back('[');
    line.append(static_cast<size_t>(filled), '#');
    line.append(static_cast<size_t>(std::max(0, bar_width - filled)), '.');
    line.append("] ");
    std::string p = percent(f);
    if (p.size() < 6) line.append(6 - p.size(), ' ');
    line.append(p).append("  ");
  }
  line.append(format_count(s.docs_sent)).append(" docs  ");
  line.append(format_count(docs_per_second(s))).append(" docs/s  ");
  line.append(format_bytes(s.bytes_read));
  if (s.total_bytes >= 0) line.append(" / ").append(format_bytes(static_cast<uint64_t>(s.total_bytes)));
  const double eta = eta_seconds(s);
  if (eta >= 0) line.append("  ETA ").append(format_duration(eta));
  if (s.docs_failed > 0) line.append("  ").append(format_count(s.docs_failed)).append(" failed");
  return line;
}

std::string format_progress_plain_line(const ProgressSnapshot& s) {
  std::string line = std::to_string(s.docs_sent) + " docs sent, " +
                     std::to_string(s.docs_failed) + " failed, " +
                     std::to_string(docs_per_second(s)) + " docs/s, " +
                     format_bytes(s.bytes_read) + " read";
  const double f = fraction_done(s);
  if (f >= 0) {
    line.append(" of ").append(format_bytes(static_cast<uint64_t>(s.total_bytes)));
    line.append(" (").append(percent(f));
    const double eta = eta_seconds(s);
    if (eta >= 0) line.append(", ETA ").append(format_duration(eta));
    line.push_back(')');
  }
  return line;
}

}  // namespace quarry::cli
