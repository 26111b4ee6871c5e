#include "cluster/scroll_store.h"

#include <filesystem>
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

PitStore::PitStore(std::string data_dir, size_t max_open) : dir_(std::move(data_dir) + "/pit"), max_open_(max_open) {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);  // points in time do not survive a restart
}

void PitStore::sweep_locked() {
  auto now = std::chrono::steady_clock::now();
  for (auto it = pits_.begin(); it != pits_.end();) {
    if (it->second.expires <= now) it = pits_.erase(it);
    else ++it;
  }
}

Result<std::string> PitStore::open(const std::vector<index::ResolvedIndex>& indices, int64_t keep_alive_ms) {
  std::string id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    sweep_locked();
    if (pits_.size() >= max_open_) {
      return Status::Overloaded("Trying to create too many point in time contexts. Must be less than or equal to: [" +
                                std::to_string(max_open_) + "].");
    }
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    id = base64url("quarry-pit:" + std::to_string(++counter_) + ":" + std::to_string(rng()));
  }
  Pit pit;
  for (size_t i = 0; i < indices.size(); ++i) {
    const auto& src = indices[i].index;
    if (src->metadata().closed) return index::index_closed(src->name(), src->uuid());
    std::string dir = dir_ + "/" + id + "/" + std::to_string(i);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return Status::IOError("cannot create " + dir + ": " + ec.message());
    for (int s = 0; s < src->num_shards(); ++s) {
      std::string out = dir + "/" + std::to_string(s);
      Status st = src->shard(s).with_reader([&](Xapian::Database& db) {
        std::error_code rm;
        std::filesystem::remove_all(out, rm);
        db.compact(out);
      });
      if (!st.ok()) {
        std::filesystem::remove_all(dir_ + "/" + id, ec);
        return st;
      }
    }
    auto* raw = new index::IndexService(dir, src->metadata());
    std::shared_ptr<index::IndexService> svc(raw, [dir](index::IndexService* p) {
      delete p;
      std::error_code e;
      std::filesystem::remove_all(dir, e);
      std::filesystem::remove(std::filesystem::path(dir).parent_path(), e);  // once the last is gone
    });
    if (Status st = svc->open(); !st.ok()) return st;
    pit.indices.push_back({svc, indices[i].via_aliases});
  }
  std::lock_guard<std::mutex> lock(mu_);
  pit.expires = std::chrono::steady_clock::now() + std::chrono::milliseconds(keep_alive_ms);
  pits_[id] = std::move(pit);
  return id;
}

std::optional<std::vector<index::ResolvedIndex>> PitStore::find(const std::string& id, int64_t keep_alive_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  sweep_locked();
  auto it = pits_.find(id);
  if (it == pits_.end()) return std::nullopt;
  if (keep_alive_ms >= 0) it->second.expires = std::chrono::steady_clock::now() + std::chrono::milliseconds(keep_alive_ms);
  return it->second.indices;
}

bool PitStore::close(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  sweep_locked();
  return pits_.erase(id) > 0;
}

size_t PitStore::close_all() {
  std::lock_guard<std::mutex> lock(mu_);
  sweep_locked();
  size_t n = pits_.size();
  pits_.clear();
  return n;
}

}  // namespace quarry::cluster
