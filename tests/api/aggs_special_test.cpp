// significant_text / significant_terms, top_hits, sampler and the finer points of terms
// (include/exclude, min_doc_count 0, missing, order) over HTTP on 1 and 3 shards. The documents
// are generated with a known skew (negative reviews of app0 mention "crash" and carry the tag
// "buggy"); every expectation is computed here from the generated documents.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "harness.h"

using namespace qtest;

namespace {

constexpr int kDocs = 240;

struct Doc {
  std::string app;
  bool recommended;
  std::string review;
  std::string tag;  // "" = no tag field
  int64_t votes;    // unique
};

Doc make_doc(int i) {
  static const char* kWords[] = {"fun", "story", "graphics", "music", "price", "levels", "friends"};
  Doc d;
  d.app = "app" + std::to_string(i % 4);
  d.recommended = i % 3 != 0;
  d.review = std::string("the game has ") + kWords[i % 7] + " and " + kWords[(i / 7) % 7];
  bool skewed = d.app == "app0" && !d.recommended;
  if (skewed || i % 50 == 1) d.review += " crash";
  d.tag = skewed ? "buggy" : (i % 11 == 5 ? "" : "t" + std::to_string(i % 5));
  d.votes = (i * 37) % kDocs;  // 37 is prime to 240: a permutation
  return d;
}

std::string source_of(const Doc& d) {
  std::string s = R"({"app":")" + d.app + R"(","recommended":)" + (d.recommended ? "true" : "false") +
                  R"(,"review":")" + d.review + R"(","votes":)" + std::to_string(d.votes);
  if (!d.tag.empty()) s += R"(,"tag":")" + d.tag + "\"";
  return s + "}";
}

bool has_word(const std::string& text, const std::string& w) { return (" " + text + " ").find(" " + w + " ") != std::string::npos; }

class AggsSpecialTest : public ::testing::TestWithParam<int> {
 protected:
  static void SetUpTestSuite() {
    server_ = new Quarryd();
    started_ = server_->start();
    if (!started_) return;
    auto& h = server_->http();
    for (int shards : {1, 3}) {
      std::string index = "s" + std::to_string(shards);
      auto r = h.put("/" + index, R"({"settings":{"number_of_shards":)" + std::to_string(shards) + R"(},
          "mappings":{"properties":{"app":{"type":"keyword"},"recommended":{"type":"boolean"},
          "review":{"type":"text"},"tag":{"type":"keyword"},"votes":{"type":"long"}}}})");
      setup_ok_ = r.status == 200;
      Ndjson b;
      for (int i = 0; i < kDocs; ++i) b.index(index, "d" + std::to_string(i), source_of(make_doc(i)));
      r = h.bulk("/_bulk?refresh=true", b.str());
      setup_ok_ = setup_ok_ && r.status == 200 && !jbool(r.json(), "errors", true);
      if (!setup_ok_) {
        setup_error_ = describe(r);
        return;
      }
    }
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(started_) << server_->last_error();
    ASSERT_TRUE(setup_ok_) << setup_error_;
  }
  std::string index() const { return "s" + std::to_string(GetParam()); }
  rapidjson::Document search(const std::string& body, int expect_status = 200) {
    auto r = server_->http().post("/" + index() + "/_search", body);
    EXPECT_EQ(r.status, expect_status) << describe(r);
    return r.json();
  }

  static Quarryd* server_;
  static bool started_;
  static bool setup_ok_;
  static std::string setup_error_;
};

Quarryd* AggsSpecialTest::server_ = nullptr;
bool AggsSpecialTest::started_ = false;
bool AggsSpecialTest::setup_ok_ = false;
std::string AggsSpecialTest::setup_error_;

const char* kNegativeApp0 = R"("query":{"bool":{"filter":[{"term":{"app":"app0"}},{"term":{"recommended":false}}]}})";

TEST_P(AggsSpecialTest, SignificantTextFindsTheWordOfNegativeReviews) {
  int64_t fg = 0, fg_crash = 0, bg_crash = 0;
  for (int i = 0; i < kDocs; ++i) {
    Doc d = make_doc(i);
    bool in = d.app == "app0" && !d.recommended;
    fg += in;
    fg_crash += in && has_word(d.review, "crash");
    bg_crash += has_word(d.review, "crash");
  }
  auto r = search(std::string("{\"size\":0,") + kNegativeApp0 +
                  R"(,"aggs":{"words":{"significant_text":{"field":"review","min_doc_count":3}}}})");
  ASSERT_TRUE(jhas(r, "aggregations.words.buckets.0")) << to_json(r);
  EXPECT_EQ(jstr(r, "aggregations.words.buckets.0.key"), "crash") << to_json(r);
  EXPECT_EQ(jint(r, "aggregations.words.buckets.0.doc_count"), fg_crash);
  EXPECT_EQ(jint(r, "aggregations.words.buckets.0.bg_count"), bg_crash);
  EXPECT_GT(jpath(r, "aggregations.words.buckets.0.score")->GetDouble(), 0.0);
  EXPECT_EQ(jint(r, "aggregations.words.doc_count"), fg);
  EXPECT_EQ(jint(r, "aggregations.words.bg_count"), kDocs);
  // "the" and "game" are in every review: never significant.
  for (const auto& b : jpath(r, "aggregations.words.buckets")->GetArray()) {
    EXPECT_NE(jstr(b, "key"), "the");
    EXPECT_NE(jstr(b, "key"), "game");
  }
}

TEST_P(AggsSpecialTest, SignificantTermsEveryHeuristicRanksTheSkewedTagFirst) {
  int64_t fg_buggy = 0;
  for (int i = 0; i < kDocs; ++i) fg_buggy += make_doc(i).tag == "buggy";
  for (const char* h : {"", R"(,"mutual_information":{})", R"(,"chi_square":{})", R"(,"gnd":{})", R"(,"percentage":{})"}) {
    auto r = search(std::string("{\"size\":0,") + kNegativeApp0 + R"(,"aggs":{"tags":{"significant_terms":{"field":"tag")" + h + "}}}}");
    EXPECT_EQ(jstr(r, "aggregations.tags.buckets.0.key"), "buggy") << h << " " << to_json(r);
    EXPECT_EQ(jint(r, "aggregations.tags.buckets.0.doc_count"), fg_buggy) << h;
    EXPECT_EQ(jint(r, "aggregations.tags.buckets.0.bg_count"), fg_buggy) << h;
  }
  // Background restricted to app0: bg_count counts only app0 documents.
  int64_t app0 = 0;
  for (int i = 0; i < kDocs; ++i) app0 += make_doc(i).app == "app0";
  auto r = search(std::string("{\"size\":0,") + kNegativeApp0 +
                  R"(,"aggs":{"tags":{"significant_terms":{"field":"tag","background_filter":{"term":{"app":"app0"}}}}}})");
  EXPECT_EQ(jint(r, "aggregations.tags.bg_count"), app0) << to_json(r);
  // Sub-aggregations run per significant term: every "buggy" document is an app0 one.
  r = search(std::string("{\"size\":0,") + kNegativeApp0 +
             R"(,"aggs":{"tags":{"significant_terms":{"field":"tag"},"aggs":{"apps":{"terms":{"field":"app"}}}}}})");
  EXPECT_EQ(jstr(r, "aggregations.tags.buckets.0.apps.buckets.0.key"), "app0") << to_json(r);
  EXPECT_EQ(jint(r, "aggregations.tags.buckets.0.apps.buckets.0.doc_count"), fg_buggy);
  EXPECT_FALSE(jhas(r, "aggregations.tags.buckets.0.apps.buckets.1"));
  // A misspelt heuristic is named with a suggestion.
  auto bad = search(R"({"aggs":{"t":{"significant_terms":{"field":"tag","jlp":{}}}}})", 400);
  EXPECT_NE(to_json(bad).find("did you mean [jlh]?"), std::string::npos) << to_json(bad);
}

TEST_P(AggsSpecialTest, TopHitsPerBucketReturnsTheBestDocsInOrderWithFilteredSource) {
  std::map<std::string, std::vector<std::pair<int64_t, std::string>>> by_app;
  for (int i = 0; i < kDocs; ++i) {
    Doc d = make_doc(i);
    by_app[d.app].push_back({d.votes, "d" + std::to_string(i)});
  }
  auto r = search(R"({"size":0,"aggs":{"apps":{"terms":{"field":"app","order":{"_key":"asc"}},
      "aggs":{"top":{"top_hits":{"size":3,"sort":[{"votes":"desc"}],"_source":{"includes":["votes"]}}}}}}})");
  const auto* buckets = jpath(r, "aggregations.apps.buckets");
  ASSERT_NE(buckets, nullptr) << to_json(r);
  ASSERT_EQ(buckets->Size(), by_app.size());
  size_t bi = 0;
  for (auto& [app, docs] : by_app) {
    const auto& b = (*buckets)[static_cast<rapidjson::SizeType>(bi++)];
    EXPECT_EQ(jstr(b, "key"), app);
    std::sort(docs.rbegin(), docs.rend());
    EXPECT_EQ(jint(b, "top.hits.total.value"), static_cast<int64_t>(docs.size()));
    const auto* hits = jpath(b, "top.hits.hits");
    ASSERT_NE(hits, nullptr) << to_json(b);
    ASSERT_EQ(hits->Size(), 3u);
    for (rapidjson::SizeType k = 0; k < 3; ++k) {
      EXPECT_EQ(jstr((*hits)[k], "_id"), docs[k].second) << app;
      EXPECT_EQ(jstr((*hits)[k], "_index"), index());
      EXPECT_EQ(to_json(*jpath((*hits)[k], "_source")), "{\"votes\":" + std::to_string(docs[k].first) + "}");
      EXPECT_EQ(jint((*hits)[k], "sort.0"), docs[k].first);
    }
  }
  // By score (default): "crash" documents, scores non-increasing, max_score the first score.
  int64_t crash = 0;
  for (int i = 0; i < kDocs; ++i) crash += has_word(make_doc(i).review, "crash");
  r = search(R"({"size":0,"query":{"match":{"review":"crash fun"}},"aggs":{"top":{"top_hits":{"size":5,"from":1}}}})");
  const auto* hits = jpath(r, "aggregations.top.hits.hits");
  ASSERT_NE(hits, nullptr) << to_json(r);
  ASSERT_EQ(hits->Size(), 5u);
  double prev = jpath(r, "aggregations.top.hits.max_score")->GetDouble();
  for (const auto& h : hits->GetArray()) {
    double s = jpath(h, "_score")->GetDouble();
    EXPECT_LE(s, prev + 1e-6);
    EXPECT_GT(s, 0.0);
    prev = s;
  }
  EXPECT_GE(jint(r, "aggregations.top.hits.total.value"), crash);
  // Highlighting in top_hits marks the query's words.
  r = search(R"({"size":0,"query":{"match":{"review":"crash"}},"aggs":{"top":{"top_hits":{"size":2,"highlight":{"fields":{"review":{}}}}}}})");
  hits = jpath(r, "aggregations.top.hits.hits");
  ASSERT_NE(hits, nullptr) << to_json(r);
  ASSERT_EQ(hits->Size(), 2u) << to_json(r);
  for (const auto& h : hits->GetArray()) {
    const auto* fragment = jpath(h, "highlight.review.0");
    ASSERT_NE(fragment, nullptr) << to_json(h);
    EXPECT_NE(std::string(fragment->GetString()).find("<em>crash</em>"), std::string::npos) << to_json(h);
  }
  // from + size beyond index.max_inner_result_window is refused.
  search(R"({"aggs":{"top":{"top_hits":{"size":90,"from":20}}}})", 400);
}

TEST_P(AggsSpecialTest, SamplerKeepsShardSizeDocsPerShard) {
  auto r = search(R"({"size":0,"query":{"match":{"review":"crash"}},"aggs":{"s":{"sampler":{"shard_size":4},
      "aggs":{"apps":{"terms":{"field":"app"}}}}}})");
  int64_t matches = jint(r, "hits.total.value");
  int64_t sampled = jint(r, "aggregations.s.doc_count");
  EXPECT_LE(sampled, 4 * GetParam()) << to_json(r);
  EXPECT_GT(sampled, 0);
  EXPECT_LT(sampled, matches);
  int64_t sum = 0;
  for (const auto& b : jpath(r, "aggregations.s.apps.buckets")->GetArray()) sum += jint(b, "doc_count");
  EXPECT_EQ(sum, sampled);
  // significant_text under a sampler still finds the skewed word.
  r = search(std::string("{\"size\":0,") + kNegativeApp0 +
             R"(,"aggs":{"s":{"sampler":{"shard_size":100},"aggs":{"w":{"significant_text":{"field":"review"}}}}}})");
  EXPECT_EQ(jstr(r, "aggregations.s.w.buckets.0.key"), "crash") << to_json(r);
}

// A size-0 request without a query walks every document of a shard directly: through a filtered
// alias it must still see only the alias's documents, and a post_filter narrows the hits only.
TEST_P(AggsSpecialTest, MatchAllAggregationsHonourFilteredAliasesAndPostFilter) {
  std::map<std::string, int64_t> per_app;
  for (int i = 0; i < kDocs; ++i) per_app[make_doc(i).app]++;
  auto& h = server_->http();
  std::string alias = index() + "-app1";
  auto put = h.put("/" + index() + "/_alias/" + alias, R"({"filter":{"term":{"app":"app1"}}})");
  ASSERT_EQ(put.status, 200) << describe(put);
  auto r = h.post("/" + alias + "/_search", R"({"size":0,"aggs":{"apps":{"terms":{"field":"app"}}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto doc = r.json();
  EXPECT_EQ(jint(*jpath(doc, "hits.total"), "value"), per_app["app1"]) << to_json(doc);
  const auto& buckets = jpath(doc, "aggregations.apps.buckets")->GetArray();
  ASSERT_EQ(buckets.Size(), 1u) << to_json(doc);
  EXPECT_EQ(jstr(buckets[0], "key"), "app1");
  EXPECT_EQ(jint(buckets[0], "doc_count"), per_app["app1"]);

  doc = search(R"({"size":0,"post_filter":{"term":{"app":"app2"}},"aggs":{"apps":{"terms":{"field":"app"}}}})");
  EXPECT_EQ(jint(*jpath(doc, "hits.total"), "value"), per_app["app2"]) << to_json(doc);
  std::map<std::string, int64_t> got;
  for (const auto& b : jpath(doc, "aggregations.apps.buckets")->GetArray()) got[jstr(b, "key")] = jint(b, "doc_count");
  EXPECT_EQ(got, per_app);

  doc = search(R"({"size":0,"aggs":{"apps":{"terms":{"field":"app"}}}})");
  EXPECT_EQ(jint(*jpath(doc, "hits.total"), "value"), kDocs) << to_json(doc);
  EXPECT_EQ(jstr(*jpath(doc, "hits.total"), "relation"), "eq");
  got.clear();
  for (const auto& b : jpath(doc, "aggregations.apps.buckets")->GetArray()) got[jstr(b, "key")] = jint(b, "doc_count");
  EXPECT_EQ(got, per_app);
}

TEST_P(AggsSpecialTest, TermsIncludeExcludeMissingMinDocCountAndOrder) {
  std::map<std::string, int64_t> all, app1;
  std::map<std::string, int64_t> max_votes;
  int64_t no_tag = 0;
  for (int i = 0; i < kDocs; ++i) {
    Doc d = make_doc(i);
    if (d.tag.empty()) {
      ++no_tag;
      continue;
    }
    all[d.tag]++;
    if (d.app == "app1") app1[d.tag]++;
    max_votes[d.tag] = std::max(max_votes[d.tag], d.votes);
  }
  // include regex + exclude list, key order.
  auto r = search(R"({"size":0,"aggs":{"t":{"terms":{"field":"tag","include":"t[0-3]","exclude":["t1"],"order":{"_key":"desc"}}}}})");
  std::vector<std::string> keys;
  for (const auto& b : jpath(r, "aggregations.t.buckets")->GetArray()) keys.push_back(jstr(b, "key"));
  EXPECT_EQ(keys, (std::vector<std::string>{"t3", "t2", "t0"})) << to_json(r);
  // min_doc_count 0 under a query: every tag of the index, zeros included; missing bucket.
  r = search(R"({"size":0,"query":{"term":{"app":"app1"}},"aggs":{"t":{"terms":{"field":"tag","min_doc_count":0,"size":20,"missing":"none"}}}})");
  std::map<std::string, int64_t> got;
  for (const auto& b : jpath(r, "aggregations.t.buckets")->GetArray()) got[jstr(b, "key")] = jint(b, "doc_count");
  int64_t app1_no_tag = 0;
  for (int i = 0; i < kDocs; ++i) app1_no_tag += make_doc(i).app == "app1" && make_doc(i).tag.empty();
  for (const auto& [tag, n] : all) EXPECT_EQ(got[tag], app1.count(tag) ? app1[tag] : 0) << tag << " " << to_json(r);
  EXPECT_EQ(got["none"], app1_no_tag);
  EXPECT_EQ(got.size(), all.size() + (app1_no_tag > 0 ? 1 : 0));
  // Order by a sub-aggregation, descending.
  std::vector<std::pair<int64_t, std::string>> by_max;
  for (auto& [tag, v] : max_votes) by_max.push_back({v, tag});
  std::sort(by_max.rbegin(), by_max.rend());
  r = search(R"({"size":0,"aggs":{"t":{"terms":{"field":"tag","order":{"mv":"desc"}},"aggs":{"mv":{"max":{"field":"votes"}}}}}})");
  keys.clear();
  for (const auto& b : jpath(r, "aggregations.t.buckets")->GetArray()) keys.push_back(jstr(b, "key"));
  std::vector<std::string> want;
  for (auto& [v, t] : by_max) want.push_back(t);
  EXPECT_EQ(keys, want) << to_json(r);
  // Partitions split the terms: together they cover every tag once.
  std::set<std::string> seen;
  for (int p = 0; p < 3; ++p) {
    r = search(R"({"size":0,"aggs":{"t":{"terms":{"field":"tag","include":{"partition":)" + std::to_string(p) +
               R"(,"num_partitions":3}}}}})");
    for (const auto& b : jpath(r, "aggregations.t.buckets")->GetArray()) EXPECT_TRUE(seen.insert(jstr(b, "key")).second);
  }
  EXPECT_EQ(seen.size(), all.size());
}

INSTANTIATE_TEST_SUITE_P(Shards, AggsSpecialTest, ::testing::Values(1, 3),
                         [](const ::testing::TestParamInfo<int>& i) { return "shards" + std::to_string(i.param); });

}  // namespace
