#include "query/bm25_term_source.h"

#include <algorithm>
#include <memory>

#include "index/doc_lengths.h"
#include "query/q_bm25.h"

namespace quarry::query {

namespace {

class Bm25TermSource : public Xapian::PostingSource {
 public:
  explicit Bm25TermSource(std::string term) : term_(std::move(term)) {}

  Xapian::PostingSource* clone() const override { return new Bm25TermSource(term_); }

  void init(const Xapian::Database& db) override {
    db_ = db;
    lengths_ = index::doc_lengths_of_active_reader(db);
    freq_ = db.get_termfreq(term_);
    avgdl_ = db.get_avlength();
    // EsBm25Weight::init with factor 1: the query's boost comes from OP_SCALE_WEIGHT around us.
    factor_ = (kBm25K1 + 1) * bm25_idf(db.get_doccount(), freq_);
    double dl_min = std::max<double>(db.get_doclength_lower_bound(), 1);
    set_maxweight(freq_ == 0 ? 0 : factor_ * bm25_tf(db.get_wdf_upper_bound(term_), dl_min, avgdl_));
    it_ = db.postlist_begin(term_);
    end_ = db.postlist_end(term_);
    started_ = false;
  }

  Xapian::doccount get_termfreq_min() const override { return freq_; }
  Xapian::doccount get_termfreq_est() const override { return freq_; }
  Xapian::doccount get_termfreq_max() const override { return freq_; }

  void next(double) override {
    if (started_) ++it_;
    started_ = true;
  }
  void skip_to(Xapian::docid did, double) override {
    started_ = true;
    it_.skip_to(did);
  }
  bool at_end() const override { return started_ && it_ == end_; }
  Xapian::docid get_docid() const override { return *it_; }

  double get_weight() const override {
    Xapian::docid did = *it_;
    Xapian::termcount dl = lengths_ ? lengths_->at(did) : db_.get_doclength(did);
    return factor_ * bm25_tf(it_.get_wdf(), dl, avgdl_);
  }

  std::string get_description() const override { return "BM25(" + term_ + ")"; }

 private:
  std::string term_;
  Xapian::Database db_;
  std::shared_ptr<const index::DocLengths> lengths_;
  Xapian::doccount freq_ = 0;
  double avgdl_ = 1;
  double factor_ = 0;
  Xapian::PostingIterator it_, end_;
  bool started_ = false;
};

thread_local bool term_sources_on = false;

Xapian::Query source_query(const std::string& term) {
  Xapian::PostingSource* src = new Bm25TermSource(term);
  return Xapian::Query(src->release());
}

}  // namespace

bool is_term_source(const Xapian::Query& q) {
  // Xapian 1.4 gives no access to a query's source object; its description names it.
  return q.get_type() == Xapian::Query::LEAF_POSTING_SOURCE &&
         q.get_description().rfind("Query(PostingSource(BM25(", 0) == 0;
}

TermSourcesScope::TermSourcesScope() : saved_(term_sources_on) { term_sources_on = true; }

TermSourcesScope::~TermSourcesScope() { term_sources_on = saved_; }

Xapian::Query scored_term(const std::string& term, Xapian::termcount wqf, Xapian::termpos pos) {
  if (!term_sources_on) return Xapian::Query(term, wqf, pos);
  return source_query(term);
}

Xapian::Query scored_phrase(const Xapian::Query& phrase, const std::vector<std::string>& terms) {
  if (!term_sources_on) return phrase;
  std::vector<Xapian::Query> parts{Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, phrase, 0.0)};
  for (const auto& t : terms) parts.push_back(source_query(t));
  return Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end());
}

}  // namespace quarry::query
