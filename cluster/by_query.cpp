#include "cluster/by_query.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "index/document_mapper.h"
#include "ingest/ingest_service.h"
#include "query/q_sources.h"
#include "query/shard_search.h"

namespace quarry::cluster {

namespace {

struct Collected {
  SnapshotEntry entry;
  std::string key;
  size_t task = 0;
};

Status too_many(const SnapshotLimits& limits, const std::string& what) {
  return Status::Overloaded("Trying to keep too many search results in a snapshot (" + what +
                            "). This limit can be set by changing the [" + limits.limit_setting + "] setting.");
}

}  // namespace

Result<Snapshot> snapshot_search(const std::vector<index::ResolvedIndex>& indices, const query::SearchRequest& request,
                                 const SnapshotLimits& limits) {
  Snapshot snap;
  snap.targets = indices;
  for (const auto& r : indices) {
    if (r.index->metadata().closed) return index::index_closed(r.index->name(), r.index->uuid());
  }
  bool field_sort = !request.sort.empty() &&
                    !(request.sort.size() == 1 && request.sort[0].kind == query::SortSpec::Kind::kScore);
  bool sort_has_score = false;
  for (const auto& spec : request.sort) sort_has_score |= spec.kind == query::SortSpec::Kind::kScore;
  bool need_scores = !field_sort || sort_has_score || request.track_scores || request.min_score.has_value();

  std::vector<Collected> all;
  size_t bytes = 0;
  size_t task = 0;
  for (size_t i = 0; i < indices.size(); ++i) {
    auto q = build_index_query(indices[i], *request.query);
    if (!q.ok()) return q.status();
    std::vector<query::SortKey> keys;
    if (request.sort.empty()) {
      keys = query::score_order();
    } else {
      auto k = query::resolve_sort(request.sort, *indices[i].index->mapping());
      if (!k.ok()) return k.status();
      keys = std::move(*k);
    }
    int n = indices[i].index->num_shards();
    std::set<int> routed;
    for (const auto& r : request.routing) routed.insert(ingest::route_to_shard(r, "", n));
    for (int s = 0; s < n; ++s, ++task) {
      if (!routed.empty() && !routed.count(s)) continue;
      snap.shards_total++;
      std::vector<Collected> part;
      size_t part_bytes = 0;
      Status inner;
      Status st = indices[i].index->shard(s).with_reader([&](Xapian::Database& db) {
        part.clear();
        part_bytes = 0;
        inner = Status::Ok();
        Xapian::Enquire enquire(db);
        enquire.set_query(*q);
        std::unique_ptr<Xapian::Weight> weight;
        if (need_scores) weight.reset(query::new_inner_weight());
        else weight = std::make_unique<Xapian::BoolWeight>();
        enquire.set_weighting_scheme(*weight);
        enquire.set_docid_order(Xapian::Enquire::ASCENDING);
        Xapian::doccount count = std::max<Xapian::doccount>(db.get_doccount(), 1);
        Xapian::MSet mset = enquire.get_mset(0, count, count);
        bool constant = need_scores && mset.get_max_possible() == 0;
        std::vector<std::string> raw(keys.size());
        for (auto it = mset.begin(); it != mset.end(); ++it) {
          Collected c;
          c.task = task;
          c.entry.target = static_cast<uint32_t>(i);
          c.entry.shard = s;
          c.entry.docid = *it;
          c.entry.score = constant ? 1.0 : it.get_weight();
          if (request.min_score && c.entry.score < *request.min_score) continue;
          Xapian::Document doc = it.get_document();
          for (size_t k = 0; k < keys.size(); ++k) {
            raw[k] = keys[k].spec.kind == query::SortSpec::Kind::kField ? query::sort_raw_value(keys[k], doc) : std::string();
          }
          c.key = query::encode_sort_key(keys, raw, c.entry.score, c.entry.docid);
          if (!request.sort.empty()) {
            for (size_t k = 0; k < keys.size(); ++k) c.entry.sort.push_back(query::sort_value(keys[k], raw[k], c.entry.score, c.entry.docid));
          }
          auto t = doc.termlist_begin();
          t.skip_to(index::kIdPrefix);
          if (t != doc.termlist_end()) {
            std::string term = *t;
            if (term.rfind(index::kIdPrefix, 0) == 0) c.entry.id = term.substr(1);
          }
          std::string data = doc.get_data();
          Status ms = index::decode_stored_meta(data, &c.entry.meta);
          if (!ms.ok()) {
            inner = ms;
            return;
          }
          if (limits.keep_data) c.entry.data = std::move(data);
          part_bytes += c.entry.data.size() + c.entry.id.size() + c.key.size() + 96;
          if (all.size() + part.size() >= limits.max_entries) {
            inner = too_many(limits, "more than " + std::to_string(limits.max_entries) + " documents");
            return;
          }
          if (bytes + part_bytes > limits.max_bytes) {
            inner = too_many(limits, "more than " + std::to_string(limits.max_bytes) + " bytes");
            return;
          }
          part.push_back(std::move(c));
        }
      });
      if (!st.ok()) return st;
      if (!inner.ok()) return inner;
      bytes += part_bytes;
      for (auto& c : part) all.push_back(std::move(c));
    }
  }
  std::sort(all.begin(), all.end(), [](const Collected& a, const Collected& b) {
    if (a.key != b.key) return a.key < b.key;
    if (a.task != b.task) return a.task < b.task;
    return a.entry.docid < b.entry.docid;
  });
  snap.entries.reserve(all.size());
  for (auto& c : all) {
    if (!snap.has_max_score || c.entry.score > snap.max_score) snap.max_score = c.entry.score;
    snap.has_max_score = true;
    snap.entries.push_back(std::move(c.entry));
  }
  snap.has_max_score = snap.has_max_score && need_scores;
  snap.bytes = bytes;
  return snap;
}

namespace {

Status conflict_missing(const std::string& id, const index::DocMeta& m) {
  return Status::VersionConflict("[" + id + "]: version conflict, required seqNo [" + std::to_string(m.seq_no) +
                                 "], primary term [" + std::to_string(m.primary_term) + "] but no document was found");
}

Status conflict_changed(const std::string& id, const index::DocMeta& want, const index::DocMeta& have) {
  return Status::VersionConflict("[" + id + "]: version conflict, required seqNo [" + std::to_string(want.seq_no) +
                                 "], primary term [" + std::to_string(want.primary_term) +
                                 "]. current document has seqNo [" + std::to_string(have.seq_no) +
                                 "] and primary term [" + std::to_string(have.primary_term) + "]");
}

}  // namespace

Result<ByQueryResult> run_by_query(Node& node, const std::vector<index::ResolvedIndex>& indices,
                                   const ByQueryRequest& request) {
  auto started = std::chrono::steady_clock::now();
  ByQueryResult out;
  SnapshotLimits limits;
  limits.keep_data = false;
  limits.limit_setting = "search.max_by_query_documents";
  auto snap = snapshot_search(indices, request.search, limits);
  if (!snap.ok()) return snap.status();
  const auto& entries = snap->entries;
  out.total = entries.size();
  if (request.max_docs >= 0) out.total = std::min<uint64_t>(out.total, static_cast<uint64_t>(request.max_docs));
  uint64_t successes = 0, attempted = 0;
  size_t pos = 0;
  size_t batch = std::max(1, request.batch_size);
  std::set<std::string> written;
  auto done = [&] {
    if (pos >= entries.size() || out.aborted) return true;
    if (request.max_docs < 0) return false;
    uint64_t reached = request.proceed_on_conflicts ? successes : attempted;
    return reached >= static_cast<uint64_t>(request.max_docs);
  };
  while (!done()) {
    out.batches++;
    std::vector<ingest::BulkItem> items;
    std::vector<const SnapshotEntry*> origin;
    uint64_t want = batch;
    if (request.max_docs >= 0) {
      uint64_t reached = request.proceed_on_conflicts ? successes : attempted;
      want = std::min<uint64_t>(want, static_cast<uint64_t>(request.max_docs) - reached);
    }
    // A batch is `want` snapshot entries (a scroll page), whether or not each becomes a write.
    for (uint64_t consumed = 0; consumed < want && pos < entries.size(); ++consumed) {
      const SnapshotEntry& e = entries[pos++];
      attempted++;
      const auto& idx = snap->targets[e.target].index;
      ingest::BulkItem item;
      item.id = e.id;
      if (request.kind == ByQueryKind::kDelete) {
        item.action = ingest::BulkAction::kDelete;
        item.index = idx->name();
        item.routing = e.meta.routing;
        item.if_seq_no = e.meta.seq_no;
        item.if_primary_term = e.meta.primary_term;
      } else {
        auto cur = node.ingest().get(*idx, e.id, e.meta.routing, true);
        if (!cur.ok()) return cur.status();
        Status conflict;
        if (!cur->has_value()) conflict = conflict_missing(e.id, e.meta);
        else if ((*cur)->meta.seq_no != e.meta.seq_no || (*cur)->meta.primary_term != e.meta.primary_term)
          conflict = conflict_changed(e.id, e.meta, (*cur)->meta);
        if (!conflict.ok()) {
          if (request.kind == ByQueryKind::kUpdate) {
            out.version_conflicts++;
            if (!request.proceed_on_conflicts) {
              out.failures.push_back({idx->name(), e.id, conflict, e.shard});
              out.aborted = true;
            }
            continue;
          }
          // _reindex copies what is there now; a document deleted since the snapshot is skipped.
          if (!cur->has_value()) continue;
        }
        const index::StoredDocument& doc = **cur;
        if (request.kind == ByQueryKind::kUpdate) {
          item.action = ingest::BulkAction::kIndex;
          item.index = idx->name();
          item.routing = doc.meta.routing;
          item.if_seq_no = doc.meta.seq_no;
          item.if_primary_term = doc.meta.primary_term;
          item.source = doc.source;
        } else {
          item.action = request.dest_create ? ingest::BulkAction::kCreate : ingest::BulkAction::kIndex;
          item.index = request.dest_index;
          if (request.dest_routing == "keep") item.routing = doc.meta.routing;
          else if (request.dest_routing.size() > 1 && request.dest_routing[0] == '=') item.routing = request.dest_routing.substr(1);
          if (request.dest_external) {
            item.version = doc.meta.version;
            item.version_type = ingest::VersionType::kExternal;
          }
          item.source = query::filter_source(doc.source, request.search.source);
        }
      }
      items.push_back(std::move(item));
      origin.push_back(&e);
    }
    if (out.aborted && items.empty()) break;
    std::vector<ingest::BulkItemResult> results;
    if (!items.empty()) node.bulk(items, results, ingest::RefreshPolicy::kNone, true);
    for (size_t i = 0; i < results.size(); ++i) {
      const auto& r = results[i];
      if (r.error.ok()) {
        written.insert(r.index.empty() ? items[i].index : r.index);
        if (r.result == "deleted") { out.deleted++; successes++; }
        else if (r.result == "created") { out.created++; successes++; }
        else if (r.result == "updated") { out.updated++; successes++; }
        else if (r.result == "noop") out.noops++;
        else if (r.result == "not_found") {
          // A delete whose document went away meanwhile: Elasticsearch sees a version conflict.
          out.version_conflicts++;
          if (!request.proceed_on_conflicts) {
            out.failures.push_back({items[i].index, items[i].id, conflict_missing(items[i].id, origin[i]->meta), r.shard});
            out.aborted = true;
          }
        }
        continue;
      }
      if (r.error.code() == Code::kVersionConflict) {
        out.version_conflicts++;
        if (request.proceed_on_conflicts) continue;
      }
      out.failures.push_back({r.index.empty() ? items[i].index : r.index, items[i].id, r.error, r.shard});
      out.aborted = true;
    }
  }
  if (request.refresh && !written.empty()) {
    std::vector<std::shared_ptr<index::IndexService>> to_refresh;
    for (const auto& name : written) {
      if (auto idx = node.catalog().find(name)) to_refresh.push_back(idx);
    }
    QUARRY_RETURN_IF_ERROR(node.refresh(to_refresh));
  }
  out.took_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  return out;
}

}  // namespace quarry::cluster
