#include "query/aggs/shard_context.h"

#include "query/to_xapian.h"

namespace quarry::query::aggs {

namespace {

// Marks every document the match visits; the MSet itself stays empty.
class DocSetSpy : public Xapian::MatchSpy {
 public:
  explicit DocSetSpy(DocSet* set) : set_(set) {}
  void operator()(const Xapian::Document& doc, double) override {
    Xapian::docid d = doc.get_docid();
    if (d < set_->bits.size()) set_->bits[d] = true;
  }

 private:
  DocSet* set_;
};

}  // namespace

Result<std::shared_ptr<const DocSet>> ShardContext::matching(const QueryNode& node) {
  auto q = to_xapian(node, *mapping_);
  if (!q.ok()) return q.status();
  return matching(*q);
}

std::shared_ptr<const DocSet> ShardContext::matching(const Xapian::Query& query) {
  auto set = std::make_shared<DocSet>();
  set->bits.assign(static_cast<size_t>(db_.get_lastdocid()) + 1, false);
  Xapian::Enquire enquire(db_);
  enquire.set_query(query);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  DocSetSpy spy(set.get());
  enquire.add_matchspy(&spy);
  enquire.get_mset(0, 0, std::max<Xapian::doccount>(db_.get_doccount(), 1));
  return std::shared_ptr<const DocSet>(std::move(set));
}

std::shared_ptr<const DocSet> ShardContext::all_documents() {
  auto set = std::make_shared<DocSet>();
  set->bits.assign(static_cast<size_t>(db_.get_lastdocid()) + 1, false);
  for (auto it = db_.postlist_begin(""); it != db_.postlist_end(""); ++it) set->bits[*it] = true;
  return set;
}

}  // namespace quarry::query::aggs
