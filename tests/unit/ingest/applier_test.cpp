// ShardPrimary + ShardApplier against a real redis-server and a real Xapian shard: versions and
// results, conflicts, realtime get, crash recovery, back-pressure, Redis outages.
#include "ingest/shard_applier.h"

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "index/document_mapper.h"
#include "index/index_metadata.h"
#include "index/index_service.h"
#include "ingest/ingest_service.h"
#include "ingest/shard_primary.h"
#include "ingest/stream_log.h"
#include "ingest/write_op.h"
#include "redis_test_server.h"

namespace quarry::ingest {
namespace {

using index::IndexService;
using testing::RedisTestServer;

constexpr int kWaitMs = 30000;
constexpr char kMapping[] = R"({"properties":{"title":{"type":"text"},"n":{"type":"long"}}})";

BulkItem item(BulkAction action, std::string id, std::string source = "") {
  BulkItem it;
  it.action = action;
  it.index = "idx";
  it.id = std::move(id);
  it.source = std::move(source);
  return it;
}

// One shard's write path, wired as IngestService::attach() does.
struct Pipeline {
  std::shared_ptr<IndexService> index;
  std::unique_ptr<ShardPrimary> primary;   // declared before applier: destroyed after it
  std::unique_ptr<ShardApplier> applier;
  int64_t recovered_seq = -2;

  index::Shard& shard() { return index->shard(0); }

  std::vector<BulkItemResult> write(std::vector<BulkItem> items) {
    std::vector<BulkItemResult> results(items.size());
    std::vector<BulkItem*> ip;
    std::vector<BulkItemResult*> rp;
    for (size_t i = 0; i < items.size(); ++i) {
      ip.push_back(&items[i]);
      rp.push_back(&results[i]);
    }
    primary->write(ip, rp);
    return results;
  }
  BulkItemResult write1(BulkItem it) { return write({std::move(it)})[0]; }

  // Makes everything appended so far visible (the ?refresh=true path).
  ::testing::AssertionResult refresh() {
    int64_t seq = primary->appended_seq();
    applier->request_refresh(seq);
    Status st = primary->append_marker();
    if (!st.ok()) return ::testing::AssertionFailure() << "append_marker: " << st.message();
    if (!applier->wait_visible(seq, kWaitMs)) {
      return ::testing::AssertionFailure() << "seq " << seq << " not visible within " << kWaitMs
                                           << "ms (visible " << applier->visible_seq() << ")";
    }
    return ::testing::AssertionSuccess();
  }
};

// Waits (bounded) until the applier has applied everything appended so far (not committed).
::testing::AssertionResult wait_applied(ShardPrimary& primary) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kWaitMs);
  while (primary.backlog() > 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      return ::testing::AssertionFailure() << "backlog still " << primary.backlog();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // bounded polling
  }
  return ::testing::AssertionSuccess();
}

class ApplierTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!RedisTestServer::available()) return;
    server_ = new RedisTestServer();
    *start_status_ = server_->start();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    if (!RedisTestServer::available()) GTEST_SKIP() << "no " << testing::kRedisServerBinary;
    if (!server_->running()) *start_status_ = server_->start();  // a test stopped it and failed
    ASSERT_TRUE(start_status_->ok()) << start_status_->message();
    conn_ = std::make_unique<RedisConnection>(server_->address());
    ASSERT_TRUE(conn_->command({"FLUSHALL"}).ok());
    data_dir_ = testing::make_temp_dir("quarry-applier");
    ASSERT_FALSE(data_dir_.empty());
  }
  void TearDown() override {
    if (!data_dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(data_dir_, ec);
    }
  }

  std::string index_dir() const { return data_dir_ + "/idx"; }

  // Creates the index "idx" (1 shard) on disk.
  std::shared_ptr<IndexService> create_index(int64_t refresh_interval_ms) {
    index::IndexMetadata meta;
    meta.name = "idx";
    meta.uuid = "idx-uuid";
    meta.settings.number_of_shards = 1;
    meta.settings.number_of_replicas = 0;
    meta.settings.refresh_interval_ms = refresh_interval_ms;
    json::Document m;
    EXPECT_TRUE(json::parse(kMapping, m).ok());
    auto mapping = index::Mapping::from_es_json(m);
    EXPECT_TRUE(mapping.ok()) << mapping.status().message();
    if (!mapping.ok()) return nullptr;
    meta.mapping = std::make_shared<index::Mapping>(std::move(mapping).value());
    auto svc = std::make_shared<IndexService>(index_dir(), meta);
    Status st = svc->open();
    EXPECT_TRUE(st.ok()) << st.message();
    st = svc->persist();
    EXPECT_TRUE(st.ok()) << st.message();
    return st.ok() ? svc : nullptr;
  }

  // Opens the index again from its meta.json, as a restarted node does.
  std::shared_ptr<IndexService> reopen_index() {
    auto text = index::read_file(index_dir() + "/meta.json");
    EXPECT_TRUE(text.ok()) << text.status().message();
    if (!text.ok()) return nullptr;
    json::Document doc;
    EXPECT_TRUE(json::parse(*text, doc).ok());
    auto meta = index::IndexMetadata::from_meta_json(doc);
    EXPECT_TRUE(meta.ok()) << meta.status().message();
    if (!meta.ok()) return nullptr;
    auto svc = std::make_shared<IndexService>(index_dir(), std::move(meta).value());
    Status st = svc->open();
    EXPECT_TRUE(st.ok()) << st.message();
    return st.ok() ? svc : nullptr;
  }

  // recover() -> start_after(max_seq) -> start(), as IngestService::attach() does.
  std::unique_ptr<Pipeline> attach(std::shared_ptr<IndexService> index, IngestLimits limits = {},
                                   bool start = true) {
    auto p = std::make_unique<Pipeline>();
    p->index = std::move(index);
    p->primary = std::make_unique<ShardPrimary>(p->index, 0, server_->address(), limits);
    p->applier = std::make_unique<ShardApplier>(p->index, 0, server_->address(), p->primary.get());
    auto max_seq = p->applier->recover();
    EXPECT_TRUE(max_seq.ok()) << max_seq.status().message();
    if (!max_seq.ok()) return nullptr;
    p->recovered_seq = *max_seq;
    p->primary->start_after(*max_seq);
    if (start) p->applier->start();
    return p;
  }

  int64_t redis_int(const std::vector<std::string_view>& argv) {
    auto r = conn_->command(argv);
    EXPECT_TRUE(r.ok()) << r.status().message();
    if (!r.ok()) return -1;
    EXPECT_EQ((*r)->type, REDIS_REPLY_INTEGER);
    return (*r)->integer;
  }
  std::string last_stream_id(const std::string& key) {
    auto r = conn_->command({"XREVRANGE", key, "+", "-", "COUNT", "1"});
    EXPECT_TRUE(r.ok()) << r.status().message();
    if (!r.ok() || (*r)->elements == 0) return "";
    return std::string((*r)->element[0]->element[0]->str, (*r)->element[0]->element[0]->len);
  }
  int64_t pending(const std::string& key) {
    auto r = conn_->command({"XPENDING", key, "copy-0"});
    EXPECT_TRUE(r.ok()) << r.status().message();
    if (!r.ok()) return -1;
    return (*r)->element[0]->integer;
  }

  void write_uncommitted(Pipeline& p);
  void verify_recovery(const std::string& last_id);

  static std::optional<index::StoredDocument> stored(index::Shard& shard, const std::string& id) {
    auto r = shard.get(id);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : std::nullopt;
  }

  static RedisTestServer* server_;
  static Status* start_status_;
  std::unique_ptr<RedisConnection> conn_;
  std::string data_dir_;
};

RedisTestServer* ApplierTest::server_ = nullptr;
Status* ApplierTest::start_status_ = new Status();

#define EXPECT_RESULT(res, want_result, want_version, want_seq)                          \
  do {                                                                                   \
    const BulkItemResult& r_ = (res);                                                    \
    EXPECT_TRUE(r_.error.ok()) << r_.error.message();                                    \
    EXPECT_EQ(r_.result, want_result);                                                   \
    EXPECT_EQ(r_.version, want_version);                                                 \
    EXPECT_EQ(r_.seq_no, want_seq);                                                      \
  } while (0)

TEST_F(ApplierTest, ResultsVersionsAndConflicts) {
  auto p = attach(create_index(-1));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->recovered_seq, -1);

  EXPECT_RESULT(p->write1(item(BulkAction::kIndex, "a", R"({"title":"one","n":1})")), "created", 1, 0);
  EXPECT_RESULT(p->write1(item(BulkAction::kIndex, "a", R"({"title":"two","n":2})")), "updated", 2, 1);
  EXPECT_RESULT(p->write1(item(BulkAction::kCreate, "b", R"({"title":"bee"})")), "created", 1, 2);

  // create on an existing document.
  auto dup = p->write1(item(BulkAction::kCreate, "a", R"({"title":"dup"})"));
  EXPECT_EQ(dup.error.code(), Code::kVersionConflict);
  EXPECT_NE(dup.error.message().find("document already exists"), std::string::npos) << dup.error.message();
  EXPECT_TRUE(dup.result.empty());

  // Partial update, then the same again: noop (nothing appended, version unchanged).
  auto up = p->write1(item(BulkAction::kUpdate, "a", R"({"doc":{"n":3}})"));
  EXPECT_RESULT(up, "updated", 3, 3);
  json::Document merged;
  ASSERT_TRUE(json::parse(up.source, merged).ok()) << up.source;
  EXPECT_EQ(std::string(merged["title"].GetString()), "two");
  EXPECT_EQ(merged["n"].GetInt64(), 3);
  int64_t before_noop = p->primary->appended_seq();
  EXPECT_RESULT(p->write1(item(BulkAction::kUpdate, "a", R"({"doc":{"n":3}})")), "noop", 3, 3);
  EXPECT_EQ(p->primary->appended_seq(), before_noop);
  // detect_noop=false forces a write.
  EXPECT_RESULT(p->write1(item(BulkAction::kUpdate, "a", R"({"doc":{"n":3},"detect_noop":false})")), "updated", 4, 4);

  // Update of a missing document; upserts.
  auto missing = p->write1(item(BulkAction::kUpdate, "nope", R"({"doc":{"n":1}})"));
  EXPECT_EQ(missing.error.code(), Code::kDocumentMissing);
  EXPECT_RESULT(p->write1(item(BulkAction::kUpdate, "c", R"({"doc":{"n":7},"doc_as_upsert":true})")), "created", 1, 5);
  auto ups = p->write1(item(BulkAction::kUpdate, "d", R"({"doc":{"n":9},"upsert":{"n":0}})"));
  EXPECT_RESULT(ups, "created", 1, 6);

  // Deletes.
  EXPECT_RESULT(p->write1(item(BulkAction::kDelete, "b")), "deleted", 2, 7);
  auto nf = p->write1(item(BulkAction::kDelete, "never"));
  EXPECT_TRUE(nf.error.ok()) << nf.error.message();
  EXPECT_EQ(nf.result, "not_found");
  EXPECT_EQ(nf.http_status(), 404);
  EXPECT_EQ(nf.seq_no, 8);
  // Re-creating a deleted document continues its version (tombstone in the version map).
  EXPECT_RESULT(p->write1(item(BulkAction::kCreate, "b", R"({"title":"bee again"})")), "created", 3, 9);

  // Optimistic concurrency.
  BulkItem stale = item(BulkAction::kIndex, "a", R"({"title":"stale"})");
  stale.if_seq_no = 0;
  stale.if_primary_term = 1;
  auto conflict = p->write1(stale);
  EXPECT_EQ(conflict.error.code(), Code::kVersionConflict);
  EXPECT_NE(conflict.error.message().find("current document has seqNo [4]"), std::string::npos)
      << conflict.error.message();
  BulkItem wrong_term = item(BulkAction::kIndex, "a", R"({"title":"stale"})");
  wrong_term.if_seq_no = 4;
  wrong_term.if_primary_term = 2;
  EXPECT_EQ(p->write1(wrong_term).error.code(), Code::kVersionConflict);
  BulkItem absent = item(BulkAction::kIndex, "zzz", R"({})");
  absent.if_seq_no = 0;
  absent.if_primary_term = 1;
  EXPECT_EQ(p->write1(absent).error.code(), Code::kVersionConflict);
  BulkItem fresh = item(BulkAction::kIndex, "a", R"({"title":"three","n":5})");
  fresh.if_seq_no = 4;
  fresh.if_primary_term = 1;
  EXPECT_RESULT(p->write1(fresh), "updated", 5, 10);

  // External versions.
  BulkItem ext_low = item(BulkAction::kIndex, "c", R"({"n":1})");
  ext_low.version = 1;
  ext_low.version_type = VersionType::kExternal;
  EXPECT_EQ(p->write1(ext_low).error.code(), Code::kVersionConflict);
  BulkItem ext = item(BulkAction::kIndex, "c", R"({"n":42})");
  ext.version = 40;
  ext.version_type = VersionType::kExternal;
  EXPECT_RESULT(p->write1(ext), "updated", 40, 11);
  BulkItem ext_gte = item(BulkAction::kIndex, "c", R"({"n":43})");
  ext_gte.version = 40;
  ext_gte.version_type = VersionType::kExternalGte;
  EXPECT_RESULT(p->write1(ext_gte), "updated", 40, 12);
  BulkItem internal_wrong = item(BulkAction::kIndex, "c", R"({"n":44})");
  internal_wrong.version = 39;
  EXPECT_EQ(p->write1(internal_wrong).error.code(), Code::kVersionConflict);

  // Nothing was committed yet (refresh_interval -1): the shard's readers see nothing.
  EXPECT_EQ(p->shard().doc_count(), 0u);

  ASSERT_TRUE(p->refresh());
  auto& shard = p->shard();
  EXPECT_EQ(shard.doc_count(), 4u);  // a, b, c, d
  auto a = stored(shard, "a");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->source, R"({"title":"three","n":5})");
  EXPECT_EQ(a->meta.version, 5);
  EXPECT_EQ(a->meta.seq_no, 10);
  EXPECT_EQ(a->meta.primary_term, 1);
  auto b = stored(shard, "b");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->source, R"({"title":"bee again"})");
  EXPECT_EQ(b->meta.version, 3);
  EXPECT_EQ(b->meta.seq_no, 9);
  auto c = stored(shard, "c");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->source, R"({"n":43})");
  EXPECT_EQ(c->meta.version, 40);
  EXPECT_EQ(c->meta.seq_no, 12);
  auto d = stored(shard, "d");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->source, R"({"n":0})");
  EXPECT_EQ(d->meta.version, 1);
  EXPECT_FALSE(stored(shard, "never"));
  EXPECT_FALSE(stored(shard, "nope"));
  EXPECT_FALSE(stored(shard, "zzz"));
  EXPECT_EQ(shard.committed_max_seq_no(), 12);
  EXPECT_EQ(p->applier->visible_seq(), 12);

  // After the refresh the version map is pruned: versions now come from the shard's readers.
  EXPECT_RESULT(p->write1(item(BulkAction::kIndex, "a", R"({"title":"four"})")), "updated", 6, 13);
  EXPECT_EQ(p->write1(item(BulkAction::kCreate, "c", R"({})")).error.code(), Code::kVersionConflict);
  EXPECT_RESULT(p->write1(item(BulkAction::kDelete, "d")), "deleted", 2, 14);
  EXPECT_RESULT(p->write1(item(BulkAction::kUpdate, "b", R"({"doc":{"n":1}})")), "updated", 4, 15);
  EXPECT_RESULT(p->write1(item(BulkAction::kUpdate, "b", R"({"doc":{"n":1}})")), "noop", 4, 15);
  ASSERT_TRUE(p->refresh());
  EXPECT_EQ(shard.doc_count(), 3u);
  EXPECT_FALSE(stored(shard, "d"));
  auto b2 = stored(shard, "b");
  ASSERT_TRUE(b2);
  EXPECT_EQ(b2->meta.version, 4);
  json::Document bsrc;
  ASSERT_TRUE(json::parse(b2->source, bsrc).ok());
  EXPECT_EQ(std::string(bsrc["title"].GetString()), "bee again");
  EXPECT_EQ(bsrc["n"].GetInt64(), 1);
}

// Elasticsearch keeps a deleted document's version for index.gc_deletes (60s), whatever the
// refreshes in between: index (v1), delete (v2), refresh, index again -> "created", _version 3.
TEST_F(ApplierTest, VersionContinuesAfterDeleteAcrossRefresh) {
  auto p = attach(create_index(-1));
  ASSERT_TRUE(p);
  EXPECT_RESULT(p->write1(item(BulkAction::kIndex, "a", R"({"n":1})")), "created", 1, 0);
  EXPECT_RESULT(p->write1(item(BulkAction::kDelete, "a")), "deleted", 2, 1);
  ASSERT_TRUE(p->refresh());
  EXPECT_RESULT(p->write1(item(BulkAction::kIndex, "a", R"({"n":2})")), "created", 3, 2);
}

TEST_F(ApplierTest, OneBatchSeesItsOwnEarlierItems) {
  auto p = attach(create_index(-1));
  ASSERT_TRUE(p);
  BulkItem preset = item(BulkAction::kIndex, "bad", R"({})");
  preset.error = Status::InvalidArgument("if _id is specified it must not be empty");
  auto res = p->write({
      item(BulkAction::kIndex, "x", R"({"n":1})"),
      item(BulkAction::kUpdate, "x", R"({"doc":{"n":2}})"),
      item(BulkAction::kCreate, "x", R"({"n":3})"),   // conflict: x exists in this batch
      item(BulkAction::kDelete, "x"),
      item(BulkAction::kCreate, "x", R"({"n":4})"),   // fine: x was deleted in this batch
      preset,
      item(BulkAction::kIndex, "y", R"({not json)"),
      item(BulkAction::kIndex, "z", R"({"n":"not a number"})"),
      item(BulkAction::kIndex, "w", R"({"n":5})"),
  });
  ASSERT_EQ(res.size(), 9u);
  EXPECT_RESULT(res[0], "created", 1, 0);
  EXPECT_RESULT(res[1], "updated", 2, 1);
  EXPECT_EQ(res[2].error.code(), Code::kVersionConflict);
  EXPECT_RESULT(res[3], "deleted", 3, 2);
  EXPECT_RESULT(res[4], "created", 4, 3);
  EXPECT_EQ(res[5].error.code(), Code::kInvalidArgument);
  EXPECT_EQ(res[6].error.code(), Code::kDocumentParsing);
  EXPECT_EQ(res[7].error.code(), Code::kDocumentParsing);
  EXPECT_RESULT(res[8], "created", 1, 4);
  for (const auto& r : res) {
    EXPECT_EQ(r.index, "idx");
    EXPECT_EQ(r.shard, 0);
  }
  EXPECT_EQ(p->primary->appended_seq(), 4);

  ASSERT_TRUE(p->refresh());
  EXPECT_EQ(p->shard().doc_count(), 2u);
  auto x = stored(p->shard(), "x");
  ASSERT_TRUE(x);
  EXPECT_EQ(x->source, R"({"n":4})");
  EXPECT_EQ(x->meta.version, 4);
  EXPECT_EQ(x->meta.seq_no, 3);
  EXPECT_FALSE(stored(p->shard(), "y"));
  EXPECT_FALSE(stored(p->shard(), "z"));
}

TEST_F(ApplierTest, AutoGeneratedIdsAreAssigned) {
  auto p = attach(create_index(-1));
  ASSERT_TRUE(p);
  auto res = p->write({item(BulkAction::kIndex, "", R"({"n":1})"), item(BulkAction::kCreate, "", R"({"n":2})")});
  ASSERT_TRUE(res[0].error.ok() && res[1].error.ok());
  EXPECT_EQ(res[0].id.size(), 20u);
  EXPECT_EQ(res[1].id.size(), 20u);
  EXPECT_NE(res[0].id, res[1].id);
  ASSERT_TRUE(p->refresh());
  EXPECT_TRUE(stored(p->shard(), res[0].id));
  EXPECT_TRUE(stored(p->shard(), res[1].id));
}

TEST_F(ApplierTest, RealtimeGetBeforeRefresh) {
  auto p = attach(create_index(-1));
  ASSERT_TRUE(p);
  ASSERT_TRUE(p->write1(item(BulkAction::kIndex, "a", R"({"title":"v1"})")).error.ok());
  ASSERT_TRUE(p->refresh());
  BulkItem routed = item(BulkAction::kIndex, "a", R"({"title":"v2"})");
  routed.routing = "r1";
  ASSERT_TRUE(p->write1(routed).error.ok());
  ASSERT_TRUE(p->write1(item(BulkAction::kIndex, "new", R"({"title":"n"})")).error.ok());

  // The primary's realtime get sees the unrefreshed writes...
  auto live = p->primary->get("a");
  ASSERT_TRUE(live.ok()) << live.status().message();
  ASSERT_TRUE(live->has_value());
  EXPECT_EQ((*live)->source, R"({"title":"v2"})");
  EXPECT_EQ((*live)->meta.version, 2);
  EXPECT_EQ((*live)->meta.seq_no, 1);
  EXPECT_EQ((*live)->meta.routing, "r1");
  auto live_new = p->primary->get("new");
  ASSERT_TRUE(live_new.ok());
  ASSERT_TRUE(live_new->has_value());
  EXPECT_EQ((*live_new)->source, R"({"title":"n"})");
  // ...the shard's readers do not, yet.
  auto old = stored(p->shard(), "a");
  ASSERT_TRUE(old);
  EXPECT_EQ(old->source, R"({"title":"v1"})");
  EXPECT_FALSE(stored(p->shard(), "new"));

  // A realtime get of a deleted document is absent at once.
  ASSERT_TRUE(p->write1(item(BulkAction::kDelete, "a")).error.ok());
  auto gone = p->primary->get("a");
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  EXPECT_TRUE(stored(p->shard(), "a"));
  auto unknown = p->primary->get("unknown");
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->has_value());

  ASSERT_TRUE(p->refresh());
  EXPECT_FALSE(stored(p->shard(), "a"));
  auto now = stored(p->shard(), "new");
  ASSERT_TRUE(now);
  // After the refresh the primary answers from the shard (version map pruned) with the same data.
  auto after = p->primary->get("new");
  ASSERT_TRUE(after.ok());
  ASSERT_TRUE(after->has_value());
  EXPECT_EQ((*after)->source, R"({"title":"n"})");
  EXPECT_EQ((*after)->meta.seq_no, now->meta.seq_no);
}

TEST_F(ApplierTest, RefreshIntervalCommitsWithoutAForcedRefresh) {
  auto p = attach(create_index(50));
  ASSERT_TRUE(p);
  auto r = p->write1(item(BulkAction::kIndex, "t", R"({"n":1})"));
  ASSERT_TRUE(r.error.ok());
  // No request_refresh/marker: the periodic refresh must make it visible.
  ASSERT_TRUE(p->applier->wait_visible(r.seq_no, kWaitMs));
  EXPECT_TRUE(stored(p->shard(), "t"));
  EXPECT_GE(p->applier->refresh_count(), 1u);
}

TEST_F(ApplierTest, CommitAcksAndTrimsTheStream) {
  auto p = attach(create_index(-1));
  ASSERT_TRUE(p);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(p->write1(item(BulkAction::kIndex, "d" + std::to_string(i), R"({})")).error.ok());
  ASSERT_TRUE(p->refresh());
  const std::string key = p->primary->stream();
  EXPECT_EQ(key, "quarry:idx:0");
  // The committed position is the last entry applied; everything older is trimmed, all acked.
  std::string pos = p->shard().committed_position();
  EXPECT_FALSE(pos.empty());
  // XACK and XTRIM follow the commit (just after the refresh is visible): poll, bounded, until
  // the stream starts at the committed position.
  auto first_id = [&] {
    auto r = conn_->command({"XRANGE", key, "-", "+", "COUNT", "1"});
    EXPECT_TRUE(r.ok());
    if (!r.ok() || (*r)->elements == 0) return std::string();
    return std::string((*r)->element[0]->element[0]->str, (*r)->element[0]->element[0]->len);
  };
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kWaitMs);
  while (first_id() != pos && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(first_id(), pos) << "entries below the committed position are trimmed";
  // Everything committed is acknowledged (the refresh marker may still be pending if it was read
  // after the commit).
  auto r = conn_->command({"XPENDING", key, "copy-0"});
  ASSERT_TRUE(r.ok());
  int64_t pending_count = (*r)->element[0]->integer;
  EXPECT_LE(pending_count, 1);
  if (pending_count > 0) {
    std::string oldest((*r)->element[1]->str, (*r)->element[1]->len);
    EXPECT_EQ(compare_stream_ids(oldest, pos), 1) << "a committed entry is still pending";
  }
  EXPECT_LE(redis_int({"XLEN", key}), 2);
}


// A backlog commits every 5,000 operations without a refresh; those commits acknowledge and trim
// the stream lazily (at most once per second), but they do, down to the committed position.
TEST_F(ApplierTest, BacklogCommitsAckAndTrimLazily) {
  auto p = attach(create_index(-1));
  ASSERT_TRUE(p);
  for (int b = 0; b < 25; ++b) {
    std::vector<BulkItem> items;
    for (int i = 0; i < 500; ++i) items.push_back(item(BulkAction::kIndex, "d" + std::to_string(b * 500 + i), R"({})"));
    for (auto& r : p->write(std::move(items))) ASSERT_TRUE(r.error.ok()) << r.error.message();
  }
  const std::string key = p->primary->stream();
  // No refresh was asked for: only the 5,000-operation commits happen (2 of them, 10,000 ops).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kWaitMs);
  while (p->shard().committed_max_seq_no() < 9999 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_GE(p->shard().committed_max_seq_no(), 9999);
  EXPECT_LT(p->shard().committed_max_seq_no(), 12499) << "the tail of the backlog stays uncommitted (refresh -1)";
  std::string pos = p->shard().committed_position();
  auto first_id = [&] {
    auto r = conn_->command({"XRANGE", key, "-", "+", "COUNT", "1"});
    EXPECT_TRUE(r.ok());
    if (!r.ok() || (*r)->elements == 0) return std::string();
    return std::string((*r)->element[0]->element[0]->str, (*r)->element[0]->element[0]->len);
  };
  while (first_id() != pos && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(first_id(), pos) << "entries below the committed position are trimmed once the applier is idle";
  // Acknowledged: nothing at or below the committed position is pending.
  auto r = conn_->command({"XPENDING", key, "copy-0"});
  ASSERT_TRUE(r.ok());
  if ((*r)->element[0]->integer > 0) {
    std::string oldest((*r)->element[1]->str, (*r)->element[1]->len);
    EXPECT_EQ(compare_stream_ids(oldest, pos), 1) << "a committed entry is still pending";
  }
  // The uncommitted tail is still in the stream for a restart to apply.
  EXPECT_EQ(redis_int({"XLEN", key}), 25 - (p->shard().committed_max_seq_no() + 1) / 500 + 1);
}

// The write phase of the crash tests: 13 ops in 8 stream entries, applied by the applier but not
// committed (refresh_interval -1). Leaves the pipeline running.
void ApplierTest::write_uncommitted(Pipeline& p) {
  const std::string key = stream_key("idx", 0);
  for (int i = 0; i < 10; i += 2) {
    auto res = p.write({item(BulkAction::kIndex, "d" + std::to_string(i), R"({"n":)" + std::to_string(i) + "}"),
                        item(BulkAction::kIndex, "d" + std::to_string(i + 1), R"({"n":)" + std::to_string(i + 1) + "}")});
    for (auto& r : res) ASSERT_TRUE(r.error.ok()) << r.error.message();
  }
  EXPECT_RESULT(p.write1(item(BulkAction::kUpdate, "d1", R"({"doc":{"title":"updated"}})")), "updated", 2, 10);
  EXPECT_RESULT(p.write1(item(BulkAction::kDelete, "d2")), "deleted", 2, 11);
  EXPECT_RESULT(p.write1(item(BulkAction::kIndex, "last", R"({"n":99})")), "created", 1, 12);
  // The applier has read and applied everything, but not committed it.
  ASSERT_TRUE(wait_applied(*p.primary));
  EXPECT_EQ(p.shard().committed_max_seq_no(), -1);
  EXPECT_EQ(p.shard().committed_position(), "");
  EXPECT_EQ(p.shard().doc_count(), 0u);
  EXPECT_EQ(pending(key), 8);  // delivered to the group, not acknowledged
}

// The recovery phase: a new IndexService and applier over the same directory and stream.
void ApplierTest::verify_recovery(const std::string& last_id) {
  const std::string key = stream_key("idx", 0);
  auto p = attach(reopen_index(), {}, /*start=*/false);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->recovered_seq, 12);
  auto& shard = p->shard();
  EXPECT_EQ(shard.doc_count(), 10u) << "d0..d9 without d2, plus \"last\": each exactly once";
  EXPECT_EQ(shard.committed_max_seq_no(), 12);
  EXPECT_EQ(shard.committed_position(), last_id);
  EXPECT_EQ(p->applier->visible_seq(), 12);
  EXPECT_EQ(pending(key), 0);
  auto d0 = stored(shard, "d0");
  ASSERT_TRUE(d0);
  EXPECT_EQ(d0->meta.version, 1);
  EXPECT_EQ(d0->meta.seq_no, 0);
  EXPECT_EQ(d0->source, R"({"n":0})");
  auto d1 = stored(shard, "d1");
  ASSERT_TRUE(d1);
  EXPECT_EQ(d1->meta.version, 2);
  EXPECT_EQ(d1->meta.seq_no, 10);
  EXPECT_NE(d1->source.find("updated"), std::string::npos);
  EXPECT_FALSE(stored(shard, "d2"));
  auto last = stored(shard, "last");
  ASSERT_TRUE(last);
  EXPECT_EQ(last->meta.seq_no, 12);
  for (const char* id : {"d0", "d3", "d9", "last"}) {
    (void)shard.with_reader([&](Xapian::Database& db) {
      EXPECT_EQ(db.get_termfreq(std::string(index::kIdPrefix) + id), 1u) << "documents with _id " << id;
    });
  }

  // Recovering again applies nothing more.
  auto again = p->applier->recover();
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(*again, 12);
  EXPECT_EQ(shard.doc_count(), 10u);
  EXPECT_EQ(shard.committed_position(), last_id);

  // Writing continues after the recovered sequence number, with versions from the index.
  p->applier->start();
  EXPECT_RESULT(p->write1(item(BulkAction::kIndex, "d1", R"({"n":1})")), "updated", 3, 13);
  EXPECT_RESULT(p->write1(item(BulkAction::kIndex, "d2", R"({"n":2})")), "created", 1, 14);
  EXPECT_RESULT(p->write1(item(BulkAction::kIndex, "fresh", R"({"n":3})")), "created", 1, 15);
  ASSERT_TRUE(p->refresh());
  EXPECT_EQ(shard.doc_count(), 12u);
  EXPECT_EQ(shard.committed_max_seq_no(), 15);
  EXPECT_EQ(compare_stream_ids(shard.committed_position(), last_id), 1);
}

// The brief's crash: the applier is stopped without draining, then everything is destroyed.
TEST_F(ApplierTest, CrashRecoveryAfterStopWithoutDrainAppliesPendingEntriesExactlyOnce) {
  std::string last_id;
  {
    auto p = attach(create_index(-1));  // nothing commits by time
    ASSERT_TRUE(p);
    ASSERT_NO_FATAL_FAILURE(write_uncommitted(*p));
    last_id = last_stream_id(stream_key("idx", 0));
    ASSERT_FALSE(last_id.empty());
    p->applier->stop(/*drain=*/false);
    EXPECT_EQ(p->shard().committed_max_seq_no(), -1);
  }  // applier, primary and index destroyed
  verify_recovery(last_id);
}

// A real process death (no destructors run): the pipeline lives in a child process that
// _exit()s after the applier applied, before any commit.
TEST_F(ApplierTest, CrashRecoveryAfterProcessDeathAppliesPendingEntriesExactlyOnce) {
  ASSERT_TRUE(create_index(-1));  // created (and closed) here, written in the child
  fflush(nullptr);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    conn_ = std::make_unique<RedisConnection>(server_->address());  // not the parent's socket
    auto p = attach(reopen_index());
    if (p) write_uncommitted(*p);
    fflush(nullptr);
    _exit(p && !HasFailure() ? 0 : 1);  // like kill -9: no destructor, no drain, no commit
  }
  int wstatus = 0;
  ASSERT_EQ(waitpid(child, &wstatus, 0), child);
  ASSERT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) << "the writing child failed";
  std::string last_id = last_stream_id(stream_key("idx", 0));
  ASSERT_FALSE(last_id.empty());
  verify_recovery(last_id);
}

TEST_F(ApplierTest, RecoverSkipsEntriesAtOrBeforeTheCommittedPosition) {
  const std::string key = stream_key("idx", 0);
  std::string last_id;
  {
    auto p = attach(create_index(-1));
    ASSERT_TRUE(p);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(p->write1(item(BulkAction::kIndex, "d" + std::to_string(i), R"({})")).error.ok());
    ASSERT_TRUE(p->write1(item(BulkAction::kIndex, "last", R"({})")).error.ok());
    p->applier->stop(/*drain=*/true);
    last_id = last_stream_id(key);
    ASSERT_EQ(p->shard().committed_position(), last_id);
  }
  // Make a re-application observable: drop "last" (written by the last stream entry) directly in
  // Xapian at the same committed position, and rewind the group so that the entry is delivered
  // again. An entry at or before the committed position must be skipped, not re-applied.
  auto index = reopen_index();
  ASSERT_TRUE(index);
  auto& shard = index->shard(0);
  shard.remove("last");
  ASSERT_TRUE(shard.commit(last_id, 3).ok());
  shard.refresh();
  ASSERT_FALSE(stored(shard, "last"));
  ASSERT_TRUE(conn_->command({"XGROUP", "SETID", key, "copy-0", "0"}).ok());
  ASSERT_GE(redis_int({"XLEN", key}), 1);  // the last entry is still in the stream

  auto p = attach(index, {}, /*start=*/false);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->recovered_seq, 3);
  EXPECT_FALSE(stored(shard, "last")) << "a committed stream entry was applied twice";
  EXPECT_EQ(shard.doc_count(), 3u);
  EXPECT_EQ(shard.committed_position(), last_id);
}

TEST_F(ApplierTest, StopWithDrainCommitsEverything) {
  {
    auto p = attach(create_index(-1));
    ASSERT_TRUE(p);
    for (int i = 0; i < 20; ++i) ASSERT_TRUE(p->write1(item(BulkAction::kIndex, "d" + std::to_string(i), R"({})")).error.ok());
    p->applier->stop(/*drain=*/true);
    EXPECT_EQ(p->shard().committed_max_seq_no(), 19);
    EXPECT_EQ(p->shard().doc_count(), 20u);
  }
  auto p = attach(reopen_index(), {}, false);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->recovered_seq, 19);
  EXPECT_EQ(p->shard().doc_count(), 20u);
}

TEST_F(ApplierTest, BacklogLimitRejectsWithOverloaded) {
  IngestLimits limits;
  limits.max_backlog_ops = 0;
  auto p = attach(create_index(-1), limits, /*start=*/false);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->primary->backlog(), 0);
  auto first = p->write1(item(BulkAction::kIndex, "a", R"({})"));
  EXPECT_RESULT(first, "created", 1, 0);
  EXPECT_EQ(p->primary->backlog(), 1);
  auto second = p->write({item(BulkAction::kIndex, "b", R"({})"), item(BulkAction::kDelete, "a")});
  for (const auto& r : second) {
    EXPECT_EQ(r.error.code(), Code::kOverloaded) << r.error.message();
    EXPECT_TRUE(r.result.empty());
  }
  EXPECT_EQ(p->primary->appended_seq(), 0);  // nothing appended
  auto realtime = p->primary->get("b");
  ASSERT_TRUE(realtime.ok());
  EXPECT_FALSE(realtime->has_value());

  // Once the applier catches up, writes are accepted again.
  p->applier->start();
  ASSERT_TRUE(p->refresh());
  EXPECT_EQ(p->primary->backlog(), 0);
  EXPECT_RESULT(p->write1(item(BulkAction::kIndex, "b", R"({})")), "created", 1, 1);
  ASSERT_TRUE(p->refresh());
  EXPECT_EQ(p->shard().doc_count(), 2u);
}

TEST_F(ApplierTest, RedisGoneMeansUnavailableAndNothingAcknowledged) {
  auto p = attach(create_index(-1));
  ASSERT_TRUE(p);
  EXPECT_RESULT(p->write1(item(BulkAction::kIndex, "a", R"({"n":1})")), "created", 1, 0);
  ASSERT_TRUE(p->refresh());

  server_->stop();
  auto res = p->write({item(BulkAction::kIndex, "b", R"({"n":2})"), item(BulkAction::kIndex, "a", R"({"n":3})"),
                       item(BulkAction::kDelete, "a")});
  for (const auto& r : res) {
    EXPECT_EQ(r.error.code(), Code::kUnavailable) << r.error.message();
    EXPECT_TRUE(r.result.empty());
  }
  // A second attempt (the connection is now known broken) fails the same way.
  auto again = p->write1(item(BulkAction::kIndex, "c", R"({})"));
  EXPECT_EQ(again.error.code(), Code::kUnavailable);
  EXPECT_EQ(p->primary->append_marker().code(), Code::kUnavailable);
  // Nothing was acknowledged: no sequence number used, no live version recorded.
  EXPECT_EQ(p->primary->appended_seq(), 0);
  auto b = p->primary->get("b");
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->has_value());
  auto a = p->primary->get("a");
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(a->has_value());
  EXPECT_EQ((*a)->source, R"({"n":1})");
  EXPECT_EQ((*a)->meta.version, 1);

  *start_status_ = server_->start();
  ASSERT_TRUE(start_status_->ok()) << start_status_->message();
  // Writes work again, resuming at the sequence numbers that were given back.
  EXPECT_RESULT(p->write1(item(BulkAction::kIndex, "b", R"({"n":2})")), "created", 1, 1);
  EXPECT_RESULT(p->write1(item(BulkAction::kIndex, "a", R"({"n":3})")), "updated", 2, 2);
  // ...and the applier reconnects and applies them.
  ASSERT_TRUE(p->refresh());
  EXPECT_EQ(p->shard().doc_count(), 2u);
  auto sa = stored(p->shard(), "a");
  ASSERT_TRUE(sa);
  EXPECT_EQ(sa->meta.version, 2);
  EXPECT_EQ(sa->source, R"({"n":3})");
  EXPECT_FALSE(stored(p->shard(), "c"));
}

TEST_F(ApplierTest, RecoverWithoutRedisIsUnavailable) {
  auto index = create_index(-1);
  ASSERT_TRUE(index);
  server_->stop();
  ShardPrimary primary(index, 0, server_->address(), {});
  ShardApplier applier(index, 0, server_->address(), &primary);
  auto r = applier.recover();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnavailable);
  *start_status_ = server_->start();
  ASSERT_TRUE(start_status_->ok()) << start_status_->message();
  auto r2 = applier.recover();
  ASSERT_TRUE(r2.ok()) << r2.status().message();
  EXPECT_EQ(*r2, -1);
}

// The same path through IngestService, with several shards and routing.
TEST_F(ApplierTest, IngestServiceRoutesWritesAndRefreshes) {
  index::IndexMetadata meta;
  meta.name = "multi";
  meta.uuid = "multi-uuid";
  meta.settings.number_of_shards = 3;
  meta.settings.refresh_interval_ms = 100;  // wait_for waits for the periodic refresh
  auto index = std::make_shared<IndexService>(data_dir_ + "/multi", meta);
  ASSERT_TRUE(index->open().ok());
  ASSERT_TRUE(index->persist().ok());
  IngestService ingest(server_->address(), {});
  ASSERT_TRUE(ingest.attach(index).ok());

  std::vector<BulkItem> items;
  for (int i = 0; i < 30; ++i) items.push_back(item(BulkAction::kIndex, "doc-" + std::to_string(i), R"({"n":1})"));
  BulkItem routed = item(BulkAction::kIndex, "routed", R"({"n":2})");
  routed.routing = "doc-1";  // shard 1 of 3 (xxHash64("doc-1") % 3)
  items.push_back(routed);
  std::vector<BulkItemResult> results;
  ingest.write(*index, items, results, RefreshPolicy::kNone);
  ASSERT_EQ(results.size(), items.size());
  for (size_t i = 0; i < results.size(); ++i) {
    ASSERT_TRUE(results[i].error.ok()) << results[i].error.message();
    EXPECT_EQ(results[i].shard, route_to_shard(items[i].id, items[i].routing, 3)) << items[i].id;
  }
  EXPECT_EQ(results.back().shard, 1);

  // Realtime get through the service, before the refresh.
  auto g = ingest.get(*index, "routed", "doc-1");
  ASSERT_TRUE(g.ok());
  ASSERT_TRUE(g->has_value());
  EXPECT_EQ((*g)->source, R"({"n":2})");

  ASSERT_TRUE(ingest.refresh("multi").ok());
  uint64_t total = 0;
  for (int s = 0; s < 3; ++s) total += index->shard(s).doc_count();
  EXPECT_EQ(total, 31u);
  for (size_t i = 0; i < items.size(); ++i) {
    EXPECT_TRUE(stored(index->shard(results[i].shard), items[i].id)) << items[i].id;
  }

  // wait_for: visible when write() returns.
  std::vector<BulkItem> more = {item(BulkAction::kDelete, "doc-0")};
  std::vector<BulkItemResult> more_res;
  ingest.write(*index, more, more_res, RefreshPolicy::kWaitFor);
  ASSERT_TRUE(more_res[0].error.ok()) << more_res[0].error.message();
  EXPECT_EQ(more_res[0].result, "deleted");
  EXPECT_FALSE(stored(index->shard(more_res[0].shard), "doc-0"));
  EXPECT_FALSE(more_res[0].forced_refresh);

  // refresh=true: visible when write() returns, and reported as forced.
  std::vector<BulkItem> now = {item(BulkAction::kIndex, "doc-0", R"({"n":3})")};
  std::vector<BulkItemResult> now_res;
  ingest.write(*index, now, now_res, RefreshPolicy::kImmediate);
  ASSERT_TRUE(now_res[0].error.ok()) << now_res[0].error.message();
  EXPECT_TRUE(now_res[0].forced_refresh);
  EXPECT_EQ(now_res[0].result, "created");
  auto back = stored(index->shard(now_res[0].shard), "doc-0");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->meta.version, now_res[0].version);

  auto stats = ingest.stats("multi");
  ASSERT_EQ(stats.size(), 3u);
  for (const auto& s : stats) EXPECT_EQ(s.backlog, 0);
  ingest.detach("multi", /*drain=*/true, /*delete_streams=*/true);
  EXPECT_EQ(redis_int({"EXISTS", "quarry:multi:0", "quarry:multi:1", "quarry:multi:2"}), 0);

  // Writes to a detached index fail with index_not_found.
  std::vector<BulkItemResult> detached;
  ingest.write(*index, more, detached, RefreshPolicy::kNone);
  EXPECT_EQ(detached[0].error.code(), Code::kIndexNotFound);
}

}  // namespace
}  // namespace quarry::ingest
