// GET|POST /{index}/_explain/{id} and explain=true in searches: the explanation's shape, that
// its values add up to the hit's _score (match, bool, function_score), BM25's factors with
// Elasticsearch's descriptions, q= / df, routing, _source, and the 404 shapes.
#include <gtest/gtest.h>

#include <cmath>

#include "harness.h"

using namespace qtest;

namespace {

class ExplainTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new Quarryd();
    started_ = server_->start();
    if (!started_) return;
    auto& h = server_->http();
    auto r = h.put("/ex", R"({"settings":{"number_of_shards":2,"number_of_replicas":0},
        "mappings":{"properties":{"review":{"type":"text"},"game":{"type":"keyword"},
        "votes":{"type":"long"},"recommended":{"type":"boolean"}}}})");
    setup_ok_ = r.status == 200;
    Ndjson b;
    b.index("ex", "1", R"({"review":"great game great story","game":"Portal","votes":10,"recommended":true})");
    b.index("ex", "2", R"({"review":"crashes on start, refund","game":"Portal","votes":0,"recommended":false})");
    b.index("ex", "3", R"({"review":"great fun with friends and a long story about nothing much","game":"Dota","votes":3,"recommended":true})");
    b.index("ex", "4", R"({"review":"the story is quick","game":"Fox","votes":250,"recommended":false})");
    b.line(R"({"index":{"_index":"ex","_id":"r1","routing":"user7"}})");
    b.line(R"({"review":"routed great review","game":"Portal","votes":1,"recommended":true})");
    r = h.bulk("/_bulk?refresh=true", b.str());
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

  // The _score of `id` for `query` in a search of the same shard (routing) as the explain.
  double search_score(const std::string& query, const std::string& id, const std::string& routing = "") {
    std::string target = "/ex/_search?size=100" + (routing.empty() ? "" : "&routing=" + routing);
    auto r = http().post(target, R"({"query":)" + query + "}");
    EXPECT_EQ(r.status, 200) << describe(r);
    auto j = r.json();
    const auto* hits = jpath(j, "hits.hits");
    if (!hits) return NAN;
    for (const auto& h : hits->GetArray()) {
      if (std::string(h["_id"].GetString()) == id) return h["_score"].GetDouble();
    }
    ADD_FAILURE() << id << " not found by " << query;
    return NAN;
  }

  static double value(const rapidjson::Value& e) { return e["value"].GetDouble(); }
  static double sum_details(const rapidjson::Value& e) {
    double s = 0;
    for (const auto& d : e["details"].GetArray()) s += value(d);
    return s;
  }

  static Quarryd* server_;
  static bool started_;
  static bool setup_ok_;
  static std::string setup_error_;
};

Quarryd* ExplainTest::server_ = nullptr;
bool ExplainTest::started_ = false;
bool ExplainTest::setup_ok_ = false;
std::string ExplainTest::setup_error_;

// Documents with the same routing as _id land on one shard: "1", "2", "3", "4" are routed by id.
TEST_F(ExplainTest, MatchQueryShowsBm25FactorsAndEqualsTheScore) {
  const std::string q = R"({"match":{"review":"story"}})";
  auto r = http().post("/ex/_explain/1", R"({"query":)" + q + "}");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto j = r.json();
  EXPECT_EQ(jstr(j, "_index"), "ex");
  EXPECT_EQ(jstr(j, "_id"), "1");
  EXPECT_TRUE(jbool(j, "matched"));
  const auto& e = *jpath(j, "explanation");
  EXPECT_NEAR(value(e), search_score(q, "1"), 1e-5);
  EXPECT_EQ(jstr(j, "explanation.description").rfind("weight(review:story in ", 0), 0u) << to_json(e);
  EXPECT_NE(jstr(j, "explanation.description").find(") [PerFieldSimilarity], result of:"), std::string::npos);
  EXPECT_EQ(jstr(j, "explanation.details.0.description"), "score(freq=1.0), computed as boost * idf * tf from:");
  const auto& score = *jpath(j, "explanation.details.0");
  EXPECT_EQ(jstr(score, "details.0.description"), "boost");
  EXPECT_NEAR(value(*jpath(score, "details.0")), 2.2, 1e-6);
  EXPECT_EQ(jstr(score, "details.1.description"), "idf, computed as log(1 + (N - n + 0.5) / (n + 0.5)) from:");
  EXPECT_EQ(jstr(score, "details.1.details.0.description"), "n, number of documents containing term");
  EXPECT_EQ(jstr(score, "details.1.details.1.description"), "N, total number of documents with field");
  EXPECT_EQ(jstr(score, "details.2.description"), "tf, computed as freq / (freq + k1 * (1 - b + b * dl / avgdl)) from:");
  EXPECT_EQ(jstr(score, "details.2.details.0.description"), "freq, occurrences of term within document");
  EXPECT_EQ(jstr(score, "details.2.details.3.description"), "dl, length of field");
  EXPECT_EQ(jstr(score, "details.2.details.4.description"), "avgdl, average length of field");
  // boost * idf * tf is the value, and idf follows from n and N.
  double n = value(*jpath(score, "details.1.details.0")), N = value(*jpath(score, "details.1.details.1"));
  EXPECT_NEAR(value(*jpath(score, "details.1")), std::log(1 + (N - n + 0.5) / (n + 0.5)), 1e-6);
  double product = value(*jpath(score, "details.0")) * value(*jpath(score, "details.1")) * value(*jpath(score, "details.2"));
  EXPECT_NEAR(product, value(e), 1e-5);
}

TEST_F(ExplainTest, MultiTermMatchSumsToTheScore) {
  const std::string q = R"({"match":{"review":{"query":"great story","boost":3}}})";
  auto r = http().post("/ex/_explain/1", R"({"query":)" + q + "}");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto j = r.json();
  const auto& e = *jpath(j, "explanation");
  EXPECT_EQ(jstr(j, "explanation.description"), "sum of:");
  ASSERT_EQ(e["details"].Size(), 2u) << to_json(e);
  EXPECT_NEAR(sum_details(e), value(e), 1e-5);
  EXPECT_NEAR(value(e), search_score(q, "1"), 1e-5);
  // "great" occurs twice in document 1; the query boost shows in the term's boost.
  EXPECT_EQ(jstr(e, "details.0.details.0.description"), "score(freq=2.0), computed as boost * idf * tf from:");
  EXPECT_NEAR(value(*jpath(e, "details.0.details.0.details.0")), 6.6, 1e-5);
}

TEST_F(ExplainTest, BoolClausesSumToTheScore) {
  const std::string q = R"({"bool":{"must":[{"match":{"review":"great"}}],"should":[{"match":{"review":"story"}},
      {"term":{"game":"Portal"}},{"match":{"review":"absent"}}],"filter":[{"term":{"recommended":true}}]}})";
  auto r = http().post("/ex/_explain/1", R"({"query":)" + q + "}");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto j = r.json();
  const auto& e = *jpath(j, "explanation");
  EXPECT_EQ(jstr(j, "explanation.description"), "sum of:");
  EXPECT_NEAR(value(e), search_score(q, "1"), 1e-5);
  EXPECT_NEAR(sum_details(e), value(e), 1e-5) << to_json(e);
  // must, two matching should clauses, the filter (0): the clause that does not match is absent.
  EXPECT_EQ(e["details"].Size(), 4u) << to_json(e);
  EXPECT_EQ(jstr(e, "details.3.description"), "match on required clause, product of:");
  EXPECT_EQ(value(e["details"][3]), 0.0);
  // The keyword term query is BM25 too (Elasticsearch scores keyword terms).
  EXPECT_EQ(jstr(e, "details.2.description").rfind("weight(game:Portal in ", 0), 0u) << to_json(e);
}

TEST_F(ExplainTest, FunctionScoreQueryAndFunctionsCombineToTheScore) {
  const std::string multiply = R"({"function_score":{"query":{"match":{"review":"story"}},
      "field_value_factor":{"field":"votes","modifier":"ln2p"},"boost_mode":"multiply"}})";
  auto r = http().post("/ex/_explain/4", R"({"query":)" + multiply + "}");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto j = r.json();
  const auto& e = *jpath(j, "explanation");
  EXPECT_EQ(jstr(j, "explanation.description"), "function score, product of:");
  EXPECT_NEAR(value(e), search_score(multiply, "4"), 1e-5);
  ASSERT_EQ(e["details"].Size(), 2u);
  EXPECT_NEAR(value(e["details"][1]), std::log(250 + 2.0), 1e-5) << to_json(e);
  EXPECT_NEAR(value(e["details"][0]) * value(e["details"][1]), value(e), 1e-4);
  EXPECT_NE(jstr(e, "details.1.details.0.description").find("ln2p(doc['votes'].value"), std::string::npos) << to_json(e);

  const std::string sum = R"({"function_score":{"query":{"match":{"review":"story"}},"functions":[
      {"filter":{"term":{"game":"Fox"}},"weight":4},{"field_value_factor":{"field":"votes","factor":0.01}}],
      "score_mode":"sum","boost_mode":"sum"}})";
  r = http().post("/ex/_explain/4", R"({"query":)" + sum + "}");
  ASSERT_EQ(r.status, 200) << describe(r);
  j = r.json();
  const auto& s = *jpath(j, "explanation");
  EXPECT_EQ(jstr(j, "explanation.description"), "function score, sum of:");
  EXPECT_NEAR(value(s), search_score(sum, "4"), 1e-5);
  EXPECT_NEAR(sum_details(s), value(s), 1e-5) << to_json(s);
  EXPECT_NEAR(value(s["details"][1]), 4 + 2.5, 1e-5);
  EXPECT_NEAR(sum_details(s["details"][1]), 6.5, 1e-5) << to_json(s);
}

TEST_F(ExplainTest, SearchExplainTrueGivesTheSameBreakdown) {
  auto r = http().post("/ex/_search", R"({"explain":true,"query":{"bool":{"should":[{"match":{"review":"great"}},
      {"match":{"review":"story"}}]}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto j = r.json();
  const auto* hits = jpath(j, "hits.hits");
  ASSERT_TRUE(hits && hits->Size() >= 3) << r.body;
  for (const auto& h : hits->GetArray()) {
    const auto& e = h["_explanation"];
    EXPECT_NEAR(value(e), h["_score"].GetDouble(), 1e-5) << to_json(h);
    EXPECT_NEAR(sum_details(e), h["_score"].GetDouble(), 1e-5) << to_json(h);
  }
}

TEST_F(ExplainTest, UriQueryWithDfAndNotMatching) {
  auto r = http().get("/ex/_explain/2?q=story&df=review");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto j = r.json();
  EXPECT_FALSE(jbool(j, "matched", true));
  EXPECT_EQ(jint(j, "explanation.value"), 0);
  r = http().get("/ex/_explain/2?q=review:refund");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_TRUE(jbool(r.json(), "matched"));
  EXPECT_GT(jpath(r.json(), "explanation.value")->GetDouble(), 0);
}

TEST_F(ExplainTest, RoutingAndSource) {
  // Without the routing the document is looked up on the shard its id routes to.
  auto r = http().post("/ex/_explain/r1?routing=user7&_source_includes=game",
                       R"({"query":{"match":{"review":"great"}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto j = r.json();
  EXPECT_TRUE(jbool(j, "matched"));
  EXPECT_NEAR(jpath(j, "explanation.value")->GetDouble(), search_score(R"({"match":{"review":"great"}})", "r1", "user7"), 1e-5);
  EXPECT_TRUE(jbool(j, "get.found"));
  EXPECT_EQ(jstr(j, "get._source.game"), "Portal");
  EXPECT_FALSE(jhas(j, "get._source.review"));
  r = http().get("/ex/_explain/1?q=review:great");
  EXPECT_FALSE(jhas(r.json(), "get")) << r.body;
}

TEST_F(ExplainTest, MissingDocumentIndexAndQuery) {
  auto r = http().post("/ex/_explain/nope", R"({"query":{"match_all":{}}})");
  EXPECT_EQ(r.status, 404) << describe(r);
  auto j = r.json();
  EXPECT_EQ(jstr(j, "_index"), "ex");
  EXPECT_EQ(jstr(j, "_id"), "nope");
  EXPECT_FALSE(jbool(j, "matched", true));
  EXPECT_FALSE(jhas(j, "explanation"));

  r = http().post("/missing/_explain/1", R"({"query":{"match_all":{}}})");
  EXPECT_TRUE(is_es_error(r, 404, "index_not_found_exception")) << describe(r);

  r = http().post("/ex/_explain/1", "");
  EXPECT_TRUE(is_es_error(r, 400, "action_request_validation_exception")) << describe(r);
  r = http().post("/ex/_explain/1", R"({"query":{"match_all":{}},"size":3})");
  EXPECT_TRUE(is_es_error(r, 400, "parsing_exception")) << describe(r);
  r = http().post("/ex/_explain/1?explain_me=1", R"({"query":{"match_all":{}}})");
  EXPECT_EQ(r.status, 400) << describe(r);
  EXPECT_NE(r.body.find("explain_me"), std::string::npos) << r.body;
}

TEST_F(ExplainTest, MatchAllIsConstant) {
  auto r = http().post("/ex/_explain/3", R"({"query":{"match_all":{}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_TRUE(jbool(r.json(), "matched"));
  EXPECT_EQ(jpath(r.json(), "explanation.value")->GetDouble(), 1.0);
}

}  // namespace
