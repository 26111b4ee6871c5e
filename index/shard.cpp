#include "index/shard.h"

#include <filesystem>

#include "index/doc_lengths.h"
#include "index/document_mapper.h"

namespace quarry::index {

namespace fs = std::filesystem;

namespace {
// The reader Shard::with_reader is running its function on, on this thread (nested calls stack).
struct ActiveReader {
  Shard* shard = nullptr;
  const Xapian::Database* db = nullptr;
};
thread_local ActiveReader active_reader;

class ActiveReaderScope {
 public:
  ActiveReaderScope(Shard* shard, const Xapian::Database* db) : saved_(active_reader) { active_reader = {shard, db}; }
  ~ActiveReaderScope() { active_reader = saved_; }
  ActiveReaderScope(const ActiveReaderScope&) = delete;
  ActiveReaderScope& operator=(const ActiveReaderScope&) = delete;

 private:
  ActiveReader saved_;
};
}  // namespace

std::shared_ptr<const DocLengths> doc_lengths_of_active_reader(const Xapian::Database& db) {
  ActiveReader active = active_reader;
  if (!active.shard) return nullptr;
  // Xapian hands posting sources a new Database handle on the same files: identify it by uuid
  // and revision.
  Xapian::rev revision = active.db->get_revision();
  if (&db != active.db && (db.get_revision() != revision || db.get_uuid() != active.db->get_uuid())) return nullptr;
  const Xapian::Database& reader = *active.db;
  return std::static_pointer_cast<const DocLengths>(active.shard->derived(
      "doc_lengths", revision, [&] { return std::static_pointer_cast<const void>(load_doc_lengths(reader)); }));
}

ReaderLease::~ReaderLease() {
  if (shard_ && db_) shard_->give_back(std::move(db_), generation_);
}

Shard::Shard(std::string path, int shard_id) : path_(std::move(path)), id_(shard_id) {}
Shard::~Shard() { close_writer(); }

Status Shard::open() {
  try {
    fs::create_directories(path_);
    writer_ = std::make_unique<Xapian::WritableDatabase>(path_, Xapian::DB_CREATE_OR_OPEN | Xapian::DB_BACKEND_GLASS);
    std::string seq = writer_->get_metadata(kMetaMaxSeqNo);
    {
      std::lock_guard lock(position_mu_);
      committed_position_ = writer_->get_metadata(kMetaAppliedPosition);
    }
    committed_max_seq_no_ = seq.empty() ? -1 : std::stoll(seq);
    // All changes between our commits live in an unflushed transaction: Xapian then never
    // commits them on its own (flush threshold, close, destructor), so what is on disk is always
    // whole stream entries together with their position.
    writer_->begin_transaction(/*flushed=*/false);
    return Status::Ok();
  } catch (const Xapian::DatabaseCorruptError& e) {
    return Status::Corruption("shard " + path_ + ": " + e.get_description());
  } catch (const Xapian::Error& e) {
    return Status::IOError("shard " + path_ + ": " + e.get_description());
  } catch (const std::exception& e) {
    return Status::IOError("shard " + path_ + ": " + e.what());
  }
}

void Shard::put(const std::string& doc_id, Xapian::Document& doc) {
  std::string id_term = kIdPrefix + doc_id;
  doc.add_boolean_term(id_term);
  writer_->replace_document(id_term, doc);
}

void Shard::add_new(const std::string& doc_id, Xapian::Document& doc) {
  doc.add_boolean_term(kIdPrefix + doc_id);
  writer_->add_document(doc);
}

void Shard::remove(const std::string& doc_id) { writer_->delete_document(kIdPrefix + doc_id); }

Status Shard::commit(const std::string& applied_position, int64_t max_seq_no) {
  try {
    writer_->set_metadata(kMetaAppliedPosition, applied_position);
    writer_->set_metadata(kMetaMaxSeqNo, std::to_string(max_seq_no));
    writer_->commit_transaction();
    writer_->commit();
    writer_->begin_transaction(/*flushed=*/false);
  } catch (const Xapian::Error& e) {
    return Status::IOError("commit of shard " + path_ + " failed: " + e.get_description());
  }
  {
    std::lock_guard lock(position_mu_);
    committed_position_ = applied_position;
  }
  committed_max_seq_no_ = max_seq_no;
  return Status::Ok();
}

Status Shard::discard_uncommitted() {
  try {
    writer_->cancel_transaction();
    writer_->begin_transaction(/*flushed=*/false);
  } catch (const Xapian::Error& e) {
    return Status::IOError("shard " + path_ + ": " + e.get_description());
  }
  return Status::Ok();
}

void Shard::close_writer() {
  if (!writer_) return;
  try {
    writer_->cancel_transaction();  // uncommitted changes are dropped, never committed by close
  } catch (const Xapian::Error&) {
  }
  try {
    writer_->close();
  } catch (const Xapian::Error&) {
  }
  writer_.reset();
}

std::string Shard::committed_position() const {
  std::lock_guard lock(position_mu_);
  return committed_position_;
}

void Shard::refresh() { generation_.fetch_add(1); }

ReaderLease Shard::lease_reader() {
  uint64_t gen = generation_.load();
  std::unique_ptr<Xapian::Database> db;
  {
    std::lock_guard lock(pool_mu_);
    if (!pool_.empty()) {
      auto [db_gen, pooled] = std::move(pool_.back());
      pool_.pop_back();
      db = std::move(pooled);
      if (db_gen != gen) db->reopen();
    }
  }
  if (!db) db = std::make_unique<Xapian::Database>(path_, Xapian::DB_BACKEND_GLASS);
  return ReaderLease(this, std::move(db), gen);
}

void Shard::give_back(std::unique_ptr<Xapian::Database> db, uint64_t generation) {
  std::lock_guard lock(pool_mu_);
  if (pool_.size() < 16) pool_.emplace_back(generation, std::move(db));
}

Status Shard::with_reader(const std::function<void(Xapian::Database&)>& f) {
  for (int attempt = 0;; ++attempt) {
    try {
      auto lease = lease_reader();
      ActiveReaderScope scope(this, &lease.db());
      try {
        f(lease.db());
        return Status::Ok();
      } catch (const Xapian::DatabaseModifiedError&) {
        if (attempt >= 5) throw;
        lease.db().reopen();
      }
    } catch (const Xapian::DatabaseModifiedError& e) {
      if (attempt >= 5) return Status::IOError("shard " + path_ + ": " + e.get_description());
    } catch (const Xapian::Error& e) {
      return Status::IOError("shard " + path_ + ": " + e.get_description());
    }
  }
}

Result<std::optional<StoredDocument>> Shard::get(const std::string& doc_id) {
  std::optional<StoredDocument> found;
  Status decode_status;
  Status st = with_reader([&](Xapian::Database& db) {
    found.reset();
    std::string term = kIdPrefix + doc_id;
    auto it = db.postlist_begin(term);
    if (it == db.postlist_end(term)) return;
    StoredDocument doc;
    decode_status = decode_stored(db.get_document(*it).get_data(), &doc);
    found = std::move(doc);
  });
  if (!st.ok()) return st;
  if (!decode_status.ok()) return decode_status;
  return found;
}

uint64_t Shard::doc_count() {
  uint64_t n = 0;
  Status st = with_reader([&](Xapian::Database& db) { n = db.get_doccount(); });
  return st.ok() ? n : 0;
}

uint64_t Shard::store_size_bytes() const {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(path_, ec)) {
    if (entry.is_regular_file(ec)) total += entry.file_size(ec);
  }
  return total;
}

std::shared_ptr<const void> Shard::derived(const std::string& key, Xapian::rev revision,
                                           const std::function<std::shared_ptr<const void>()>& make) {
  {
    std::lock_guard<std::mutex> lock(derived_mu_);
    auto it = derived_.find(key);
    if (it != derived_.end() && it->second.first == revision) return it->second.second;
  }
  // Built outside the lock: loading a column takes a while and other keys must not wait.
  std::shared_ptr<const void> made = make();
  std::lock_guard<std::mutex> lock(derived_mu_);
  auto& entry = derived_[key];
  if (!entry.second || entry.first <= revision) entry = {revision, made};
  return made;
}

}  // namespace quarry::index
