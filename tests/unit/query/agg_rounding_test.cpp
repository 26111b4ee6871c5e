// Date rounding of date_histogram: calendar units, fixed intervals, offsets and time zones (UTC
// offsets and named zones from the system tz database, across daylight-saving transitions).
#include <gtest/gtest.h>

#include "index/dates.h"
#include "query/aggs/agg_histogram_rounding.h"

using quarry::query::aggs::DateRounding;
using quarry::query::aggs::TimeZone;

namespace {

template <typename T>
T val(quarry::Result<T> r) {
  EXPECT_TRUE(r.ok());
  return std::move(*r);
}

int64_t ms(const char* iso) { return *quarry::index::parse_date("strict_date_optional_time", iso); }

DateRounding calendar(const char* unit, const char* tz = "UTC", int64_t offset = 0) {
  return DateRounding(val(DateRounding::parse_calendar(unit)), 1, val(TimeZone::parse(tz)), offset);
}

TEST(AggRounding, CalendarUnitsInUtc) {
  int64_t t = ms("2021-08-19T13:47:12.345Z");  // a Thursday
  EXPECT_EQ(calendar("minute").round(t), ms("2021-08-19T13:47:00Z"));
  EXPECT_EQ(calendar("1h").round(t), ms("2021-08-19T13:00:00Z"));
  EXPECT_EQ(calendar("day").round(t), ms("2021-08-19T00:00:00Z"));
  EXPECT_EQ(calendar("week").round(t), ms("2021-08-16T00:00:00Z"));  // Monday
  EXPECT_EQ(calendar("1M").round(t), ms("2021-08-01T00:00:00Z"));
  EXPECT_EQ(calendar("quarter").round(t), ms("2021-07-01T00:00:00Z"));
  EXPECT_EQ(calendar("1y").round(t), ms("2021-01-01T00:00:00Z"));
  EXPECT_EQ(calendar("week").round(ms("1969-12-31T12:00:00Z")), ms("1969-12-29T00:00:00Z"));
}

TEST(AggRounding, NextWalksCalendarMonthsOfDifferentLengths) {
  auto r = calendar("month");
  int64_t k = ms("2020-01-01T00:00:00Z");
  const char* want[] = {"2020-02-01T00:00:00Z", "2020-03-01T00:00:00Z", "2020-04-01T00:00:00Z"};
  for (const char* w : want) {
    k = r.next(k);
    EXPECT_EQ(k, ms(w));
  }
  EXPECT_EQ(calendar("quarter").next(ms("2020-10-01T00:00:00Z")), ms("2021-01-01T00:00:00Z"));
}

TEST(AggRounding, FixedIntervalsAndOffsets) {
  DateRounding r(DateRounding::Unit::kFixed, val(DateRounding::parse_fixed("90m", "x")), TimeZone::utc(), 0);
  EXPECT_EQ(r.round(ms("2021-01-01T02:59:00Z")), ms("2021-01-01T01:30:00Z"));
  EXPECT_EQ(r.next(ms("2021-01-01T01:30:00Z")), ms("2021-01-01T03:00:00Z"));
  auto day_plus_6h = calendar("day", "UTC", val(DateRounding::parse_offset("+6h")));
  EXPECT_EQ(day_plus_6h.round(ms("2021-01-02T05:00:00Z")), ms("2021-01-01T06:00:00Z"));
  EXPECT_EQ(day_plus_6h.round(ms("2021-01-02T07:00:00Z")), ms("2021-01-02T06:00:00Z"));
  EXPECT_FALSE(DateRounding::parse_fixed("1M", "x").ok());
  EXPECT_FALSE(DateRounding::parse_calendar("2d").ok());
}

TEST(AggRounding, OffsetZones) {
  auto r = calendar("day", "+05:30");
  EXPECT_EQ(r.round(ms("2021-01-01T20:00:00Z")), ms("2021-01-01T18:30:00Z"));  // 01:30 local on the 2nd
  EXPECT_EQ(TimeZone::parse("-08")->offset_at(0), -8 * 3600000);
  EXPECT_FALSE(TimeZone::parse("+25:00").ok());
}

TEST(AggRounding, NamedZonesAcrossDaylightSaving) {
  auto ny = TimeZone::parse("America/New_York");
  ASSERT_TRUE(ny.ok()) << ny.status().message();
  EXPECT_EQ(ny->offset_at(ms("2020-03-08T06:59:59Z")), -5 * 3600000);
  EXPECT_EQ(ny->offset_at(ms("2020-03-08T07:00:00Z")), -4 * 3600000);
  // The day of the spring-forward transition is 23 hours long.
  auto day = calendar("day", "America/New_York");
  EXPECT_EQ(day.round(ms("2020-03-08T12:00:00Z")), ms("2020-03-08T05:00:00Z"));
  EXPECT_EQ(day.next(ms("2020-03-08T05:00:00Z")), ms("2020-03-09T04:00:00Z"));
  auto month = calendar("month", "Europe/Berlin");
  EXPECT_EQ(month.round(ms("2020-07-15T00:00:00Z")), ms("2020-06-30T22:00:00Z"));
  EXPECT_EQ(month.round(ms("2020-01-15T00:00:00Z")), ms("2019-12-31T23:00:00Z"));
  EXPECT_FALSE(TimeZone::parse("Mars/Olympus").ok());
  EXPECT_FALSE(TimeZone::parse("../../etc/passwd").ok());
}

}  // namespace
