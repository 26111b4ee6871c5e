// Tests of index/range_value.h: the inclusive bounds a range value is indexed as (gt / lt
// conversions, open bounds, CIDR, date formats), the order-preserving encoding, and the document
// mapper writing every range of a document into the field's slot.
#include "index/range_value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "index/document_mapper.h"
#include "index/field_value.h"

namespace quarry::index {
namespace {

json::Document parse_json(std::string_view text) {
  json::Document d;
  EXPECT_TRUE(json::parse(text, d).ok()) << text;
  return d;
}

FieldMapping range_field(FieldType of, const std::string& format = "") {
  FieldMapping f;
  f.path = "r";
  f.type = FieldType::kRange;
  f.range_of = of;
  if (!format.empty()) {
    f.format = format;
    f.date_format = std::make_shared<const DateFormat>(DateFormat::compile(format).value());
  }
  return f;
}

std::optional<std::pair<double, double>> numbers(const FieldMapping& f, std::string_view json) {
  auto r = parse_range_value(f, parse_json(json));
  if (!r) return std::nullopt;
  return std::make_pair(range_bound_number(f.range_of, r->lo),
                        range_bound_number(f.range_of, r->hi));
}

TEST(RangeValueTest, IntegerBoundsBecomeInclusiveAndOpenBoundsTheTypeLimits) {
  auto f = range_field(FieldType::kInteger);
  EXPECT_EQ(numbers(f, R"({"gt":1,"lt":10})"), std::make_pair(2.0, 9.0));
  EXPECT_EQ(numbers(f, R"({"gte":1,"lte":10})"), std::make_pair(1.0, 10.0));
  EXPECT_EQ(numbers(f, R"({"from":-3,"to":null})"), std::make_pair(-3.0, 2147483647.0));
  EXPECT_EQ(numbers(f, R"({})"), std::make_pair(-2147483648.0, 2147483647.0));
  auto l = range_field(FieldType::kLong);
  auto r = parse_range_value(l, parse_json(R"({"lte":5})"));
  ASSERT_TRUE(r);
  EXPECT_EQ(range_bound_long(r->lo), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(range_bound_long(r->hi), 5);
  // Malformed: lower above upper as written, unknown key, wrong type, a scalar.
  EXPECT_FALSE(numbers(f, R"({"gte":9,"lte":5})"));
  EXPECT_FALSE(numbers(f, R"({"above":1})"));
  EXPECT_FALSE(numbers(f, R"({"gte":"x"})"));
  EXPECT_FALSE(numbers(f, "7"));
  EXPECT_FALSE(numbers(f, R"({"gte":3000000000})"));  // beyond an integer
}

TEST(RangeValueTest, FloatingBoundsStepToTheNextValueOfTheirPrecision) {
  auto d = range_field(FieldType::kDouble);
  auto r = numbers(d, R"({"gt":0.5,"lt":2})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first, std::nextafter(0.5, 1.0));
  EXPECT_EQ(r->second, std::nextafter(2.0, 0.0));
  EXPECT_EQ(numbers(d, R"({"gte":1})")->second, std::numeric_limits<double>::infinity());
  auto f = range_field(FieldType::kFloat);
  r = numbers(f, R"({"gt":0.5})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first, static_cast<double>(std::nextafter(0.5f, 1.0f)));
  EXPECT_EQ(r->second, std::numeric_limits<double>::infinity());
}

TEST(RangeValueTest, DatesUseTheFieldFormatAndStepByAMillisecond) {
  auto f = range_field(FieldType::kDate, "yyyy-MM-dd");
  auto r = numbers(f, R"({"gte":"2016-01-01","lt":"2016-01-02"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first, 1451606400000.0);
  EXPECT_EQ(r->second, 1451692800000.0 - 1);
  EXPECT_FALSE(numbers(f, R"({"gte":"2016-01-01T00:00:00Z"})"));  // not the field's format
  auto dflt = range_field(FieldType::kDate);
  EXPECT_EQ(numbers(dflt, R"({"gt":"2016-01-01T00:00:00Z"})"),
            std::make_pair(1451606400001.0, 9223372036854775807.0));
}

TEST(RangeValueTest, IpRangesTakeCidrAndStepToTheNextAddress) {
  auto f = range_field(FieldType::kIp);
  auto r = parse_range_value(f, parse_json(R"("10.0.0.0/8")"));
  ASSERT_TRUE(r);
  EXPECT_EQ(ip_text(r->lo), "10.0.0.0");
  EXPECT_EQ(ip_text(r->hi), "10.255.255.255");
  r = parse_range_value(f, parse_json(R"({"gt":"192.168.0.255","lt":"192.168.2.0"})"));
  ASSERT_TRUE(r);
  EXPECT_EQ(ip_text(r->lo), "192.168.1.0");
  EXPECT_EQ(ip_text(r->hi), "192.168.1.255");
  r = parse_range_value(f, parse_json(R"({"lte":"::1"})"));
  ASSERT_TRUE(r);
  EXPECT_EQ(ip_text(r->lo), "::");
}

TEST(RangeValueTest, EncodedBoundsCompareAsTheirValues) {
  std::vector<int64_t> longs = {std::numeric_limits<int64_t>::min(), -5, -1, 0, 1, 7,
                                std::numeric_limits<int64_t>::max()};
  for (size_t i = 1; i < longs.size(); ++i) {
    EXPECT_LT(encode_long_bound(longs[i - 1]), encode_long_bound(longs[i])) << longs[i];
    EXPECT_EQ(range_bound_long(encode_long_bound(longs[i])), longs[i]);
  }
  double inf = std::numeric_limits<double>::infinity();
  std::vector<double> doubles = {-inf, -1e300, -2.5, -1e-300, 0.0, 1e-300, 2.5, 1e300, inf};
  for (size_t i = 1; i < doubles.size(); ++i) {
    EXPECT_LT(encode_double_bound(doubles[i - 1]), encode_double_bound(doubles[i])) << doubles[i];
    EXPECT_EQ(range_bound_number(FieldType::kDouble, encode_double_bound(doubles[i])), doubles[i]);
  }
  EXPECT_EQ(encode_double_bound(-0.0), encode_double_bound(0.0));
}

TEST(RangeValueTest, TheMapperWritesEveryRangeOfADocumentIntoTheSlot) {
  auto m = Mapping::from_es_json(parse_json(R"({"properties":{"r":{"type":"long_range"}}})"));
  ASSERT_TRUE(m.ok()) << m.status().message();
  const FieldMapping* f = m->find("r");
  ASSERT_NE(f, nullptr);
  ASSERT_GE(f->slot, 0);
  Xapian::Document doc;
  ASSERT_TRUE(
      DocumentMapper::index(*m, parse_json(R"({"r":[{"gte":1,"lte":3},{"gt":10}]})"), doc).ok());
  std::string slot = doc.get_value(static_cast<Xapian::valueno>(f->slot));
  std::vector<std::pair<int64_t, int64_t>> got;
  EXPECT_TRUE(for_each_range(FieldType::kLong, slot, [&](std::string_view lo, std::string_view hi) {
    got.emplace_back(range_bound_long(lo), range_bound_long(hi));
  }));
  std::vector<std::pair<int64_t, int64_t>> want = {{1, 3},
                                                   {11, std::numeric_limits<int64_t>::max()}};
  EXPECT_EQ(got, want);
  EXPECT_TRUE(doc.termlist_begin() != doc.termlist_end());  // the exists term
}

}  // namespace
}  // namespace quarry::index
