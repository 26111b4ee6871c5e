// The analyze API and analyzers in indices: _analyze with built-in analyzers, ad hoc chains and
// fields; custom analyzers from index settings used by mapped fields and by match queries; the
// Elasticsearch errors for bad analysis settings and requests.
#include <gtest/gtest.h>

#include <algorithm>

#include "harness.h"

using namespace qtest;

namespace {

// The tokens of an _analyze response as "token@position[start-end]<type>".
std::vector<std::string> tokens_of(const HttpResponse& r) {
  std::vector<std::string> out;
  auto doc = r.json();
  const rapidjson::Value* tokens = jpath(doc, "tokens");
  if (!tokens || !tokens->IsArray()) return {"<no tokens: " + r.body + ">"};
  for (const auto& t : tokens->GetArray()) {
    out.push_back(jstr(t, "token") + "@" + std::to_string(jint(t, "position")) + "[" +
                  std::to_string(jint(t, "start_offset")) + "-" + std::to_string(jint(t, "end_offset")) + "]" +
                  jstr(t, "type"));
  }
  return out;
}

using V = std::vector<std::string>;

const char* kReviewsIndex = R"({
  "settings": {"number_of_shards": 2, "number_of_replicas": 0,
    "analysis": {
      "analyzer": {
        "my": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "asciifolding", "my_stop", "my_stem"]},
        "shouty": {"tokenizer": "whitespace", "filter": ["uppercase"]}
      },
      "filter": {
        "my_stop": {"type": "stop", "stopwords": ["a", "the"]},
        "my_stem": {"type": "stemmer", "language": "english"}
      }
    }},
  "mappings": {"properties": {
    "review": {"type": "text", "analyzer": "my"},
    "plain": {"type": "text"},
    "en": {"type": "text", "analyzer": "english", "search_analyzer": "english"},
    "tag": {"type": "keyword"}
  }}
})";

class AnalyzeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new Quarryd();
    started_ = server_->start();
    if (!started_) return;
    auto& h = server_->http();
    auto r = h.put("/reviews", kReviewsIndex);
    setup_ok_ = r.status == 200;
    setup_error_ = describe(r);
    if (!setup_ok_) return;
    Ndjson b;
    b.index("reviews", "1", R"({"review":"She runs the Café every day","plain":"She runs daily","en":"The dogs were running"})");
    b.index("reviews", "2", R"({"review":"A quiet walk","plain":"A quiet walk","en":"a quiet walk"})");
    r = h.bulk("/_bulk?refresh=true", b.str());
    setup_ok_ = r.status == 200 && !jbool(r.json(), "errors", true);
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
  void TearDown() override {
    if (started_ && !server_->running()) ADD_FAILURE() << "quarryd died during this test:\n" << server_->logs();
  }
  HttpClient& http() { return server_->http(); }

  std::vector<std::string> hits(const std::string& query) {
    auto r = http().post("/reviews/_search", R"({"query":)" + query + "}");
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> ids;
    auto doc = r.json();
    const rapidjson::Value* h = jpath(doc, "hits.hits");
    if (h && h->IsArray()) {
      for (const auto& hit : h->GetArray()) ids.push_back(jstr(hit, "_id"));
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  void expect_error(const HttpResponse& r, int status, const std::string& type, const std::string& reason) {
    EXPECT_EQ(r.status, status) << r.body;
    auto doc = r.json();
    EXPECT_EQ(jstr(doc, "error.type"), type) << r.body;
    EXPECT_EQ(jstr(doc, "error.reason"), reason) << r.body;
  }

  static Quarryd* server_;
  static bool started_;
  static bool setup_ok_;
  static std::string setup_error_;
};

Quarryd* AnalyzeTest::server_ = nullptr;
bool AnalyzeTest::started_ = false;
bool AnalyzeTest::setup_ok_ = false;
std::string AnalyzeTest::setup_error_;

TEST_F(AnalyzeTest, StandardAnalyzerTokensOffsetsTypesPositions) {
  auto r = http().post("/_analyze", R"({"analyzer":"standard","text":"The 2 QUICK Brown-Foxes"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(tokens_of(r), (V{"the@0[0-3]<ALPHANUM>", "2@1[4-5]<NUM>", "quick@2[6-11]<ALPHANUM>",
                             "brown@3[12-17]<ALPHANUM>", "foxes@4[18-23]<ALPHANUM>"}));
  // No analyzer: the standard one. GET works too.
  r = http().request("GET", "/_analyze", R"({"text":"Hello"})");
  EXPECT_EQ(tokens_of(r), (V{"hello@0[0-5]<ALPHANUM>"}));
}

TEST_F(AnalyzeTest, BuiltinLanguageAndStopAnalyzers) {
  auto r = http().post("/_analyze", R"({"analyzer":"english","text":"The dog's running"})");
  EXPECT_EQ(tokens_of(r), (V{"dog@1[4-9]<ALPHANUM>", "run@2[10-17]<ALPHANUM>"}));
  r = http().post("/_analyze", R"({"analyzer":"stop","text":"the Fox"})");
  EXPECT_EQ(tokens_of(r), (V{"fox@1[4-7]word"}));
  r = http().post("/_analyze", R"({"analyzer":"whitespace","text":"Foo-Bar baz"})");
  EXPECT_EQ(tokens_of(r), (V{"Foo-Bar@0[0-7]word", "baz@1[8-11]word"}));
  r = http().post("/_analyze", R"({"analyzer":"french","text":"chevaux"})");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(tokens_of(r).size(), 1u);
}

TEST_F(AnalyzeTest, MultiValuedTextContinuesPositionsAndOffsets) {
  auto r = http().post("/_analyze", R"({"analyzer":"standard","text":["a b","c"]})");
  // Named analyzers: position_increment_gap 100; offsets continue after each value plus 1.
  EXPECT_EQ(tokens_of(r), (V{"a@0[0-1]<ALPHANUM>", "b@1[2-3]<ALPHANUM>", "c@102[4-5]<ALPHANUM>"}));
  // Ad hoc chains have no gap.
  r = http().post("/_analyze", R"({"tokenizer":"whitespace","text":["a b","c"]})");
  EXPECT_EQ(tokens_of(r), (V{"a@0[0-1]word", "b@1[2-3]word", "c@2[4-5]word"}));
}

TEST_F(AnalyzeTest, AdHocChainsWithInlineFilters) {
  auto r = http().post("/_analyze", R"({"tokenizer":"standard",
      "filter":["lowercase",{"type":"stop","stopwords":["is","this"]},"asciifolding",{"type":"length","min":2}],
      "text":"This IS a Naïve test"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(tokens_of(r), (V{"naive@3[10-15]<ALPHANUM>", "test@4[16-20]<ALPHANUM>"}));
  r = http().post("/_analyze", R"({"tokenizer":"keyword","filter":["uppercase"],"text":"new york"})");
  EXPECT_EQ(tokens_of(r), (V{"NEW YORK@0[0-8]word"}));
  r = http().post("/_analyze", R"({"tokenizer":"letter","filter":[{"type":"snowball","language":"English"}],"text":"cats"})");
  EXPECT_EQ(tokens_of(r), (V{"cat@0[0-4]word"}));
}

TEST_F(AnalyzeTest, OffsetsCountUtf16UnitsAsElasticsearch) {
  auto r = http().post("/_analyze", R"({"analyzer":"standard","text":"héllo wörld 😀x"})");
  // é and ö are one UTF-16 unit each (two bytes); the emoji is two units (four bytes) and not a token.
  EXPECT_EQ(tokens_of(r), (V{"héllo@0[0-5]<ALPHANUM>", "wörld@1[6-11]<ALPHANUM>", "x@2[14-15]<ALPHANUM>"}));
}

TEST_F(AnalyzeTest, IndexCustomAnalyzersAndFields) {
  auto r = http().post("/reviews/_analyze", R"({"analyzer":"my","text":"The Café RUNS"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(tokens_of(r), (V{"cafe@1[4-8]<ALPHANUM>", "run@2[9-13]<ALPHANUM>"}));
  r = http().post("/reviews/_analyze", R"({"field":"review","text":"a walk"})");
  EXPECT_EQ(tokens_of(r), (V{"walk@1[2-6]<ALPHANUM>"}));
  r = http().post("/reviews/_analyze", R"({"field":"tag","text":"Mixed Case"})");
  EXPECT_EQ(tokens_of(r), (V{"Mixed Case@0[0-10]word"}));
  r = http().post("/reviews/_analyze", R"({"analyzer":"shouty","text":"hey you"})");
  EXPECT_EQ(tokens_of(r), (V{"HEY@0[0-3]word", "YOU@1[4-7]word"}));
  // The index's custom filters are usable in ad hoc chains on that index only.
  r = http().post("/reviews/_analyze", R"({"tokenizer":"standard","filter":["my_stem"],"text":"running"})");
  EXPECT_EQ(tokens_of(r), (V{"run@0[0-7]<ALPHANUM>"}));
  r = http().post("/_analyze", R"({"tokenizer":"standard","filter":["my_stem"],"text":"running"})");
  expect_error(r, 400, "illegal_argument_exception", "failed to find global filter under [my_stem]");
  r = http().post("/_analyze", R"({"analyzer":"my","text":"x"})");
  expect_error(r, 400, "illegal_argument_exception", "failed to find global analyzer [my]");
  r = http().post("/reviews/_analyze", R"({"analyzer":"nope","text":"x"})");
  expect_error(r, 400, "illegal_argument_exception", "failed to find analyzer [nope]");
}

TEST_F(AnalyzeTest, StemmedFieldMatchesOtherFormsOfAWord) {
  // "review" uses the custom analyzer (Porter stemmer): "running" and "runs" both become "run".
  EXPECT_EQ(hits(R"({"match":{"review":"running"}})"), (V{"1"}));
  EXPECT_EQ(hits(R"({"match":{"review":"cafe"}})"), (V{"1"}));  // asciifolding at index and search time
  // The standard-analysed field keeps the forms apart.
  EXPECT_EQ(hits(R"({"match":{"plain":"running"}})"), V{});
  EXPECT_EQ(hits(R"({"match":{"plain":"runs"}})"), (V{"1"}));
  // The built-in english analyzer: "runs" finds "running"; its stop words are not indexed.
  EXPECT_EQ(hits(R"({"match":{"en":"runs"}})"), (V{"1"}));
  EXPECT_EQ(hits(R"({"match":{"en":"the"}})"), V{});
  EXPECT_EQ(hits(R"({"match_phrase":{"review":"quiet walks"}})"), (V{"2"}));
}

TEST_F(AnalyzeTest, RequestErrors) {
  expect_error(http().post("/_analyze", R"({"analyzer":"standard"})"), 400, "action_request_validation_exception",
               "Validation Failed: 1: text is missing;");
  expect_error(http().post("/_analyze", R"({"analyzer":"standard","tokenizer":"standard","text":"x"})"), 400,
               "action_request_validation_exception",
               "Validation Failed: 1: cannot define extra components on a named analyzer;");
  expect_error(http().post("/_analyze", R"({"field":"review","text":"x"})"), 400, "illegal_argument_exception",
               "No index provided, and trying to analyzer based on a specific field which requires the index parameter");
  expect_error(http().post("/_analyze", R"({"tokenizer":"nope","text":"x"})"), 400, "illegal_argument_exception",
               "failed to find global tokenizer under [nope]");
  auto r = http().post("/_analyze", R"({"text":"x","bogus":1})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(jstr(r.json(), "error.reason").find("unknown field [bogus]"), std::string::npos) << r.body;
  r = http().post("/_analyze", R"({"text":"x","explain":true})");
  EXPECT_EQ(r.status, 400) << r.body;
  r = http().post("/missing/_analyze", R"({"text":"x"})");
  EXPECT_EQ(r.status, 404) << r.body;
}

TEST_F(AnalyzeTest, BadAnalysisSettingsAreRejectedAtCreate) {
  auto r = http().put("/bad1", R"({"settings":{"analysis":{"analyzer":{"my":{"tokenizer":"nope"}}}}})");
  expect_error(r, 400, "illegal_argument_exception", "Custom Analyzer [my] failed to find tokenizer under name [nope]");
  r = http().put("/bad2", R"({"settings":{"analysis":{"analyzer":{"my":{"tokenizer":"standard","filter":["nope"]}}}}})");
  expect_error(r, 400, "illegal_argument_exception", "Custom Analyzer [my] failed to find filter under name [nope]");
  r = http().put("/bad3", R"({"settings":{"analysis":{"filter":{"f":{"type":"magic"}}}}})");
  expect_error(r, 400, "illegal_argument_exception", "Unknown filter type [magic] for [f]");
  // A mapping naming an analyzer that exists nowhere.
  r = http().put("/bad4", R"({"mappings":{"properties":{"t":{"type":"text","analyzer":"klingon"}}}})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(jstr(r.json(), "error.type"), "mapper_parsing_exception") << r.body;
  EXPECT_NE(r.body.find("analyzer [klingon] has not been configured in mappings"), std::string::npos) << r.body;
  // Mappings before settings in the body: the custom analyzer still resolves.
  r = http().put("/order", R"({"mappings":{"properties":{"t":{"type":"text","analyzer":"mine"}}},
                               "settings":{"analysis":{"analyzer":{"mine":{"type":"simple"}}}}})");
  EXPECT_EQ(r.status, 200) << r.body;
  for (const char* name : {"bad1", "bad2", "bad3", "bad4"}) EXPECT_EQ(http().head(std::string("/") + name).status, 404);
  // PUT _mapping resolves names against the index's analyzers.
  r = http().put("/reviews/_mapping", R"({"properties":{"t2":{"type":"text","analyzer":"shouty"}}})");
  EXPECT_EQ(r.status, 200) << r.body;
  r = http().put("/reviews/_mapping", R"({"properties":{"t3":{"type":"text","analyzer":"nope"}}})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(jstr(r.json(), "error.type"), "mapper_parsing_exception") << r.body;
}

TEST_F(AnalyzeTest, AnalysisSettingsChangeOnClosedIndexOnly) {
  ASSERT_EQ(http().put("/evolve", R"({"settings":{"number_of_replicas":0}})").status, 200);
  const char* settings = R"({"analysis":{"analyzer":{"late":{"tokenizer":"whitespace","filter":["uppercase"]}}}})";
  auto r = http().put("/evolve/_settings", settings);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(jstr(r.json(), "error.reason").find("Can't update non dynamic settings"), std::string::npos) << r.body;
  ASSERT_EQ(http().post("/evolve/_close").status, 200);
  r = http().put("/evolve/_settings", settings);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(http().post("/evolve/_open").status, 200);
  r = http().post("/evolve/_analyze", R"({"analyzer":"late","text":"ok"})");
  EXPECT_EQ(tokens_of(r), (V{"OK@0[0-2]word"}));
}

TEST_F(AnalyzeTest, CustomAnalyzersSurviveRestart) {
  server_->stop();
  ASSERT_TRUE(server_->start()) << server_->last_error();
  auto r = http().post("/reviews/_analyze", R"({"analyzer":"my","text":"The Café RUNS"})");
  EXPECT_EQ(tokens_of(r), (V{"cafe@1[4-8]<ALPHANUM>", "run@2[9-13]<ALPHANUM>"}));
  EXPECT_EQ(hits(R"({"match":{"review":"running"}})"), (V{"1"}));
}

}  // namespace
