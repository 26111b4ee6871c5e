#include "query/shard_search.h"

#include "index/document_mapper.h"
#include "index/stored_document.h"

namespace quarry::query {

Result<ShardResult> search_shard(index::Shard& shard, const Xapian::Query& query, int top_n,
                                 int64_t track_total_hits) {
  ShardResult result;
  Status st = shard.with_reader([&](Xapian::Database& db) {
    result = ShardResult();
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    // Elasticsearch's BM25 defaults: k1 = 1.2, b = 0.75.
    enquire.set_weighting_scheme(Xapian::BM25Weight(1.2, 0, 1, 0.75, 0.5));
    Xapian::doccount check = track_total_hits < 0 ? db.get_doccount()
                                                  : static_cast<Xapian::doccount>(track_total_hits);
    Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(top_n), check);
    bool constant = mset.get_max_possible() == 0;
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      ShardHit hit;
      hit.docid = *it;
      hit.score = constant ? 1.0 : it.get_weight();
      result.hits.push_back(hit);
    }
    result.max_score = result.hits.empty() ? 0 : result.hits.front().score;
    uint64_t lower = mset.get_matches_lower_bound();
    uint64_t upper = mset.get_matches_upper_bound();
    result.total_exact = lower == upper;
    result.total = result.total_exact ? lower : std::max<uint64_t>(lower, mset.get_matches_estimated());
    if (!result.total_exact && track_total_hits >= 0) result.total = std::max<uint64_t>(lower, track_total_hits);
  });
  if (!st.ok()) return st;
  return result;
}

Status fetch_hits(index::Shard& shard, std::vector<ShardHit*>& hits) {
  Status decode;
  Status st = shard.with_reader([&](Xapian::Database& db) {
    for (ShardHit* h : hits) {
      Xapian::Document doc = db.get_document(h->docid);
      index::StoredDocument stored;
      decode = index::decode_stored(doc.get_data(), &stored);
      if (!decode.ok()) return;
      // The id term is the only term starting with 'Q' (field prefixes start with 'X').
      auto t = doc.termlist_begin();
      t.skip_to(index::kIdPrefix);
      if (t != doc.termlist_end()) {
        std::string term = *t;
        if (term.rfind(index::kIdPrefix, 0) == 0) h->id = term.substr(1);
      }
      h->meta = stored.meta;
      h->source = std::move(stored.source);
    }
  });
  if (!st.ok()) return st;
  return decode;
}

}  // namespace quarry::query
