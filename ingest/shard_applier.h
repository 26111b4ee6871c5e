// ShardApplier: the thread that moves one shard copy's stream into its Xapian database.
//
// It reads batches with XREADGROUP (one consumer group per copy), applies them with
// replace_document / delete_document on the unique id term (so replaying is idempotent), and
// commits in groups: when the index's refresh_interval has passed, when a refresh is forced, or
// when many ops are pending. The stream position it reached is written in the same Xapian commit;
// then it refreshes the readers, XACKs and trims the stream below that position.
//
// Thread-safety: start/stop/request_refresh/wait_* may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "index/index_service.h"
#include "ingest/redis_connection.h"
#include "ingest/shard_primary.h"

namespace quarry::ingest {

class ShardApplier {
 public:
  ShardApplier(std::shared_ptr<index::IndexService> index, int shard, RedisAddress redis,
               ShardPrimary* primary);
  ~ShardApplier();
  ShardApplier(const ShardApplier&) = delete;
  ShardApplier& operator=(const ShardApplier&) = delete;

  // Replays everything the stream holds beyond the committed position and commits it, on the
  // calling thread. Returns the max sequence number now committed. Errors: kUnavailable, kIOError.
  Result<int64_t> recover();
  void start();
  // Stops the thread. drain=true first applies and commits all that the stream holds.
  void stop(bool drain);
  // stop() in two halves, so that many appliers can drain at the same time.
  void request_stop(bool drain);
  void join();

  // Asks for a commit + refresh as soon as everything up to seq_no is applied. The request stays
  // until that is visible. The caller wakes the applier by appending to the stream
  // (ShardPrimary::append_marker).
  void request_refresh(int64_t seq_no) {
    int64_t cur = force_until_seq_.load();
    while (cur < seq_no && !force_until_seq_.compare_exchange_weak(cur, seq_no)) {
    }
  }
  // Blocks until everything up to seq_no is committed and visible (or timeout). True if reached.
  bool wait_visible(int64_t seq_no, int timeout_ms);
  int64_t visible_seq() const { return visible_seq_.load(); }
  // Total of refreshes done (for stats).
  uint64_t refresh_count() const { return refreshes_.load(); }

 private:
  void run();
  // Reads and applies one round. Returns the number of entries read, or an error.
  Result<int> apply_round(int block_ms);
  // ack_now: acknowledge and trim the stream now rather than at most once per kAckInterval.
  Status commit_and_refresh(bool ack_now = false);
  // Whether applied operations have waited a refresh interval for their commit.
  bool refresh_due() const;
  // XACK and XTRIM what is committed (best effort: a restart skips applied entries by position).
  void ack_committed();
  Status prepare();

  std::shared_ptr<index::IndexService> index_;
  const int shard_;
  ShardPrimary* primary_;
  const std::string stream_;
  const std::string group_ = "copy-0";
  RedisConnection redis_;  // applier thread only (or the recover() caller before start)
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> drain_on_stop_{true};
  std::atomic<int64_t> force_until_seq_{-1};

  // Applier-thread state.
  bool prepared_ = false;
  std::string applied_position_;   // last stream id applied to the writer (maybe uncommitted)
  int64_t applied_max_seq_ = -1;
  std::vector<std::string> unacked_;            // entries read since the last commit
  std::vector<std::string> committed_unacked_;  // committed, not yet XACKed
  std::string trim_below_;                      // the last committed position
  int64_t uncommitted_ops_ = 0;
  bool dirty_ = false;             // applied but not committed
  std::chrono::steady_clock::time_point last_commit_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_ack_ = std::chrono::steady_clock::now();

  std::mutex visible_mu_;
  std::condition_variable visible_cv_;
  std::atomic<int64_t> visible_seq_{-1};
  std::atomic<uint64_t> refreshes_{0};
};

}  // namespace quarry::ingest
