// Contiguous progress of a load (see resume_tracker.h).
#include "server/cli/resume_tracker.h"

namespace quarry::cli {

ResumeTracker::ResumeTracker(LoadCheckpoint start, Save save)
    : position_(std::move(start)), save_(std::move(save)) {}

void ResumeTracker::set_identity(size_t input, InputIdentity identity) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (position_.inputs.size() <= input) position_.inputs.resize(input + 1);
  position_.inputs[input] = std::move(identity);
}

uint64_t ResumeTracker::add_batch(size_t input, uint64_t records_through) {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.push_back({input, records_through, false, State::kPending});
  return first_ticket_ + entries_.size() - 1;
}

void ResumeTracker::end_input(size_t input, uint64_t records) {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.push_back({input, records, true, State::kAcknowledged});
  advance();
}

void ResumeTracker::batch_done(uint64_t ticket, bool acknowledged) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (ticket < first_ticket_ || ticket - first_ticket_ >= entries_.size()) return;
  entries_[ticket - first_ticket_].state = acknowledged ? State::kAcknowledged : State::kLost;
  advance();
}

void ResumeTracker::advance() {
  bool moved = false;
  while (!entries_.empty() && entries_.front().state == State::kAcknowledged) {
    const Entry& e = entries_.front();
    if (e.end_of_input) {
      position_.complete_inputs = e.input + 1;
      position_.records = 0;
    } else {
      position_.complete_inputs = e.input;
      position_.records = e.records;
    }
    entries_.pop_front();
    ++first_ticket_;
    moved = true;
  }
  if (!moved || !save_) return;
  // Identities of inputs beyond the position are not part of it yet.
  LoadCheckpoint saved = position_;
  if (saved.inputs.size() > saved.complete_inputs + 1) saved.inputs.resize(saved.complete_inputs + 1);
  save_(saved);
}

LoadCheckpoint ResumeTracker::checkpoint() const {
  std::lock_guard<std::mutex> lock(mutex_);
  LoadCheckpoint saved = position_;
  if (saved.inputs.size() > saved.complete_inputs + 1) saved.inputs.resize(saved.complete_inputs + 1);
  return saved;
}

bool ResumeTracker::finished() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return position_.complete_inputs >= position_.input_count;
}

}  // namespace quarry::cli
