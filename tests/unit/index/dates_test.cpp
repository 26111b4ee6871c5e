// Tests of index/dates.h: Elasticsearch date formats -> epoch millis, and back.
#include "index/dates.h"

#include <gtest/gtest.h>

namespace quarry::index {
namespace {

constexpr int64_t kMay1 = 1619827200000;  // 2021-05-01T00:00:00Z

std::optional<int64_t> parse(std::string_view format, std::string_view text) { return parse_date(format, text); }

TEST(Dates, StrictDateOptionalTimeForms) {
  const char* f = "strict_date_optional_time";
  EXPECT_EQ(parse(f, "2021-05-01"), kMay1);
  EXPECT_EQ(parse(f, "2021-05-01T10:00:00Z"), kMay1 + 10 * 3600000);
  EXPECT_EQ(parse(f, "2021-05-01T10:00:00"), kMay1 + 10 * 3600000);
  EXPECT_EQ(parse(f, "2021-05-01T10:00"), kMay1 + 10 * 3600000);
  EXPECT_EQ(parse(f, "2021-05-01T10:00:00.123Z"), kMay1 + 10 * 3600000 + 123);
  EXPECT_EQ(parse(f, "2021-05-01T10:00:00.123456789Z"), kMay1 + 10 * 3600000 + 123);
  EXPECT_EQ(parse(f, "2021-05-01T12:00:00+02:00"), kMay1 + 10 * 3600000);
  EXPECT_EQ(parse(f, "2021-05-01T12:00:00+0200"), kMay1 + 10 * 3600000);
  EXPECT_EQ(parse(f, "2021-05-01T05:00:00-05:00"), kMay1 + 10 * 3600000);
  EXPECT_EQ(parse(f, "2021"), 1609459200000);
  EXPECT_EQ(parse(f, "2021-05"), kMay1);
  EXPECT_EQ(parse(f, "2021-04"), kMay1 - 30LL * 86400000);
}

// Elasticsearch's date_time parsers take the fraction of a second as optional (its printers
// always write milliseconds).
TEST(Dates, DateTimeFractionIsOptionalWhenParsingAndPrintedAsMillis) {
  EXPECT_EQ(parse("strict_date_time", "2021-05-01T10:00:00Z"), kMay1 + 10 * 3600000);
  EXPECT_EQ(parse("strict_date_time", "2021-05-01T10:00:00.250Z"), kMay1 + 10 * 3600000 + 250);
  EXPECT_EQ(parse("date_time", "2021-5-1T10:0:0Z"), kMay1 + 10 * 3600000);
  EXPECT_EQ(parse("basic_date_time", "20210501T100000Z"), kMay1 + 10 * 3600000);
  EXPECT_FALSE(parse("strict_date_time", "2021-05-01T10:00Z").has_value());
  auto f = DateFormat::compile("strict_date_time");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->format(kMay1), "2021-05-01T00:00:00.000Z");
}

TEST(Dates, StrictRejectsMalformedAndImpossibleDates) {
  const char* f = "strict_date_optional_time";
  for (const char* bad : {"2021-5-1", "2021-02-30", "2021-13-01", "2021-00-10", "abc", "", "2021-05-01T25:00",
                          "2021-05-01T10:61", "2021-05-01 10:00:00", "2021-05-01T10:00:00Q", "2019-02-29"}) {
    EXPECT_FALSE(parse(f, bad).has_value()) << bad;
  }
  EXPECT_TRUE(parse(f, "2020-02-29").has_value());
}

TEST(Dates, LenientDateOptionalTime) {
  EXPECT_EQ(parse("date_optional_time", "2021-5-1"), kMay1);
  EXPECT_EQ(parse("date_optional_time", "2021-05-01T1:2:3Z"), kMay1 + 3723000);
}

TEST(Dates, EpochFormats) {
  EXPECT_EQ(parse("epoch_millis", "1619827200000"), kMay1);
  EXPECT_EQ(parse("epoch_millis", "-1000"), -1000);
  EXPECT_EQ(parse("epoch_second", "1619827200"), kMay1);
  EXPECT_EQ(parse("epoch_second", "1.5"), 1500);
  EXPECT_EQ(parse("epoch_second", "-1.5"), -1500);
  EXPECT_FALSE(parse("epoch_millis", "12a").has_value());
  EXPECT_FALSE(parse("epoch_millis", "99999999999999999999").has_value());
}

TEST(Dates, CustomPatternsAndAlternatives) {
  const char* slash = "yyyy/MM/dd HH:mm:ss||yyyy/MM/dd";
  EXPECT_EQ(parse(slash, "2021/05/01"), kMay1);
  EXPECT_EQ(parse(slash, "2021/05/01 10:30:00"), kMay1 + 10 * 3600000 + 30 * 60000);
  EXPECT_FALSE(parse(slash, "2021-05-01").has_value());
  EXPECT_EQ(parse("dd/MM/yyyy", "01/05/2021"), kMay1);
  EXPECT_EQ(parse("yyyy-MM-dd HH:mm:ss", "2021-05-01 00:00:01"), kMay1 + 1000);
  EXPECT_EQ(parse("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "2021-05-01T00:00:00.250Z"), kMay1 + 250);
  EXPECT_EQ(parse("yyyy-MM-dd[ HH:mm]", "2021-05-01 01:00"), kMay1 + 3600000);
  EXPECT_EQ(parse("yyyy-MM-dd[ HH:mm]", "2021-05-01"), kMay1);
  EXPECT_EQ(parse("basic_date", "20210501"), kMay1);
  EXPECT_EQ(parse("yyyyMMdd", "20210501"), kMay1);
  EXPECT_EQ(parse("strict_date", "2021-05-01"), kMay1);
  EXPECT_EQ(parse("date", "2021-5-1"), kMay1);
}

TEST(Dates, BadFormatsFailToCompile) {
  for (const char* bad : {"yyyy-qq", "strict_date_foo", "", "yyyy||", "MMMM yyyy"}) {
    auto f = DateFormat::compile(bad);
    ASSERT_FALSE(f.ok()) << bad;
    EXPECT_EQ(f.status().code(), Code::kMapperParsing);
  }
}

TEST(Dates, JsonValuesUnderDefaultFormat) {
  const DateFormat& f = DateFormat::default_format();
  json::Document d;
  ASSERT_TRUE(json::parse(R"([1619827200000, "2021-05-01", "1619827200000", true, 1.5e12, "junk"])", d).ok());
  EXPECT_EQ(parse_date_value(d[0], f), kMay1);
  EXPECT_EQ(parse_date_value(d[1], f), kMay1);
  EXPECT_EQ(parse_date_value(d[2], f), kMay1);
  EXPECT_FALSE(parse_date_value(d[3], f).has_value());
  EXPECT_EQ(parse_date_value(d[4], f), 1500000000000);
  EXPECT_FALSE(parse_date_value(d[5], f).has_value());
}

TEST(Dates, NumbersNeedEpochInTheFormat) {
  auto f = DateFormat::compile("yyyy-MM-dd");
  ASSERT_TRUE(f.ok());
  json::Document d;
  ASSERT_TRUE(json::parse("[20210501]", d).ok());
  EXPECT_FALSE(parse_date_value(d[0], *f).has_value());
}

TEST(Dates, FormatMillis) {
  EXPECT_EQ(format_date_millis(kMay1 + 10 * 3600000), "2021-05-01T10:00:00.000Z");
  EXPECT_EQ(format_date_millis(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_date_millis(-1), "1969-12-31T23:59:59.999Z");
  for (int64_t ms : {int64_t{0}, int64_t{-1}, kMay1 + 123, int64_t{951782400000}, int64_t{-62135596800000},
                     int64_t{253402300799999}}) {
    EXPECT_EQ(parse("strict_date_optional_time", format_date_millis(ms)), ms) << ms;
  }
}

}  // namespace
}  // namespace quarry::index
