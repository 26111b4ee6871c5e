// VersionMap: the live versions of recently written documents of one shard — written to the
// stream but not yet visible to the shard's readers (Elasticsearch's LiveVersionMap). It makes
// GET realtime and versioning exact while the applier catches up. Entries leave once a refresh
// has made them visible (prune_through). Not thread-safe: guarded by the shard primary's mutex.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

namespace quarry::ingest {

struct VersionEntry {
  int64_t seq_no = 0;
  int64_t version = 0;
  int64_t primary_term = 1;
  bool deleted = false;
  std::string routing;
  std::string source;  // empty for deletes
  int64_t deleted_at_ms = 0;  // deletes: when, for index.gc_deletes
};

class VersionMap {
 public:
  const VersionEntry* find(const std::string& id) const {
    auto it = entries_.find(id);
    return it == entries_.end() ? nullptr : &it->second;
  }
  void put(const std::string& id, VersionEntry e) { entries_[id] = std::move(e); }
  // Drops entries whose sequence number is visible to readers now. Deletes stay for
  // gc_deletes_ms (Elasticsearch's index.gc_deletes, 60 s) so that a document indexed again soon
  // after its deletion continues the deleted version.
  void prune_through(int64_t visible_seq_no, int64_t now_ms, int64_t gc_deletes_ms = 60000) {
    for (auto it = entries_.begin(); it != entries_.end();) {
      const VersionEntry& e = it->second;
      bool visible = e.seq_no <= visible_seq_no;
      bool expired = !e.deleted || now_ms - e.deleted_at_ms >= gc_deletes_ms;
      it = visible && expired ? entries_.erase(it) : std::next(it);
    }
  }
  size_t size() const { return entries_.size(); }

 private:
  std::unordered_map<std::string, VersionEntry> entries_;
};

}  // namespace quarry::ingest
