// Sort-key encoding: bytewise order of encoded keys is the requested order for every type,
// direction and missing policy; parsing of the sort clause; search_after keys.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>

#include "query/sort.h"

using namespace quarry;
using namespace quarry::query;

namespace {

SortKey field_key(index::FieldType type, bool desc, SortSpec::Missing missing = SortSpec::Missing::kLast) {
  SortKey k;
  k.spec.kind = SortSpec::Kind::kField;
  k.spec.field = "f";
  k.spec.descending = desc;
  k.spec.missing = missing;
  k.type = type;
  k.slot = 10;
  return k;
}

std::string num(double d) { return Xapian::sortable_serialise(d); }

// Encodes each raw value with `key` alone and returns the values in encoded-key order.
std::vector<std::string> order(const SortKey& key, std::vector<std::string> raw) {
  std::vector<SortKey> keys{key};
  std::sort(raw.begin(), raw.end(), [&](const std::string& a, const std::string& b) {
    return encode_sort_key(keys, {a}, 0, 1) < encode_sort_key(keys, {b}, 0, 1);
  });
  return raw;
}

}  // namespace

TEST(SortKeyTest, NumbersAscendingAndDescendingWithMissingLast) {
  std::vector<std::string> in = {num(3), "", num(-1.5), num(100), num(0)};
  EXPECT_EQ(order(field_key(index::FieldType::kDouble, false), in),
            (std::vector<std::string>{num(-1.5), num(0), num(3), num(100), ""}));
  // _last stays last when descending (it is not just the reverse).
  EXPECT_EQ(order(field_key(index::FieldType::kDouble, true), in),
            (std::vector<std::string>{num(100), num(3), num(0), num(-1.5), ""}));
  EXPECT_EQ(order(field_key(index::FieldType::kDouble, true, SortSpec::Missing::kFirst), in),
            (std::vector<std::string>{"", num(100), num(3), num(0), num(-1.5)}));
}

TEST(SortKeyTest, KeywordsArePrefixSafeInBothDirections) {
  std::vector<std::string> in = {"ab", "a", std::string("a\0", 2), "b", "", "abc"};
  EXPECT_EQ(order(field_key(index::FieldType::kKeyword, false, SortSpec::Missing::kFirst), in),
            (std::vector<std::string>{"", "a", std::string("a\0", 2), "ab", "abc", "b"}));
  EXPECT_EQ(order(field_key(index::FieldType::kKeyword, true), in),
            (std::vector<std::string>{"b", "abc", "ab", std::string("a\0", 2), "a", ""}));
}

TEST(SortKeyTest, MissingValueReplacement) {
  SortKey k = field_key(index::FieldType::kLong, false, SortSpec::Missing::kValue);
  k.missing_raw = num(5);
  EXPECT_EQ(order(k, {num(9), "", num(1)}), (std::vector<std::string>{num(1), "", num(9)}));
  SortValue v = sort_value(k, "", 0, 1);
  EXPECT_EQ(v.type, SortValue::Type::kLong);
  EXPECT_EQ(v.l, 5);
}

TEST(SortKeyTest, SeveralKeysScoreAndDoc) {
  SortKey a = field_key(index::FieldType::kKeyword, false);
  SortKey score;
  score.spec.kind = SortSpec::Kind::kScore;
  score.spec.descending = true;
  SortKey doc;
  doc.spec.kind = SortSpec::Kind::kDoc;
  doc.spec.descending = false;
  std::vector<SortKey> keys{a, score, doc};
  // Same keyword: higher score first; same score: lower docid first.
  EXPECT_LT(encode_sort_key(keys, {"x", "", ""}, 2.0, 7), encode_sort_key(keys, {"x", "", ""}, 1.0, 1));
  EXPECT_LT(encode_sort_key(keys, {"x", "", ""}, 1.0, 1), encode_sort_key(keys, {"x", "", ""}, 1.0, 2));
  EXPECT_LT(encode_sort_key(keys, {"a", "", ""}, 0.0, 9), encode_sort_key(keys, {"x", "", ""}, 9.0, 1));
  EXPECT_LT(encode_sort_key(keys, {"x", "", ""}, 0.0, 9), encode_sort_key(keys, {"", "", ""}, 9.0, 1));
}

TEST(SortValueTest, TypesAndMissingExtremes) {
  SortValue v = sort_value(field_key(index::FieldType::kLong, false), num(42), 0, 1);
  EXPECT_EQ(v.type, SortValue::Type::kLong);
  EXPECT_EQ(v.l, 42);
  v = sort_value(field_key(index::FieldType::kLong, false), "", 0, 1);
  EXPECT_EQ(v.l, std::numeric_limits<int64_t>::max());
  v = sort_value(field_key(index::FieldType::kLong, true), "", 0, 1);
  EXPECT_EQ(v.l, std::numeric_limits<int64_t>::min());
  v = sort_value(field_key(index::FieldType::kKeyword, true), "", 0, 1);
  EXPECT_EQ(v.type, SortValue::Type::kNull);
  v = sort_value(field_key(index::FieldType::kBoolean, false), "1", 0, 1);
  EXPECT_EQ(v.l, 1);
  SortKey date = field_key(index::FieldType::kDate, false);
  v = sort_value(date, num(1571646604828.0), 0, 1);
  EXPECT_EQ(v.l, 1571646604828);
  date.spec.format = "strict_date_optional_time";
  v = sort_value(date, num(0), 0, 1);
  EXPECT_EQ(v.s, "1970-01-01T00:00:00.000Z");
}

TEST(SortParseTest, Forms) {
  json::Document d;
  ASSERT_TRUE(json::parse(R"(["_score",{"a":"desc"},{"b":{"order":"asc","missing":"_first","mode":"max"}},"c","_doc"])", d).ok());
  std::vector<SortSpec> specs;
  ASSERT_TRUE(parse_sort(d, &specs).ok());
  ASSERT_EQ(specs.size(), 5u);
  EXPECT_EQ(specs[0].kind, SortSpec::Kind::kScore);
  EXPECT_TRUE(specs[0].descending);
  EXPECT_EQ(specs[1].field, "a");
  EXPECT_TRUE(specs[1].descending);
  EXPECT_EQ(specs[2].missing, SortSpec::Missing::kFirst);
  EXPECT_EQ(specs[2].mode, "max");
  EXPECT_FALSE(specs[3].descending);
  EXPECT_EQ(specs[4].kind, SortSpec::Kind::kDoc);
  ASSERT_TRUE(json::parse(R"({"a":{"bogus":1}})", d).ok());
  EXPECT_FALSE(parse_sort(d, &specs).ok());
  ASSERT_TRUE(parse_sort_param("n:desc,id", &specs).ok());
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_TRUE(specs[0].descending);
  EXPECT_FALSE(specs[1].descending);
}

TEST(SearchAfterTest, KeysCompareStrictlyAfter) {
  std::vector<SortKey> keys{field_key(index::FieldType::kLong, true), field_key(index::FieldType::kKeyword, false)};
  json::Document d;
  ASSERT_TRUE(json::parse(R"([24, "172"])", d).ok());
  auto after = search_after_key(keys, d);
  ASSERT_TRUE(after.ok());
  EXPECT_GT(encode_sort_key(keys, {num(18), "42"}, 0, 1), *after);
  EXPECT_GT(encode_sort_key(keys, {num(24), "2"}, 0, 1), *after);
  EXPECT_EQ(encode_sort_key(keys, {num(24), "172"}, 0, 1), *after);
  EXPECT_LT(encode_sort_key(keys, {num(25), "0"}, 0, 1), *after);
  ASSERT_TRUE(json::parse(R"([24])", d).ok());
  EXPECT_FALSE(search_after_key(keys, d).ok());
}
