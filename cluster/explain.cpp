#include "cluster/explain.h"

#include "index/document_mapper.h"
#include "ingest/ingest_service.h"
#include "query/explain.h"

namespace quarry::cluster {

Result<ExplainResult> explain_document(index::Catalog& catalog, const std::string& index_or_alias, const std::string& id,
                                       const std::string& routing, const query::QueryNode& node) {
  auto target = catalog.resolve_write(index_or_alias);
  if (!target.ok()) {
    if (target.status().code() == Code::kInvalidArgument) {
      return Status::InvalidArgument("alias [" + index_or_alias +
                                     "] has more than one index associated with it, can't execute a single index op");
    }
    return target.status();
  }
  auto& idx = **target;
  if (idx.metadata().closed) return index::index_closed(idx.name(), idx.uuid());
  ExplainResult out;
  out.index = idx.name();
  auto mapping = idx.mapping();
  out.source_enabled = mapping->source_enabled();
  int shard = ingest::route_to_shard(id, routing, idx.num_shards());
  const std::string id_term = index::kIdPrefix + id;
  Status failed;
  Status st = idx.shard(shard).with_reader([&](Xapian::Database& db) {
    failed = Status::Ok();
    out.found = out.matched = false;
    auto p = db.postlist_begin(id_term);
    if (p == db.postlist_end(id_term)) return;
    Xapian::docid did = *p;
    out.found = true;
    failed = index::decode_stored(db.get_document(did).get_data(), &out.doc);
    if (!failed.ok()) return;
    auto e = query::explain_document(db, did, id_term, node, *mapping);
    if (!e.ok()) {
      failed = e.status();
      return;
    }
    out.matched = e->matched;
    out.explanation = std::move(e->json);
  });
  if (!st.ok()) return st;
  if (!failed.ok()) return failed;
  return out;
}

}  // namespace quarry::cluster
