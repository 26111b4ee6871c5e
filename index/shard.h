// Shard: one Xapian database on disk — the unit of storage, search and write ordering.
//
// Ownership and threading:
//  - The writer methods (put, remove, commit) belong to the shard's single applier thread.
//  - Readers are leased from a pool by any thread; each lease is one Xapian::Database used by one
//    thread at a time. refresh() (called after each commit) bumps the generation; a lease taken
//    after it sees everything committed before it. A Xapian reader can be overtaken by later
//    commits (DatabaseModifiedError): with_reader() retries after reopen().
//  - The applied stream position and max sequence number are written in the same Xapian commit as
//    the documents (set_metadata), so after a crash the shard resumes exactly where its data is.
#pragma once

#include <xapian.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "index/status.h"
#include "index/stored_document.h"

namespace quarry::index {

class Shard;

// A leased reader; returns itself to the shard's pool when destroyed.
class ReaderLease {
 public:
  ReaderLease(Shard* shard, std::unique_ptr<Xapian::Database> db, uint64_t generation)
      : shard_(shard), db_(std::move(db)), generation_(generation) {}
  ReaderLease(ReaderLease&&) = default;
  ReaderLease& operator=(ReaderLease&&) = delete;
  ~ReaderLease();
  Xapian::Database& db() { return *db_; }

 private:
  Shard* shard_;
  std::unique_ptr<Xapian::Database> db_;
  uint64_t generation_;  // the shard's refresh generation when this reader was (re)opened
};

class Shard {
 public:
  Shard(std::string path, int shard_id);
  // Uncommitted changes are dropped (they are still in the stream and are replayed on open).
  ~Shard();
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  // Opens (creating if needed) the database. Errors: kIOError / kCorruption.
  Status open();
  int id() const { return id_; }
  const std::string& path() const { return path_; }

  // ---- writer side: applier thread only ----
  void put(const std::string& doc_id, Xapian::Document& doc);
  // Adds a document whose id is known to be absent (no id lookup). Safe for replay because
  // uncommitted changes never reach the disk without their stream position (see open()).
  void add_new(const std::string& doc_id, Xapian::Document& doc);
  void remove(const std::string& doc_id);
  // Commits buffered changes together with the stream position they reach.
  Status commit(const std::string& applied_position, int64_t max_seq_no);
  // Drops every change since the last commit (after a failure part-way through a batch).
  Status discard_uncommitted();
  // Closes the writer (on index deletion / shutdown). Buffered, uncommitted changes are dropped.
  void close_writer();

  // ---- any thread ----
  std::string committed_position() const;
  int64_t committed_max_seq_no() const { return committed_max_seq_no_.load(); }
  // Makes committed data visible to readers leased from now on.
  void refresh();
  uint64_t refresh_generation() const { return generation_.load(); }
  ReaderLease lease_reader();
  // Runs f(db) with a leased reader, reopening and retrying if the revision was overtaken.
  Status with_reader(const std::function<void(Xapian::Database&)>& f);
  // Realtime-after-refresh lookup of a stored document by id (from readers). nullopt = absent.
  Result<std::optional<StoredDocument>> get(const std::string& doc_id);
  uint64_t doc_count();
  uint64_t store_size_bytes() const;
  // Data derived from one committed revision (the aggregation columns of query/aggs), shared by
  // the searches that read that revision. `make` runs when the entry is missing or older; an
  // entry for an older revision than the cached one is built but not kept.
  std::shared_ptr<const void> derived(const std::string& key, Xapian::rev revision,
                                      const std::function<std::shared_ptr<const void>()>& make);

 private:
  friend class ReaderLease;
  void give_back(std::unique_ptr<Xapian::Database> db, uint64_t generation);

  const std::string path_;
  const int id_;
  std::unique_ptr<Xapian::WritableDatabase> writer_;
  mutable std::mutex position_mu_;
  std::string committed_position_;
  std::atomic<int64_t> committed_max_seq_no_{-1};

  std::mutex pool_mu_;
  std::vector<std::pair<uint64_t, std::unique_ptr<Xapian::Database>>> pool_;  // (generation, db)
  std::atomic<uint64_t> generation_{0};

  std::mutex derived_mu_;
  std::unordered_map<std::string, std::pair<Xapian::rev, std::shared_ptr<const void>>> derived_;
};

// Metadata keys in each shard's Xapian database.
inline constexpr char kMetaAppliedPosition[] = "quarry.applied_position";
inline constexpr char kMetaMaxSeqNo[] = "quarry.max_seq_no";

}  // namespace quarry::index
