// Aggregations over HTTP: terms and the basic metrics on 1 and 3 shards, checked against values
// computed here from the documents the test loaded (not against remembered answers).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "harness.h"

using namespace qtest;

namespace {

constexpr int kDocs = 300;

struct Doc {
  std::string game;          // keyword, Zipf-like: game0 is the most common
  std::vector<std::string> tags;  // multi-valued keyword
  int64_t votes;             // long
  double playtime;           // double
  bool recommended;
  bool has_votes;            // some documents have no votes field at all
};

Doc make_doc(int i) {
  Doc d;
  int g = 0;
  // Zipf-like: game k gets about 1/(k+1) of the documents.
  int r = (i * 7919) % 1000;
  int threshold = 0;
  for (int k = 0; k < 12; ++k) {
    threshold += 1000 / (k + 2) / 2 + 10;
    if (r < threshold) {
      g = k;
      break;
    }
    g = 12;
  }
  d.game = "game" + std::to_string(g);
  if (i % 3 == 0) d.tags = {"funny", "long"};
  else if (i % 3 == 1) d.tags = {"short"};
  d.votes = (i * 37) % 101;
  d.playtime = (i % 17) * 1.5;
  d.recommended = i % 4 != 0;
  d.has_votes = i % 10 != 9;
  return d;
}

std::string source_of(const Doc& d) {
  std::string s = R"({"game":")" + d.game + R"(","playtime":)" + std::to_string(d.playtime) +
                  R"(,"recommended":)" + (d.recommended ? "true" : "false");
  if (d.has_votes) s += R"(,"votes":)" + std::to_string(d.votes);
  if (!d.tags.empty()) {
    s += R"(,"tags":[)";
    for (size_t i = 0; i < d.tags.size(); ++i) s += (i ? ",\"" : "\"") + d.tags[i] + "\"";
    s += "]";
  }
  return s + "}";
}

class AggsTest : public ::testing::TestWithParam<int> {
 protected:
  static void SetUpTestSuite() {
    server_ = new Quarryd();
    started_ = server_->start();
    if (!started_) return;
    auto& h = server_->http();
    for (int shards : {1, 3}) {
      std::string index = "a" + std::to_string(shards);
      auto r = h.put("/" + index, R"({"settings":{"number_of_shards":)" + std::to_string(shards) + R"(},
          "mappings":{"properties":{"game":{"type":"keyword"},"tags":{"type":"keyword"},"votes":{"type":"long"},
          "playtime":{"type":"double"},"recommended":{"type":"boolean"}}}})");
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
  std::string index() const { return "a" + std::to_string(GetParam()); }
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

Quarryd* AggsTest::server_ = nullptr;
bool AggsTest::started_ = false;
bool AggsTest::setup_ok_ = false;
std::string AggsTest::setup_error_;

TEST_P(AggsTest, TermsCountsEveryGameExactlyInOrder) {
  std::map<std::string, int64_t> truth;
  for (int i = 0; i < kDocs; ++i) truth[make_doc(i).game]++;
  std::vector<std::pair<std::string, int64_t>> expected(truth.begin(), truth.end());
  std::sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  auto r = search(R"({"size":0,"aggs":{"games":{"terms":{"field":"game","size":100}}}})");
  const auto* buckets = jpath(r, "aggregations.games.buckets");
  ASSERT_NE(buckets, nullptr) << to_json(r);
  ASSERT_EQ(buckets->Size(), expected.size()) << to_json(r);
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(jstr((*buckets)[i], "key"), expected[i].first);
    EXPECT_EQ(jint((*buckets)[i], "doc_count"), expected[i].second);
  }
  EXPECT_EQ(jint(r, "aggregations.games.sum_other_doc_count"), 0);
  EXPECT_EQ(jint(r, "aggregations.games.doc_count_error_upper_bound"), 0);
  EXPECT_EQ(jint(r, "hits.total.value"), kDocs);
  EXPECT_EQ(jpath(r, "hits.hits")->Size(), 0u);
}

TEST_P(AggsTest, TermsSizeReportsTheRestAsOtherDocCount) {
  std::map<std::string, int64_t> truth;
  for (int i = 0; i < kDocs; ++i) truth[make_doc(i).game]++;
  std::vector<int64_t> counts;
  for (auto& [k, v] : truth) counts.push_back(v);
  std::sort(counts.rbegin(), counts.rend());
  auto r = search(R"({"size":0,"aggs":{"games":{"terms":{"field":"game","size":3}}}})");
  ASSERT_EQ(jpath(r, "aggregations.games.buckets")->Size(), 3u) << to_json(r);
  int64_t top = counts[0] + counts[1] + counts[2];
  EXPECT_EQ(jint(r, "aggregations.games.sum_other_doc_count"), kDocs - top);
}

TEST_P(AggsTest, TermsOnMultiValuedFieldCountsEachValueOnce) {
  auto r = search(R"({"size":0,"aggs":{"tags":{"terms":{"field":"tags","order":{"_key":"asc"}}}}})");
  std::map<std::string, int64_t> truth;
  for (int i = 0; i < kDocs; ++i) {
    for (const auto& t : make_doc(i).tags) truth[t]++;
  }
  const auto* buckets = jpath(r, "aggregations.tags.buckets");
  ASSERT_NE(buckets, nullptr) << to_json(r);
  ASSERT_EQ(buckets->Size(), truth.size()) << to_json(r);
  size_t i = 0;
  for (const auto& [k, v] : truth) {
    EXPECT_EQ(jstr((*buckets)[i], "key"), k);
    EXPECT_EQ(jint((*buckets)[i], "doc_count"), v);
    ++i;
  }
}

TEST_P(AggsTest, TermsWithMetricSubAggregationAndOrderByIt) {
  std::map<std::string, std::pair<double, int>> sums;  // game -> (sum votes, count with votes)
  for (int i = 0; i < kDocs; ++i) {
    Doc d = make_doc(i);
    if (!d.has_votes) continue;
    sums[d.game].first += static_cast<double>(d.votes);
    sums[d.game].second++;
  }
  auto r = search(R"({"size":0,"aggs":{"games":{"terms":{"field":"game","size":50,"order":{"v":"desc"}},
                      "aggs":{"v":{"avg":{"field":"votes"}}}}}})");
  const auto* buckets = jpath(r, "aggregations.games.buckets");
  ASSERT_NE(buckets, nullptr) << to_json(r);
  double last = 1e300;
  for (const auto& b : buckets->GetArray()) {
    std::string game = jstr(b, "key");
    double expect = sums[game].first / sums[game].second;
    double got = jpath(b, "v.value")->GetDouble();
    EXPECT_NEAR(got, expect, 1e-9) << game;
    EXPECT_LE(got, last);
    last = got;
  }
}

TEST_P(AggsTest, BasicMetricsMatchTheLoadedValues) {
  double sum = 0, mn = 1e300, mx = -1e300;
  int64_t count = 0;
  for (int i = 0; i < kDocs; ++i) {
    Doc d = make_doc(i);
    if (!d.has_votes) continue;
    sum += static_cast<double>(d.votes);
    mn = std::min(mn, static_cast<double>(d.votes));
    mx = std::max(mx, static_cast<double>(d.votes));
    ++count;
  }
  auto r = search(R"({"size":0,"aggs":{"a":{"avg":{"field":"votes"}},"s":{"sum":{"field":"votes"}},
      "mn":{"min":{"field":"votes"}},"mx":{"max":{"field":"votes"}},"c":{"value_count":{"field":"votes"}},
      "st":{"stats":{"field":"votes"}},"missing_as_zero":{"avg":{"field":"votes","missing":0}}}})");
  EXPECT_NEAR(jpath(r, "aggregations.a.value")->GetDouble(), sum / static_cast<double>(count), 1e-9) << to_json(r);
  EXPECT_DOUBLE_EQ(jpath(r, "aggregations.s.value")->GetDouble(), sum);
  EXPECT_DOUBLE_EQ(jpath(r, "aggregations.mn.value")->GetDouble(), mn);
  EXPECT_DOUBLE_EQ(jpath(r, "aggregations.mx.value")->GetDouble(), mx);
  EXPECT_EQ(jint(r, "aggregations.c.value"), count);
  EXPECT_EQ(jint(r, "aggregations.st.count"), count);
  EXPECT_DOUBLE_EQ(jpath(r, "aggregations.st.sum")->GetDouble(), sum);
  EXPECT_NEAR(jpath(r, "aggregations.missing_as_zero.value")->GetDouble(), sum / kDocs, 1e-9);
}

TEST_P(AggsTest, AggregationsFollowTheQueryButNotThePostFilter) {
  int64_t recommended = 0, game0 = 0;
  for (int i = 0; i < kDocs; ++i) {
    Doc d = make_doc(i);
    if (!d.recommended) continue;
    ++recommended;
    if (d.game == "game0") ++game0;
  }
  auto r = search(R"({"size":100,"query":{"term":{"recommended":true}},"post_filter":{"term":{"game":"game0"}},
                      "aggs":{"c":{"value_count":{"field":"game"}}}})");
  EXPECT_EQ(jint(r, "aggregations.c.value"), recommended) << to_json(r);
  EXPECT_EQ(jint(r, "hits.total.value"), game0);
}

TEST_P(AggsTest, EmptyResultsAndUnmappedFields) {
  auto r = search(R"({"size":0,"query":{"term":{"game":"nope"}},"aggs":{"g":{"terms":{"field":"game"}},
                      "a":{"avg":{"field":"votes"}},"s":{"sum":{"field":"votes"}},"u":{"terms":{"field":"unmapped"}}}})");
  EXPECT_EQ(jpath(r, "aggregations.g.buckets")->Size(), 0u) << to_json(r);
  EXPECT_TRUE(jpath(r, "aggregations.a.value")->IsNull());
  EXPECT_DOUBLE_EQ(jpath(r, "aggregations.s.value")->GetDouble(), 0.0);
  EXPECT_EQ(jpath(r, "aggregations.u.buckets")->Size(), 0u);
}

TEST_P(AggsTest, MetaAndTypedKeys) {
  auto r = server_->http().post("/" + index() + "/_search?typed_keys",
                                R"({"size":0,"aggregations":{"g":{"terms":{"field":"game"},"meta":{"k":"v"}}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto j = r.json();
  EXPECT_EQ(jstr(j, "aggregations.sterms#g.meta.k"), "v") << to_json(j);
}

TEST_P(AggsTest, BadRequestsAreElasticsearchErrors) {
  auto r = search(R"({"aggs":{"x":{"no_such_agg":{}}}})", 400);
  EXPECT_EQ(jstr(r, "error.type"), "parsing_exception");
  r = search(R"({"aggs":{"x":{"terms":{"field":"game","bogus":1}}}})", 400);
  EXPECT_NE(jstr(r, "error.reason").find("bogus"), std::string::npos) << to_json(r);
  r = search(R"({"aggs":{"x":{"avg":{"field":"game"}}}})", 400);
  EXPECT_EQ(jstr(r, "error.type"), "illegal_argument_exception") << to_json(r);
  r = search(R"({"aggs":{"x":{"avg":{"field":"votes"},"aggs":{"y":{"avg":{"field":"votes"}}}}}})", 400);
  r = search(R"({"aggs":{"x":{"terms":{"field":"game"},"avg":{"field":"votes"}}}})", 400);
  r = search(R"({"aggs":{"x":{"terms":{"field":"game","order":{"nope":"desc"}}}}})", 400);
}

INSTANTIATE_TEST_SUITE_P(Shards, AggsTest, ::testing::Values(1, 3), [](const auto& info) {
  return std::to_string(info.param) + "shards";
});

}  // namespace
