// merge_partial_document: the update API's partial-document merge.
#include "ingest/update_merge.h"

#include <gtest/gtest.h>

#include <string>

namespace quarry::ingest {
namespace {

struct Merged {
  std::string json;
  bool changed;
};

Merged merge(const std::string& target, const std::string& changes) {
  json::Document t, c;
  EXPECT_TRUE(json::parse(target, t).ok()) << target;
  EXPECT_TRUE(json::parse(changes, c).ok()) << changes;
  bool changed = merge_partial_document(t, c, t.GetAllocator());
  return {json::to_string(t), changed};
}

// Compares JSON texts as values (member order independent).
void expect_json_eq(const std::string& actual, const std::string& expected) {
  json::Document a, e;
  ASSERT_TRUE(json::parse(actual, a).ok());
  ASSERT_TRUE(json::parse(expected, e).ok());
  EXPECT_TRUE(a == e) << "actual:   " << actual << "\nexpected: " << expected;
}

TEST(UpdateMergeTest, AddsNewFields) {
  auto m = merge(R"({"a":1})", R"({"b":"x"})");
  EXPECT_TRUE(m.changed);
  expect_json_eq(m.json, R"({"a":1,"b":"x"})");
}

TEST(UpdateMergeTest, ObjectsMergeRecursively) {
  auto m = merge(R"({"user":{"name":"ann","address":{"city":"Oslo","zip":"0150"}},"n":1})",
                 R"({"user":{"address":{"city":"Bergen"},"age":30}})");
  EXPECT_TRUE(m.changed);
  expect_json_eq(m.json,
                 R"({"user":{"name":"ann","address":{"city":"Bergen","zip":"0150"},"age":30},"n":1})");
}

TEST(UpdateMergeTest, ArraysAreReplacedNotMerged) {
  auto m = merge(R"({"tags":["a","b","c"],"objs":[{"x":1},{"y":2}]})", R"({"tags":["z"],"objs":[{"x":9}]})");
  EXPECT_TRUE(m.changed);
  expect_json_eq(m.json, R"({"tags":["z"],"objs":[{"x":9}]})");
}

TEST(UpdateMergeTest, ScalarsAreReplaced) {
  auto m = merge(R"({"a":1,"b":"s","c":true,"d":null,"e":1.5})",
                 R"({"a":"now a string","b":2,"c":false,"d":0,"e":null})");
  EXPECT_TRUE(m.changed);
  expect_json_eq(m.json, R"({"a":"now a string","b":2,"c":false,"d":0,"e":null})");
}

TEST(UpdateMergeTest, ObjectReplacesScalarAndViceVersa) {
  auto m1 = merge(R"({"a":1})", R"({"a":{"b":2}})");
  EXPECT_TRUE(m1.changed);
  expect_json_eq(m1.json, R"({"a":{"b":2}})");
  auto m2 = merge(R"({"a":{"b":2}})", R"({"a":[1]})");
  EXPECT_TRUE(m2.changed);
  expect_json_eq(m2.json, R"({"a":[1]})");
  auto m3 = merge(R"({"a":{"b":2}})", R"({"a":"flat"})");
  EXPECT_TRUE(m3.changed);
  expect_json_eq(m3.json, R"({"a":"flat"})");
}

TEST(UpdateMergeTest, IdenticalChangesAreANoop) {
  const std::string doc = R"({"a":1,"o":{"x":[1,2],"y":{"z":"q"}},"s":"t"})";
  for (const char* changes : {R"({})", R"({"a":1})", R"({"o":{"y":{"z":"q"}}})",
                              R"({"o":{"x":[1,2]},"s":"t"})", R"({"o":{}})"}) {
    auto m = merge(doc, changes);
    EXPECT_FALSE(m.changed) << changes;
    expect_json_eq(m.json, doc);
  }
}

TEST(UpdateMergeTest, DeepChangeIsDetected) {
  auto m = merge(R"({"o":{"y":{"z":"q"}}})", R"({"o":{"y":{"z":"r"}}})");
  EXPECT_TRUE(m.changed);
  expect_json_eq(m.json, R"({"o":{"y":{"z":"r"}}})");
  // An array that differs only in order is a change.
  auto m2 = merge(R"({"x":[1,2]})", R"({"x":[2,1]})");
  EXPECT_TRUE(m2.changed);
  // A new empty object is a change (the field did not exist).
  auto m3 = merge(R"({"x":1})", R"({"o":{}})");
  EXPECT_TRUE(m3.changed);
  expect_json_eq(m3.json, R"({"x":1,"o":{}})");
}

TEST(UpdateMergeTest, TypeChangeIsAChange) {
  // The number 1 and the string "1" are different values.
  auto m = merge(R"({"a":1})", R"({"a":"1"})");
  EXPECT_TRUE(m.changed);
  expect_json_eq(m.json, R"({"a":"1"})");
}

TEST(UpdateMergeTest, ChangesAreDeepCopied) {
  json::Document t, c;
  ASSERT_TRUE(json::parse(R"({"a":1})", t).ok());
  {
    json::Document changes;
    ASSERT_TRUE(json::parse(R"({"o":{"k":"a fairly long string value to force allocation"},"l":["x"]})", changes).ok());
    EXPECT_TRUE(merge_partial_document(t, changes, t.GetAllocator()));
  }  // `changes` and its allocator are gone: `t` must not point into them.
  expect_json_eq(json::to_string(t), R"({"a":1,"o":{"k":"a fairly long string value to force allocation"},"l":["x"]})");
}

}  // namespace
}  // namespace quarry::ingest
