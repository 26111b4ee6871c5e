// ScrollStore: the open scroll contexts of this node. A scroll is a Snapshot (cluster/by_query.h)
// taken with keep_data when the scroll starts: every matching document's stored bytes, in order,
// so later pages see exactly the documents (and versions) that existed at the start, whatever is
// written meanwhile (a Xapian reader cannot hold an old revision for long: see docs/scroll.md).
//
// Limits: at most max_open contexts (Elasticsearch's search.max_open_scroll_context, 500) and a
// total of max_entries documents / max_bytes stored bytes over all open scrolls. Contexts expire
// keep_alive after their last use (swept lazily on every call).
//
// Thread-safety: all methods may be called from any thread (one mutex; a context has its own).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "cluster/by_query.h"

namespace quarry::cluster {

struct ScrollContext {
  std::string id;
  Snapshot snapshot;
  query::SearchRequest request;  // for rendering pages (size, _source, version, fields, ...)
  size_t position = 0;           // next entry to return
  std::chrono::steady_clock::time_point expires;
  std::mutex mu;                 // one page at a time
};

struct ScrollLimits {
  size_t max_open = 500;
  size_t max_entries = 1'000'000;
  size_t max_bytes = 512u << 20;
};

class ScrollStore {
 public:
  explicit ScrollStore(ScrollLimits limits = {}) : limits_(limits) {}

  const ScrollLimits& limits() const { return limits_; }
  // Room left for a new snapshot (entries, bytes), after sweeping expired contexts.
  // Errors: kOverloaded when max_open contexts are open.
  Status check_room(size_t* entries_left, size_t* bytes_left);
  // Registers a context; assigns its id. Errors: kOverloaded (limits reached meanwhile).
  Result<std::string> open(std::shared_ptr<ScrollContext> ctx, int64_t keep_alive_ms);
  // The live context with this id (its expiry pushed to now + keep_alive_ms when >= 0), or null.
  std::shared_ptr<ScrollContext> find(const std::string& id, int64_t keep_alive_ms);
  bool clear(const std::string& id);
  size_t clear_all();
  size_t open_count();

 private:
  void sweep_locked();
  ScrollLimits limits_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<ScrollContext>> contexts_;
  size_t entries_ = 0;
  size_t bytes_ = 0;
  uint64_t counter_ = 0;
};

}  // namespace quarry::cluster
