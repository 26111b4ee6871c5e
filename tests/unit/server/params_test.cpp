#include "server/params.h"

#include <gtest/gtest.h>

namespace quarry::server {
namespace {

HttpRequest with(std::string name, std::string value) {
  HttpRequest r;
  r.params[std::move(name)] = std::move(value);
  return r;
}

TEST(ParamsTest, Booleans) {
  HttpRequest none;
  EXPECT_FALSE(bool_param(none, "refresh", false).value());
  EXPECT_TRUE(bool_param(none, "refresh", true).value());
  EXPECT_TRUE(bool_param(with("refresh", ""), "refresh", false).value());
  EXPECT_TRUE(bool_param(with("refresh", "true"), "refresh", false).value());
  EXPECT_FALSE(bool_param(with("refresh", "false"), "refresh", true).value());
  Result<bool> bad = bool_param(with("refresh", "yes"), "refresh", false);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(bad.status().message(),
            "Failed to parse value [yes] as only [true] or [false] are allowed.");
}

TEST(ParamsTest, Integers) {
  EXPECT_EQ(int_param(HttpRequest{}, "size", 10).value(), 10);
  EXPECT_EQ(int_param(with("size", "25"), "size", 10).value(), 25);
  EXPECT_EQ(int_param(with("from", "-3"), "from", 0).value(), -3);
  Result<std::int64_t> bad = int_param(with("size", "ten"), "size", 10);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "Failed to parse int parameter [size] with value [ten]");
  EXPECT_FALSE(int_param(with("size", "3000000000"), "size", 0).ok());
  EXPECT_EQ(long_param(with("v", "3000000000"), "v", 0).value(), 3000000000LL);
  EXPECT_EQ(long_param(with("v", "1.5"), "v", 0).status().message(),
            "Failed to parse long parameter [v] with value [1.5]");
}

TEST(ParamsTest, TimeValues) {
  EXPECT_EQ(parse_time_ms("1s", "timeout").value(), 1000);
  EXPECT_EQ(parse_time_ms("500ms", "timeout").value(), 500);
  EXPECT_EQ(parse_time_ms("1m", "timeout").value(), 60000);
  EXPECT_EQ(parse_time_ms("2h", "timeout").value(), 7200000);
  EXPECT_EQ(parse_time_ms("1d", "timeout").value(), 86400000);
  EXPECT_EQ(parse_time_ms("1500micros", "timeout").value(), 1);
  EXPECT_EQ(parse_time_ms("-1", "timeout").value(), -1);
  EXPECT_EQ(parse_time_ms("0", "timeout").value(), 0);
  EXPECT_EQ(parse_time_ms("30S", "timeout").value(), 30000);
  EXPECT_EQ(parse_time_ms("10", "timeout").status().message(),
            "failed to parse setting [timeout] with value [10] as a time value: unit is missing "
            "or unrecognized");
  EXPECT_EQ(parse_time_ms("1.5s", "timeout").status().message(),
            "failed to parse [1.5s], fractional time values are not supported");
  EXPECT_FALSE(parse_time_ms("-5s", "timeout").ok());
  EXPECT_FALSE(parse_time_ms("abcs", "timeout").ok());
  EXPECT_EQ(time_param_ms(HttpRequest{}, "timeout", 60000).value(), 60000);
  EXPECT_EQ(time_param_ms(with("timeout", "5s"), "timeout", 60000).value(), 5000);
}

TEST(ParamsTest, Lists) {
  EXPECT_EQ(split_list("a,b , c,,"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(split_list("").empty());
  EXPECT_EQ(list_param(with("index", "x,y"), "index"), (std::vector<std::string>{"x", "y"}));
  EXPECT_TRUE(list_param(HttpRequest{}, "index").empty());
}

}  // namespace
}  // namespace quarry::server
