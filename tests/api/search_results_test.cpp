// Search results over the same documents in a 1-shard and a 3-shard index: field sorts (keyword,
// long, double, date, boolean; asc/desc; missing _first/_last/value) give the same order whatever
// the number of shards, search_after pages through everything exactly once, track_total_hits,
// min_score, terminate_after, highlight, fields/docvalue_fields, _msearch, _validate/query.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "harness.h"

using namespace qtest;

namespace {

constexpr int kDocs = 30;

struct Doc {
  std::string id;
  std::optional<std::string> kw;
  std::optional<int64_t> n;
  double d;
  int64_t dt_ms;
  std::optional<bool> b;
  std::string text;
};

Doc make_doc(int i) {
  static const char* words[] = {"alpha", "bravo", "charlie", "delta", "echo"};
  Doc d;
  char buf[16];
  snprintf(buf, sizeof buf, "id%02d", i);
  d.id = buf;
  if (i % 7 != 3) {
    snprintf(buf, sizeof buf, "k%02d", (i * 7) % 11);  // ties among keywords
    d.kw = buf;
  }
  if (i % 5 != 2) d.n = (i * 11) % 17 - 5;  // negatives and ties
  d.d = (i % 6) * 0.25 - 0.5;
  d.dt_ms = 1577836800000LL + static_cast<int64_t>((i * 13) % kDocs) * 86400000LL;  // 2020-01-01 + days
  if (i % 4 != 1) d.b = i % 3 == 0;
  d.text = std::string("the ") + words[i % 5] + " review number " + std::to_string(i) + " about " + words[(i + 2) % 5];
  return d;
}

std::string iso_date(int64_t ms) {
  time_t secs = static_cast<time_t>(ms / 1000);
  struct tm tm;
  gmtime_r(&secs, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string doc_json(const Doc& d) {
  std::string s = "{\"id\":\"" + d.id + "\"";
  if (d.kw) s += ",\"kw\":\"" + *d.kw + "\"";
  if (d.n) s += ",\"n\":" + std::to_string(*d.n);
  char buf[32];
  snprintf(buf, sizeof buf, "%g", d.d);
  s += std::string(",\"d\":") + buf;
  s += ",\"dt\":\"" + iso_date(d.dt_ms) + "\"";
  if (d.b) s += std::string(",\"b\":") + (*d.b ? "true" : "false");
  s += ",\"text\":\"" + d.text + "\"}";
  return s;
}

const char* kMapping = R"("mappings":{"properties":{"id":{"type":"keyword"},"kw":{"type":"keyword"},
    "n":{"type":"long"},"d":{"type":"double"},"dt":{"type":"date"},"b":{"type":"boolean"},
    "text":{"type":"text"}}})";

class SearchResultsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new Quarryd();
    started_ = server_->start();
    if (!started_) return;
    auto& h = server_->http();
    setup_ok_ = true;
    for (auto [name, shards] : {std::pair<const char*, int>{"r1", 1}, {"r3", 3}}) {
      auto r = h.put(std::string("/") + name, std::string(R"({"settings":{"number_of_shards":)") +
                                                  std::to_string(shards) + R"(,"number_of_replicas":0},)" + kMapping + "}");
      setup_ok_ = setup_ok_ && r.status == 200;
      setup_error_ += describe(r);
      Ndjson b;
      for (int i = 0; i < kDocs; ++i) b.index(name, make_doc(i).id, doc_json(make_doc(i)));
      r = h.bulk("/_bulk?refresh=true", b.str());
      setup_ok_ = setup_ok_ && r.status == 200 && !jbool(r.json(), "errors", true);
      setup_error_ += describe(r);
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
  void TearDown() override {
    if (started_ && !server_->running()) ADD_FAILURE() << "quarryd died during this test:\n" << server_->logs();
  }
  HttpClient& http() { return server_->http(); }
  HttpResponse search(const std::string& index, const std::string& body) {
    return http().post("/" + index + "/_search", body);
  }

  static Quarryd* server_;
  static bool started_, setup_ok_;
  static std::string setup_error_;
};
Quarryd* SearchResultsTest::server_ = nullptr;
bool SearchResultsTest::started_ = false;
bool SearchResultsTest::setup_ok_ = false;
std::string SearchResultsTest::setup_error_;

std::vector<std::string> hit_ids(const rapidjson::Document& d) {
  std::vector<std::string> ids;
  const auto* hits = jpath(d, "hits.hits");
  if (hits && hits->IsArray())
    for (const auto& h : hits->GetArray()) ids.push_back(jstr(h, "_id"));
  return ids;
}

// The expected order of a sort on one field then id asc, computed from the documents.
// `missing`: "_first", "_last" or a number (for n).
std::vector<std::string> expected_order(const std::string& field, bool desc, const std::string& missing) {
  struct Row {
    bool has;
    double num;
    std::string str;
    std::string id;
  };
  std::vector<Row> rows;
  for (int i = 0; i < kDocs; ++i) {
    Doc d = make_doc(i);
    Row r{true, 0, "", d.id};
    if (field == "kw") {
      r.has = d.kw.has_value();
      if (r.has) r.str = *d.kw;
    } else if (field == "n") {
      r.has = d.n.has_value();
      if (r.has) r.num = static_cast<double>(*d.n);
      else if (missing != "_first" && missing != "_last") {
        r.has = true;
        r.num = std::stod(missing);
      }
    } else if (field == "d") {
      r.num = d.d;
    } else if (field == "dt") {
      r.num = static_cast<double>(d.dt_ms);
    } else if (field == "b") {
      r.has = d.b.has_value();
      if (r.has) r.num = *d.b ? 1 : 0;
    }
    rows.push_back(r);
  }
  bool missing_first = missing == "_first";
  std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
    if (a.has != b.has) return missing_first ? !a.has : a.has;
    if (a.has) {
      int c = field == "kw" ? a.str.compare(b.str) : (a.num < b.num ? -1 : a.num > b.num ? 1 : 0);
      if (c != 0) return desc ? c > 0 : c < 0;
    }
    return a.id < b.id;
  });
  std::vector<std::string> ids;
  for (const auto& r : rows) ids.push_back(r.id);
  return ids;
}

}  // namespace

TEST_F(SearchResultsTest, FieldSortsAreCorrectAndIndependentOfShardCount) {
  for (std::string field : {"kw", "n", "d", "dt", "b"}) {
    for (bool desc : {false, true}) {
      for (std::string missing : {"", "_first", "_last"}) {
        std::string opts = std::string(R"({"order":")") + (desc ? "desc" : "asc") + "\"";
        if (!missing.empty()) opts += R"(,"missing":")" + missing + "\"";
        opts += "}";
        std::string body = R"({"size":100,"sort":[{")" + field + "\":" + opts + R"(},{"id":"asc"}]})";
        auto expected = expected_order(field, desc, missing.empty() ? "_last" : missing);
        for (const char* index : {"r1", "r3"}) {
          auto r = search(index, body);
          ASSERT_EQ(r.status, 200) << describe(r);
          EXPECT_EQ(hit_ids(r.json()), expected) << index << " " << body;
        }
      }
    }
  }
  // A replacement value for missing numbers.
  auto expected = expected_order("n", false, "3");
  for (const char* index : {"r1", "r3"}) {
    auto r = search(index, R"({"size":100,"sort":[{"n":{"order":"asc","missing":3}},"id"]})");
    ASSERT_EQ(r.status, 200) << describe(r);
    EXPECT_EQ(hit_ids(r.json()), expected) << index;
  }
  // The URI form.
  auto r = http().get("/r3/_search?size=100&sort=n:desc,id:asc");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(hit_ids(r.json()), expected_order("n", true, "_last"));
}

TEST_F(SearchResultsTest, PagedSortMatchesAcrossShards) {
  // from/size pages of a sort are consecutive slices of the full order on 3 shards.
  auto full = expected_order("dt", true, "_last");
  for (int from = 0; from < kDocs; from += 4) {
    auto r = search("r3", R"({"from":)" + std::to_string(from) + R"(,"size":4,"sort":[{"dt":"desc"},{"id":"asc"}]})");
    ASSERT_EQ(r.status, 200) << describe(r);
    std::vector<std::string> want(full.begin() + from, full.begin() + std::min(from + 4, kDocs));
    EXPECT_EQ(hit_ids(r.json()), want) << "from=" << from;
  }
}

TEST_F(SearchResultsTest, SortValuesInHits) {
  auto r = search("r3", R"({"size":100,"query":{"match":{"text":"alpha"}},
      "sort":[{"n":"asc"},{"dt":"desc"},{"b":"asc"},{"kw":"asc"},{"d":"asc"},{"id":"asc"}]})");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto d = r.json();
  EXPECT_TRUE(jpath(d, "hits.max_score")->IsNull()) << r.body;
  const auto& hits = (*jpath(d, "hits.hits"));
  ASSERT_GT(hits.Size(), 0u);
  for (const auto& h : hits.GetArray()) {
    EXPECT_TRUE(jpath(h, "_score")->IsNull()) << to_json(h);
    int i = std::stoi(jstr(h, "_id").substr(2));
    Doc doc = make_doc(i);
    const auto& sort = *jpath(h, "sort");
    ASSERT_EQ(sort.Size(), 6u) << to_json(h);
    if (doc.n) {
      EXPECT_TRUE(sort[0].IsInt64()) << to_json(h);
      EXPECT_EQ(sort[0].GetInt64(), *doc.n);
    } else {
      EXPECT_EQ(sort[0].GetInt64(), INT64_MAX) << "missing _last on asc prints Long.MAX_VALUE";
    }
    EXPECT_EQ(sort[1].GetInt64(), doc.dt_ms) << "dates sort as epoch millis";
    if (doc.b) EXPECT_EQ(sort[2].GetInt64(), *doc.b ? 1 : 0) << "booleans sort as 0/1";
    if (doc.kw) EXPECT_EQ(std::string(sort[3].GetString()), *doc.kw);
    else EXPECT_TRUE(sort[3].IsNull());
    EXPECT_TRUE(sort[4].IsDouble()) << to_json(h);
    EXPECT_DOUBLE_EQ(sort[4].GetDouble(), doc.d);
    EXPECT_EQ(std::string(sort[5].GetString()), doc.id);
  }
  // track_scores brings scores back; sorting by _score keeps them.
  r = search("r3", R"({"query":{"match":{"text":"alpha"}},"track_scores":true,"sort":[{"n":"asc"}]})");
  EXPECT_TRUE(jpath(r.json(), "hits.hits.0._score")->IsNumber()) << r.body;
  EXPECT_TRUE(jpath(r.json(), "hits.max_score")->IsNumber()) << r.body;
  r = search("r3", R"({"query":{"match":{"text":"alpha"}},"sort":["_score",{"id":"desc"}]})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_TRUE(jpath(r.json(), "hits.hits.0._score")->IsNumber()) << r.body;
  EXPECT_TRUE(jpath(r.json(), "hits.hits.0.sort.0")->IsNumber()) << r.body;
}

TEST_F(SearchResultsTest, SortErrors) {
  auto r = search("r3", R"({"sort":[{"text":"asc"}]})");
  EXPECT_EQ(r.status, 400) << describe(r);
  EXPECT_NE(r.body.find("Text fields are not optimised"), std::string::npos) << r.body;
  r = search("r3", R"({"sort":[{"nope":"asc"}]})");
  EXPECT_EQ(r.status, 400) << describe(r);
  EXPECT_NE(r.body.find("No mapping found for [nope]"), std::string::npos) << r.body;
  r = search("r3", R"({"sort":[{"nope":{"order":"asc","unmapped_type":"long"}},"id"],"size":3})");
  EXPECT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(hit_ids(r.json()), (std::vector<std::string>{"id00", "id01", "id02"}));
  r = search("r3", R"({"sort":[{"n":"sideways"}]})");
  EXPECT_EQ(r.status, 400) << describe(r);
}

TEST_F(SearchResultsTest, SearchAfterPagesThroughEverythingOnce) {
  for (const char* index : {"r1", "r3"}) {
    for (std::string sort : {R"([{"n":"desc"},{"id":"asc"}])", R"([{"kw":{"order":"asc","missing":"_first"}},{"id":"desc"}])",
                             R"([{"b":"desc"},{"dt":"asc"},{"id":"asc"}])"}) {
      std::vector<std::string> all;
      std::string after;
      for (int page = 0; page < 20; ++page) {
        std::string body = R"({"size":4,"sort":)" + sort + (after.empty() ? "" : R"(,"search_after":)" + after) + "}";
        auto r = search(index, body);
        ASSERT_EQ(r.status, 200) << describe(r);
        auto d = r.json();
        EXPECT_EQ(jint(d, "hits.total.value"), kDocs) << "search_after does not change the total";
        auto ids = hit_ids(d);
        if (ids.empty()) break;
        all.insert(all.end(), ids.begin(), ids.end());
        after = to_json(*jpath(d, "hits.hits." + std::to_string(ids.size() - 1) + ".sort"));
      }
      ASSERT_EQ(all.size(), static_cast<size_t>(kDocs)) << index << " " << sort;
      std::set<std::string> unique(all.begin(), all.end());
      EXPECT_EQ(unique.size(), static_cast<size_t>(kDocs)) << index << " " << sort;
      auto r = search(index, R"({"size":100,"sort":)" + sort + "}");
      EXPECT_EQ(hit_ids(r.json()), all) << index << " " << sort;
    }
  }
  // Scored: _score then a tiebreaker, printed float scores given back page after page.
  for (const char* index : {"r1", "r3"}) {
    std::vector<std::string> all;
    std::string after;
    for (int page = 0; page < 20; ++page) {
      std::string body = R"({"size":5,"query":{"match":{"text":"alpha charlie 7"}},"sort":["_score",{"id":"asc"}])" +
                         (after.empty() ? "" : R"(,"search_after":)" + after) + "}";
      auto r = search(index, body);
      ASSERT_EQ(r.status, 200) << describe(r);
      auto ids = hit_ids(r.json());
      if (ids.empty()) break;
      all.insert(all.end(), ids.begin(), ids.end());
      after = to_json(*jpath(r.json(), "hits.hits." + std::to_string(ids.size() - 1) + ".sort"));
    }
    auto r = search(index, R"({"size":100,"query":{"match":{"text":"alpha charlie 7"}},"sort":["_score",{"id":"asc"}]})");
    EXPECT_EQ(hit_ids(r.json()), all) << index;
    EXPECT_EQ(all.size(), static_cast<size_t>(jint(r.json(), "hits.total.value"))) << index;
  }
  // Errors: wrong arity, from with search_after.
  auto r = search("r3", R"({"sort":[{"n":"asc"}],"search_after":[1,2]})");
  EXPECT_EQ(r.status, 400) << describe(r);
  r = search("r3", R"({"from":2,"sort":[{"n":"asc"}],"search_after":[1]})");
  EXPECT_EQ(r.status, 400) << describe(r);
  // A formatted date is accepted as a search_after value.
  r = search("r3", R"({"size":1,"sort":[{"dt":"asc"}],"search_after":["2020-01-01T00:00:00Z"]})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jint(r.json(), "hits.hits.0.sort.0"), 1577836800000LL + 86400000LL) << r.body;
}

TEST_F(SearchResultsTest, TrackTotalHitsVariants) {
  auto r = search("r3", R"({"size":0})");
  EXPECT_EQ(jint(r.json(), "hits.total.value"), kDocs) << r.body;
  EXPECT_EQ(jstr(r.json(), "hits.total.relation"), "eq");
  r = search("r3", R"({"size":0,"track_total_hits":10})");
  EXPECT_EQ(jint(r.json(), "hits.total.value"), 10) << r.body;
  EXPECT_EQ(jstr(r.json(), "hits.total.relation"), "gte");
  r = search("r3", R"({"size":0,"track_total_hits":true})");
  EXPECT_EQ(jint(r.json(), "hits.total.value"), kDocs) << r.body;
  EXPECT_EQ(jstr(r.json(), "hits.total.relation"), "eq");
  r = search("r3", R"({"size":0,"track_total_hits":false})");
  EXPECT_FALSE(jhas(r.json(), "hits.total")) << r.body;
  r = http().get("/r3/_search?size=0&track_total_hits=5");
  EXPECT_EQ(jint(r.json(), "hits.total.value"), 5) << r.body;
  r = http().get("/r3/_search?size=0&rest_total_hits_as_int=true");
  EXPECT_EQ(jint(r.json(), "hits.total"), kDocs) << r.body;
}

// A single-term query's total is its term frequency, taken without visiting the matches: it must
// stay exact beyond the top hits, under a boost, and after deletions.
TEST_F(SearchResultsTest, SingleTermTotalsAreExact) {
  int alpha = 0;
  for (int i = 0; i < kDocs; ++i) alpha += make_doc(i).text.find("alpha") != std::string::npos;
  ASSERT_GT(alpha, 2);
  for (const char* index : {"r1", "r3"}) {
    for (const char* query : {R"({"match":{"text":"alpha"}})", R"({"match":{"text":{"query":"alpha","boost":3}}})",
                              R"({"term":{"text":"alpha"}})"}) {
      for (const char* track : {"", R"("track_total_hits":true,)"}) {
        auto r = search(index, std::string("{") + track + R"("size":1,"query":)" + query + "}");
        ASSERT_EQ(r.status, 200) << describe(r);
        EXPECT_EQ(jint(r.json(), "hits.total.value"), alpha) << index << " " << query << " " << r.body;
        EXPECT_EQ(jstr(r.json(), "hits.total.relation"), "eq") << r.body;
      }
    }
    auto r = search(index, R"({"size":1,"track_total_hits":2,"query":{"match":{"text":"alpha"}}})");
    EXPECT_EQ(jint(r.json(), "hits.total.value"), 2) << r.body;
    EXPECT_EQ(jstr(r.json(), "hits.total.relation"), "gte") << r.body;
  }
  ASSERT_EQ(http().put("/singleterm", R"({"settings":{"number_of_shards":2}})").status, 200);
  Ndjson b;
  for (int i = 0; i < 40; ++i) b.index("singleterm", "d" + std::to_string(i), R"({"text":"common words here"})");
  ASSERT_EQ(http().bulk("/_bulk?refresh=true", b.str()).status, 200);
  for (int i = 0; i < 40; i += 6) {
    ASSERT_EQ(http().del("/singleterm/_doc/d" + std::to_string(i) + "?refresh=true").status, 200);
  }
  auto r = search("singleterm", R"({"size":1,"query":{"match":{"text":"common"}}})");
  EXPECT_EQ(jint(r.json(), "hits.total.value"), 33) << r.body;
  EXPECT_EQ(jstr(r.json(), "hits.total.relation"), "eq") << r.body;
}

// Queries whose count Xapian cannot bound exactly (an AND, a filtered OR): the totals are exact up
// to track_total_hits while the term sources prune the rest (query/bm25_term_source.h), and the
// hits are those of a pass that scores every match (an aggregation in the request forces one).
TEST_F(SearchResultsTest, CompoundQueryTotalsAndHitsAgreeWithAScoringPass) {
  ASSERT_EQ(http().put("/andcount", R"({"settings":{"number_of_shards":2}})").status, 200);
  Ndjson b;
  int both = 0;
  for (int i = 0; i < 300; ++i) {
    // Neither word is in every document, so Xapian's bounds on the AND are not exact by
    // themselves and the count has to be counted.
    std::string text = "word ";
    if (i % 5 != 0) {
      for (int r = 0; r <= i % 4; ++r) text += "common ";
    }
    if (i % 3 != 0) text += "shared ";
    for (int f = 0; f < i % 13; ++f) text += "filler" + std::to_string(f) + " ";
    both += i % 5 != 0 && i % 3 != 0;
    b.index("andcount", "d" + std::to_string(i), R"({"text":")" + text + R"(","n":)" + std::to_string(i % 2) + "}");
  }
  ASSERT_FALSE(jbool(http().bulk("/_bulk?refresh=true", b.str()).json(), "errors", true));
  const std::string q_and = R"({"match":{"text":{"query":"common shared","operator":"and"}}})";
  const std::string q_filter = R"({"bool":{"must":[{"match":{"text":"common shared"}}],"filter":[{"term":{"n":1}}]}})";
  int odd = 0;
  for (int i = 1; i < 300; i += 2) odd += i % 5 != 0 || i % 3 != 0;
  for (const auto& [query, expected] : {std::pair{q_and, both}, std::pair{q_filter, odd}}) {
    for (const char* track : {"", R"("track_total_hits":true,)"}) {
      auto r = search("andcount", std::string("{") + track + R"("size":10,"query":)" + query + "}");
      ASSERT_EQ(r.status, 200) << describe(r);
      EXPECT_EQ(jint(r.json(), "hits.total.value"), expected) << query << " " << r.body;
      EXPECT_EQ(jstr(r.json(), "hits.total.relation"), "eq") << r.body;
      auto scoring = search("andcount", std::string("{") + track + R"("size":10,"query":)" + query +
                                            R"(,"aggs":{"n":{"terms":{"field":"n"}}}})");
      ASSERT_EQ(scoring.status, 200) << describe(scoring);
      auto a = r.json(), s = scoring.json();
      ASSERT_EQ(hit_ids(a), hit_ids(s)) << r.body << "\n" << scoring.body;
      for (size_t k = 0; k < hit_ids(a).size(); ++k) {
        std::string at = "hits.hits." + std::to_string(k) + "._score";
        EXPECT_DOUBLE_EQ(jpath(a, at)->GetDouble(), jpath(s, at)->GetDouble()) << at;
      }
      EXPECT_EQ(jint(s, "hits.total.value"), expected) << scoring.body;
    }
    auto r = search("andcount", R"({"size":3,"track_total_hits":7,"query":)" + query + "}");
    EXPECT_EQ(jint(r.json(), "hits.total.value"), 7) << r.body;
    EXPECT_EQ(jstr(r.json(), "hits.total.relation"), "gte") << r.body;
    EXPECT_EQ(hit_ids(r.json()).size(), 3u) << r.body;
  }
}

TEST_F(SearchResultsTest, MinScoreTerminateAfterTimeout) {
  auto all = search("r3", R"({"size":100,"query":{"match":{"text":"alpha charlie"}}})");
  auto d = all.json();
  auto ids = hit_ids(d);
  ASSERT_GT(ids.size(), 2u);
  double mid = jpath(d, "hits.hits." + std::to_string(ids.size() / 2) + "._score")->GetDouble();
  size_t above = 0;
  for (size_t k = 0; k < ids.size(); ++k)
    above += jpath(d, "hits.hits." + std::to_string(k) + "._score")->GetDouble() >= mid ? 1 : 0;
  auto r = search("r3", R"({"size":100,"query":{"match":{"text":"alpha charlie"}},"min_score":)" + std::to_string(mid - 1e-6) + "}");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(hit_ids(r.json()).size(), above) << r.body;
  EXPECT_EQ(jint(r.json(), "hits.total.value"), static_cast<int64_t>(above)) << r.body;
  r = search("r3", R"({"query":{"match_all":{}},"min_score":2})");
  EXPECT_EQ(hit_ids(r.json()).size(), 0u) << r.body;

  // terminate_after is per shard.
  r = search("r1", R"({"size":100,"terminate_after":5})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_TRUE(jbool(r.json(), "terminated_early")) << r.body;
  EXPECT_EQ(hit_ids(r.json()).size(), 5u) << r.body;
  EXPECT_EQ(jint(r.json(), "hits.total.value"), 5) << r.body;
  r = search("r3", R"({"size":100,"terminate_after":2})");
  EXPECT_EQ(hit_ids(r.json()).size(), 6u) << r.body;
  r = search("r1", R"({"size":100,"terminate_after":1000})");
  EXPECT_FALSE(jbool(r.json(), "terminated_early", true)) << r.body;
  EXPECT_EQ(hit_ids(r.json()).size(), static_cast<size_t>(kDocs));

  r = search("r3", R"({"timeout":"10s","query":{"match":{"text":"alpha"}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_FALSE(jbool(r.json(), "timed_out", true));
  r = search("r3", R"({"timeout":"ten"})");
  EXPECT_EQ(r.status, 400) << describe(r);
}

TEST_F(SearchResultsTest, Highlight) {
  auto r = search("r3", R"({"query":{"match":{"text":"charlie"}},"sort":["id"],"size":1,
      "highlight":{"fields":{"text":{}}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  // id00: "the alpha review number 0 about charlie"
  EXPECT_EQ(jstr(r.json(), "hits.hits.0.highlight.text.0"), "the alpha review number 0 about <em>charlie</em>") << r.body;

  r = search("r3", R"({"query":{"match":{"text":"alpha charlie"}},"sort":["id"],"size":1,
      "highlight":{"pre_tags":["["],"post_tags":["]"],"fields":{"te*":{"number_of_fragments":0}}}})");
  EXPECT_EQ(jstr(r.json(), "hits.hits.0.highlight.text.0"), "the [alpha] review number 0 about [charlie]") << r.body;

  // Small fragments: each around its match, at most number_of_fragments, by score when asked.
  r = search("r3", R"({"query":{"match":{"text":"alpha charlie"}},"sort":["id"],"size":1,
      "highlight":{"fields":{"text":{"fragment_size":12,"number_of_fragments":1}}}})");
  auto frag = jstr(r.json(), "hits.hits.0.highlight.text.0");
  EXPECT_NE(frag.find("<em>"), std::string::npos) << r.body;
  EXPECT_EQ(jpath(r.json(), "hits.hits.0.highlight.text")->Size(), 1u) << r.body;

  // No match in a field: nothing, unless no_match_size.
  r = search("r3", R"({"query":{"term":{"kw":"k00"}},"sort":["id"],"size":1,
      "highlight":{"fields":{"text":{"no_match_size":9}}}})");
  EXPECT_EQ(jstr(r.json(), "hits.hits.0.highlight.text.0"), "the alpha") << r.body;
  r = search("r3", R"({"query":{"term":{"kw":"k00"}},"sort":["id"],"size":1,"highlight":{"fields":{"text":{}}}})");
  EXPECT_FALSE(jhas(r.json(), "hits.hits.0.highlight")) << r.body;

  // require_field_match false: terms of other fields highlight too; highlight_query overrides.
  r = search("r3", R"({"query":{"term":{"kw":"k00"}},"sort":["id"],"size":1,"highlight":{"fields":{"kw":{}}}})");
  EXPECT_EQ(jstr(r.json(), "hits.hits.0.highlight.kw.0"), "<em>k00</em>") << r.body;
  r = search("r3", R"({"query":{"match":{"text":"alpha"}},"sort":["id"],"size":1,
      "highlight":{"fields":{"text":{"highlight_query":{"match":{"text":"review"}}}}}})");
  EXPECT_EQ(jstr(r.json(), "hits.hits.0.highlight.text.0"), "the alpha <em>review</em> number 0 about charlie") << r.body;

  r = search("r3", R"({"highlight":{"fields":{"text":{"bogus":1}}}})");
  EXPECT_EQ(r.status, 400) << describe(r);
}

TEST_F(SearchResultsTest, FieldsAndDocvalueFields) {
  auto r = search("r3", R"({"query":{"ids":{"values":["id00"]}},"_source":false,
      "fields":["n","kw","dt",{"field":"d*"}],"docvalue_fields":[{"field":"dt","format":"epoch_millis"},"b"]})");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto d = r.json();
  EXPECT_FALSE(jhas(d, "hits.hits.0._source")) << r.body;
  EXPECT_EQ(jint(d, "hits.hits.0.fields.n.0"), -5) << r.body;
  EXPECT_EQ(jstr(d, "hits.hits.0.fields.kw.0"), "k00") << r.body;
  EXPECT_EQ(jstr(d, "hits.hits.0.fields.dt.0"), "2020-01-01T00:00:00.000Z") << r.body;
  EXPECT_TRUE(jbool(d, "hits.hits.0.fields.b.0")) << r.body;
  EXPECT_TRUE(jhas(d, "hits.hits.0.fields.d.0")) << r.body;
}

TEST_F(SearchResultsTest, MultiSearch) {
  std::string body = std::string(R"({"index":"r3"})") + "\n" + R"({"query":{"match":{"text":"alpha"}},"size":1})" + "\n" +
                     R"({"index":"missing-index"})" + "\n" + "{}\n" +
                     "{}\n" + R"({"query":{"bogus":{}}})" + "\n" +
                     R"({"index":"r1"})" + "\n" + R"({"size":2,"sort":[{"id":"desc"}]})" + "\n";
  auto r = http().request("POST", "/r1/_msearch", body, {{"Content-Type", "application/x-ndjson"}});
  ASSERT_EQ(r.status, 200) << describe(r);
  auto d = r.json();
  ASSERT_EQ(jpath(d, "responses")->Size(), 4u) << r.body;
  EXPECT_EQ(jint(d, "responses.0.status"), 200) << r.body;
  EXPECT_EQ(jint(d, "responses.0.hits.total.value"), 12) << r.body;  // "alpha" in 12 of 30 docs
  EXPECT_EQ(jstr(d, "responses.0.hits.hits.0._index"), "r3");
  EXPECT_EQ(jint(d, "responses.1.status"), 404) << r.body;
  EXPECT_EQ(jstr(d, "responses.1.error.type"), "index_not_found_exception") << r.body;
  EXPECT_EQ(jint(d, "responses.2.status"), 400) << r.body;
  EXPECT_EQ(jstr(d, "responses.2.error.type"), "parsing_exception") << r.body;
  EXPECT_EQ(jstr(d, "responses.3.hits.hits.0._id"), "id29") << r.body;
  EXPECT_EQ(jstr(d, "responses.3.hits.hits.1._id"), "id28") << r.body;
  // An empty item header falls back to the index in the path.
  r = http().request("POST", "/r1/_msearch", "{}\n{\"size\":0}\n", {{"Content-Type", "application/x-ndjson"}});
  EXPECT_EQ(jint(r.json(), "responses.0.hits.total.value"), kDocs) << r.body;
  r = http().request("POST", "/_msearch", "", {{"Content-Type", "application/x-ndjson"}});
  EXPECT_EQ(r.status, 400) << describe(r);
}

TEST_F(SearchResultsTest, ValidateQuery) {
  auto r = http().post("/r3/_validate/query", R"({"query":{"match":{"text":"alpha"}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_TRUE(jbool(r.json(), "valid")) << r.body;
  r = http().post("/r3/_validate/query?explain=true", R"({"query":{"bogus":{}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_FALSE(jbool(r.json(), "valid", true)) << r.body;
  EXPECT_EQ(jstr(r.json(), "explanations.0.index"), "r3") << r.body;
  EXPECT_NE(jstr(r.json(), "explanations.0.error").find("bogus"), std::string::npos) << r.body;
  r = http().get("/r1,r3/_validate/query?explain=true&q=text:alpha");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_TRUE(jbool(r.json(), "valid")) << r.body;
  EXPECT_EQ(jpath(r.json(), "explanations")->Size(), 2u) << r.body;
  EXPECT_NE(jstr(r.json(), "explanations.0.explanation").find("alpha"), std::string::npos) << r.body;
  r = http().get("/nope/_validate/query");
  EXPECT_EQ(r.status, 404) << describe(r);
}

TEST_F(SearchResultsTest, UriSearch) {
  auto r = http().get("/r3/_search?q=text:alpha&size=100");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jint(r.json(), "hits.total.value"), 12) << r.body;
  r = http().get("/r3/_search?q=alpha%20charlie&df=text&default_operator=AND&size=100");
  for (const auto& id : hit_ids(r.json())) EXPECT_EQ(std::stoi(id.substr(2)) % 5, 0) << id;
  EXPECT_EQ(jint(r.json(), "hits.total.value"), 6) << r.body;
  r = http().get("/r3/_search?q=kw:k00&sort=id:desc&from=1&size=1&_source=false");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_FALSE(jhas(r.json(), "hits.hits.0._source")) << r.body;
  EXPECT_EQ(jpath(r.json(), "hits.hits")->Size(), 1u) << r.body;
  r = http().get("/r3/_count?q=text:alpha");
  EXPECT_EQ(jint(r.json(), "count"), 12) << r.body;
}

TEST_F(SearchResultsTest, ExplainBreaksTheScoreDownByTerm) {
  auto r = search("r3", R"({"explain":true,"size":1,"query":{"match":{"text":"alpha charlie"}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto d = r.json();
  const auto* e = jpath(d, "hits.hits.0._explanation");
  ASSERT_TRUE(e && e->IsObject()) << r.body;
  double score = jpath(d, "hits.hits.0._score")->GetDouble();
  EXPECT_NEAR(jpath(*e, "value")->GetDouble(), score, 1e-5) << r.body;
  double sum = 0;
  for (const auto& detail : jpath(*e, "details")->GetArray()) {
    sum += jpath(detail, "value")->GetDouble();
    EXPECT_NE(jstr(detail, "description").find("weight(text:"), std::string::npos) << r.body;
  }
  EXPECT_NEAR(sum, score, 1e-4) << r.body;
  EXPECT_EQ(jstr(d, "hits.hits.0._shard").rfind("[r3][", 0), 0u) << r.body;
  r = search("r3", R"({"size":1})");
  EXPECT_FALSE(jhas(r.json(), "hits.hits.0._explanation"));
}
