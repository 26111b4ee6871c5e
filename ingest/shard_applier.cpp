#include "ingest/shard_applier.h"

#include <chrono>
#include <iostream>

#include "index/document_mapper.h"
#include "index/stored_document.h"
#include "ingest/stream_log.h"
#include "ingest/write_op.h"

namespace quarry::ingest {

namespace {
constexpr int kReadCount = 64;            // stream entries per XREADGROUP
// Xapian indexes large uncommitted batches slowly (its in-memory posting changes are sorted maps
// that slow down as they grow): raw Xapian, 100,000 reviews into 2 databases, took 21 CPU-seconds
// committing every 1,000 documents, 27 every 5,000 and 43 every 50,000. Very small batches cost
// fsyncs instead: on 1,000,000 reviews, commits every 1,000 documents used the same CPU as commits
// every second (~2,900 documents) but ran at 5,206 instead of 5,789 documents/s. So the applier
// commits every refresh interval — checked between stream entries, so a backlog does not stretch
// a batch to a whole read round of 64 entries — and at least every this many operations.
constexpr int64_t kMaxUncommittedOps = 5000;
constexpr int kIdleBlockMs = 1000;
// Acknowledging and trimming the stream is clean-up (a restart skips applied entries by the
// position stored in the commit), and each is a Redis write that waits for Redis's AOF fsync:
// done after every commit it left the appliers idle ~10% of the time with small commits. Commits
// by operation count acknowledge at most this often, or when this many entries wait.
constexpr auto kAckInterval = std::chrono::seconds(1);
constexpr size_t kMaxUnacked = 4096;
}  // namespace

ShardApplier::ShardApplier(std::shared_ptr<index::IndexService> index, int shard, RedisAddress redis,
                           ShardPrimary* primary)
    : index_(std::move(index)),
      shard_(shard),
      primary_(primary),
      stream_(stream_key(index_->name(), shard)),
      redis_(std::move(redis), 5000) {
  auto& s = index_->shard(shard_);
  applied_position_ = s.committed_position();
  applied_max_seq_ = s.committed_max_seq_no();
  visible_seq_ = applied_max_seq_;
}

ShardApplier::~ShardApplier() { stop(false); }

Status ShardApplier::prepare() {
  if (prepared_) return Status::Ok();
  QUARRY_RETURN_IF_ERROR(stream_prepare_group(redis_, stream_, group_, applied_position_));
  prepared_ = true;
  return Status::Ok();
}

Result<int> ShardApplier::apply_round(int block_ms) {
  QUARRY_RETURN_IF_ERROR(prepare());
  redis_.set_timeout_ms(block_ms + 5000);
  auto entries = stream_read_group(redis_, stream_, group_, "applier", kReadCount, block_ms);
  if (!entries.ok()) {
    prepared_ = false;  // after a reconnect the group may need creating again
    return entries.status();
  }
  if (entries->empty()) return 0;
  auto mapping = index_->mapping();
  auto& shard = index_->shard(shard_);
  std::vector<WriteOp> ops;
  for (auto& entry : *entries) {
    unacked_.push_back(entry.id);
    // Entries at or before the committed position were applied before a crash: skip them.
    if (compare_stream_ids(entry.id, applied_position_) <= 0) continue;
    bool interval_due = refresh_due();
    if (interval_due || uncommitted_ops_ >= kMaxUncommittedOps) {
      // Commit between entries, so a commit always holds whole entries and their position.
      unacked_.pop_back();
      QUARRY_RETURN_IF_ERROR(commit_and_refresh(/*ack_now=*/interval_due));
      unacked_.push_back(entry.id);
    }
    Status st = decode_batch(entry.blob, &ops);
    if (!st.ok()) {
      std::cerr << "quarryd: skipping corrupt stream entry " << entry.id << " of " << stream_ << ": "
                << st.message() << "\n";
      applied_position_ = entry.id;
      continue;
    }
    try {
      for (auto& op : ops) {
        if (op.kind == OpKind::kDelete) {
          shard.remove(op.id);
        } else {
          Xapian::Document doc;
          json::Document source;
          source.Parse(op.source.data(), op.source.size());
          if (!source.HasParseError() && source.IsObject()) {
            (void)index::DocumentMapper::index(*mapping, source, doc);
          }
          doc.add_value(index::kSlotSeqNo, Xapian::sortable_serialise(double(op.seq_no)));
          doc.add_value(index::kSlotVersion, Xapian::sortable_serialise(double(op.version)));
          doc.set_data(index::encode_stored({op.seq_no, op.version, op.primary_term, op.routing, op.id}, op.source));
          // `exists` on the _routing metadata field (the value itself lives in the stored document).
          static const std::string kRoutingExists = std::string(index::kFieldExistsPrefix) + "_routing";
          if (!op.routing.empty()) doc.add_boolean_term(kRoutingExists);
          if (op.kind == OpKind::kIndexNew) shard.add_new(op.id, doc);
          else shard.put(op.id, doc);
        }
        if (op.seq_no > applied_max_seq_) applied_max_seq_ = op.seq_no;
        ++uncommitted_ops_;
      }
    } catch (const Xapian::Error& e) {
      // Roll back to the last commit and have every uncommitted entry delivered again.
      (void)shard.discard_uncommitted();
      applied_position_ = shard.committed_position();
      applied_max_seq_ = shard.committed_max_seq_no();
      uncommitted_ops_ = 0;
      dirty_ = false;
      prepared_ = false;
      return Status::IOError("applying to shard " + shard.path() + ": " + e.get_description());
    }
    applied_position_ = entry.id;
    dirty_ = true;
  }
  primary_->note_applied(applied_max_seq_);
  return static_cast<int>(entries->size());
}

bool ShardApplier::refresh_due() const {
  int64_t interval = index_->refresh_interval_ms();
  if (!dirty_ || interval <= 0) return false;
  return std::chrono::steady_clock::now() - last_commit_ >= std::chrono::milliseconds(interval);
}

Status ShardApplier::commit_and_refresh(bool ack_now) {
  auto& shard = index_->shard(shard_);
  if (dirty_) {
    QUARRY_RETURN_IF_ERROR(shard.commit(applied_position_, applied_max_seq_));
    dirty_ = false;
  }
  uncommitted_ops_ = 0;
  last_commit_ = std::chrono::steady_clock::now();
  shard.refresh();
  refreshes_.fetch_add(1);
  primary_->note_refreshed(applied_max_seq_);
  {
    std::lock_guard lock(visible_mu_);
    visible_seq_ = applied_max_seq_;
  }
  visible_cv_.notify_all();
  // The data is durable in Xapian now: its entries may be acknowledged and the stream trimmed up
  // to here, at once for a refresh, lazily otherwise (kAckInterval).
  committed_unacked_.insert(committed_unacked_.end(), unacked_.begin(), unacked_.end());
  unacked_.clear();
  if (!applied_position_.empty()) trim_below_ = applied_position_;
  if (ack_now || last_commit_ - last_ack_ >= kAckInterval || committed_unacked_.size() >= kMaxUnacked) {
    ack_committed();
  }
  return Status::Ok();
}

void ShardApplier::ack_committed() {
  last_ack_ = std::chrono::steady_clock::now();
  if (committed_unacked_.empty()) return;
  if (stream_ack(redis_, stream_, group_, committed_unacked_).ok()) committed_unacked_.clear();
  if (!trim_below_.empty()) (void)stream_trim_below(redis_, stream_, trim_below_);
}

Result<int64_t> ShardApplier::recover() {
  for (;;) {
    auto n = apply_round(1);
    if (!n.ok()) return n.status();
    if (*n == 0) break;
  }
  QUARRY_RETURN_IF_ERROR(commit_and_refresh(/*ack_now=*/true));
  return applied_max_seq_;
}

void ShardApplier::start() {
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void ShardApplier::request_stop(bool drain) {
  drain_on_stop_ = drain;
  stopping_ = true;
}

void ShardApplier::join() {
  if (thread_.joinable()) thread_.join();
}

void ShardApplier::stop(bool drain) {
  if (!thread_.joinable()) return;
  request_stop(drain);
  join();
}

void ShardApplier::run() {
  int backoff_ms = 50;
  while (!stopping_) {
    int64_t interval = index_->refresh_interval_ms();
    auto since = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - last_commit_).count();
    int block_ms = kIdleBlockMs;
    if (dirty_ && interval > 0) block_ms = static_cast<int>(std::max<int64_t>(1, interval - since));
    bool force_pending = force_until_seq_.load() > visible_seq_.load();
    if (force_pending) block_ms = 1;
    // Short blocks so stop() is noticed quickly.
    block_ms = std::min(block_ms, 200);
    auto n = apply_round(block_ms);
    if (!n.ok()) {
      std::cerr << "quarryd: applier of " << stream_ << ": " << n.status().message() << "\n";
      std::unique_lock lock(visible_mu_);
      // Back off before reconnecting to Redis; stop() interrupts the wait via stopping_ polling.
      visible_cv_.wait_for(lock, std::chrono::milliseconds(backoff_ms));
      backoff_ms = std::min(backoff_ms * 2, 2000);
      continue;
    }
    backoff_ms = 50;
    bool due = refresh_due();
    bool forced = force_until_seq_.load() > visible_seq_.load() && applied_max_seq_ > visible_seq_.load();
    if (due || forced || uncommitted_ops_ >= kMaxUncommittedOps) {
      // Refreshes (timed or asked for) acknowledge at once; commits by operation count leave it
      // to the next refresh or kAckInterval.
      Status st = commit_and_refresh(/*ack_now=*/due || forced);
      if (!st.ok()) std::cerr << "quarryd: " << st.message() << "\n";
    } else if (!committed_unacked_.empty() && std::chrono::steady_clock::now() - last_ack_ >= kAckInterval) {
      ack_committed();  // a backlog's last commit by operation count is not acknowledged yet
    }
  }
  if (drain_on_stop_) {
    for (int rounds = 0; rounds < 100000; ++rounds) {
      auto n = apply_round(1);
      if (!n.ok() || *n == 0) break;
    }
    Status st = commit_and_refresh(/*ack_now=*/true);
    if (!st.ok()) std::cerr << "quarryd: " << st.message() << "\n";
  }
}

bool ShardApplier::wait_visible(int64_t seq_no, int timeout_ms) {
  std::unique_lock lock(visible_mu_);
  return visible_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                              [&] { return visible_seq_.load() >= seq_no; });
}

}  // namespace quarry::ingest
