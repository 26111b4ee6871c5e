// Partial shard failures: a search over several indices where the request fails on the shards of
// some indices only (a terms `value_type` that does not fit one index's mapping, a query that
// cannot be built against one mapping) answers 200 with the other shards' results and
// `_shards.failed` / `_shards.failures`; when every shard fails, or the search targets one index,
// the answer is the error.
#include <gtest/gtest.h>

#include "harness.h"

using namespace qtest;

namespace {

class PartialFailuresTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new Quarryd();
    started_ = server_->start();
    if (!started_) return;
    auto& h = server_->http();
    // kw: "ip" is a keyword (1 shard); ipx: "ip" is an ip (2 shards); kw_empty: keyword, no docs.
    auto a = h.put("/kw", R"({"settings":{"number_of_shards":1},
        "mappings":{"properties":{"ip":{"type":"keyword"},"d":{"type":"keyword"}}}})");
    auto b = h.put("/ipx", R"({"settings":{"number_of_shards":2},
        "mappings":{"properties":{"ip":{"type":"ip"},"d":{"type":"date"}}}})");
    auto c = h.put("/kw_empty", R"({"settings":{"number_of_shards":1},"mappings":{"properties":{"ip":{"type":"keyword"}}}})");
    setup_ok_ = a.status == 200 && b.status == 200 && c.status == 200;
    Ndjson n;
    n.index("kw", "k1", R"({"ip":"192.168.7.1","d":"x"})");
    n.index("kw", "k2", R"({"ip":"192.168.7.2","d":"y"})");
    n.index("ipx", "i1", R"({"ip":"127.0.0.1","d":"2024-01-01"})");
    n.index("ipx", "i2", R"({"ip":"192.168.0.1","d":"2024-01-02"})");
    n.index("ipx", "i3", R"({"ip":"192.168.0.2","d":"2024-01-03"})");
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
  HttpClient& http() { return server_->http(); }

  static constexpr const char* kIpTerms = R"({"size":0,"aggs":{"t":{"terms":{"field":"ip","value_type":"ip"}}}})";

  static Quarryd* server_;
  static bool started_;
  static bool setup_ok_;
  static std::string setup_error_;
};

Quarryd* PartialFailuresTest::server_ = nullptr;
bool PartialFailuresTest::started_ = false;
bool PartialFailuresTest::setup_ok_ = false;
std::string PartialFailuresTest::setup_error_;

TEST_F(PartialFailuresTest, ValueTypeMismatchFailsOnlyThatIndexsShards) {
  auto r = http().post("/kw,ipx/_search", kIpTerms);
  ASSERT_EQ(r.status, 200) << describe(r);
  auto j = r.json();
  EXPECT_EQ(jint(j, "_shards.total"), 3);
  EXPECT_EQ(jint(j, "_shards.successful"), 2);
  EXPECT_EQ(jint(j, "_shards.failed"), 1);
  ASSERT_TRUE(jhas(j, "_shards.failures.0")) << r.body;
  EXPECT_FALSE(jhas(j, "_shards.failures.1")) << r.body;
  EXPECT_EQ(jint(j, "_shards.failures.0.shard"), 0);
  EXPECT_EQ(jstr(j, "_shards.failures.0.index"), "kw");
  EXPECT_NE(jstr(j, "_shards.failures.0.node"), "<absent>");
  EXPECT_EQ(jstr(j, "_shards.failures.0.reason.type"), "illegal_argument_exception");
  EXPECT_EQ(jstr(j, "_shards.failures.0.reason.reason"), "Field type [keyword] is incompatible with specified value_type [ip]");
  // The ip index's documents only, in key order.
  EXPECT_EQ(jint(j, "hits.total.value"), 3);
  EXPECT_EQ(jstr(j, "aggregations.t.buckets.0.key"), "127.0.0.1");
  EXPECT_EQ(jstr(j, "aggregations.t.buckets.1.key"), "192.168.0.1");
  EXPECT_EQ(jstr(j, "aggregations.t.buckets.2.key"), "192.168.0.2");
  EXPECT_FALSE(jhas(j, "aggregations.t.buckets.3"));
}

TEST_F(PartialFailuresTest, ShardWithNoDocumentsFailsToo) {
  auto r = http().post("/kw_empty,ipx/_search", kIpTerms);
  ASSERT_EQ(r.status, 200) << describe(r);
  auto j = r.json();
  EXPECT_EQ(jint(j, "_shards.failed"), 1);
  EXPECT_EQ(jstr(j, "_shards.failures.0.index"), "kw_empty");
  EXPECT_EQ(jstr(j, "aggregations.t.buckets.0.key"), "127.0.0.1");
}

TEST_F(PartialFailuresTest, NoFailuresMemberWhenEveryShardSucceeds) {
  auto r = http().post("/kw,ipx/_search", R"({"size":0,"aggs":{"t":{"terms":{"field":"ip"}}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto j = r.json();
  EXPECT_EQ(jint(j, "_shards.failed"), 0);
  EXPECT_FALSE(jhas(j, "_shards.failures")) << r.body;
}

TEST_F(PartialFailuresTest, EveryShardFailingAnswersTheError) {
  auto r = http().post("/kw,kw_empty/_search", kIpTerms);
  EXPECT_TRUE(is_es_error(r, 400, "illegal_argument_exception")) << describe(r);
  EXPECT_NE(r.body.find("is incompatible with specified value_type [ip]"), std::string::npos) << r.body;
}

TEST_F(PartialFailuresTest, SingleIndexErrorStaysAnError) {
  auto r = http().post("/kw/_search", kIpTerms);
  EXPECT_TRUE(is_es_error(r, 400, "illegal_argument_exception")) << describe(r);
}

TEST_F(PartialFailuresTest, QueryThatCannotBeBuiltOnOneMappingFailsThoseShards) {
  // "d" is a keyword in kw and a date in ipx: "not-a-date" cannot be a date term.
  auto r = http().post("/kw,ipx/_search", R"({"query":{"term":{"d":"not-a-date"}}})");
  auto direct = http().post("/ipx/_search", R"({"query":{"term":{"d":"not-a-date"}}})");
  ASSERT_GE(direct.status, 400) << describe(direct);  // the premise: ipx alone refuses the query
  ASSERT_EQ(r.status, 200) << describe(r);
  auto j = r.json();
  EXPECT_EQ(jint(j, "_shards.total"), 3);
  EXPECT_EQ(jint(j, "_shards.failed"), 2);
  // Two shards of one index with the same reason are listed once.
  EXPECT_EQ(jstr(j, "_shards.failures.0.index"), "ipx");
  EXPECT_FALSE(jhas(j, "_shards.failures.1")) << r.body;
  EXPECT_EQ(jint(j, "hits.total.value"), 0);
}

TEST_F(PartialFailuresTest, CountReportsFailuresToo) {
  auto r = http().post("/kw,ipx/_count", R"({"query":{"term":{"d":"not-a-date"}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto j = r.json();
  EXPECT_EQ(jint(j, "_shards.failed"), 2);
  EXPECT_EQ(jstr(j, "_shards.failures.0.index"), "ipx");
}

}  // namespace
