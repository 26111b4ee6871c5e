// Dates: parsing and formatting of values of the `date` field type, as Elasticsearch's date
// formats describe them.
//
// A DateFormat is compiled once from a format string with `||` alternatives, e.g.
// "strict_date_optional_time||epoch_millis" or "yyyy/MM/dd HH:mm:ss||yyyy/MM/dd", and then parses
// values into epoch milliseconds (UTC; an input without a zone is UTC). Alternatives are tried in
// order; the first that consumes the whole input wins.
//
// Supported named formats: strict_date_optional_time, date_optional_time,
// strict_date_optional_time_nanos, epoch_millis, epoch_second, (strict_)date,
// (strict_)date_time, (strict_)date_time_no_millis, (strict_)date_hour_minute_second,
// (strict_)date_hour_minute, (strict_)year_month_day, (strict_)year_month, (strict_)year,
// basic_date, basic_date_time, basic_date_time_no_millis.
// Supported pattern letters (Java DateTimeFormatter subset): y/u (year; "yy" = 2000+yy),
// M (month, numeric), d (day), H (hour 0-23), m, s, S (fraction), X/x/Z (zone offset: "Z",
// "+hh", "+hhmm", "+hh:mm"), 'quoted literals', [optional sections], other punctuation literally.
// Month or day names are not supported (compile fails with kMapperParsing).
//
// Immutable after compile: safe to share between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "index/json.h"
#include "index/status.h"

namespace quarry::index {

inline constexpr char kDefaultDateFormat[] = "strict_date_optional_time||epoch_millis";

class DateFormat {
 public:
  // Compiles `spec`. Errors: kMapperParsing "Invalid format: [spec]: ..." for an unknown named
  // format or an unsupported pattern letter.
  static Result<DateFormat> compile(std::string_view spec);

  // The default format (strict_date_optional_time||epoch_millis); never fails.
  static const DateFormat& default_format();

  // Parses `text` as epoch millis UTC; nullopt if no alternative matches it entirely.
  std::optional<int64_t> parse(std::string_view text) const;

  const std::string& spec() const { return spec_; }

  // Formats epoch millis (UTC) with the first alternative, as Elasticsearch prints dates in that
  // format (optional sections are printed; a lenient fraction "S" prints milliseconds).
  std::string format(int64_t millis) const;

  // One compiled pattern element. Optional sections are [kOptionalBegin ... kOptionalEnd] with
  // `match` holding the index of the matching end.
  struct Element {
    enum class Kind { kYear, kMonth, kDay, kHour, kMinute, kSecond, kFraction, kOffset, kLiteral,
                      kOptionalBegin, kOptionalEnd } kind;
    int min_digits = 0;
    int max_digits = 0;
    std::string literal;
    size_t match = 0;
  };
  struct Alternative {
    enum class Kind { kEpochMillis, kEpochSecond, kPattern } kind = Kind::kPattern;
    std::vector<Element> elements;
  };

 private:
  std::string spec_;
  std::vector<Alternative> alternatives_;
};

// Parses a JSON value of a date field: a string under `format`, or a number, which is parsed as
// its decimal text (so it is epoch millis when the format includes epoch_millis).
std::optional<int64_t> parse_date_value(const json::Value& v, const DateFormat& format);

// Convenience: compile + parse (slow path for one-off values).
std::optional<int64_t> parse_date(std::string_view format, std::string_view text);

// Formats epoch millis as strict_date_optional_time in UTC: "2021-05-01T10:00:00.000Z".
std::string format_date_millis(int64_t millis);

// The wall clock as epoch millis: `now` of date math, read once per request.
int64_t now_millis();

// Days since 1970-01-01 of a proleptic Gregorian civil date, and back.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d);

}  // namespace quarry::index
