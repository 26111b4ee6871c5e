#include "query/bm25_term_source.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "index/doc_lengths.h"
#include "query/q_bm25.h"

namespace quarry::query {

namespace {

thread_local bool pruning_allowed = false;

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
    prune_ = pruning_allowed;
  }

  Xapian::doccount get_termfreq_min() const override { return freq_; }
  Xapian::doccount get_termfreq_est() const override { return freq_; }
  Xapian::doccount get_termfreq_max() const override { return freq_; }

  // min_wt: Xapian's matcher asks only for documents that could still enter the top hits (it
  // passes more than 0 once it has counted the documents track_total_hits asks for, or under a
  // min_score cutoff). When this source leads (next), documents below it are passed over here,
  // in one loop, instead of each going through the matcher's per-candidate calls only to be
  // rejected there: on a word that half the reviews contain, that is most of the query's time.
  // skip_to does not: there a sparser list leads, and walking this one document by document
  // past its target would cost more than the skips it saves.
  void next(double min_wt) override {
    if (started_) ++it_;
    started_ = true;
    pass_over_below(min_wt);
  }
  void skip_to(Xapian::docid did, double) override {
    started_ = true;
    weight_known_ = false;
    it_.skip_to(did);
  }
  bool at_end() const override { return started_ && it_ == end_; }
  Xapian::docid get_docid() const override { return *it_; }

  double get_weight() const override {
    if (!weight_known_) {
      weight_ = weight_of(*it_, it_.get_wdf());
      weight_known_ = true;
    }
    return weight_;
  }

  std::string get_description() const override { return "BM25(" + term_ + ")"; }

 private:
  double weight_of(Xapian::docid did, Xapian::termcount wdf) const {
    Xapian::termcount dl = lengths_ ? lengths_->at(did) : db_.get_doclength(did);
    return factor_ * bm25_tf(wdf, dl, avgdl_);
  }

  void pass_over_below(double min_wt) {
    weight_known_ = false;
    if (!prune_ || min_wt <= 0) return;
    for (; it_ != end_; ++it_) {
      weight_ = weight_of(*it_, it_.get_wdf());
      if (weight_ >= min_wt) {
        weight_known_ = true;
        return;
      }
    }
  }

  std::string term_;
  Xapian::Database db_;
  std::shared_ptr<const index::DocLengths> lengths_;
  Xapian::doccount freq_ = 0;
  double avgdl_ = 1;
  double factor_ = 0;
  Xapian::PostingIterator it_, end_;
  bool started_ = false;
  bool prune_ = false;
  mutable double weight_ = 0;  // of the current document, when weight_known_
  mutable bool weight_known_ = false;
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

PruningScope::PruningScope(bool allowed) : saved_(pruning_allowed) { pruning_allowed = allowed; }

PruningScope::~PruningScope() { pruning_allowed = saved_; }

namespace {

bool contains_term_source(const Xapian::Query& q) {
  if (is_term_source(q)) return true;
  for (size_t i = 0; i < q.get_num_subqueries(); ++i) {
    if (contains_term_source(q.get_subquery(i))) return true;
  }
  return false;
}

// Xapian 1.4 has no accessor for the factor; its description is "Query(<factor> * <subquery>)".
double scale_factor(const Xapian::Query& q) {
  std::string d = q.get_description();
  const char* start = d.c_str() + std::string("Query(").size();
  char* end = nullptr;
  double f = std::strtod(start, &end);
  return end != start && std::string_view(end).rfind(" * ", 0) == 0 ? f : -1;
}

}  // namespace

bool sources_unscaled(const Xapian::Query& q) {
  // The factor last: reading it builds the description of the whole subtree.
  if (q.get_type() == Xapian::Query::OP_SCALE_WEIGHT && contains_term_source(q) && scale_factor(q) != 1.0) {
    return false;
  }
  for (size_t i = 0; i < q.get_num_subqueries(); ++i) {
    if (!sources_unscaled(q.get_subquery(i))) return false;
  }
  return true;
}

TermSourcesScope::TermSourcesScope() : saved_(term_sources_on) { term_sources_on = true; }

TermSourcesScope::~TermSourcesScope() { term_sources_on = saved_; }

Xapian::Query scored_term(const std::string& term, Xapian::termcount wqf, Xapian::termpos pos) {
  if (!term_sources_on) return Xapian::Query(term, wqf, pos);
  return source_query(term);
}

Xapian::Query scored_phrase(const Xapian::Query& phrase, const std::vector<std::string>& terms,
                            const std::vector<std::string>& shingles) {
  if (!term_sources_on) return phrase;
  Xapian::Query matches = phrase;
  if (shingles.size() == 1) {
    matches = Xapian::Query(shingles[0]);
  } else if (!shingles.empty()) {
    std::vector<Xapian::Query> all{phrase};
    all.insert(all.end(), shingles.begin(), shingles.end());
    matches = Xapian::Query(Xapian::Query::OP_AND, all.begin(), all.end());
  }
  std::vector<Xapian::Query> parts{Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, matches, 0.0)};
  for (const auto& t : terms) parts.push_back(source_query(t));
  return Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end());
}

}  // namespace quarry::query
