// Search over a 3-shard index: match_all / match / term with from+size, totals summed across
// shards, sort-stable pagination, _count.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "harness.h"

using namespace qtest;

namespace {

constexpr int kDocs = 60;

std::string did(int64_t i) {
  std::string s = "d";
  s += std::to_string(i);
  return s;
}

// Doc i: n = i, colour cycles red/green/blue, text mentions "quick" on every 4th doc.
std::string doc_source(int i) {
  static const char* colours[] = {"red", "green", "blue"};
  std::string text = i % 4 == 0 ? "the quick brown fox number " : "a lazy dog number ";
  return R"({"n":)" + std::to_string(i) + R"(,"colour":")" + colours[i % 3] + R"(","text":")" + text +
         std::to_string(i) + R"("})";
}

class SearchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new Quarryd();
    started_ = server_->start();
    if (!started_) return;
    auto& h = server_->http();
    auto r = h.put("/s3", R"({"settings":{"number_of_shards":3,"number_of_replicas":0},
        "mappings":{"properties":{"n":{"type":"integer"},"colour":{"type":"keyword"},"text":{"type":"text"}}}})");
    setup_ok_ = r.status == 200;
    Ndjson b;
    for (int i = 0; i < kDocs; ++i) b.index("s3", did(i), doc_source(i));
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
  void TearDown() override {
    if (started_ && !server_->running()) ADD_FAILURE() << "quarryd died during this test:\n" << server_->logs();
  }
  HttpClient& http() { return server_->http(); }

  HttpResponse search(const std::string& body, const std::string& target = "/s3/_search") {
    return http().post(target, body);
  }

  static Quarryd* server_;
  static bool started_, setup_ok_;
  static std::string setup_error_;
};
Quarryd* SearchTest::server_ = nullptr;
bool SearchTest::started_ = false;
bool SearchTest::setup_ok_ = false;
std::string SearchTest::setup_error_;

std::vector<std::string> hit_ids(const rapidjson::Document& d) {
  std::vector<std::string> ids;
  const auto* hits = jpath(d, "hits.hits");
  if (hits && hits->IsArray())
    for (const auto& h : hits->GetArray()) ids.push_back(jstr(h, "_id"));
  return ids;
}

}  // namespace

TEST_F(SearchTest, MatchAllTotalsAcrossShards) {
  auto r = search(R"({"query":{"match_all":{}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto d = r.json();
  EXPECT_EQ(jint(d, "hits.total.value"), kDocs) << r.body;
  EXPECT_EQ(jstr(d, "hits.total.relation"), "eq");
  EXPECT_EQ(jint(d, "_shards.total"), 3) << r.body;
  EXPECT_EQ(jint(d, "_shards.successful"), 3) << r.body;
  EXPECT_EQ(jint(d, "_shards.failed"), 0);
  EXPECT_FALSE(jbool(d, "timed_out", true));
  EXPECT_TRUE(jhas(d, "took"));
  auto ids = hit_ids(d);
  EXPECT_EQ(ids.size(), 10u) << "default size is 10";
  EXPECT_EQ(jstr(d, "hits.hits.0._index"), "s3");
  EXPECT_TRUE(jhas(d, "hits.hits.0._score"));
  EXPECT_TRUE(jhas(d, "hits.hits.0._source.n"));

  // Empty body and GET are match_all too.
  r = http().get("/s3/_search");
  EXPECT_EQ(jint(r.json(), "hits.total.value"), kDocs) << describe(r);
}

TEST_F(SearchTest, RoutingRestrictsSearchToOneShard) {
  // Docs were indexed without routing, so each lives on the shard of its own id: a search routed
  // by "d0" asks exactly that one shard, which holds d0 and only part of the 60 docs.
  auto r = search(R"({"size":0})", "/s3/_search?routing=d0");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto d = r.json();
  EXPECT_EQ(jint(d, "_shards.total"), 1) << r.body;
  int64_t n = jint(d, "hits.total.value");
  EXPECT_GT(n, 0) << r.body;
  EXPECT_LT(n, kDocs) << "a routed search must not count other shards' docs: " << r.body;
  r = search(R"({"query":{"ids":{"values":["d0"]}}})", "/s3/_search?routing=d0");
  EXPECT_EQ(hit_ids(r.json()), std::vector<std::string>{"d0"}) << r.body;
  // The per-shard totals of all routed searches cover the whole index.
  int64_t sum = 0;
  std::set<std::string> seen_shard_sets;
  for (int i = 0; i < kDocs; ++i) {
    r = search(R"({"size":100,"query":{"match_all":{}}})", "/s3/_search?routing=" + did(i));
    auto ids = hit_ids(r.json());
    std::sort(ids.begin(), ids.end());
    std::string key;
    for (const auto& id : ids) key += id + ",";
    if (seen_shard_sets.insert(key).second) sum += static_cast<int64_t>(ids.size());
  }
  EXPECT_EQ(seen_shard_sets.size(), 3u) << "60 ids over 3 shards should use every shard";
  EXPECT_EQ(sum, kDocs) << "the shards partition the documents";
}

TEST_F(SearchTest, FromSizePaginationCoversEveryDocOnce) {
  // Equal scores (match_all): pages are disjoint and together cover everything, across shards.
  std::set<std::string> seen;
  for (int from = 0; from < kDocs; from += 7) {
    auto r = search(R"({"query":{"match_all":{}},"from":)" + std::to_string(from) + R"(,"size":7})");
    ASSERT_EQ(r.status, 200) << describe(r);
    auto d = r.json();
    EXPECT_EQ(jint(d, "hits.total.value"), kDocs);
    auto ids = hit_ids(d);
    EXPECT_EQ(ids.size(), static_cast<size_t>(std::min(7, kDocs - from))) << r.body;
    for (const auto& id : ids) EXPECT_TRUE(seen.insert(id).second) << "duplicate " << id << " at from=" << from;
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(kDocs));

  // A scored query: the page boundaries follow the global order (page 2 == hits 5..9 of size 10).
  auto all = search(R"({"query":{"match":{"text":"number quick"}},"size":10})");
  auto page = http().post("/s3/_search?from=5&size=5", R"({"query":{"match":{"text":"number quick"}}})");
  ASSERT_EQ(page.status, 200) << describe(page);
  auto all_ids = hit_ids(all.json());
  ASSERT_EQ(all_ids.size(), 10u) << all.body;
  EXPECT_EQ(hit_ids(page.json()), std::vector<std::string>(all_ids.begin() + 5, all_ids.end()));
  EXPECT_EQ(jint(page.json(), "hits.total.value"), kDocs);

  // Past the end: no hits, total still right.
  auto r = search(R"({"from":100,"size":10})");
  EXPECT_EQ(hit_ids(r.json()).size(), 0u);
  EXPECT_EQ(jint(r.json(), "hits.total.value"), kDocs);

  // size 0: counts only.
  r = search(R"({"size":0,"query":{"term":{"colour":"red"}}})");
  EXPECT_EQ(hit_ids(r.json()).size(), 0u);
  EXPECT_EQ(jint(r.json(), "hits.total.value"), kDocs / 3);

  // The result window limit (10000 by default).
  r = search(R"({"from":9995,"size":10})");
  EXPECT_EQ(r.status, 400) << describe(r);
  EXPECT_NE(r.body.find("Result window is too large"), std::string::npos) << r.body;
  r = search(R"({"size":-1})");
  EXPECT_EQ(r.status, 400) << describe(r);
}

TEST_F(SearchTest, SortedPaginationAcrossShards) {
  // Sorted by n: pages must be exactly consecutive ranges, merged correctly across the shards.
  for (int from = 0; from < kDocs; from += 7) {
    auto r = search(R"({"query":{"match_all":{}},"sort":[{"n":"asc"}],"from":)" + std::to_string(from) +
                    R"(,"size":7})");
    ASSERT_EQ(r.status, 200) << describe(r);
    auto d = r.json();
    auto ids = hit_ids(d);
    ASSERT_EQ(ids.size(), static_cast<size_t>(std::min(7, kDocs - from))) << r.body;
    for (size_t k = 0; k < ids.size(); ++k) {
      EXPECT_EQ(ids[k], did(from + static_cast<int>(k))) << "from=" << from;
      EXPECT_EQ(jint(d, "hits.hits." + std::to_string(k) + ".sort.0"), from + static_cast<int64_t>(k));
    }
  }
  auto r = http().post("/s3/_search?from=5&size=3", R"({"sort":[{"n":{"order":"desc"}}]})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(hit_ids(r.json()), (std::vector<std::string>{"d54", "d53", "d52"})) << r.body;
}

TEST_F(SearchTest, MatchQueryScoresAndTotals) {
  auto r = search(R"({"query":{"match":{"text":"quick"}},"size":100})");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto d = r.json();
  EXPECT_EQ(jint(d, "hits.total.value"), kDocs / 4) << r.body;
  auto ids = hit_ids(d);
  ASSERT_EQ(ids.size(), static_cast<size_t>(kDocs / 4));
  for (const auto& id : ids) EXPECT_EQ(std::stoi(id.substr(1)) % 4, 0) << id;
  // Scores positive and non-increasing; max_score is the first.
  double prev = 1e300;
  for (size_t k = 0; k < ids.size(); ++k) {
    const auto* s = jpath(d, "hits.hits." + std::to_string(k) + "._score");
    ASSERT_TRUE(s && s->IsNumber()) << r.body;
    EXPECT_GT(s->GetDouble(), 0.0);
    EXPECT_LE(s->GetDouble(), prev);
    prev = s->GetDouble();
  }
  const auto* max_score = jpath(d, "hits.max_score");
  ASSERT_TRUE(max_score && max_score->IsNumber()) << r.body;
  EXPECT_DOUBLE_EQ(max_score->GetDouble(), jpath(d, "hits.hits.0._score")->GetDouble());

  // Analysed: case-insensitive, OR of terms by default, AND with operator.
  r = search(R"({"query":{"match":{"text":"QUICK Fox"}},"size":0})");
  EXPECT_EQ(jint(r.json(), "hits.total.value"), kDocs / 4) << r.body;
  r = search(R"({"query":{"match":{"text":"quick lazy"}},"size":0})");
  EXPECT_EQ(jint(r.json(), "hits.total.value"), kDocs) << r.body;
  r = search(R"({"query":{"match":{"text":{"query":"quick lazy","operator":"and"}}},"size":0})");
  EXPECT_EQ(jint(r.json(), "hits.total.value"), 0) << r.body;
  r = search(R"({"query":{"match":{"text":"number 17"}},"size":1})");
  EXPECT_EQ(jstr(r.json(), "hits.hits.0._id"), "d17") << "the rarer term ranks first: " << r.body;

  r = search(R"({"query":{"match":{"text":"nonexistentword"}}})");
  EXPECT_EQ(jint(r.json(), "hits.total.value"), 0);
  EXPECT_EQ(hit_ids(r.json()).size(), 0u);
}

TEST_F(SearchTest, TermQueries) {
  auto r = search(R"({"query":{"term":{"colour":"green"}},"size":100})");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto ids = hit_ids(r.json());
  ASSERT_EQ(ids.size(), static_cast<size_t>(kDocs / 3)) << r.body;
  std::sort(ids.begin(), ids.end(), [](const std::string& a, const std::string& b) {
    return std::stoi(a.substr(1)) < std::stoi(b.substr(1));
  });
  for (size_t k = 0; k < ids.size(); ++k) EXPECT_EQ(ids[k], did(1 + 3 * static_cast<int64_t>(k)));
  // keyword terms are exact: no analysis.
  r = search(R"({"query":{"term":{"colour":"GREEN"}}})");
  EXPECT_EQ(jint(r.json(), "hits.total.value"), 0) << r.body;
  // Numeric term.
  r = search(R"({"query":{"term":{"n":42}}})");
  EXPECT_EQ(hit_ids(r.json()), std::vector<std::string>{"d42"}) << r.body;
  r = search(R"({"query":{"term":{"n":{"value":"7"}}}})");
  EXPECT_EQ(hit_ids(r.json()), std::vector<std::string>{"d7"}) << r.body;
  // term on a text field matches the analysed token.
  r = search(R"({"query":{"term":{"text":"quick"}},"size":0})");
  EXPECT_EQ(jint(r.json(), "hits.total.value"), kDocs / 4) << r.body;
  // A bad query is a 400, not a 500.
  r = search(R"({"query":{"no_such_query":{}}})");
  EXPECT_EQ(r.status, 400) << describe(r);
  EXPECT_EQ(jstr(r.json(), "error.root_cause.0.type"), "parsing_exception") << r.body;
  r = search(R"({"query":{"term":{"n":"not-a-number"}}})");
  EXPECT_EQ(r.status, 400) << describe(r);
}

TEST_F(SearchTest, Count) {
  auto r = http().get("/s3/_count");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jint(r.json(), "count"), kDocs);
  EXPECT_EQ(jint(r.json(), "_shards.total"), 3) << r.body;
  EXPECT_EQ(jint(r.json(), "_shards.successful"), 3) << r.body;

  r = http().post("/s3/_count", R"({"query":{"term":{"colour":"blue"}}})");
  EXPECT_EQ(jint(r.json(), "count"), kDocs / 3) << r.body;
  r = http().post("/s3/_count", R"({"query":{"match":{"text":"quick"}}})");
  EXPECT_EQ(jint(r.json(), "count"), kDocs / 4) << r.body;
  r = http().post("/s3/_count", R"({"query":{"match":{"text":"quick"}},"size":5})");
  EXPECT_EQ(r.status, 400) << "size is not a _count option: " << describe(r);

  // Across indices (comma list, wildcard, _all).
  ASSERT_EQ(http().put("/s3-other/_doc/x?refresh=true", R"({"colour":"blue"})").status, 201);
  r = http().post("/s3,s3-other/_count", R"({"query":{"term":{"colour":"blue"}}})");
  EXPECT_EQ(jint(r.json(), "count"), kDocs / 3 + 1) << r.body;
  r = http().post("/s3*/_count", R"({"query":{"term":{"colour":"blue"}}})");
  EXPECT_EQ(jint(r.json(), "count"), kDocs / 3 + 1) << r.body;
  r = http().post("/_count", R"({"query":{"term":{"colour":"blue"}}})");
  EXPECT_GE(jint(r.json(), "count"), kDocs / 3 + 1) << r.body;
  r = http().post("/s3/_search", R"({"query":{"term":{"colour":"blue"}},"size":0})");
  EXPECT_EQ(jint(r.json(), "hits.total.value"), kDocs / 3) << "_count agrees with _search";

  // Missing index.
  r = http().get("/no-such-index/_count");
  EXPECT_TRUE(is_es_error(r, 404, "index_not_found_exception")) << describe(r);
}

TEST_F(SearchTest, SearchSeesDeletesAndUpdatesAfterRefresh) {
  ASSERT_EQ(http().put("/s3-mut", R"({"settings":{"number_of_shards":3}})").status, 200);
  Ndjson b;
  for (int i = 0; i < 30; ++i) b.index("s3-mut", std::to_string(i), R"({"v":"old"})");
  ASSERT_EQ(http().bulk("/_bulk?refresh=true", b.str()).status, 200);
  Ndjson c;
  for (int i = 0; i < 10; ++i) c.del("s3-mut", std::to_string(i));
  for (int i = 10; i < 20; ++i) c.index("s3-mut", std::to_string(i), R"({"v":"new"})");
  ASSERT_EQ(http().bulk("/_bulk?refresh=true", c.str()).status, 200);
  auto r = http().post("/s3-mut/_count", "{}");
  EXPECT_EQ(jint(r.json(), "count"), 20) << r.body;
  r = http().post("/s3-mut/_count", R"({"query":{"match":{"v":"new"}}})");
  EXPECT_EQ(jint(r.json(), "count"), 10) << r.body;
  r = http().post("/s3-mut/_count", R"({"query":{"match":{"v":"old"}}})");
  EXPECT_EQ(jint(r.json(), "count"), 10) << "an overwrite replaces, never duplicates: " << r.body;
}

namespace {

// Queries the index cannot build are Elasticsearch's query_shard_exception (400), not a crash or
// an empty answer.
TEST_F(SearchTest, QueriesTheIndexCannotBuildAreQueryShardErrors) {
  ASSERT_EQ(http().put("/ids_window", R"({"settings":{"index.max_result_window":2}})").status, 200);
  auto r = search(R"({"query":{"ids":{"values":["1","2","3"]}}})", "/ids_window/_search");
  EXPECT_TRUE(is_es_error(r, 400, "query_shard_exception")) << describe(r);
  EXPECT_NE(r.body.find("Too many ids specified, allowed max result window is [2]"), std::string::npos) << r.body;
  // Within the window the query runs; the default size (10) is still over it, and that error
  // comes only after the query was built.
  r = search(R"({"query":{"ids":{"values":["1","2"]}},"size":2})", "/ids_window/_search");
  EXPECT_EQ(r.status, 200) << describe(r);
  r = search(R"({"query":{"ids":{"values":["1","2"]}}})", "/ids_window/_search");
  EXPECT_TRUE(is_es_error(r, 400, "illegal_argument_exception")) << describe(r);

  // The same limits hold in a post_filter.
  r = search(R"({"size":2,"post_filter":{"ids":{"values":["1","2","3"]}}})", "/ids_window/_search");
  EXPECT_TRUE(is_es_error(r, 400, "query_shard_exception")) << describe(r);

  r = search(R"({"query":{"exists":{"field":"_source"}}})");
  EXPECT_TRUE(is_es_error(r, 400, "query_shard_exception")) << describe(r);
  r = search(R"({"query":{"exists":{"field":"_id"}}})");
  EXPECT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jint(r.json(), "hits.total.value"), kDocs) << describe(r);
}

}  // namespace

namespace {

TEST_F(SearchTest, ExistsOnRoutingFindsTheRoutedDocuments) {
  ASSERT_EQ(http().put("/routed/_doc/1?routing=user1&refresh=true", R"({"n":1})").status, 201);
  ASSERT_EQ(http().put("/routed/_doc/2?refresh=true", R"({"n":2})").status, 201);
  auto r = search(R"({"query":{"exists":{"field":"_routing"}}})", "/routed/_search");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jint(r.json(), "hits.total.value"), 1) << r.body;
  EXPECT_EQ(jstr(r.json(), "hits.hits.0._id"), "1") << r.body;
  EXPECT_EQ(jstr(r.json(), "hits.hits.0._routing"), "user1") << r.body;
}

}  // namespace
