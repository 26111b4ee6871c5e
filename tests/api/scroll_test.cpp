// Scroll: ?scroll= on _search, /_search/scroll pages, DELETE /_search/scroll, the limits and
// errors, and a scroll's consistent view while documents are added, updated and deleted.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "harness.h"

using namespace qtest;

namespace {

class ScrollTest : public ::testing::Test {
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

  void load(const std::string& index, int docs, int shards) {
    auto r = http().put("/" + index, "{\"settings\":{\"number_of_shards\":" + std::to_string(shards) +
                                         "},\"mappings\":{\"properties\":{\"n\":{\"type\":\"long\"},\"v\":{\"type\":\"long\"}}}}");
    ASSERT_EQ(r.status, 200) << describe(r);
    Ndjson nd;
    for (int i = 0; i < docs; ++i) {
      nd.index(index, "d" + std::to_string(i), "{\"n\":" + std::to_string(i) + ",\"v\":1,\"text\":\"word" +
                                                    std::to_string(i % 4) + " common\"}");
    }
    r = http().bulk("/_bulk?refresh=true", nd.str());
    ASSERT_EQ(r.status, 200) << describe(r);
    ASSERT_FALSE(jbool(r.json(), "errors")) << describe(r);
  }
  static Quarryd* server_;
  static bool started_;
};
Quarryd* ScrollTest::server_ = nullptr;
bool ScrollTest::started_ = false;

TEST_F(ScrollTest, PagesThroughEverythingInOrderThenClears) {
  load("sc1", 25, 2);
  auto r = http().post("/sc1/_search?scroll=1m", R"({"size":10,"sort":[{"n":"asc"}],"query":{"match_all":{}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto j = r.json();
  std::string id = jstr(j, "_scroll_id");
  ASSERT_NE(id, "<absent>");
  EXPECT_EQ(r.body.rfind("{\"_scroll_id\"", 0), 0u) << "the _scroll_id comes first";
  EXPECT_EQ(jint(j, "hits.total.value"), 25);
  EXPECT_EQ(jstr(j, "hits.total.relation"), "eq");
  EXPECT_EQ(jint(j, "_shards.total"), 2);
  std::vector<int64_t> seen;
  for (const auto& h : jpath(j, "hits.hits")->GetArray()) seen.push_back(jint(h, "_source.n"));
  EXPECT_EQ(seen.size(), 10u);
  int pages = 1;
  for (;;) {
    r = http().post("/_search/scroll", "{\"scroll\":\"1m\",\"scroll_id\":" + jquote(id) + "}");
    ASSERT_EQ(r.status, 200) << describe(r);
    auto p = r.json();
    EXPECT_EQ(jstr(p, "_scroll_id"), id);
    EXPECT_EQ(jint(p, "hits.total.value"), 25);
    const auto& hits = *jpath(p, "hits.hits");
    if (hits.Size() == 0) break;
    ++pages;
    for (const auto& h : hits.GetArray()) {
      seen.push_back(jint(h, "_source.n"));
      EXPECT_TRUE(jhas(h, "sort"));
    }
  }
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(seen.size(), 25u);
  for (int i = 0; i < 25; ++i) EXPECT_EQ(seen[i], i);
  // GET with the id in the URL, rest_total_hits_as_int.
  r = http().get("/_search/scroll/" + id + "?scroll=1m&rest_total_hits_as_int=true");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jint(r.json(), "hits.total"), 25);

  r = http().request("DELETE", "/_search/scroll", "{\"scroll_id\":[" + jquote(id) + "]}");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_TRUE(jbool(r.json(), "succeeded"));
  EXPECT_EQ(jint(r.json(), "num_freed"), 1);
  r = http().post("/_search/scroll", "{\"scroll_id\":" + jquote(id) + "}");
  EXPECT_EQ(r.status, 404) << describe(r);
  r = http().request("DELETE", "/_search/scroll", "{\"scroll_id\":" + jquote(id) + "}");
  EXPECT_EQ(r.status, 404) << describe(r);
  EXPECT_EQ(jint(r.json(), "num_freed"), 0);
}

TEST_F(ScrollTest, ScoredScrollAndClearAll) {
  load("sc2", 12, 3);
  auto r = http().get("/sc2/_search?scroll=30s&size=5&q=text:word1");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jint(r.json(), "hits.total.value"), 3);
  EXPECT_EQ(jpath(r.json(), "hits.hits")->Size(), 3u);
  EXPECT_GT(jpath(r.json(), "hits.max_score")->GetDouble(), 0.0);
  r = http().post("/sc2/_search?scroll=1m", R"({"size":2})");
  ASSERT_EQ(r.status, 200) << describe(r);
  r = http().request("DELETE", "/_search/scroll/_all");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jint(r.json(), "num_freed"), 2);
  // A plain search (no ?scroll) has no _scroll_id.
  r = http().post("/sc2/_search", R"({"size":1})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_FALSE(jhas(r.json(), "_scroll_id"));
}

TEST_F(ScrollTest, Errors) {
  load("sc3", 3, 1);
  auto r = http().post("/sc3/_search?scroll=1m", R"({"from":1})");
  EXPECT_EQ(r.status, 400) << describe(r);
  r = http().post("/sc3/_search?scroll=1m", R"({"sort":["n"],"search_after":[1]})");
  EXPECT_EQ(r.status, 400) << describe(r);
  r = http().post("/sc3/_search?scroll=2d", "");
  EXPECT_EQ(r.status, 400) << describe(r);
  r = http().post("/sc3/_search?scroll=nonsense", "");
  EXPECT_EQ(r.status, 400) << describe(r);
  r = http().post("/sc3/_search?scroll=1m", R"({"size":10001})");
  EXPECT_EQ(r.status, 400) << describe(r);
  r = http().post("/_search/scroll", R"({"scroll":"1m"})");
  EXPECT_EQ(r.status, 400) << describe(r);
  r = http().post("/_search/scroll", R"({"scroll_id":"nope"})");
  EXPECT_EQ(r.status, 404) << describe(r);
  r = http().request("DELETE", "/_search/scroll", "");
  EXPECT_EQ(r.status, 400) << describe(r);
}

// A scroll started before writes sees exactly the documents that existed at its start, each
// once, with the _source they had then, while documents are added, updated and deleted.
TEST_F(ScrollTest, ConsistentViewUnderConcurrentIngest) {
  constexpr int kDocs = 300;
  load("sc4", kDocs, 2);
  auto r = http().post("/sc4/_search?scroll=1m", R"({"size":7,"sort":["_doc"]})");
  ASSERT_EQ(r.status, 200) << describe(r);
  std::string id = jstr(r.json(), "_scroll_id");
  EXPECT_EQ(jint(r.json(), "hits.total.value"), kDocs);
  std::multiset<std::string> seen;
  bool all_v1 = true;
  auto take = [&](const rapidjson::Value& hits) {
    for (const auto& h : hits.GetArray()) {
      seen.insert(jstr(h, "_id"));
      all_v1 &= jint(h, "_source.v") == 1;
    }
  };
  take(*jpath(r.json(), "hits.hits"));

  std::atomic<bool> stop{false};
  std::atomic<int> rounds{0};
  std::thread writer([&] {
    HttpClient c = server_->client();
    int round = 0;
    while (!stop.load()) {
      Ndjson nd;
      for (int k = 0; k < 10; ++k) {
        int i = (round * 10 + k) % kDocs;
        nd.index("sc4", "d" + std::to_string(i), "{\"n\":" + std::to_string(i) + ",\"v\":2}");
        nd.index("sc4", "new" + std::to_string(round) + "_" + std::to_string(k), "{\"n\":-1,\"v\":3}");
      }
      nd.del("sc4", "d" + std::to_string((round * 7 + 3) % kDocs));
      c.bulk("/_bulk?refresh=true", nd.str());
      ++round;
      rounds.store(round);
    }
  });
  // Let some writes land before paging on.
  wait_until([&] { return rounds.load() >= 3; }, 10s);
  for (;;) {
    r = http().post("/_search/scroll", "{\"scroll\":\"1m\",\"scroll_id\":" + jquote(id) + "}");
    ASSERT_EQ(r.status, 200) << describe(r);
    auto p = r.json();
    EXPECT_EQ(jint(p, "hits.total.value"), kDocs);
    if (jpath(p, "hits.hits")->Size() == 0) break;
    take(*jpath(p, "hits.hits"));
    std::this_thread::sleep_for(5ms);
  }
  stop.store(true);
  writer.join();
  EXPECT_GE(rounds.load(), 3);
  EXPECT_EQ(seen.size(), static_cast<size_t>(kDocs));
  for (int i = 0; i < kDocs; ++i) EXPECT_EQ(seen.count("d" + std::to_string(i)), 1u) << i;
  EXPECT_TRUE(all_v1) << "a page showed a version written after the scroll started";
  // The writes happened: a new search sees them.
  r = http().post("/sc4/_count", R"({"query":{"term":{"v":3}}})");
  EXPECT_GT(jint(r.json(), "count"), 0);
}

// A point in time answers any query, sort and search_after paging over the data as it was when
// it opened, while documents are added, updated and deleted.
TEST_F(ScrollTest, PointInTimeKeepsItsViewUnderWrites) {
  constexpr int kDocs = 60;
  load("sc5", kDocs, 2);
  auto r = http().post("/sc5/_pit?keep_alive=1m");
  ASSERT_EQ(r.status, 200) << describe(r);
  std::string pit = jstr(r.json(), "id");
  ASSERT_NE(pit, "<absent>");
  EXPECT_EQ(jint(r.json(), "_shards.total"), 2);

  std::atomic<bool> stop{false};
  std::thread writer([&] {
    HttpClient c = server_->client();
    int round = 0;
    while (!stop.load()) {
      Ndjson nd;
      for (int k = 0; k < 5; ++k) {
        int i = (round * 5 + k) % kDocs;
        nd.index("sc5", "d" + std::to_string(i), "{\"n\":" + std::to_string(i) + ",\"v\":2}");
        nd.index("sc5", "new" + std::to_string(round) + "_" + std::to_string(k), "{\"n\":" + std::to_string(1000 + round) + ",\"v\":3}");
      }
      nd.del("sc5", "d" + std::to_string((round * 7 + 3) % kDocs));
      c.bulk("/_bulk?refresh=true", nd.str());
      ++round;
    }
  });
  std::this_thread::sleep_for(300ms);
  std::string pit_json = "\"pit\":{\"id\":" + jquote(pit) + ",\"keep_alive\":\"1m\"}";
  r = http().post("/_search", "{" + pit_json + ",\"size\":0,\"query\":{\"term\":{\"v\":1}}}");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jint(r.json(), "hits.total.value"), kDocs);
  EXPECT_EQ(jstr(r.json(), "pit_id"), pit);
  r = http().post("/_search", "{" + pit_json + ",\"size\":0,\"query\":{\"range\":{\"v\":{\"gt\":1}}}}");
  EXPECT_EQ(jint(r.json(), "hits.total.value"), 0) << describe(r);
  // Page with search_after on n.
  std::set<std::string> seen;
  std::string after;
  for (int page = 0; page < 20; ++page) {
    std::string body = "{" + pit_json + ",\"size\":7,\"sort\":[{\"n\":\"asc\"}]" +
                       (after.empty() ? "" : ",\"search_after\":" + after) + "}";
    r = http().post("/_search", body);
    ASSERT_EQ(r.status, 200) << describe(r);
    const auto& hits = *jpath(r.json(), "hits.hits");
    if (hits.Size() == 0) break;
    for (const auto& h : hits.GetArray()) {
      EXPECT_TRUE(seen.insert(jstr(h, "_id")).second);
      EXPECT_EQ(jint(h, "_source.v"), 1);
    }
    after = to_json(*jpath(hits[hits.Size() - 1], "sort"));
  }
  stop.store(true);
  writer.join();
  EXPECT_EQ(seen.size(), static_cast<size_t>(kDocs));
  // The live index moved on.
  r = http().post("/sc5/_count", R"({"query":{"term":{"v":3}}})");
  EXPECT_GT(jint(r.json(), "count"), 0);

  r = http().post("/sc5/_search", "{" + pit_json + "}");
  EXPECT_EQ(r.status, 400) << describe(r);
  fs::path pit_dir = server_->data_dir() / "pit";
  EXPECT_TRUE(fs::exists(pit_dir) && !fs::is_empty(pit_dir)) << pit_dir;
  r = http().request("DELETE", "/_pit", "{\"id\":" + jquote(pit) + "}");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jint(r.json(), "num_freed"), 1);
  // Its private copy is gone from disk.
  EXPECT_TRUE(!fs::exists(pit_dir) || fs::is_empty(pit_dir)) << pit_dir;
  r = http().post("/_search", "{" + pit_json + "}");
  EXPECT_EQ(r.status, 404) << describe(r);
  r = http().request("DELETE", "/_pit", "{\"id\":" + jquote(pit) + "}");
  EXPECT_EQ(r.status, 404) << describe(r);
  r = http().post("/sc5/_pit");
  EXPECT_EQ(r.status, 400) << describe(r);
}

TEST_F(ScrollTest, KeepAliveExpiryAndMaxOpenContexts) {
  load("sc6", 3, 1);
  auto r = http().post("/sc6/_search?scroll=300ms", R"({"size":1})");
  ASSERT_EQ(r.status, 200) << describe(r);
  std::string id = jstr(r.json(), "_scroll_id");
  std::this_thread::sleep_for(500ms);
  r = http().post("/_search/scroll", "{\"scroll_id\":" + jquote(id) + "}");
  EXPECT_EQ(r.status, 404) << "expired after its keep-alive: " << describe(r);

  http().request("DELETE", "/_search/scroll/_all");
  for (int i = 0; i < 500; ++i) {
    r = http().post("/sc6/_search?scroll=1m", R"({"size":1})");
    ASSERT_EQ(r.status, 200) << i << " " << describe(r);
  }
  r = http().post("/sc6/_search?scroll=1m", R"({"size":1})");
  EXPECT_TRUE(is_es_error(r, 429, "es_rejected_execution_exception")) << describe(r);
  EXPECT_NE(r.body.find("search.max_open_scroll_context"), std::string::npos) << describe(r);
  r = http().request("DELETE", "/_search/scroll", R"({"scroll_id":"_all"})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jint(r.json(), "num_freed"), 500);
  r = http().post("/sc6/_search?scroll=1m", R"({"size":1})");
  EXPECT_EQ(r.status, 200) << describe(r);
  http().request("DELETE", "/_search/scroll/_all");
}

}  // namespace
