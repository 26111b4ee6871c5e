// StreamLog against a real redis-server.
#include "ingest/stream_log.h"

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>

#include "redis_test_server.h"

namespace quarry::ingest {
namespace {

using testing::RedisTestServer;

TEST(StreamKeyTest, Format) {
  EXPECT_EQ(stream_key("logs", 0), "quarry:logs:0");
  EXPECT_EQ(stream_key("my-index", 12), "quarry:my-index:12");
}

TEST(CompareStreamIdsTest, NumericNotLexicographic) {
  EXPECT_EQ(compare_stream_ids("1-2", "1-10"), -1);
  EXPECT_EQ(compare_stream_ids("1-10", "1-2"), 1);
  EXPECT_EQ(compare_stream_ids("9-0", "10-0"), -1);
  EXPECT_EQ(compare_stream_ids("10-0", "9-99"), 1);
  EXPECT_EQ(compare_stream_ids("1700000000000-5", "1700000000000-5"), 0);
  EXPECT_EQ(compare_stream_ids("1700000000001-0", "1700000000000-999"), 1);
  EXPECT_EQ(compare_stream_ids("5", "5-0"), 0);
  EXPECT_EQ(compare_stream_ids("0", "0-1"), -1);
  // 64-bit parts.
  EXPECT_EQ(compare_stream_ids("18446744073709551615-0", "18446744073709551614-9"), 1);
}

TEST(CompareStreamIdsTest, EmptySortsFirst) {
  EXPECT_EQ(compare_stream_ids("", ""), 0);
  EXPECT_EQ(compare_stream_ids("", "0-0"), -1);
  EXPECT_EQ(compare_stream_ids("0-0", ""), 1);
  EXPECT_EQ(compare_stream_ids("", "1-1"), -1);
}

class StreamLogTest : public ::testing::Test {
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
    ASSERT_TRUE(start_status_->ok()) << start_status_->message();
    conn_ = std::make_unique<RedisConnection>(server_->address());
    ASSERT_TRUE(conn_->command({"FLUSHALL"}).ok());
  }

  int64_t integer(const std::vector<std::string_view>& argv) {
    auto r = conn_->command(argv);
    EXPECT_TRUE(r.ok()) << r.status().message();
    if (!r.ok()) return -1;
    EXPECT_EQ((*r)->type, REDIS_REPLY_INTEGER);
    return (*r)->integer;
  }
  int64_t xlen(std::string_view key) { return integer({"XLEN", key}); }
  int64_t exists(std::string_view key) { return integer({"EXISTS", key}); }
  int64_t pending(std::string_view key, std::string_view group) {
    auto r = conn_->command({"XPENDING", key, group});
    EXPECT_TRUE(r.ok()) << r.status().message();
    if (!r.ok()) return -1;
    EXPECT_EQ((*r)->type, REDIS_REPLY_ARRAY);
    return (*r)->element[0]->integer;
  }
  std::string first_id(std::string_view key) {
    auto r = conn_->command({"XRANGE", key, "-", "+", "COUNT", "1"});
    EXPECT_TRUE(r.ok());
    if (!r.ok() || (*r)->elements == 0) return "";
    return std::string((*r)->element[0]->element[0]->str, (*r)->element[0]->element[0]->len);
  }
  std::vector<std::string> append_n(std::string_view key, int n, const std::string& prefix = "blob") {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
      auto id = stream_append(*conn_, key, prefix + std::to_string(i));
      EXPECT_TRUE(id.ok()) << id.status().message();
      if (id.ok()) ids.push_back(*id);
    }
    return ids;
  }

  static RedisTestServer* server_;
  static Status* start_status_;
  std::unique_ptr<RedisConnection> conn_;
  const std::string key_ = "quarry:test:0";
};

RedisTestServer* StreamLogTest::server_ = nullptr;
Status* StreamLogTest::start_status_ = new Status();

TEST_F(StreamLogTest, AppendReturnsIncreasingIds) {
  auto ids = append_n(key_, 20);
  ASSERT_EQ(ids.size(), 20u);
  for (size_t i = 1; i < ids.size(); ++i) {
    EXPECT_EQ(compare_stream_ids(ids[i - 1], ids[i]), -1) << ids[i - 1] << " vs " << ids[i];
    EXPECT_NE(ids[i].find('-'), std::string::npos);
  }
  EXPECT_EQ(xlen(key_), 20);
}

TEST_F(StreamLogTest, PrepareGroupCreatesMissingStream) {
  ASSERT_EQ(exists(key_), 0);
  ASSERT_TRUE(stream_prepare_group(*conn_, key_, "copy-0", "0").ok());
  EXPECT_EQ(exists(key_), 1);
  EXPECT_EQ(xlen(key_), 0);
  auto r = stream_read_group(*conn_, key_, "copy-0", "c", 10, 10);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->empty());
}

TEST_F(StreamLogTest, ReadGroupFromBeginningDeliversAllInOrder) {
  auto ids = append_n(key_, 5);
  ASSERT_TRUE(stream_prepare_group(*conn_, key_, "copy-0", "0").ok());
  auto r = stream_read_group(*conn_, key_, "copy-0", "c", 100, 10);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ((*r)[i].id, ids[i]);
    EXPECT_EQ((*r)[i].blob, "blob" + std::to_string(i));
  }
  // Delivered once: a second read gets nothing new.
  auto again = stream_read_group(*conn_, key_, "copy-0", "c", 100, 10);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
}

TEST_F(StreamLogTest, EmptyAfterIdMeansFromTheBeginning) {
  append_n(key_, 3);
  ASSERT_TRUE(stream_prepare_group(*conn_, key_, "copy-0", "").ok());
  auto r = stream_read_group(*conn_, key_, "copy-0", "c", 100, 10);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 3u);
}

TEST_F(StreamLogTest, ReadGroupHonoursCount) {
  auto ids = append_n(key_, 5);
  ASSERT_TRUE(stream_prepare_group(*conn_, key_, "copy-0", "0").ok());
  auto a = stream_read_group(*conn_, key_, "copy-0", "c", 2, 10);
  auto b = stream_read_group(*conn_, key_, "copy-0", "c", 2, 10);
  auto c = stream_read_group(*conn_, key_, "copy-0", "c", 2, 10);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  ASSERT_EQ(a->size(), 2u);
  ASSERT_EQ(b->size(), 2u);
  ASSERT_EQ(c->size(), 1u);
  EXPECT_EQ((*a)[0].id, ids[0]);
  EXPECT_EQ((*b)[0].id, ids[2]);
  EXPECT_EQ((*c)[0].id, ids[4]);
}

TEST_F(StreamLogTest, ReadGroupTimesOutWithEmptyResult) {
  ASSERT_TRUE(stream_prepare_group(*conn_, key_, "copy-0", "0").ok());
  auto start = std::chrono::steady_clock::now();
  auto r = stream_read_group(*conn_, key_, "copy-0", "c", 10, 50);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->empty());
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(40));
}

TEST_F(StreamLogTest, BlockingReadWakesOnAppend) {
  ASSERT_TRUE(stream_prepare_group(*conn_, key_, "copy-0", "0").ok());
  RedisConnection reader(server_->address(), 30000);
  auto start = std::chrono::steady_clock::now();
  auto fut = std::async(std::launch::async, [&] {
    return stream_read_group(reader, key_, "copy-0", "c", 10, 20000);
  });
  auto id = stream_append(*conn_, key_, "wake");
  ASSERT_TRUE(id.ok());
  auto r = fut.get();
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].id, *id);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST_F(StreamLogTest, GroupPreparedAtPositionDeliversOnlyLaterEntries) {
  auto ids = append_n(key_, 4);
  ASSERT_TRUE(stream_prepare_group(*conn_, key_, "copy-0", ids[1]).ok());
  auto r = stream_read_group(*conn_, key_, "copy-0", "c", 100, 10);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].id, ids[2]);
  EXPECT_EQ((*r)[1].id, ids[3]);
  // Entries appended later are delivered too.
  auto later = stream_append(*conn_, key_, "later");
  ASSERT_TRUE(later.ok());
  auto r2 = stream_read_group(*conn_, key_, "copy-0", "c", 100, 10);
  ASSERT_TRUE(r2.ok());
  ASSERT_EQ(r2->size(), 1u);
  EXPECT_EQ((*r2)[0].id, *later);
  EXPECT_EQ((*r2)[0].blob, "later");
}

TEST_F(StreamLogTest, PreparingAnExistingGroupRepositionsIt) {
  auto ids = append_n(key_, 4);
  ASSERT_TRUE(stream_prepare_group(*conn_, key_, "copy-0", "0").ok());
  auto all = stream_read_group(*conn_, key_, "copy-0", "c", 100, 10);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 4u);
  // As after a crash: the committed position is ids[1]; delivery resumes after it.
  ASSERT_TRUE(stream_prepare_group(*conn_, key_, "copy-0", ids[1]).ok());
  auto r = stream_read_group(*conn_, key_, "copy-0", "c", 100, 10);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].id, ids[2]);
  EXPECT_EQ((*r)[1].id, ids[3]);
}

TEST_F(StreamLogTest, GroupsAreIndependent) {
  append_n(key_, 3);
  ASSERT_TRUE(stream_prepare_group(*conn_, key_, "copy-0", "0").ok());
  ASSERT_TRUE(stream_prepare_group(*conn_, key_, "copy-1", "0").ok());
  auto a = stream_read_group(*conn_, key_, "copy-0", "c", 100, 10);
  auto b = stream_read_group(*conn_, key_, "copy-1", "c", 100, 10);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 3u);
  EXPECT_EQ(b->size(), 3u);
}

TEST_F(StreamLogTest, AckRemovesFromPending) {
  auto ids = append_n(key_, 3);
  ASSERT_TRUE(stream_prepare_group(*conn_, key_, "copy-0", "0").ok());
  auto r = stream_read_group(*conn_, key_, "copy-0", "c", 100, 10);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(pending(key_, "copy-0"), 3);
  ASSERT_TRUE(stream_ack(*conn_, key_, "copy-0", {ids[0], ids[2]}).ok());
  EXPECT_EQ(pending(key_, "copy-0"), 1);
  ASSERT_TRUE(stream_ack(*conn_, key_, "copy-0", {}).ok());  // nothing to do
  EXPECT_EQ(pending(key_, "copy-0"), 1);
  ASSERT_TRUE(stream_ack(*conn_, key_, "copy-0", {ids[1]}).ok());
  EXPECT_EQ(pending(key_, "copy-0"), 0);
  // Acking does not delete entries: that is trimming's job.
  EXPECT_EQ(xlen(key_), 3);
}

TEST_F(StreamLogTest, TrimBelowDropsStrictlyOlderEntries) {
  auto ids = append_n(key_, 5);
  ASSERT_TRUE(stream_trim_below(*conn_, key_, ids[2]).ok());
  EXPECT_EQ(xlen(key_), 3);
  EXPECT_EQ(first_id(key_), ids[2]);
  // Idempotent, and trimming below an older id is a no-op.
  ASSERT_TRUE(stream_trim_below(*conn_, key_, ids[2]).ok());
  ASSERT_TRUE(stream_trim_below(*conn_, key_, ids[0]).ok());
  EXPECT_EQ(xlen(key_), 3);
  // Trimming below the last id keeps just it.
  ASSERT_TRUE(stream_trim_below(*conn_, key_, ids[4]).ok());
  EXPECT_EQ(xlen(key_), 1);
  EXPECT_EQ(first_id(key_), ids[4]);
  // A missing stream is fine.
  EXPECT_TRUE(stream_trim_below(*conn_, key_ + "-missing", ids[4]).ok());
}

TEST_F(StreamLogTest, TrimDoesNotDisturbGroupDelivery) {
  auto ids = append_n(key_, 4);
  ASSERT_TRUE(stream_prepare_group(*conn_, key_, "copy-0", ids[1]).ok());
  ASSERT_TRUE(stream_trim_below(*conn_, key_, ids[1]).ok());
  auto r = stream_read_group(*conn_, key_, "copy-0", "c", 100, 10);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].id, ids[2]);
}

TEST_F(StreamLogTest, DeleteRemovesStreamAndGroups) {
  append_n(key_, 3);
  ASSERT_TRUE(stream_prepare_group(*conn_, key_, "copy-0", "0").ok());
  ASSERT_TRUE(stream_delete(*conn_, key_).ok());
  EXPECT_EQ(exists(key_), 0);
  // The group went with it: reading is an error until it is prepared again.
  auto r = stream_read_group(*conn_, key_, "copy-0", "c", 10, 10);
  EXPECT_FALSE(r.ok());
  ASSERT_TRUE(stream_prepare_group(*conn_, key_, "copy-0", "0").ok());
  auto fresh = stream_read_group(*conn_, key_, "copy-0", "c", 10, 10);
  ASSERT_TRUE(fresh.ok());
  EXPECT_TRUE(fresh->empty());
  // Deleting a missing stream is fine.
  EXPECT_TRUE(stream_delete(*conn_, "quarry:none:0").ok());
}

TEST_F(StreamLogTest, BlobsAreBinarySafe) {
  std::string blob("\x01\0\xff\0{\"\xC3\xA9\"}\r\n", 12);
  std::string big(2 * 1024 * 1024, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 131);
  ASSERT_TRUE(stream_prepare_group(*conn_, key_, "copy-0", "0").ok());
  ASSERT_TRUE(stream_append(*conn_, key_, blob).ok());
  ASSERT_TRUE(stream_append(*conn_, key_, big).ok());
  ASSERT_TRUE(stream_append(*conn_, key_, "").ok());
  auto r = stream_read_group(*conn_, key_, "copy-0", "c", 10, 10);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].blob, blob);
  EXPECT_EQ((*r)[1].blob, big);
  EXPECT_EQ((*r)[2].blob, "");
}

TEST_F(StreamLogTest, UnreachableRedisIsUnavailable) {
  RedisAddress nowhere;
  nowhere.unix_path = "/tmp/quarry-no-such-dir-for-redis/r.sock";
  RedisConnection conn(nowhere, 500);
  auto id = stream_append(conn, key_, "x");
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), Code::kUnavailable);
  EXPECT_EQ(stream_prepare_group(conn, key_, "g", "0").code(), Code::kUnavailable);
  auto r = stream_read_group(conn, key_, "g", "c", 1, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnavailable);
}

TEST_F(StreamLogTest, RedisErrorReplyIsInternal) {
  // Not a stream: WRONGTYPE.
  ASSERT_TRUE(conn_->command({"SET", key_, "string"}).ok());
  auto id = stream_append(*conn_, key_, "x");
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), Code::kInternal);
  EXPECT_NE(id.status().message().find("WRONGTYPE"), std::string::npos);
}

}  // namespace
}  // namespace quarry::ingest
