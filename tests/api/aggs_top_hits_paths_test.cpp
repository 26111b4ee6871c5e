// buckets_path into a size-1 top_hits ("HAVING" over the first hit of each bucket):
// top[_source.salary], top[_sort], top[_score], and the errors for size > 1, a hit without the
// field and a path naming no aggregation.
#include <gtest/gtest.h>

#include "harness.h"

using namespace qtest;

namespace {

class TopHitsPathsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new Quarryd();
    started_ = server_->start();
    if (!started_) return;
    auto& h = server_->http();
    auto a = h.put("/emp", R"({"settings":{"number_of_shards":2},
        "mappings":{"properties":{"gender":{"type":"integer"},"salary":{"type":"long"}}}})");
    setup_ok_ = a.status == 200;
    Ndjson n;
    int id = 0;
    for (int s : {1000, 2000, 4000}) n.index("emp", std::to_string(++id), R"({"gender":1,"salary":)" + std::to_string(s) + "}");
    for (int s : {6000, 9000}) n.index("emp", std::to_string(++id), R"({"gender":2,"salary":)" + std::to_string(s) + "}");
    auto r = h.bulk("/_bulk?refresh=true", n.str());
    setup_ok_ = setup_ok_ && r.status == 200 && !jbool(r.json(), "errors", true);
    setup_error_ = describe(r);
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(started_) << server_->last_error();
    ASSERT_TRUE(setup_ok_) << setup_error_;
  }
  // Top salary per gender, kept when the selector's path value is below 8000.
  HttpResponse having(const std::string& path, int size = 1, const std::string& index = "emp") {
    return server_->http().post("/" + index + "/_search", R"({"size":0,"aggs":{"g":{"terms":{"field":"gender"},"aggs":{
        "top":{"top_hits":{"sort":{"salary":{"order":"desc"}},"size":)" + std::to_string(size) + R"(}},
        "having":{"bucket_selector":{"buckets_path":{"ts":")" + path + R"("},"script":"params.ts < 8000"}}}}}})");
  }

  static Quarryd* server_;
  static bool started_;
  static bool setup_ok_;
  static std::string setup_error_;
};

Quarryd* TopHitsPathsTest::server_ = nullptr;
bool TopHitsPathsTest::started_ = false;
bool TopHitsPathsTest::setup_ok_ = false;
std::string TopHitsPathsTest::setup_error_;

TEST_F(TopHitsPathsTest, SourceFieldOfTheTopHitSelectsBuckets) {
  auto r = having("top[_source.salary]");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto j = r.json();
  EXPECT_EQ(jint(j, "aggregations.g.buckets.0.key"), 1);
  EXPECT_EQ(jint(j, "aggregations.g.buckets.0.top.hits.hits.0._source.salary"), 4000);
  EXPECT_FALSE(jhas(j, "aggregations.g.buckets.1")) << r.body;
}

TEST_F(TopHitsPathsTest, SortValueOfTheTopHitSelectsBuckets) {
  auto r = having("top[_sort]");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto j = r.json();
  EXPECT_EQ(jint(j, "aggregations.g.buckets.0.key"), 1);
  EXPECT_FALSE(jhas(j, "aggregations.g.buckets.1")) << r.body;
}

TEST_F(TopHitsPathsTest, UnscoredHitsScoreIsNaNAndSelectsNothing) {
  auto r = having("top[_score]");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_FALSE(jhas(r.json(), "aggregations.g.buckets.0")) << r.body;
}

TEST_F(TopHitsPathsTest, SizeOtherThanOneIsRefused) {
  auto r = having("top[_source.salary]", 10);
  EXPECT_EQ(r.status, 400) << describe(r);
  EXPECT_NE(r.body.find("property paths for top_hits [top] require configuring it with size to 1"), std::string::npos) << r.body;
}

TEST_F(TopHitsPathsTest, MissingFieldIsRefused) {
  auto r = having("top[_source.nosuchfield]");
  EXPECT_EQ(r.status, 400) << describe(r);
  EXPECT_NE(r.body.find("path not supported for [top]: [_source.nosuchfield]"), std::string::npos) << r.body;
}

TEST_F(TopHitsPathsTest, PathNamingNoAggregationIsRefused) {
  auto r = having("nosuchagg[_source.salary]");
  EXPECT_TRUE(is_es_error(r, 400, "action_request_validation_exception")) << describe(r);
  EXPECT_NE(r.body.find("No aggregation found for path [nosuchagg[_source.salary]]"), std::string::npos) << r.body;
}

}  // namespace
