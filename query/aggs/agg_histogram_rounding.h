// Date rounding for date_histogram (and composite's date_histogram source): calendar intervals
// (minute .. year) and fixed intervals, in a time zone, with an offset, as Elasticsearch's
// Rounding does. Also the time zones themselves: UTC offsets ("+01:00", "-05", "UTC") and named
// zones ("Europe/Berlin"), the latter read from the system's tz database (TZif files under
// /usr/share/zoneinfo; transitions up to 2037 in Debian's "fat" files, the last offset after that).
//
// Immutable once parsed: share between shard threads freely.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "index/dates.h"
#include "index/status.h"

namespace quarry::query::aggs {

class TimeZone {
 public:
  // Errors: kInvalidArgument "Unknown time-zone ID: X" (as Elasticsearch words it).
  static Result<TimeZone> parse(const std::string& id);
  static TimeZone utc() { return TimeZone(); }

  bool is_utc() const { return transitions_.empty() && fixed_ == 0; }
  bool is_fixed() const { return transitions_.empty(); }
  // Offset (millis) of local time from UTC at the instant `utc_ms`.
  int64_t offset_at(int64_t utc_ms) const;
  // The instant of a local wall-clock time: the earlier of two in an overlap, the one after the
  // transition in a gap (as java.time resolves them).
  int64_t to_utc(int64_t local_ms) const;
  const std::string& id() const { return id_; }

 private:
  std::string id_ = "UTC";
  int64_t fixed_ = 0;
  std::vector<int64_t> transitions_;   // seconds UTC, ascending
  std::vector<int64_t> offsets_;       // millis, offsets_[i] in force from transitions_[i]
  int64_t initial_ = 0;                // before the first transition
};

// "+02:00" / "-05:00", or "Z" for 0 (Elasticsearch's ISO offset printing).
std::string offset_text(int64_t offset_ms);
// Formats `utc_ms` with `format` in the zone: the local wall time with the zone's offset in place
// of the format's zone designator. Epoch formats print the instant itself.
std::string format_in_zone(int64_t utc_ms, const index::DateFormat& format, const TimeZone& tz);

class DateRounding {
 public:
  enum class Unit { kFixed, kMinute, kHour, kDay, kWeek, kMonth, kQuarter, kYear };

  // "minute", "1m", "hour", "1h", "day", "1d", "week", "1w", "month", "1M", "quarter", "1q",
  // "year", "1y". Errors: kInvalidArgument "The supplied interval [x] could not be parsed as a
  // calendar interval."
  static Result<Unit> parse_calendar(const std::string& text);
  // A time value: "30s", "1h", "90m", "2d", "500ms". Errors: kInvalidArgument.
  static Result<int64_t> parse_fixed(const std::string& text, const std::string& setting);
  // An offset such as "+1h", "-6h", "1d". Errors: kInvalidArgument.
  static Result<int64_t> parse_offset(const std::string& text);

  DateRounding() = default;
  DateRounding(Unit unit, int64_t fixed_ms, TimeZone tz, int64_t offset_ms)
      : unit_(unit), fixed_(fixed_ms), tz_(std::move(tz)), offset_(offset_ms) {}

  // The key (bucket start, UTC millis) of the bucket holding `utc_ms`.
  int64_t round(int64_t utc_ms) const { return base_round(utc_ms - offset_) + offset_; }
  // The key of the bucket after the one keyed `key`.
  int64_t next(int64_t key) const;
  const TimeZone& tz() const { return tz_; }
  Unit unit() const { return unit_; }
  // A rough bucket width in millis (for estimating bucket counts before filling).
  int64_t approx_width() const;
  // When the bucket depends only on the local calendar day (units of a day or more in a zone with
  // a fixed offset): the shift s such that floor((utc_ms + s) / day) numbers that day, so callers
  // can remember each day's key. nullopt otherwise.
  std::optional<int64_t> local_day_shift() const;

 private:
  int64_t base_round(int64_t utc_ms) const;
  Unit unit_ = Unit::kFixed;
  int64_t fixed_ = 1;
  TimeZone tz_;
  int64_t offset_ = 0;
};

}  // namespace quarry::query::aggs
