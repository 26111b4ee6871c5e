#include "ingest/shard_primary.h"

#include <chrono>
#include <random>
#include <thread>

#include "index/document_mapper.h"
#include "ingest/stream_log.h"
#include "ingest/update_merge.h"
#include "ingest/write_op.h"

namespace quarry::ingest {

std::string generate_doc_id() {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  thread_local std::mt19937_64 rng(std::random_device{}() ^
                                   std::hash<std::thread::id>{}(std::this_thread::get_id()));
  thread_local uint64_t counter = rng();
  uint64_t micros = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::system_clock::now().time_since_epoch()).count();
  uint64_t parts[2] = {micros, rng() ^ ++counter};
  std::string out;
  for (int i = 0; i < 20; ++i) {
    uint64_t& p = parts[i < 10 ? 0 : 1];
    int shift = 6 * (9 - (i % 10));
    out.push_back(kAlphabet[(p >> shift) & 63]);
  }
  return out;
}

ShardPrimary::ShardPrimary(std::shared_ptr<index::IndexService> index, int shard, RedisAddress redis,
                           IngestLimits limits)
    : index_(std::move(index)),
      shard_(shard),
      stream_(stream_key(index_->name(), shard)),
      limits_(limits),
      redis_(std::move(redis)) {}

void ShardPrimary::start_after(int64_t max_seq_no) {
  std::lock_guard lock(mu_);
  next_seq_ = max_seq_no + 1;
  appended_seq_ = max_seq_no;
  applied_seq_ = max_seq_no;
}

Result<ShardPrimary::Current> ShardPrimary::current(const std::string& id, const VersionMap& staged) {
  Current cur;
  const VersionEntry* e = staged.find(id);
  if (!e) e = versions_.find(id);
  if (e) {
    cur.exists = !e->deleted;
    cur.seq_no = e->seq_no;
    cur.version = e->version;
    cur.primary_term = e->primary_term;
    cur.source = e->source;
    cur.from_tombstone = e->deleted;
    return cur;
  }
  auto stored = index_->shard(shard_).get(id);
  if (!stored.ok()) return stored.status();
  if (stored->has_value()) {
    cur.exists = true;
    cur.seq_no = (*stored)->meta.seq_no;
    cur.version = (*stored)->meta.version;
    cur.primary_term = (*stored)->meta.primary_term;
    cur.source = std::move((*stored)->source);
  }
  return cur;
}

static Status conflict(const std::string& index, const std::string& uuid, int shard,
                       const std::string& reason) {
  return Status::VersionConflict(reason).with("index_uuid", uuid).with("shard", std::to_string(shard)).with("index", index);
}

Status ShardPrimary::check_conditions(const BulkItem& item, const Current& cur) const {
  const std::string& id = item.id;
  if (item.if_seq_no || item.if_primary_term) {
    int64_t want_seq = item.if_seq_no.value_or(-2), want_term = item.if_primary_term.value_or(0);
    if (!cur.exists) {
      return conflict(index_->name(), index_->uuid(), shard_,
                      "[" + id + "]: version conflict, required seqNo [" + std::to_string(want_seq) +
                          "], primary term [" + std::to_string(want_term) +
                          "]. but no document was found");
    }
    if (cur.seq_no != want_seq || cur.primary_term != want_term) {
      return conflict(index_->name(), index_->uuid(), shard_,
                      "[" + id + "]: version conflict, required seqNo [" + std::to_string(want_seq) +
                          "], primary term [" + std::to_string(want_term) +
                          "]. current document has seqNo [" + std::to_string(cur.seq_no) +
                          "] and primary term [" + std::to_string(cur.primary_term) + "]");
    }
  }
  if (item.version && item.version_type != VersionType::kInternal && cur.exists) {
    bool gte = item.version_type == VersionType::kExternalGte;
    bool ok = gte ? *item.version >= cur.version : *item.version > cur.version;
    if (!ok) {
      return conflict(index_->name(), index_->uuid(), shard_,
                      "[" + id + "]: version conflict, current version [" +
                          std::to_string(cur.version) + "] is higher" + (gte ? "" : " or equal to") +
                          " than the one provided [" + std::to_string(*item.version) + "]");
    }
  }
  if (item.version && item.version_type == VersionType::kInternal) {
    int64_t have = cur.exists ? cur.version : -1;
    if (have != *item.version) {
      return conflict(index_->name(), index_->uuid(), shard_,
                      "[" + id + "]: version conflict, current version [" + std::to_string(have) +
                          "] is different than the one provided [" + std::to_string(*item.version) + "]");
    }
  }
  if (item.action == BulkAction::kCreate && cur.exists) {
    return conflict(index_->name(), index_->uuid(), shard_,
                    "[" + id + "]: version conflict, document already exists (current version [" +
                        std::to_string(cur.version) + "])");
  }
  return Status::Ok();
}

Status ShardPrimary::validate_source(const std::string& source, const std::string& id) {
  json::Document doc;
  doc.Parse(source.data(), source.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return Status::DocumentParsing("[1:" + std::to_string(doc.HasParseError() ? doc.GetErrorOffset() + 1 : 1) +
                                   "] failed to parse: the document source of [" + id +
                                   "] is not a valid JSON object");
  }
  auto mapping = index_->mapping();
  auto mapped = index::DocumentMapper::validate(*mapping, doc, id);
  if (!mapped.ok()) return mapped.status();
  if (!mapped->new_fields.empty()) {
    QUARRY_RETURN_IF_ERROR(index_->add_dynamic_fields(mapped->new_fields));
  }
  return Status::Ok();
}

Status ShardPrimary::resolve_update(const BulkItem& item, const Current& cur, std::string* new_source,
                                    bool* noop, bool* upsert) {
  json::Document body;
  body.Parse(item.source.data(), item.source.size());
  if (body.HasParseError() || !body.IsObject()) {
    return Status::Parsing("request body is required and must be a JSON object");
  }
  const json::Value* doc = body.HasMember("doc") ? &body["doc"] : nullptr;
  const json::Value* up = body.HasMember("upsert") ? &body["upsert"] : nullptr;
  bool doc_as_upsert = body.HasMember("doc_as_upsert") && body["doc_as_upsert"].IsBool() &&
                       body["doc_as_upsert"].GetBool();
  bool detect_noop = !body.HasMember("detect_noop") || !body["detect_noop"].IsBool() ||
                     body["detect_noop"].GetBool();
  if (body.HasMember("script")) {
    return Status::InvalidArgument("scripted updates are not supported; use [doc] or [upsert]");
  }
  if (doc && !doc->IsObject()) return Status::Parsing("[doc] must be an object");
  if (up && !up->IsObject()) return Status::Parsing("[upsert] must be an object");
  *noop = false;
  *upsert = false;
  if (!cur.exists) {
    const json::Value* seed = up ? up : (doc_as_upsert ? doc : nullptr);
    if (!seed) {
      return Status(Code::kDocumentMissing, "[" + item.id + "]: document missing")
          .with("index_uuid", index_->uuid())
          .with("shard", std::to_string(shard_))
          .with("index", index_->name());
    }
    *upsert = true;
    *new_source = json::to_string(*seed);
    return Status::Ok();
  }
  if (!doc) return Status(Code::kActionValidation, "Validation Failed: 1: script or doc is missing;");
  json::Document merged;
  merged.Parse(cur.source.data(), cur.source.size());
  if (merged.HasParseError() || !merged.IsObject()) merged.SetObject();
  bool changed = merge_partial_document(merged, *doc, merged.GetAllocator());
  if (!changed && detect_noop) {
    *noop = true;
    *new_source = cur.source;
    return Status::Ok();
  }
  *new_source = json::to_string(merged);
  return Status::Ok();
}

int64_t ShardPrimary::write(const std::vector<BulkItem*>& items,
                            const std::vector<BulkItemResult*>& results) {
  // Mapping validation of plain index/create sources runs before the lock: it is the costly part.
  std::vector<Status> pre(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    BulkItem& item = *items[i];
    if (item.error.ok() && item.id.empty() &&
        (item.action == BulkAction::kIndex || item.action == BulkAction::kCreate)) {
      item.id = generate_doc_id();
    }
    if (item.error.ok() && (item.action == BulkAction::kIndex || item.action == BulkAction::kCreate)) {
      pre[i] = validate_source(item.source, item.id);
    }
  }

  std::lock_guard lock(mu_);
  const int64_t first_seq = next_seq_;
  std::vector<WriteOp> ops;
  std::vector<size_t> op_item;  // ops[k] came from items[op_item[k]]
  VersionMap staged;            // this batch's writes, visible to later items of the same batch
  bool overloaded = backlog() > limits_.max_backlog_ops;

  for (size_t i = 0; i < items.size(); ++i) {
    BulkItem& item = *items[i];
    BulkItemResult& res = *results[i];
    res.action = item.action;
    res.index = index_->name();
    res.id = item.id;
    res.shard = shard_;
    if (!item.error.ok()) { res.error = item.error; continue; }
    if (!pre[i].ok()) { res.error = pre[i]; continue; }
    if (overloaded) {
      res.error = Status::Overloaded(
          "rejected execution of primary operation on shard [" + index_->name() + "][" +
          std::to_string(shard_) + "]: the ingest backlog is over its limit of " +
          std::to_string(limits_.max_backlog_ops) + " operations; retry later");
      continue;
    }
    auto cur = current(item.id, staged);
    if (!cur.ok()) { res.error = cur.status(); continue; }
    if (Status st = check_conditions(item, *cur); !st.ok()) { res.error = st; continue; }

    WriteOp op;
    op.id = item.id;
    op.routing = item.routing;
    op.primary_term = 1;
    bool external = item.version && item.version_type != VersionType::kInternal;
    switch (item.action) {
      case BulkAction::kIndex:
      case BulkAction::kCreate:
        op.kind = cur->exists ? OpKind::kIndex : OpKind::kIndexNew;
        op.source = item.source;
        op.version = external ? *item.version : (cur->exists || cur->from_tombstone ? cur->version + 1 : 1);
        res.result = cur->exists ? "updated" : "created";
        break;
      case BulkAction::kDelete:
        op.kind = OpKind::kDelete;
        op.version = external ? *item.version : (cur->exists || cur->from_tombstone ? cur->version + 1 : 1);
        res.result = cur->exists ? "deleted" : "not_found";
        break;
      case BulkAction::kUpdate: {
        bool noop = false, upsert = false;
        std::string new_source;
        if (Status st = resolve_update(item, *cur, &new_source, &noop, &upsert); !st.ok()) {
          res.error = st;
          continue;
        }
        if (noop) {
          res.result = "noop";
          res.version = cur->version;
          res.seq_no = cur->seq_no;
          res.primary_term = cur->primary_term;
          res.source = std::move(new_source);
          continue;
        }
        if (Status st = validate_source(new_source, item.id); !st.ok()) {
          res.error = st;
          continue;
        }
        op.kind = upsert ? OpKind::kIndexNew : OpKind::kIndex;
        op.source = new_source;
        op.version = cur->exists || cur->from_tombstone ? cur->version + 1 : 1;
        res.result = upsert ? "created" : "updated";
        res.source = std::move(new_source);
        break;
      }
    }
    op.seq_no = next_seq_++;
    res.version = op.version;
    res.seq_no = op.seq_no;
    res.primary_term = op.primary_term;
    staged.put(op.id, VersionEntry{op.seq_no, op.version, op.primary_term,
                                   op.kind == OpKind::kDelete, op.routing, op.source});
    ops.push_back(std::move(op));
    op_item.push_back(i);
  }
  if (ops.empty()) return -1;

  auto appended = stream_append(redis_, stream_, encode_batch(ops));
  if (!appended.ok()) {
    // Nothing was acknowledged: give the sequence numbers back and fail those items.
    next_seq_ = first_seq;
    Status why = appended.status().code() == Code::kUnavailable
                     ? appended.status()
                     : Status::Unavailable("the ingest log rejected the write: " + appended.status().message());
    for (size_t k = 0; k < ops.size(); ++k) {
      BulkItemResult& res = *results[op_item[k]];
      res.error = why;
      res.result.clear();
    }
    return -1;
  }
  int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now().time_since_epoch()).count();
  for (auto& op : ops) {
    bool deleted = op.kind == OpKind::kDelete;
    versions_.put(op.id, VersionEntry{op.seq_no, op.version, op.primary_term, deleted,
                                      std::move(op.routing), std::move(op.source),
                                      deleted ? now_ms : 0});
  }
  appended_seq_ = next_seq_ - 1;
  return next_seq_ - 1;
}

Status ShardPrimary::append_marker() {
  std::lock_guard lock(mu_);
  auto appended = stream_append(redis_, stream_, encode_batch({}));
  return appended.ok() ? Status::Ok() : appended.status();
}

Result<std::optional<index::StoredDocument>> ShardPrimary::get(const std::string& id) {
  {
    std::lock_guard lock(mu_);
    if (const VersionEntry* e = versions_.find(id)) {
      if (e->deleted) return std::optional<index::StoredDocument>();
      index::StoredDocument doc;
      doc.meta = {e->seq_no, e->version, e->primary_term, e->routing, id};
      doc.source = e->source;
      return std::optional<index::StoredDocument>(std::move(doc));
    }
  }
  return index_->shard(shard_).get(id);
}

void ShardPrimary::note_refreshed(int64_t seq_no) {
  int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now().time_since_epoch()).count();
  std::lock_guard lock(mu_);
  versions_.prune_through(seq_no, now_ms);
}

}  // namespace quarry::ingest
