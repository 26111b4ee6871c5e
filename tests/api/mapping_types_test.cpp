// Mapping types Quarry stores as another type: `nested` (indexed as a flattened object, with the
// nested query and aggregations refused by name) and `date_nanos` (a date at millisecond
// precision); the range types (validated, found by `exists` and by range / term queries), plus
// _bulk's handling of a trailing action without a source line.
#include <gtest/gtest.h>

#include <string>

#include "harness.h"

using namespace qtest;

namespace {

class MappingTypesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new Quarryd();
    started_ = server_->start();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(started_) << server_->last_error(); }
  HttpClient& http() { return server_->http(); }

  static Quarryd* server_;
  static bool started_;
};
Quarryd* MappingTypesTest::server_ = nullptr;
bool MappingTypesTest::started_ = false;

TEST_F(MappingTypesTest, RangeTypesValidateTheirValuesAndAreFoundByExists) {
  auto r = http().put("/spans", R"({"mappings":{"properties":{
      "when":{"type":"date_range","format":"yyyy-MM-dd"},"n":{"type":"integer_range"},
      "x":{"type":"double_range"},"net":{"type":"ip_range"},"plain":{"type":"keyword"}}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  r = http().get("/spans/_mapping");
  auto d = r.json();
  EXPECT_EQ(jstr(d, "spans.mappings.properties.when.type"), "date_range") << r.body;
  EXPECT_EQ(jstr(d, "spans.mappings.properties.when.format"), "yyyy-MM-dd") << r.body;
  EXPECT_EQ(jstr(d, "spans.mappings.properties.n.type"), "integer_range") << r.body;
  EXPECT_EQ(jstr(d, "spans.mappings.properties.net.type"), "ip_range") << r.body;

  r = http().bulk("/spans/_bulk?refresh=true",
                  "{\"index\":{\"_id\":\"1\"}}\n"
                  R"({"when":{"gte":"2016-01-01","lt":"2016-02-01"},"n":{"gte":1,"lte":5},"x":{"gt":0.5,"lt":null},"net":"10.0.0.0/8"})" "\n"
                  "{\"index\":{\"_id\":\"2\"}}\n"
                  R"({"plain":"no ranges here","n":[{"gte":1},{"lte":3}],"net":{"gte":"192.168.0.1","lte":"192.168.0.9"}})" "\n");
  ASSERT_EQ(r.status, 200) << describe(r);
  ASSERT_FALSE(jbool(r.json(), "errors")) << r.body;
  r = http().post("/spans/_search", R"({"query":{"exists":{"field":"when"}}})");
  EXPECT_EQ(jint(r.json(), "hits.total.value"), 1) << r.body;
  r = http().post("/spans/_search", R"({"query":{"exists":{"field":"n"}}})");
  EXPECT_EQ(jint(r.json(), "hits.total.value"), 2) << r.body;

  // Bad values: lower bound above the upper one, an unknown key, a bound of the wrong type, a
  // scalar where an object belongs, a malformed CIDR.
  for (const char* bad : {R"({"n":{"gte":9,"lte":5}})", R"({"n":{"above":1}})", R"({"when":{"gte":"January"}})",
                          R"({"n":7})", R"({"net":"10.0.0.0/33"})"}) {
    r = http().put("/spans/_doc/bad", bad);
    EXPECT_EQ(r.status, 400) << bad << " " << describe(r);
    EXPECT_EQ(jstr(r.json(), "error.type"), "document_parsing_exception") << bad << " " << r.body;
  }
  // Range and term queries see every range of a document (range_fields_test.cpp has the rest):
  // 1 holds [1, 5], 2 holds [1, max] and [min, 3].
  r = http().post("/spans/_search", R"({"query":{"range":{"n":{"gte":6}}}})");
  EXPECT_EQ(jint(r.json(), "hits.total.value"), 1) << r.body;
  r = http().post("/spans/_search", R"({"query":{"term":{"n":2}}})");
  EXPECT_EQ(jint(r.json(), "hits.total.value"), 2) << r.body;
  // `format` belongs to date_range only; the six range types are the only *_range names.
  r = http().put("/spans2", R"({"mappings":{"properties":{"n":{"type":"long_range","format":"yyyy"}}}})");
  EXPECT_EQ(r.status, 400) << describe(r);
  r = http().put("/spans2", R"({"mappings":{"properties":{"n":{"type":"range"}}}})");
  EXPECT_EQ(r.status, 400) << describe(r);
  EXPECT_EQ(jstr(r.json(), "error.type"), "mapper_parsing_exception") << r.body;
}

TEST_F(MappingTypesTest, NestedIsIndexedAsAFlattenedObject) {
  auto r = http().put("/books", R"({"mappings":{"properties":{
      "authors":{"type":"nested","properties":{"first":{"type":"keyword"},"last":{"type":"keyword"}}}}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  r = http().get("/books/_mapping");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto d = r.json();
  EXPECT_EQ(jstr(d, "books.mappings.properties.authors.type"), "nested") << r.body;
  EXPECT_EQ(jstr(d, "books.mappings.properties.authors.properties.first.type"), "keyword") << r.body;

  r = http().bulk("/books/_bulk?refresh=true",
                  "{\"index\":{\"_id\":\"1\"}}\n"
                  R"({"authors":[{"first":"John","last":"Smith"},{"first":"Alice","last":"White"}]})" "\n");
  ASSERT_EQ(r.status, 200) << describe(r);
  ASSERT_FALSE(jbool(r.json(), "errors")) << r.body;

  // Flattened: "John" and "White" come from different objects, yet the document matches (in
  // Elasticsearch only a nested query would keep the objects apart).
  r = http().post("/books/_search", R"({"query":{"bool":{"filter":[
      {"term":{"authors.first":"John"}},{"term":{"authors.last":"White"}}]}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jint(r.json(), "hits.total.value"), 1) << r.body;

  r = http().post("/books/_search", R"({"query":{"nested":{"path":"authors","query":{"match_all":{}}}}})");
  EXPECT_EQ(r.status, 400) << describe(r);
  EXPECT_EQ(jstr(r.json(), "error.type"), "parsing_exception") << r.body;
  EXPECT_NE(r.body.find("[nested] query is not supported"), std::string::npos) << r.body;

  r = http().post("/books/_search", R"({"size":0,"aggs":{"a":{"nested":{"path":"authors"}}}})");
  EXPECT_EQ(r.status, 400) << describe(r);
  EXPECT_NE(r.body.find("[nested] aggregation is not supported"), std::string::npos) << r.body;

  r = http().post("/books/_search", R"({"size":0,"aggs":{"a":{"reverse_nested":{}}}})");
  EXPECT_EQ(r.status, 400) << describe(r);
  EXPECT_NE(r.body.find("[reverse_nested] aggregation is not supported"), std::string::npos) << r.body;

  // nested and object do not convert into each other.
  r = http().put("/books/_mapping", R"({"properties":{"authors":{"type":"object"}}})");
  EXPECT_EQ(r.status, 400) << describe(r);
}

TEST_F(MappingTypesTest, DateNanosKeepsItsNameAndMillisecondPrecision) {
  auto r = http().put("/events", R"({"mappings":{"properties":{"at":{"type":"date_nanos"}}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  r = http().get("/events/_mapping");
  EXPECT_EQ(jstr(r.json(), "events.mappings.properties.at.type"), "date_nanos") << r.body;

  // The trailing action without a source line is dropped, as Elasticsearch does.
  r = http().bulk("/events/_bulk?refresh=true",
                  "{\"index\":{\"_id\":\"1\"}}\n{\"at\":\"2015-01-01T12:10:30.123456789Z\"}\n"
                  "{\"index\":{\"_id\":\"2\"}}\n{\"at\":1420070400000}\n"
                  "{\"index\":{}}\n");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto d = r.json();
  EXPECT_FALSE(jbool(d, "errors")) << r.body;
  const auto* items = jpath(d, "items");
  ASSERT_TRUE(items && items->IsArray());
  EXPECT_EQ(items->Size(), 2u) << r.body;

  r = http().post("/events/_search", R"({"query":{"range":{"at":{"gte":"2015-01-01T12:10:30.123Z"}}},
      "sort":[{"at":"desc"}]})");
  ASSERT_EQ(r.status, 200) << describe(r);
  d = r.json();
  EXPECT_EQ(jint(d, "hits.total.value"), 1) << r.body;
  // Sort values of date_nanos are epoch nanoseconds (at millisecond precision here).
  EXPECT_EQ(jint(d, "hits.hits.0.sort.0"), 1420114230123000000) << r.body;
  // _source keeps all nine digits.
  EXPECT_EQ(jstr(d, "hits.hits.0._source.at"), "2015-01-01T12:10:30.123456789Z") << r.body;
}

}  // namespace
