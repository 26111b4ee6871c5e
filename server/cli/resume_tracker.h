// ResumeTracker: how far a `quarry load` run has got without a gap, for its checkpoint.
//
// The reader registers every batch, in input order, with the number of input records it
// covers up to (its last item's record, which also covers malformed records skipped before it),
// and the end of each input read to its end. Senders complete batches in any order (with
// several connections a later batch may be acknowledged first); the position only moves past
// a batch once it and every earlier one are acknowledged, and never past a batch that was not
// (the server could not be reached, or it was left unsent after an interruption). Each move is
// handed to the save callback, under the tracker's lock, so saves are serialised and in order.
// Thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>

#include "server/cli/load_checkpoint.h"

namespace quarry::cli {

class ResumeTracker {
 public:
  using Save = std::function<void(const LoadCheckpoint&)>;

  // `start` is where this run starts: a fresh checkpoint (nothing loaded) or the one resumed.
  ResumeTracker(LoadCheckpoint start, Save save);

  // Reader thread: the identity of input `input`, once it is opened.
  void set_identity(size_t input, InputIdentity identity);
  // Reader thread: a batch of input `input` whose last record is `records_through`; its ticket.
  uint64_t add_batch(size_t input, uint64_t records_through);
  // Reader thread: input `input` was read to its end and had `records` records.
  void end_input(size_t input, uint64_t records);
  // Any thread: the batch of `ticket` is finished; `acknowledged` when the server answered for
  // every item (loaded or rejected for good), so it must not be sent again.
  void batch_done(uint64_t ticket, bool acknowledged);

  LoadCheckpoint checkpoint() const;
  // Every input is loaded to its end.
  bool finished() const;

 private:
  enum class State { kPending, kAcknowledged, kLost };
  struct Entry {
    size_t input;
    uint64_t records;
    bool end_of_input;
    State state;
  };
  void advance();  // requires mutex_

  mutable std::mutex mutex_;
  LoadCheckpoint position_;
  Save save_;
  std::deque<Entry> entries_;  // entries_[k] has ticket first_ticket_ + k
  uint64_t first_ticket_ = 0;
};

}  // namespace quarry::cli
