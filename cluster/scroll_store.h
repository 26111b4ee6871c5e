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
#include <optional>
#include <vector>
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

// Points in time (POST /{index}/_pit): each shard of the named indices is copied, at open, into a
// private Xapian database (Database::compact from one reader, i.e. one revision) under
// <data_dir>/pit/<id>/, wrapped in an IndexService of its own that searches run on as on any
// index: any query, sort, from/size and search_after see the data as it was when the PIT opened.
// Costs the disk and time of a compacted copy; removed on close, expiry or restart.
class PitStore {
 public:
  explicit PitStore(std::string data_dir, size_t max_open = 100);
  // Errors: kOverloaded (max_open), kIOError.
  Result<std::string> open(const std::vector<index::ResolvedIndex>& indices, int64_t keep_alive_ms);
  // The PIT's indices (expiry pushed to now + keep_alive_ms when >= 0); empty optional if unknown.
  std::optional<std::vector<index::ResolvedIndex>> find(const std::string& id, int64_t keep_alive_ms);
  bool close(const std::string& id);
  size_t close_all();

 private:
  struct Pit {
    std::vector<index::ResolvedIndex> indices;
    std::chrono::steady_clock::time_point expires;
  };
  void sweep_locked();
  const std::string dir_;
  const size_t max_open_;
  std::mutex mu_;
  std::map<std::string, Pit> pits_;
  uint64_t counter_ = 0;
};

}  // namespace quarry::cluster
