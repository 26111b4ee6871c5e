// _bulk: per-item results, item-level failures, whole-request failures (nothing written),
// refresh policies, ingest pipelines (unsupported), and back-pressure (429 per item).
#include <gtest/gtest.h>

#include "harness.h"

using namespace qtest;

namespace {

class BulkTest : public ::testing::Test {
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
  void TearDown() override {
    if (started_ && !server_->running()) ADD_FAILURE() << "quarryd died during this test:\n" << server_->logs();
  }
  HttpClient& http() { return server_->http(); }

  int64_t count(const std::string& index) {
    auto r = http().post("/" + index + "/_count", R"({"query":{"match_all":{}}})");
    return r.status == 200 ? jint(r.json(), "count") : -1;
  }

  static Quarryd* server_;
  static bool started_;
};
Quarryd* BulkTest::server_ = nullptr;
bool BulkTest::started_ = false;

}  // namespace

TEST_F(BulkTest, MixedActionsReportPerItemResults) {
  ASSERT_EQ(http().put("/mixed/_doc/existing", R"({"n":1})").status, 201);
  Ndjson b;
  b.index("mixed", "1", R"({"n":1})")                       // 0 created
      .create("mixed", "2", R"({"n":2})")                    // 1 created
      .create("mixed", "existing", R"({"n":99})")            // 2 409
      .update("mixed", "existing", R"({"doc":{"m":5}})")     // 3 updated
      .update("mixed", "ghost", R"({"doc":{"m":5}})")        // 4 404 document_missing
      .del("mixed", "2")                                     // 5 deleted
      .del("mixed", "never")                                 // 6 404 not_found (not an error)
      .index("mixed", "1", R"({"n":11})")                    // 7 updated (version 2)
      .update("mixed", "up", R"({"doc":{"u":1},"doc_as_upsert":true})");  // 8 created
  auto r = http().bulk("/_bulk", b.str());
  ASSERT_EQ(r.status, 200) << describe(r);
  auto d = r.json();
  ASSERT_FALSE(d.HasParseError()) << r.body;
  EXPECT_TRUE(jbool(d, "errors")) << r.body;
  EXPECT_TRUE(jhas(d, "took"));
  ASSERT_EQ(jpath(d, "items")->Size(), 9u) << r.body;

  struct Expect {
    const char* action;
    const char* id;
    int status;
    const char* result;      // nullptr when the item is an error
    const char* error_type;  // nullptr when the item succeeded
  };
  const Expect want[] = {
      {"index", "1", 201, "created", nullptr},
      {"create", "2", 201, "created", nullptr},
      {"create", "existing", 409, nullptr, "version_conflict_engine_exception"},
      {"update", "existing", 200, "updated", nullptr},
      {"update", "ghost", 404, nullptr, "document_missing_exception"},
      {"delete", "2", 200, "deleted", nullptr},
      {"delete", "never", 404, "not_found", nullptr},
      {"index", "1", 200, "updated", nullptr},
      {"update", "up", 201, "created", nullptr},
  };
  for (size_t i = 0; i < std::size(want); ++i) {
    std::string p = "items." + std::to_string(i) + "." + want[i].action;
    SCOPED_TRACE(p + " " + jstr(d, "items." + std::to_string(i)));
    ASSERT_TRUE(jhas(d, p)) << "item keyed by its action";
    EXPECT_EQ(jstr(d, p + "._index"), "mixed");
    EXPECT_EQ(jstr(d, p + "._id"), want[i].id);
    EXPECT_EQ(jint(d, p + ".status"), want[i].status);
    if (want[i].result) {
      EXPECT_EQ(jstr(d, p + ".result"), want[i].result);
      EXPECT_FALSE(jhas(d, p + ".error"));
      EXPECT_GE(jint(d, p + "._seq_no"), 0);
    } else {
      EXPECT_EQ(jstr(d, p + ".error.type"), want[i].error_type);
      EXPECT_TRUE(jhas(d, p + ".error.reason"));
    }
  }
  EXPECT_EQ(jint(d, "items.7.index._version"), 2);

  // The resulting state.
  EXPECT_EQ(jint(http().get("/mixed/_doc/1").json(), "_source.n"), 11);
  EXPECT_EQ(http().get("/mixed/_doc/2").status, 404);
  auto e = http().get("/mixed/_doc/existing").json();
  EXPECT_EQ(jint(e, "_source.n"), 1) << "the failed create must not overwrite";
  EXPECT_EQ(jint(e, "_source.m"), 5);
  EXPECT_EQ(http().get("/mixed/_doc/ghost").status, 404);
  EXPECT_EQ(jint(http().get("/mixed/_doc/up").json(), "_source.u"), 1);
}

TEST_F(BulkTest, AllSucceedingItemsGiveErrorsFalse) {
  Ndjson b;
  for (int i = 0; i < 500; ++i) b.index("bulk-ok", "id" + std::to_string(i), R"({"i":)" + std::to_string(i) + "}");
  auto r = http().bulk("/_bulk?refresh=true", b.str());
  ASSERT_EQ(r.status, 200) << describe(r);
  auto d = r.json();
  EXPECT_FALSE(jbool(d, "errors", true));
  ASSERT_EQ(jpath(d, "items")->Size(), 500u);
  for (int i = 0; i < 500; ++i) {
    ASSERT_EQ(jint(d, "items." + std::to_string(i) + ".index.status"), 201) << i;
    ASSERT_EQ(jstr(d, "items." + std::to_string(i) + ".index._id"), "id" + std::to_string(i)) << i;
  }
  EXPECT_EQ(count("bulk-ok"), 500);
}

TEST_F(BulkTest, IndexInPathIsTheDefaultForItems) {
  Ndjson b;
  b.line(R"({"index":{"_id":"1"}})").line(R"({"a":1})");
  b.line(R"({"index":{"_index":"path-other","_id":"2"}})").line(R"({"a":2})");
  b.line(R"({"delete":{"_id":"1"}})");
  auto r = http().bulk("/path-default/_bulk", b.str());
  ASSERT_EQ(r.status, 200) << describe(r);
  auto d = r.json();
  EXPECT_FALSE(jbool(d, "errors", true)) << r.body;
  EXPECT_EQ(jstr(d, "items.0.index._index"), "path-default");
  EXPECT_EQ(jstr(d, "items.1.index._index"), "path-other");
  EXPECT_EQ(jstr(d, "items.2.delete.result"), "deleted");
  EXPECT_EQ(http().get("/path-other/_doc/2").status, 200);

  // Without an index anywhere: the request fails as a whole.
  r = http().bulk("/_bulk", Ndjson().line(R"({"index":{"_id":"1"}})").line(R"({"a":1})").str());
  EXPECT_TRUE(is_es_error(r, 400, "action_request_validation_exception")) << describe(r);
}

TEST_F(BulkTest, BadSourceLineFailsOnlyItsItem) {
  ASSERT_EQ(http().put("/badsrc", R"({"mappings":{"properties":{"n":{"type":"long"}}}})").status, 200);
  Ndjson b;
  b.index("badsrc", "good1", R"({"n":1})");
  b.index("badsrc", "broken", R"({"n":)");            // invalid JSON
  b.index("badsrc", "array", R"([1,2,3])");           // not an object
  b.index("badsrc", "typed", R"({"n":"not a number"})");  // does not fit the mapping
  b.update("badsrc", "good1", R"({"doc":)");          // invalid update body
  b.index("badsrc", "good2", R"({"n":2})");
  auto r = http().bulk("/_bulk", b.str());
  ASSERT_EQ(r.status, 200) << describe(r);
  auto d = r.json();
  EXPECT_TRUE(jbool(d, "errors"));
  ASSERT_EQ(jpath(d, "items")->Size(), 6u) << r.body;
  EXPECT_EQ(jint(d, "items.0.index.status"), 201) << r.body;
  for (int i : {1, 2, 3}) {
    std::string p = "items." + std::to_string(i) + ".index";
    EXPECT_EQ(jint(d, p + ".status"), 400) << r.body;
    EXPECT_EQ(jstr(d, p + ".error.type"), "document_parsing_exception") << r.body;
  }
  EXPECT_EQ(jint(d, "items.4.update.status"), 400) << r.body;
  EXPECT_TRUE(jhas(d, "items.4.update.error.type")) << r.body;
  EXPECT_EQ(jint(d, "items.5.index.status"), 201) << r.body;

  EXPECT_EQ(http().get("/badsrc/_doc/good1").status, 200);
  EXPECT_EQ(http().get("/badsrc/_doc/good2").status, 200);
  for (const char* id : {"broken", "array", "typed"}) EXPECT_EQ(http().get(std::string("/badsrc/_doc/") + id).status, 404) << id;
  ASSERT_EQ(http().post("/badsrc/_refresh").status, 200);
  EXPECT_EQ(count("badsrc"), 2);
}

TEST_F(BulkTest, MalformedActionLineFailsWholeRequestAndWritesNothing) {
  ASSERT_EQ(http().put("/malformed", "{}").status, 200);
  auto expect_rejected = [&](const std::string& body, const std::string& type, const std::string& what) {
    auto r = http().bulk("/_bulk", body);
    if (type.empty()) {
      EXPECT_EQ(r.status, 400) << what << ": " << describe(r);
      EXPECT_EQ(jint(r.json(), "status"), 400) << what << ": " << describe(r);
    } else {
      EXPECT_TRUE(is_es_error(r, 400, type)) << what << ": " << describe(r);
    }
  };
  // Broken JSON in the 2nd action line: the valid first item must not be written either.
  expect_rejected(Ndjson()
                      .index("malformed", "a", R"({"v":1})")
                      .line(R"({"index":{"_index":"malformed","_id":"b")")
                      .line(R"({"v":2})")
                      .str(),
                  "parsing_exception", "broken action JSON");
  expect_rejected(Ndjson().index("malformed", "a", R"({"v":1})").line(R"({"explode":{"_index":"malformed"}})").line("{}").str(),
                  "illegal_argument_exception", "unknown action");
  expect_rejected(Ndjson().index("malformed", "a", R"({"v":1})").line(R"({"index":{"_index":"malformed","_id":"c","colour":"red"}})").line("{}").str(),
                  "illegal_argument_exception", "unknown action parameter");
  expect_rejected(R"({"index":{"_index":"malformed","_id":"a"}})" "\n" R"({"v":1})",
                  "illegal_argument_exception", "missing final newline");
  {
    // As in Elasticsearch, a last action line without its source line is dropped, not an error.
    auto r = http().bulk("/_bulk", Ndjson().index("trailing", "a", R"({"v":1})")
                                       .line(R"({"index":{"_index":"trailing","_id":"d"}})").str());
    EXPECT_EQ(r.status, 200) << describe(r);
    auto d = r.json();
    const auto* items = jpath(d, "items");
    ASSERT_TRUE(items && items->IsArray()) << describe(r);
    EXPECT_EQ(items->Size(), 1u) << describe(r);
  }
  expect_rejected("", "action_request_validation_exception", "empty body");

  // An index that would only have been auto-created by a rejected request does not exist.
  expect_rejected(Ndjson().index("never-created", "a", "{}").line("{not json").line("{}").str(),
                  "parsing_exception", "broken action JSON, new index");
  EXPECT_EQ(http().head("/never-created").status, 404);

  ASSERT_EQ(http().post("/malformed/_refresh").status, 200);
  EXPECT_EQ(count("malformed"), 0);
  EXPECT_EQ(http().get("/malformed/_doc/a").status, 404);
}

TEST_F(BulkTest, RefreshWaitForMakesDocsSearchableOnReturn) {
  // A long refresh interval, so that only the refresh policy can make the docs visible in time.
  ASSERT_EQ(http().put("/waitfor", R"({"settings":{"number_of_shards":2,"refresh_interval":"3s"}})").status, 200);
  Ndjson b;
  for (int i = 0; i < 50; ++i) b.index("waitfor", std::to_string(i), R"({"t":"wait for me"})");
  auto r = http().bulk("/_bulk?refresh=wait_for", b.str());
  ASSERT_EQ(r.status, 200) << describe(r);
  ASSERT_FALSE(jbool(r.json(), "errors", true)) << r.body;
  EXPECT_EQ(count("waitfor"), 50);
  r = http().post("/waitfor/_search", R"({"query":{"match":{"t":"wait"}},"size":0})");
  EXPECT_EQ(jint(r.json(), "hits.total.value"), 50) << describe(r);

  // refresh=true on an index that never refreshes by itself.
  ASSERT_EQ(http().put("/refreshtrue", R"({"settings":{"refresh_interval":"-1"}})").status, 200);
  r = http().bulk("/_bulk?refresh=true", Ndjson().index("refreshtrue", "1", "{}").index("refreshtrue", "2", "{}").str());
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(count("refreshtrue"), 2);
  // ... and without it, nothing becomes visible.
  r = http().bulk("/_bulk", Ndjson().index("refreshtrue", "3", "{}").str());
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(count("refreshtrue"), 2);

  r = http().bulk("/_bulk?refresh=sometimes", Ndjson().index("refreshtrue", "4", "{}").str());
  EXPECT_EQ(r.status, 400) << describe(r);
}

TEST_F(BulkTest, IngestPipelinesAreRejected) {
  auto r = http().bulk("/_bulk?pipeline=my-pipeline", Ndjson().index("pipe", "1", "{}").str());
  EXPECT_TRUE(is_es_error(r, 400, "illegal_argument_exception")) << describe(r);
  EXPECT_NE(r.body.find("pipeline"), std::string::npos);
  EXPECT_EQ(http().head("/pipe").status, 404) << "nothing may be written";

  r = http().put("/pipe2/_doc/1?pipeline=my-pipeline", "{}");
  EXPECT_TRUE(is_es_error(r, 400, "illegal_argument_exception")) << describe(r);
  EXPECT_EQ(http().get("/pipe2/_doc/1").status, 404);

  // Per item: that item fails, the others go through.
  r = http().bulk("/_bulk", Ndjson()
                                .line(R"({"index":{"_index":"pipe3","_id":"1","pipeline":"p"}})")
                                .line("{}")
                                .index("pipe3", "2", "{}")
                                .str());
  ASSERT_EQ(r.status, 200) << describe(r);
  auto d = r.json();
  EXPECT_TRUE(jbool(d, "errors"));
  EXPECT_EQ(jint(d, "items.0.index.status"), 400) << r.body;
  EXPECT_EQ(jint(d, "items.1.index.status"), 201) << r.body;
  EXPECT_EQ(http().get("/pipe3/_doc/1").status, 404);
}

// Back-pressure: with --max-backlog 0 a shard accepts a write only while nothing is waiting to be
// applied. The applier is held deterministically by revoking XREADGROUP from the Redis user (the
// primary's XADD still works), so the backlog can only grow until the permission comes back.
TEST(BulkBackpressureTest, OverBacklogWritesAnswer429PerItem) {
  RedisServer redis;
  ASSERT_TRUE(redis.start()) << read_file(redis.dir() / "redis.log");
  Quarryd q(QuarrydOptions{redis.url(), {"--max-backlog", "0"}});
  ASSERT_TRUE(q.start()) << q.last_error();
  auto& http = q.http();

  ASSERT_EQ(http.put("/bp", R"({"settings":{"number_of_shards":1}})").status, 200);
  auto r = http.put("/bp/_doc/0?refresh=true", R"({"v":0})");
  ASSERT_EQ(r.status, 201) << describe(r);

  auto acl = redis.command({"ACL", "SETUSER", "default", "-xreadgroup"});
  ASSERT_TRUE(acl.ok && !acl.is_error) << acl.text;
  // Wait until no XREADGROUP issued before the change is still blocked in Redis.
  ASSERT_TRUE(wait_until(
      [&] {
        auto l = redis.command({"CLIENT", "LIST"});
        return l.ok && l.text.find("flags=b ") == std::string::npos;
      },
      10s));

  r = http.put("/bp/_doc/1", R"({"v":1})");  // backlog 0: accepted, and now stuck in the stream
  ASSERT_EQ(r.status, 201) << describe(r);

  Ndjson b;
  b.index("bp", "2", R"({"v":2})").create("bp", "3", R"({"v":3})").del("bp", "0").update("bp", "1", R"({"doc":{"w":1}})");
  r = http.bulk("/_bulk", b.str());
  ASSERT_EQ(r.status, 200) << describe(r);
  auto d = r.json();
  EXPECT_TRUE(jbool(d, "errors")) << r.body;
  const char* actions[] = {"index", "create", "delete", "update"};
  for (int i = 0; i < 4; ++i) {
    std::string p = "items." + std::to_string(i) + "." + actions[i];
    EXPECT_EQ(jint(d, p + ".status"), 429) << r.body;
    EXPECT_EQ(jstr(d, p + ".error.type"), "es_rejected_execution_exception") << r.body;
  }

  // A single-document write: the whole response is the 429 error.
  r = http.put("/bp/_doc/5", R"({"v":5})");
  EXPECT_TRUE(is_es_error(r, 429, "es_rejected_execution_exception")) << describe(r);

  // Reads still work while writes are rejected (realtime get of the unapplied doc, too).
  EXPECT_EQ(http.get("/bp/_doc/1").status, 200);

  // Let the applier go: writes are accepted again once the backlog drains.
  acl = redis.command({"ACL", "SETUSER", "default", "+xreadgroup"});
  ASSERT_TRUE(acl.ok && !acl.is_error) << acl.text;
  ASSERT_TRUE(wait_until([&] { return http.put("/bp/_doc/6", R"({"v":6})").status == 201; }, 20s))
      << q.logs();

  ASSERT_EQ(http.post("/bp/_refresh").status, 200);
  for (const char* id : {"0", "1", "6"}) EXPECT_EQ(http.get(std::string("/bp/_doc/") + id).status, 200) << id;
  for (const char* id : {"2", "3", "5"}) EXPECT_EQ(http.get(std::string("/bp/_doc/") + id).status, 404) << id;
  EXPECT_FALSE(jhas(http.get("/bp/_doc/1").json(), "_source.w")) << "the rejected update must not apply";
  r = http.post("/bp/_count", "{}");
  EXPECT_EQ(jint(r.json(), "count"), 3) << describe(r);
}
