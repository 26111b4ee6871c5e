// _delete_by_query, _update_by_query (no scripts) and _reindex over documents whose expected
// matches are known: counters, batches, max_docs, op_type create conflicts, _source filtering and
// the request errors.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "harness.h"

using namespace qtest;

namespace {

constexpr int kDocs = 50;

class ByQueryTest : public ::testing::Test {
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

  // kDocs documents: n = i, group "a" when i % 3 == 0 else "b", secret field.
  void load(const std::string& index, int shards = 3) {
    auto r = http().put("/" + index, "{\"settings\":{\"number_of_shards\":" + std::to_string(shards) +
                                         "},\"mappings\":{\"properties\":{\"group\":{\"type\":\"keyword\"},\"n\":{\"type\":\"long\"}}}}");
    ASSERT_EQ(r.status, 200) << describe(r);
    Ndjson nd;
    for (int i = 0; i < kDocs; ++i) {
      nd.index(index, "d" + std::to_string(i),
               "{\"n\":" + std::to_string(i) + ",\"group\":\"" + (i % 3 == 0 ? "a" : "b") + "\",\"secret\":\"s" +
                   std::to_string(i) + "\"}");
    }
    r = http().bulk("/_bulk?refresh=true", nd.str());
    ASSERT_EQ(r.status, 200) << describe(r);
    ASSERT_FALSE(jbool(r.json(), "errors")) << describe(r);
  }
  int64_t count(const std::string& index, const std::string& body = "") {
    auto r = http().post("/" + index + "/_count", body);
    return jint(r.json(), "count");
  }
  static Quarryd* server_;
  static bool started_;
};
Quarryd* ByQueryTest::server_ = nullptr;
bool ByQueryTest::started_ = false;

const int kGroupA = (kDocs + 2) / 3;  // i % 3 == 0 for i in [0, kDocs)

TEST_F(ByQueryTest, DeleteByQueryDeletesExactlyTheMatches) {
  load("dbq");
  auto r = http().post("/dbq/_delete_by_query?refresh=true&scroll_size=5", R"({"query":{"term":{"group":"a"}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto j = r.json();
  EXPECT_EQ(jint(j, "total"), kGroupA);
  EXPECT_EQ(jint(j, "deleted"), kGroupA);
  EXPECT_EQ(jint(j, "batches"), (kGroupA + 4) / 5);
  EXPECT_EQ(jint(j, "version_conflicts"), 0);
  EXPECT_EQ(jint(j, "noops"), 0);
  EXPECT_EQ(jint(j, "retries.bulk"), 0);
  EXPECT_EQ(jint(j, "retries.search"), 0);
  EXPECT_FALSE(jbool(j, "timed_out", true));
  EXPECT_TRUE(jhas(j, "took"));
  EXPECT_TRUE(jhas(j, "throttled_millis"));
  EXPECT_TRUE(jhas(j, "throttled_until_millis"));
  EXPECT_EQ(jpath(j, "requests_per_second")->GetDouble(), -1.0);
  EXPECT_FALSE(jhas(j, "updated"));
  EXPECT_FALSE(jhas(j, "created"));
  ASSERT_TRUE(jpath(j, "failures")->IsArray());
  EXPECT_EQ(jpath(j, "failures")->Size(), 0u);
  EXPECT_EQ(count("dbq"), kDocs - kGroupA);
  EXPECT_EQ(count("dbq", R"({"query":{"term":{"group":"a"}}})"), 0);

  // Nothing left to match: zero batches.
  r = http().post("/dbq/_delete_by_query", R"({"query":{"term":{"group":"a"}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jint(r.json(), "total"), 0);
  EXPECT_EQ(jint(r.json(), "batches"), 0);

  // max_docs (URL and body), q= URI query.
  r = http().post("/dbq/_delete_by_query?refresh=true&max_docs=4", R"({"query":{"range":{"n":{"gte":40}}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jint(r.json(), "total"), 4);
  EXPECT_EQ(jint(r.json(), "deleted"), 4);
  r = http().post("/dbq/_delete_by_query?refresh=true&conflicts=proceed", R"({"max_docs":2,"query":{"range":{"n":{"gte":40}}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jint(r.json(), "deleted"), 2);
  r = http().post("/dbq/_delete_by_query?refresh=true&q=n:1");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jint(r.json(), "deleted"), 1);
  // 50 - 17 (group a) - 6 (n>=40, group b: 40,41,43,44,46,47 minus 42,45,48 in a; 4+2 deleted) - 1
  int b_over_40 = 0;
  for (int i = 40; i < kDocs; ++i) b_over_40 += i % 3 != 0;
  EXPECT_EQ(count("dbq"), kDocs - kGroupA - std::min(6, b_over_40) - 1);
}

TEST_F(ByQueryTest, DeleteByQueryErrors) {
  load("dbq_err", 1);
  auto r = http().post("/missing_index/_delete_by_query", R"({"query":{"match_all":{}}})");
  EXPECT_TRUE(is_es_error(r, 404, "index_not_found_exception")) << describe(r);
  r = http().post("/dbq_err/_delete_by_query", R"({"query":{"match_all":{}},"bogus":1})");
  EXPECT_EQ(r.status, 400) << describe(r);
  r = http().post("/dbq_err/_delete_by_query?conflicts=maybe", R"({"query":{"match_all":{}}})");
  EXPECT_EQ(r.status, 400) << describe(r);
  r = http().post("/dbq_err/_delete_by_query", R"({"query":{"no_such_query":{}}})");
  EXPECT_EQ(r.status, 400) << describe(r);
  r = http().post("/dbq_err/_delete_by_query?slices=1", R"({"query":{"term":{"n":3}}})");
  EXPECT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jint(r.json(), "deleted"), 1) << describe(r);
}

TEST_F(ByQueryTest, UpdateByQueryReindexesMatchesAndBumpsVersions) {
  load("ubq");
  auto r = http().post("/ubq/_update_by_query?refresh=true", R"({"query":{"term":{"group":"a"}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto j = r.json();
  EXPECT_EQ(jint(j, "total"), kGroupA);
  EXPECT_EQ(jint(j, "updated"), kGroupA);
  EXPECT_EQ(jint(j, "deleted"), 0);
  EXPECT_EQ(jint(j, "batches"), 1);
  EXPECT_FALSE(jhas(j, "created"));
  r = http().get("/ubq/_doc/d3");
  EXPECT_EQ(jint(r.json(), "_version"), 2) << describe(r);
  EXPECT_EQ(jstr(r.json(), "_source.secret"), "s3");
  r = http().get("/ubq/_doc/d4");
  EXPECT_EQ(jint(r.json(), "_version"), 1) << describe(r);
  EXPECT_EQ(count("ubq"), kDocs);
  // Everything, twice over d0: version 3.
  r = http().post("/ubq/_update_by_query?conflicts=proceed&refresh=true");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jint(r.json(), "updated"), kDocs);
  r = http().get("/ubq/_doc/d0");
  EXPECT_EQ(jint(r.json(), "_version"), 3) << describe(r);

  r = http().post("/ubq/_update_by_query", R"({"script":{"source":"ctx._source.n++"}})");
  EXPECT_EQ(r.status, 400) << describe(r);
  EXPECT_NE(r.body.find("script"), std::string::npos) << describe(r);
  EXPECT_NE(r.body.find("not supported"), std::string::npos) << describe(r);
}

TEST_F(ByQueryTest, ReindexCopiesMatchesWithCounters) {
  load("rsrc");
  auto r = http().post("/_reindex?refresh=true",
                       R"({"source":{"index":"rsrc","query":{"term":{"group":"a"}},"size":4},"dest":{"index":"rdst"}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto j = r.json();
  EXPECT_EQ(jint(j, "total"), kGroupA);
  EXPECT_EQ(jint(j, "created"), kGroupA);
  EXPECT_EQ(jint(j, "updated"), 0);
  EXPECT_EQ(jint(j, "deleted"), 0);
  EXPECT_EQ(jint(j, "batches"), (kGroupA + 3) / 4);
  EXPECT_EQ(count("rdst"), kGroupA);
  r = http().get("/rdst/_doc/d6");
  EXPECT_EQ(jstr(r.json(), "_source.secret"), "s6") << describe(r);

  // Again, op_type index: every document updated.
  r = http().post("/_reindex?refresh=true", R"({"source":{"index":"rsrc","query":{"term":{"group":"a"}}},"dest":{"index":"rdst"}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jint(r.json(), "updated"), kGroupA);
  EXPECT_EQ(jint(r.json(), "created"), 0);

  // op_type create: existing documents conflict; conflicts=proceed counts them and goes on.
  r = http().post("/_reindex?refresh=true",
                  R"({"conflicts":"proceed","source":{"index":"rsrc"},"dest":{"index":"rdst","op_type":"create"}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jint(r.json(), "total"), kDocs);
  EXPECT_EQ(jint(r.json(), "version_conflicts"), kGroupA);
  EXPECT_EQ(jint(r.json(), "created"), kDocs - kGroupA);
  EXPECT_EQ(count("rdst"), kDocs);
  // Without it, the first batch with a conflict aborts the run with 409 and the failures.
  r = http().post("/_reindex", R"({"source":{"index":"rsrc","size":10},"dest":{"index":"rdst","op_type":"create"}})");
  EXPECT_EQ(r.status, 409) << describe(r);
  EXPECT_EQ(jint(r.json(), "batches"), 1) << describe(r);
  EXPECT_EQ(jint(r.json(), "version_conflicts"), 10) << describe(r);
  EXPECT_EQ(jint(r.json(), "created"), 0) << describe(r);
  ASSERT_TRUE(jpath(r.json(), "failures") && jpath(r.json(), "failures")->Size() == 10) << describe(r);
  EXPECT_EQ(jstr(r.json(), "failures.0.cause.type"), "version_conflict_engine_exception") << describe(r);
  EXPECT_EQ(jint(r.json(), "failures.0.status"), 409);
  EXPECT_EQ(jstr(r.json(), "failures.0.index"), "rdst");

  // _source filtering and max_docs.
  r = http().post("/_reindex?refresh=true",
                  R"({"max_docs":7,"source":{"index":"rsrc","_source":{"excludes":["secret"]}},"dest":{"index":"rdst2"}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jint(r.json(), "created"), 7);
  EXPECT_EQ(count("rdst2"), 7);
  r = http().post("/rdst2/_search", R"({"size":1})");
  EXPECT_FALSE(jhas(r.json(), "hits.hits.0._source.secret")) << describe(r);
  EXPECT_TRUE(jhas(r.json(), "hits.hits.0._source.n")) << describe(r);
}

TEST_F(ByQueryTest, ReindexErrors) {
  load("rerr", 1);
  auto r = http().post("/_reindex", R"({"source":{"remote":{"host":"http://x:9200"},"index":"rerr"},"dest":{"index":"x"}})");
  EXPECT_EQ(r.status, 400) << describe(r);
  EXPECT_NE(r.body.find("remote"), std::string::npos);
  r = http().post("/_reindex", R"({"source":{"index":"rerr"},"dest":{"index":"rerr"}})");
  EXPECT_TRUE(is_es_error(r, 400, "action_request_validation_exception")) << describe(r);
  r = http().post("/_reindex", R"({"source":{"index":"rerr"}})");
  EXPECT_TRUE(is_es_error(r, 400, "action_request_validation_exception")) << describe(r);
  r = http().post("/_reindex", R"({"source":{"index":"nope"},"dest":{"index":"x"}})");
  EXPECT_TRUE(is_es_error(r, 404, "index_not_found_exception")) << describe(r);
  r = http().post("/_reindex", R"({"source":{"index":"rerr"},"dest":{"index":"x"},"script":{"source":"1"}})");
  EXPECT_EQ(r.status, 400) << describe(r);
  r = http().post("/_reindex", R"({"source":{"index":"rerr"},"dest":{"index":"x","op_type":"upsert"}})");
  EXPECT_EQ(r.status, 400) << describe(r);
}

// Under concurrent updates of the matching documents, every snapshot document is either
// processed or counted as a version conflict (conflicts=proceed), never lost or doubled.
TEST_F(ByQueryTest, ConflictsUnderConcurrentWritesAreCounted) {
  constexpr int kMany = 400;
  auto r = http().put("/cc", R"({"settings":{"number_of_shards":2}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  Ndjson nd;
  for (int i = 0; i < kMany; ++i) nd.index("cc", "c" + std::to_string(i), "{\"n\":" + std::to_string(i) + "}");
  r = http().bulk("/_bulk?refresh=true", nd.str());
  ASSERT_FALSE(jbool(r.json(), "errors")) << describe(r);
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    HttpClient c = server_->client();
    int round = 0;
    while (!stop.load()) {
      Ndjson w;
      for (int k = 0; k < 20; ++k) {
        int i = (round * 37 + k * 13) % kMany;
        w.index("cc", "c" + std::to_string(i), "{\"n\":" + std::to_string(i) + ",\"touched\":true}");
      }
      c.bulk("/_bulk", w.str());
      ++round;
    }
  });
  r = http().post("/cc/_update_by_query?conflicts=proceed&scroll_size=25");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jint(r.json(), "total"), kMany);
  EXPECT_EQ(jint(r.json(), "updated") + jint(r.json(), "version_conflicts"), kMany) << describe(r);
  EXPECT_EQ(jint(r.json(), "batches"), kMany / 25);
  r = http().post("/cc/_delete_by_query?conflicts=proceed&scroll_size=25&refresh=true");
  stop.store(true);
  writer.join();
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jint(r.json(), "total"), kMany);
  EXPECT_EQ(jint(r.json(), "deleted") + jint(r.json(), "version_conflicts"), kMany) << describe(r);
  // Without conflicts=proceed a conflict is a 409 with failures; otherwise everything went.
  r = http().post("/cc/_delete_by_query?refresh=true");
  if (r.status == 409) {
    EXPECT_GT(jpath(r.json(), "failures")->Size(), 0u) << describe(r);
  } else {
    ASSERT_EQ(r.status, 200) << describe(r);
    EXPECT_EQ(jint(r.json(), "deleted"), jint(r.json(), "total"));
  }
}

}  // namespace
