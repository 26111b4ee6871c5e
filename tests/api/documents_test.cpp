// Single-document APIs: index / get / delete / update / _create / optimistic concurrency /
// external versions / routing / auto-created indices / generated ids / _source fidelity /
// realtime get / _mget / id length limit.
#include <gtest/gtest.h>

#include <set>

#include "harness.h"

using namespace qtest;

namespace {

class DocumentsTest : public ::testing::Test {
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

  static Quarryd* server_;
  static bool started_;
};
Quarryd* DocumentsTest::server_ = nullptr;
bool DocumentsTest::started_ = false;

}  // namespace

TEST_F(DocumentsTest, IndexGetDeleteLifecycle) {
  auto r = http().put("/lifecycle/_doc/1", R"({"title":"first"})");
  ASSERT_EQ(r.status, 201) << describe(r);
  auto d = r.json();
  EXPECT_EQ(jstr(d, "result"), "created");
  EXPECT_EQ(jstr(d, "_index"), "lifecycle");
  EXPECT_EQ(jstr(d, "_id"), "1");
  EXPECT_EQ(jint(d, "_version"), 1);
  EXPECT_GE(jint(d, "_seq_no"), 0);
  EXPECT_EQ(jint(d, "_primary_term"), 1);
  EXPECT_EQ(jint(d, "_shards.failed"), 0);
  int64_t seq1 = jint(d, "_seq_no");

  r = http().get("/lifecycle/_doc/1");
  ASSERT_EQ(r.status, 200) << describe(r);
  d = r.json();
  EXPECT_TRUE(jbool(d, "found"));
  EXPECT_EQ(jstr(d, "_source.title"), "first");
  EXPECT_EQ(jint(d, "_version"), 1);

  r = http().head("/lifecycle/_doc/1");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());

  // Overwrite: 200 updated, version and seq_no move forward.
  r = http().put("/lifecycle/_doc/1", R"({"title":"second"})");
  ASSERT_EQ(r.status, 200) << describe(r);
  d = r.json();
  EXPECT_EQ(jstr(d, "result"), "updated");
  EXPECT_EQ(jint(d, "_version"), 2);
  EXPECT_GT(jint(d, "_seq_no"), seq1);
  r = http().get("/lifecycle/_doc/1");
  EXPECT_EQ(jstr(r.json(), "_source.title"), "second") << describe(r);

  r = http().del("/lifecycle/_doc/1");
  ASSERT_EQ(r.status, 200) << describe(r);
  d = r.json();
  EXPECT_EQ(jstr(d, "result"), "deleted");
  EXPECT_EQ(jint(d, "_version"), 3);

  r = http().get("/lifecycle/_doc/1");
  EXPECT_EQ(r.status, 404) << describe(r);
  d = r.json();
  EXPECT_FALSE(jbool(d, "found", true));
  EXPECT_EQ(jstr(d, "_id"), "1");
  EXPECT_FALSE(jhas(d, "_source"));

  r = http().head("/lifecycle/_doc/1");
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(r.body.empty());

  r = http().del("/lifecycle/_doc/1");
  EXPECT_EQ(r.status, 404) << describe(r);
  EXPECT_EQ(jstr(r.json(), "result"), "not_found");

  // A deleted document can be indexed again and is then found by search too.
  r = http().put("/lifecycle/_doc/1?refresh=true", R"({"title":"third"})");
  ASSERT_EQ(r.status, 201) << describe(r);
  r = http().post("/lifecycle/_search", R"({"query":{"match_all":{}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jint(r.json(), "hits.total.value"), 1) << describe(r);
  EXPECT_EQ(jstr(r.json(), "hits.hits.0._source.title"), "third") << describe(r);
}

TEST_F(DocumentsTest, GetMissingIndexIs404IndexNotFound) {
  auto r = http().get("/no-such-index/_doc/1");
  EXPECT_TRUE(is_es_error(r, 404, "index_not_found_exception")) << describe(r);
  EXPECT_EQ(jstr(r.json(), "error.index"), "no-such-index");
}

TEST_F(DocumentsTest, SourceIsReturnedByteForByte) {
  // Odd spacing, key order that is not sorted, unicode escapes, raw UTF-8, numbers in forms a
  // re-serialiser would change, nested arrays: all must come back exactly as sent.
  const std::string source =
      "{ \"zeta\" :  1,\n\t\"alpha\":\"h\\u00e9llo \\\"q\\\" \\/ \\n\",  \"utf8\":\"日本語 🎮\","
      "\"num\":1.50, \"exp\":1e3, \"neg\": -0.0,\"arr\":[ 3,2 ,1],\"obj\":{\"b\":true ,\"a\":null} }";
  auto r = http().put("/verbatim/_doc/v1", source);
  ASSERT_EQ(r.status, 201) << describe(r);

  r = http().get("/verbatim/_doc/v1");
  ASSERT_EQ(r.status, 200) << describe(r);
  const std::string key = "\"_source\":";
  auto at = r.body.find(key);
  ASSERT_NE(at, std::string::npos) << r.body;
  EXPECT_EQ(r.body.substr(at + key.size(), source.size()), source) << r.body;
  // And the whole response is still valid JSON.
  EXPECT_FALSE(r.json().HasParseError()) << r.body;

  r = http().get("/verbatim/_source/v1");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.body, source);

  // Also after a refresh, from the index rather than the live version map, and through search.
  ASSERT_EQ(http().post("/verbatim/_refresh").status, 200);
  r = http().get("/verbatim/_doc/v1");
  at = r.body.find(key);
  ASSERT_NE(at, std::string::npos) << r.body;
  EXPECT_EQ(r.body.substr(at + key.size(), source.size()), source) << r.body;
  r = http().post("/verbatim/_search", R"({"query":{"ids":{"values":["v1"]}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_NE(r.body.find(key + source), std::string::npos) << r.body;
}

TEST_F(DocumentsTest, GetIsRealtimeBeforeRefresh) {
  auto r = http().put("/realtime", R"({"settings":{"index":{"refresh_interval":"-1"}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  r = http().put("/realtime/_doc/a", R"({"v":1})");
  ASSERT_EQ(r.status, 201) << describe(r);

  // Not refreshed: search does not see it yet, but GET does (realtime).
  r = http().get("/realtime/_doc/a");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jint(r.json(), "_source.v"), 1);
  r = http().post("/realtime/_count", R"({"query":{"match_all":{}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jint(r.json(), "count"), 0) << "refresh_interval -1 but the doc is already searchable";

  // An update and a delete are visible to GET immediately as well.
  r = http().put("/realtime/_doc/a", R"({"v":2})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jint(http().get("/realtime/_doc/a").json(), "_source.v"), 2);
  r = http().post("/realtime/_update/a", R"({"doc":{"w":3}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  r = http().get("/realtime/_doc/a");
  EXPECT_EQ(jint(r.json(), "_source.v"), 2) << describe(r);
  EXPECT_EQ(jint(r.json(), "_source.w"), 3) << describe(r);
  r = http().del("/realtime/_doc/a");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(http().get("/realtime/_doc/a").status, 404);

  r = http().put("/realtime/_doc/b", R"({"v":1})");
  ASSERT_EQ(r.status, 201) << describe(r);
  ASSERT_EQ(http().post("/realtime/_refresh").status, 200);
  r = http().post("/realtime/_count", R"({"query":{"match_all":{}}})");
  EXPECT_EQ(jint(r.json(), "count"), 1) << describe(r);
}

TEST_F(DocumentsTest, GetWithRealtimeFalseReadsOnlyRefreshedData) {
  auto r = http().put("/realtime-off", R"({"settings":{"index":{"refresh_interval":"-1"}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  r = http().put("/realtime-off/_doc/b", R"({"v":1})");
  ASSERT_EQ(r.status, 201) << describe(r);
  // Elasticsearch: realtime=false reads from the last refreshed searcher -> not found yet.
  r = http().get("/realtime-off/_doc/b?realtime=false");
  EXPECT_EQ(r.status, 404) << describe(r);
  ASSERT_EQ(http().post("/realtime-off/_refresh").status, 200);
  r = http().get("/realtime-off/_doc/b?realtime=false");
  EXPECT_EQ(r.status, 200) << describe(r);
}

TEST_F(DocumentsTest, UpdatePartialDocAndDetectNoop) {
  auto r = http().put("/upd/_doc/1", R"({"a":1,"nested":{"x":1,"y":2},"tags":["t1"]})");
  ASSERT_EQ(r.status, 201) << describe(r);

  r = http().post("/upd/_update/1", R"({"doc":{"b":2,"nested":{"y":20,"z":30}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto d = r.json();
  EXPECT_EQ(jstr(d, "result"), "updated");
  EXPECT_EQ(jint(d, "_version"), 2);

  r = http().get("/upd/_doc/1");
  d = r.json();
  EXPECT_EQ(jint(d, "_source.a"), 1) << r.body;
  EXPECT_EQ(jint(d, "_source.b"), 2) << r.body;
  EXPECT_EQ(jint(d, "_source.nested.x"), 1) << "objects are merged recursively: " << r.body;
  EXPECT_EQ(jint(d, "_source.nested.y"), 20) << r.body;
  EXPECT_EQ(jint(d, "_source.nested.z"), 30) << r.body;
  EXPECT_EQ(jstr(d, "_source.tags.0"), "t1") << r.body;
  int64_t seq = jint(d, "_seq_no");

  // Same values again: noop, nothing written, version unchanged.
  r = http().post("/upd/_update/1", R"({"doc":{"b":2,"nested":{"y":20}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  d = r.json();
  EXPECT_EQ(jstr(d, "result"), "noop");
  EXPECT_EQ(jint(d, "_version"), 2);
  EXPECT_EQ(jint(d, "_seq_no"), seq);
  EXPECT_EQ(jint(http().get("/upd/_doc/1").json(), "_version"), 2);

  // detect_noop=false: written even if nothing changed.
  r = http().post("/upd/_update/1", R"({"doc":{"b":2},"detect_noop":false})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jstr(r.json(), "result"), "updated");
  EXPECT_EQ(jint(r.json(), "_version"), 3);

  // _source in the update response when asked for.
  r = http().post("/upd/_update/1?_source=true", R"({"doc":{"c":"new"}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jstr(r.json(), "get._source.c"), "new") << describe(r);
  EXPECT_EQ(jint(r.json(), "get._source.a"), 1) << describe(r);
}

TEST_F(DocumentsTest, UpdateMissingDocumentWithoutUpsertIs404) {
  ASSERT_EQ(http().put("/upd-missing/_doc/exists", R"({"a":1})").status, 201);
  auto r = http().post("/upd-missing/_update/nope", R"({"doc":{"a":1}})");
  EXPECT_TRUE(is_es_error(r, 404, "document_missing_exception")) << describe(r);
  EXPECT_EQ(http().get("/upd-missing/_doc/nope").status, 404);
}

TEST_F(DocumentsTest, UpdateDocAsUpsert) {
  auto r = http().post("/upsert1/_update/1", R"({"doc":{"n":1},"doc_as_upsert":true})");
  ASSERT_EQ(r.status, 201) << describe(r);
  EXPECT_EQ(jstr(r.json(), "result"), "created");
  EXPECT_EQ(jint(r.json(), "_version"), 1);
  EXPECT_EQ(jint(http().get("/upsert1/_doc/1").json(), "_source.n"), 1);

  r = http().post("/upsert1/_update/1", R"({"doc":{"m":2},"doc_as_upsert":true})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jstr(r.json(), "result"), "updated");
  auto d = http().get("/upsert1/_doc/1").json();
  EXPECT_EQ(jint(d, "_source.n"), 1);
  EXPECT_EQ(jint(d, "_source.m"), 2);
}

TEST_F(DocumentsTest, UpdateWithUpsertDocument) {
  // Missing: the upsert document is stored, not `doc`.
  auto r = http().post("/upsert2/_update/1", R"({"doc":{"count":100},"upsert":{"count":1,"init":true}})");
  ASSERT_EQ(r.status, 201) << describe(r);
  EXPECT_EQ(jstr(r.json(), "result"), "created");
  auto d = http().get("/upsert2/_doc/1").json();
  EXPECT_EQ(jint(d, "_source.count"), 1) << to_json(d);
  EXPECT_TRUE(jbool(d, "_source.init")) << to_json(d);

  // Present: `doc` is merged, `upsert` ignored.
  r = http().post("/upsert2/_update/1", R"({"doc":{"count":100},"upsert":{"count":1,"other":1}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jstr(r.json(), "result"), "updated");
  d = http().get("/upsert2/_doc/1").json();
  EXPECT_EQ(jint(d, "_source.count"), 100) << to_json(d);
  EXPECT_FALSE(jhas(d, "_source.other")) << to_json(d);
}

TEST_F(DocumentsTest, CreateConflictIs409) {
  auto r = http().put("/createc/_create/1", R"({"v":"original"})");
  ASSERT_EQ(r.status, 201) << describe(r);
  EXPECT_EQ(jstr(r.json(), "result"), "created");

  r = http().put("/createc/_create/1", R"({"v":"second"})");
  EXPECT_TRUE(is_es_error(r, 409, "version_conflict_engine_exception")) << describe(r);
  EXPECT_EQ(jstr(r.json(), "error.index"), "createc") << describe(r);

  r = http().put("/createc/_doc/1?op_type=create", R"({"v":"third"})");
  EXPECT_TRUE(is_es_error(r, 409, "version_conflict_engine_exception")) << describe(r);

  r = http().post("/createc/_create/1", R"({"v":"fourth"})");
  EXPECT_TRUE(is_es_error(r, 409, "version_conflict_engine_exception")) << describe(r);

  // Nothing overwritten.
  auto d = http().get("/createc/_doc/1").json();
  EXPECT_EQ(jstr(d, "_source.v"), "original");
  EXPECT_EQ(jint(d, "_version"), 1);

  // After a delete, _create works again.
  ASSERT_EQ(http().del("/createc/_doc/1").status, 200);
  r = http().put("/createc/_create/1", R"({"v":"again"})");
  EXPECT_EQ(r.status, 201) << describe(r);
}

TEST_F(DocumentsTest, IfSeqNoAndPrimaryTermConflict) {
  auto r = http().put("/occ/_doc/1", R"({"v":1})");
  ASSERT_EQ(r.status, 201) << describe(r);
  int64_t seq = jint(r.json(), "_seq_no");
  int64_t term = jint(r.json(), "_primary_term");

  r = http().put("/occ/_doc/1", R"({"v":2})");  // moves seq_no on
  ASSERT_EQ(r.status, 200) << describe(r);
  int64_t seq2 = jint(r.json(), "_seq_no");
  ASSERT_GT(seq2, seq);

  // Stale seq_no -> 409 and nothing written.
  r = http().put("/occ/_doc/1?if_seq_no=" + std::to_string(seq) + "&if_primary_term=" + std::to_string(term),
                 R"({"v":3})");
  EXPECT_TRUE(is_es_error(r, 409, "version_conflict_engine_exception")) << describe(r);
  EXPECT_EQ(jint(http().get("/occ/_doc/1").json(), "_source.v"), 2);

  // Wrong primary term -> 409.
  r = http().put("/occ/_doc/1?if_seq_no=" + std::to_string(seq2) + "&if_primary_term=" + std::to_string(term + 1),
                 R"({"v":3})");
  EXPECT_TRUE(is_es_error(r, 409, "version_conflict_engine_exception")) << describe(r);

  // Delete with a stale seq_no -> 409.
  r = http().del("/occ/_doc/1?if_seq_no=" + std::to_string(seq) + "&if_primary_term=" + std::to_string(term));
  EXPECT_TRUE(is_es_error(r, 409, "version_conflict_engine_exception")) << describe(r);

  // Current values -> success.
  r = http().put("/occ/_doc/1?if_seq_no=" + std::to_string(seq2) + "&if_primary_term=" + std::to_string(term),
                 R"({"v":4})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_GT(jint(r.json(), "_seq_no"), seq2);
  EXPECT_EQ(jint(http().get("/occ/_doc/1").json(), "_source.v"), 4);

  // On a document that does not exist: 409 too (Elasticsearch semantics).
  r = http().put("/occ/_doc/absent?if_seq_no=0&if_primary_term=1", R"({"v":1})");
  EXPECT_TRUE(is_es_error(r, 409, "version_conflict_engine_exception")) << describe(r);
  EXPECT_EQ(http().get("/occ/_doc/absent").status, 404);
}

TEST_F(DocumentsTest, ExternalVersioning) {
  auto r = http().put("/extv/_doc/1?version=5&version_type=external", R"({"v":"5"})");
  ASSERT_EQ(r.status, 201) << describe(r);
  EXPECT_EQ(jint(r.json(), "_version"), 5);

  r = http().put("/extv/_doc/1?version=5&version_type=external", R"({"v":"5"})");
  EXPECT_TRUE(is_es_error(r, 409, "version_conflict_engine_exception")) << describe(r);
  r = http().put("/extv/_doc/1?version=3&version_type=external", R"({"v":"3"})");
  EXPECT_TRUE(is_es_error(r, 409, "version_conflict_engine_exception")) << describe(r);

  r = http().put("/extv/_doc/1?version=9&version_type=external", R"({"v":"9"})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jint(r.json(), "_version"), 9);

  // external_gte accepts an equal version.
  r = http().put("/extv/_doc/1?version=9&version_type=external_gte", R"({"v":"nine"})");
  EXPECT_EQ(r.status, 200) << describe(r);

  auto d = http().get("/extv/_doc/1").json();
  EXPECT_EQ(jint(d, "_version"), 9);
  EXPECT_EQ(jstr(d, "_source.v"), "nine");
}

TEST_F(DocumentsTest, RoutingIsStoredAndUsed) {
  auto r = http().put("/routed", R"({"settings":{"number_of_shards":3}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  for (int i = 0; i < 10; ++i) {
    r = http().put("/routed/_doc/d" + std::to_string(i) + "?routing=user-7", R"({"owner":"user-7"})");
    ASSERT_EQ(r.status, 201) << describe(r);
  }
  r = http().get("/routed/_doc/d3?routing=user-7");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jstr(r.json(), "_routing"), "user-7");
  EXPECT_TRUE(jbool(r.json(), "found"));

  ASSERT_EQ(http().post("/routed/_refresh").status, 200);
  // Search restricted by routing finds all ten (they share a shard) and reports _routing.
  r = http().post("/routed/_search?routing=user-7", R"({"query":{"match_all":{}},"size":20})");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto d = r.json();
  EXPECT_EQ(jint(d, "hits.total.value"), 10) << r.body;
  EXPECT_EQ(jstr(d, "hits.hits.0._routing"), "user-7") << r.body;

  // Delete with the routing removes it.
  r = http().del("/routed/_doc/d3?routing=user-7");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jstr(r.json(), "result"), "deleted");
  EXPECT_EQ(http().get("/routed/_doc/d3?routing=user-7").status, 404);
}

TEST_F(DocumentsTest, IndexIsAutoCreatedWithDynamicMappings) {
  EXPECT_EQ(http().head("/autocreated").status, 404);
  auto r = http().put("/autocreated/_doc/1", R"({"name":"some text","count":3,"ok":true})");
  ASSERT_EQ(r.status, 201) << describe(r);
  EXPECT_EQ(http().head("/autocreated").status, 200);

  r = http().get("/autocreated/_mapping");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto d = r.json();
  EXPECT_EQ(jstr(d, "autocreated.mappings.properties.name.type"), "text") << r.body;
  EXPECT_EQ(jstr(d, "autocreated.mappings.properties.name.fields.keyword.type"), "keyword") << r.body;
  EXPECT_EQ(jstr(d, "autocreated.mappings.properties.count.type"), "long") << r.body;
  EXPECT_EQ(jstr(d, "autocreated.mappings.properties.ok.type"), "boolean") << r.body;

  // Defaults of an auto-created index: 1 shard.
  r = http().get("/autocreated/_settings");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jstr(r.json(), "autocreated.settings.index.number_of_shards"), "1") << r.body;

  // _create and _update with doc_as_upsert auto-create too.
  EXPECT_EQ(http().put("/autocreated2/_create/1", R"({"a":1})").status, 201);
  EXPECT_EQ(http().post("/autocreated3/_update/1", R"({"doc":{"a":1},"doc_as_upsert":true})").status, 201);
  EXPECT_EQ(http().head("/autocreated2").status, 200);
  EXPECT_EQ(http().head("/autocreated3").status, 200);
}

TEST_F(DocumentsTest, GeneratedIds) {
  std::set<std::string> ids;
  for (int i = 0; i < 20; ++i) {
    auto r = http().post("/genid/_doc", R"({"i":)" + std::to_string(i) + "}");
    ASSERT_EQ(r.status, 201) << describe(r);
    auto d = r.json();
    EXPECT_EQ(jstr(d, "result"), "created");
    std::string id = jstr(d, "_id");
    EXPECT_EQ(id.size(), 20u) << id;
    EXPECT_EQ(id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos)
        << "not url-safe: " << id;
    ids.insert(id);
    auto g = http().get("/genid/_doc/" + id);
    ASSERT_EQ(g.status, 200) << describe(g);
    EXPECT_EQ(jint(g.json(), "_source.i"), i);
  }
  EXPECT_EQ(ids.size(), 20u) << "generated ids must be unique";

  // In _bulk too (index action without _id).
  auto r = http().bulk("/_bulk", Ndjson().line(R"({"index":{"_index":"genid"}})").line(R"({"i":100})").str());
  ASSERT_EQ(r.status, 200) << describe(r);
  std::string id = jstr(r.json(), "items.0.index._id");
  EXPECT_EQ(id.size(), 20u) << r.body;
  EXPECT_EQ(ids.count(id), 0u);
  EXPECT_EQ(http().get("/genid/_doc/" + id).status, 200);
}

TEST_F(DocumentsTest, MgetWithMissingIndexAndDocs) {
  ASSERT_EQ(http().put("/mget1/_doc/a", R"({"v":"a"})").status, 201);
  ASSERT_EQ(http().put("/mget1/_doc/b", R"({"v":"b"})").status, 201);

  auto r = http().post("/_mget", R"({"docs":[
      {"_index":"mget1","_id":"a"},
      {"_index":"mget-missing","_id":"a"},
      {"_index":"mget1","_id":"zzz"},
      {"_index":"mget1","_id":"b"}]})");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto d = r.json();
  ASSERT_EQ(jpath(d, "docs")->Size(), 4u) << r.body;
  EXPECT_TRUE(jbool(d, "docs.0.found"));
  EXPECT_EQ(jstr(d, "docs.0._source.v"), "a");
  EXPECT_EQ(jstr(d, "docs.1._index"), "mget-missing");
  EXPECT_EQ(jstr(d, "docs.1._id"), "a");
  EXPECT_EQ(jstr(d, "docs.1.error.type"), "index_not_found_exception") << r.body;
  EXPECT_FALSE(jhas(d, "docs.1.found")) << r.body;
  EXPECT_FALSE(jbool(d, "docs.2.found", true));
  EXPECT_EQ(jstr(d, "docs.2._id"), "zzz");
  EXPECT_TRUE(jbool(d, "docs.3.found"));
  EXPECT_EQ(jstr(d, "docs.3._source.v"), "b");

  // Index in the path with the ids shorthand; order preserved.
  r = http().post("/mget1/_mget", R"({"ids":["b","nope","a"]})");
  ASSERT_EQ(r.status, 200) << describe(r);
  d = r.json();
  EXPECT_EQ(jstr(d, "docs.0._id"), "b");
  EXPECT_TRUE(jbool(d, "docs.0.found"));
  EXPECT_FALSE(jbool(d, "docs.1.found", true));
  EXPECT_EQ(jstr(d, "docs.2._id"), "a");
  EXPECT_TRUE(jbool(d, "docs.2.found"));

  // Realtime: a doc just written is returned by _mget before any refresh.
  ASSERT_EQ(http().put("/mget1/_doc/c", R"({"v":"c"})").status, 201);
  r = http().post("/mget1/_mget", R"({"ids":["c"]})");
  EXPECT_TRUE(jbool(r.json(), "docs.0.found")) << r.body;

  // Malformed request: neither docs nor ids.
  r = http().post("/mget1/_mget", R"({})");
  EXPECT_EQ(r.status, 400) << describe(r);
  EXPECT_EQ(jstr(r.json(), "error.type"), "action_request_validation_exception") << describe(r);
}

TEST_F(DocumentsTest, IdLongerThan512BytesIs400) {
  std::string ok_id(512, 'x');
  std::string long_id(513, 'y');
  auto r = http().put("/longid/_doc/" + ok_id, R"({"a":1})");
  EXPECT_EQ(r.status, 201) << describe(r, 300);
  EXPECT_EQ(http().get("/longid/_doc/" + ok_id).status, 200);

  r = http().put("/longid/_doc/" + long_id, R"({"a":1})");
  EXPECT_TRUE(is_es_error(r, 400, "action_request_validation_exception")) << describe(r, 300);
  EXPECT_NE(r.body.find("512"), std::string::npos);
  EXPECT_EQ(http().get("/longid/_doc/" + long_id).status, 404);

  // Multi-byte characters count in bytes: 200 x 3-byte chars = 600 bytes.
  std::string utf8_id;
  for (int i = 0; i < 200; ++i) utf8_id += "%E2%82%AC";  // '€' percent-encoded in the URL
  r = http().put("/longid/_doc/" + utf8_id, R"({"a":1})");
  EXPECT_TRUE(is_es_error(r, 400, "action_request_validation_exception")) << describe(r, 300);
}
