// include / exclude of terms-like aggregations: Elasticsearch's partition hashing, value lists
// matched by value on typed fields, regular expressions.
#include "query/aggs/term_filter.h"

#include <gtest/gtest.h>

namespace quarry::query::aggs {
namespace {

TermFilter parse(const char* include_json, const char* exclude_json = nullptr) {
  TermFilter f;
  json::Document d;
  if (include_json) {
    EXPECT_TRUE(json::parse(include_json, d).ok());
    EXPECT_TRUE(parse_filter_part(d, true, "terms", &f).ok());
  }
  if (exclude_json) {
    json::Document e;
    EXPECT_TRUE(json::parse(exclude_json, e).ok());
    EXPECT_TRUE(parse_filter_part(e, false, "terms", &f).ok());
  }
  return f;
}

TEST(TermFilterTest, PartitionsMatchElasticsearch) {
  // The partitions Elasticsearch's terms.yml expects for these terms.
  EXPECT_EQ(string_partition("abc", 2), 1);
  EXPECT_EQ(string_partition("bcd", 2), 0);
  EXPECT_EQ(string_partition("1234", 2), 1);
  EXPECT_EQ(string_partition("5678", 2), 0);
  TermFilter p0 = parse(R"({"partition":0,"num_partitions":2})");
  EXPECT_TRUE(p0.accepts("bcd"));
  EXPECT_FALSE(p0.accepts("abc"));
}

TEST(TermFilterTest, BadPartitionsAreRefused) {
  for (const char* bad : {R"({"partition":2,"num_partitions":2})", R"({"partition":0})", R"({"partition":0,"num_partitions":0})"}) {
    json::Document d;
    ASSERT_TRUE(json::parse(bad, d).ok());
    TermFilter f;
    EXPECT_EQ(parse_filter_part(d, true, "terms", &f).code(), Code::kParsing) << bad;
  }
}

TEST(TermFilterTest, RegexAndListsCombine) {
  TermFilter f = parse(R"("t[0-3]")", R"(["t1"])");
  EXPECT_TRUE(f.has_regex());
  EXPECT_TRUE(f.accepts("t0"));
  EXPECT_FALSE(f.accepts("t1"));
  EXPECT_FALSE(f.accepts("t4"));
  EXPECT_FALSE(f.accepts("xt0"));  // the whole term must match
}

TEST(TermFilterTest, ListsMatchNumericKeysByValue) {
  index::FieldMapping date;
  date.path = "d";
  date.type = index::FieldType::kDate;
  TermFilter f = parse(R"(["2016-05-03"])").for_field(&date);
  EXPECT_TRUE(f.accepts("2016-05-03T00:00:00.000Z", 1462233600000.0));
  EXPECT_FALSE(f.accepts("2014-09-01T00:00:00.000Z", 1409529600000.0));
  index::FieldMapping dbl;
  dbl.path = "x";
  dbl.type = index::FieldType::kDouble;
  TermFilter g = parse(nullptr, R"(["1.50", 2])").for_field(&dbl);
  EXPECT_FALSE(g.accepts("1.5", 1.5));
  EXPECT_FALSE(g.accepts("2", 2.0));
  EXPECT_TRUE(g.accepts("3", 3.0));
}

}  // namespace
}  // namespace quarry::query::aggs
