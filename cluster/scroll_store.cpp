#include "cluster/scroll_store.h"

#include <random>

namespace quarry::cluster {

namespace {

std::string base64url(const std::string& in) {
  static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  int val = 0, bits = -6;
  for (unsigned char c : in) {
    val = (val << 8) + c;
    bits += 8;
    while (bits >= 0) {
      out.push_back(tbl[(val >> bits) & 0x3F]);
      bits -= 6;
    }
  }
  if (bits > -6) out.push_back(tbl[((val << 8) >> (bits + 8)) & 0x3F]);
  return out;
}

}  // namespace

void ScrollStore::sweep_locked() {
  auto now = std::chrono::steady_clock::now();
  for (auto it = contexts_.begin(); it != contexts_.end();) {
    if (it->second->expires <= now) {
      entries_ -= it->second->snapshot.entries.size();
      bytes_ -= it->second->snapshot.bytes;
      it = contexts_.erase(it);
    } else {
      ++it;
    }
  }
}

Status ScrollStore::check_room(size_t* entries_left, size_t* bytes_left) {
  std::lock_guard<std::mutex> lock(mu_);
  sweep_locked();
  if (contexts_.size() >= limits_.max_open) {
    return Status::Overloaded("Trying to create too many scroll contexts. Must be less than or equal to: [" +
                              std::to_string(limits_.max_open) +
                              "]. This limit can be set by changing the [search.max_open_scroll_context] setting.");
  }
  *entries_left = limits_.max_entries > entries_ ? limits_.max_entries - entries_ : 0;
  *bytes_left = limits_.max_bytes > bytes_ ? limits_.max_bytes - bytes_ : 0;
  return Status::Ok();
}

Result<std::string> ScrollStore::open(std::shared_ptr<ScrollContext> ctx, int64_t keep_alive_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  sweep_locked();
  if (contexts_.size() >= limits_.max_open) {
    return Status::Overloaded("Trying to create too many scroll contexts. Must be less than or equal to: [" +
                              std::to_string(limits_.max_open) +
                              "]. This limit can be set by changing the [search.max_open_scroll_context] setting.");
  }
  size_t n = ctx->snapshot.entries.size();
  if (entries_ + n > limits_.max_entries || bytes_ + ctx->snapshot.bytes > limits_.max_bytes) {
    return Status::Overloaded("Trying to keep too many documents in open scroll contexts. This limit can be set by "
                              "changing the [search.max_scroll_documents] setting.");
  }
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string raw = "quarry-scroll:" + std::to_string(++counter_) + ":" + std::to_string(rng());
  ctx->id = base64url(raw);
  ctx->expires = std::chrono::steady_clock::now() + std::chrono::milliseconds(keep_alive_ms);
  entries_ += n;
  bytes_ += ctx->snapshot.bytes;
  contexts_[ctx->id] = ctx;
  return ctx->id;
}

std::shared_ptr<ScrollContext> ScrollStore::find(const std::string& id, int64_t keep_alive_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  sweep_locked();
  auto it = contexts_.find(id);
  if (it == contexts_.end()) return nullptr;
  if (keep_alive_ms >= 0) it->second->expires = std::chrono::steady_clock::now() + std::chrono::milliseconds(keep_alive_ms);
  return it->second;
}

bool ScrollStore::clear(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  sweep_locked();
  auto it = contexts_.find(id);
  if (it == contexts_.end()) return false;
  entries_ -= it->second->snapshot.entries.size();
  bytes_ -= it->second->snapshot.bytes;
  contexts_.erase(it);
  return true;
}

size_t ScrollStore::clear_all() {
  std::lock_guard<std::mutex> lock(mu_);
  sweep_locked();
  size_t n = contexts_.size();
  contexts_.clear();
  entries_ = 0;
  bytes_ = 0;
  return n;
}

size_t ScrollStore::open_count() {
  std::lock_guard<std::mutex> lock(mu_);
  sweep_locked();
  return contexts_.size();
}

}  // namespace quarry::cluster
