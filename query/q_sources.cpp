#include "query/q_sources.h"

#include <algorithm>
#include <memory>

#include "query/bm25_term_source.h"
#include "query/q_bm25.h"

namespace quarry::query {

namespace {

class MaterializedSource : public Xapian::PostingSource {
 public:
  MaterializedSource(DocsProducer producer, std::string description)
      : producer_(std::move(producer)), description_(std::move(description)) {}

  Xapian::PostingSource* clone() const override { return new MaterializedSource(producer_, description_); }
  void init(const Xapian::Database& db) override {
    docs_ = producer_(db);
    double max = 0;
    for (const auto& d : docs_) max = std::max(max, d.second);
    set_maxweight(max);
    pos_ = 0;
    started_ = false;
  }
  Xapian::doccount get_termfreq_min() const override { return docs_.size(); }
  Xapian::doccount get_termfreq_est() const override { return docs_.size(); }
  Xapian::doccount get_termfreq_max() const override { return docs_.size(); }
  void next(double) override {
    if (!started_) started_ = true;
    else ++pos_;
  }
  void skip_to(Xapian::docid did, double) override {
    if (!started_) started_ = true;
    auto it = std::lower_bound(docs_.begin() + pos_, docs_.end(), did,
                               [](const auto& p, Xapian::docid d) { return p.first < d; });
    pos_ = it - docs_.begin();
  }
  bool at_end() const override { return started_ && pos_ >= docs_.size(); }
  Xapian::docid get_docid() const override { return docs_[pos_].first; }
  double get_weight() const override { return docs_[pos_].second; }
  std::string get_description() const override { return "MaterializedSource(" + description_ + ")"; }

 private:
  DocsProducer producer_;
  std::string description_;
  ScoredDocs docs_;
  size_t pos_ = 0;
  bool started_ = false;
};

// The documents of a value slot whose ranges pass the relation test, read lazily from the slot's
// value stream (ValuePostingSource) and skipping the ones that fail.
class RangeRelationSource : public Xapian::ValuePostingSource {
 public:
  RangeRelationSource(Xapian::valueno slot, size_t width, RangeRelation relation, std::string lo, std::string hi)
      : Xapian::ValuePostingSource(slot), width_(width), relation_(relation), lo_(std::move(lo)), hi_(std::move(hi)) {}

  Xapian::PostingSource* clone() const override {
    return new RangeRelationSource(get_slot(), width_, relation_, lo_, hi_);
  }
  void init(const Xapian::Database& db) override {
    Xapian::ValuePostingSource::init(db);
    set_termfreq_min(0);  // the value frequency is only an upper bound
    set_maxweight(0);
  }
  void next(double min_wt) override {
    Xapian::ValuePostingSource::next(min_wt);
    skip_failing(min_wt);
  }
  void skip_to(Xapian::docid did, double min_wt) override {
    Xapian::ValuePostingSource::skip_to(did, min_wt);
    skip_failing(min_wt);
  }
  bool check(Xapian::docid did, double min_wt) override {
    skip_to(did, min_wt);
    return true;
  }
  double get_weight() const override { return 0; }
  std::string get_description() const override { return "RangeRelationSource(" + std::to_string(get_slot()) + ")"; }

 private:
  bool passes(std::string_view bytes) const {
    std::string_view lo(lo_), hi(hi_);
    for (size_t i = 0; i + 2 * width_ <= bytes.size(); i += 2 * width_) {
      std::string_view dlo = bytes.substr(i, width_), dhi = bytes.substr(i + width_, width_);
      if (dlo > dhi) continue;  // an empty range ({"gt": 1, "lt": 2} on integers)
      bool ok = false;
      switch (relation_) {
        case RangeRelation::kIntersects: ok = dlo <= hi && dhi >= lo; break;
        case RangeRelation::kWithin: ok = lo <= dlo && dhi <= hi; break;
        case RangeRelation::kContains: ok = dlo <= lo && hi <= dhi; break;
      }
      if (ok) return true;
    }
    return false;
  }
  void skip_failing(double min_wt) {
    while (!at_end() && !passes(get_value())) Xapian::ValuePostingSource::next(min_wt);
  }

  size_t width_;
  RangeRelation relation_;
  std::string lo_, hi_;
};

}  // namespace

Xapian::Query range_relation(Xapian::valueno slot, size_t width, RangeRelation relation, std::string lo,
                             std::string hi) {
  Xapian::PostingSource* src = new RangeRelationSource(slot, width, relation, std::move(lo), std::move(hi));
  return Xapian::Query(src->release());
}

Xapian::Weight* new_inner_weight() { return new EsBm25Weight(); }

Xapian::Query constant_weight(const Xapian::Query& q, double weight) {
  Xapian::Query zero(Xapian::Query::OP_SCALE_WEIGHT, q, 0.0);
  if (weight <= 0) return zero;
  Xapian::PostingSource* src = new Xapian::FixedWeightPostingSource(weight);
  return Xapian::Query(Xapian::Query::OP_AND, zero, Xapian::Query(src->release()));
}

Xapian::Query materialized(DocsProducer producer, const std::string& description) {
  Xapian::PostingSource* src = new MaterializedSource(std::move(producer), description);
  return Xapian::Query(src->release());
}

ScoredDocs run_scored(const Xapian::Database& db, const Xapian::Query& q) {
  ScoredDocs out;
  if (q.empty()) return out;
  Xapian::Enquire enquire(db);
  enquire.set_query(q);
  std::unique_ptr<Xapian::Weight> w(new_inner_weight());
  enquire.set_weighting_scheme(*w);
  enquire.set_docid_order(Xapian::Enquire::ASCENDING);
  Xapian::doccount n = db.get_doccount();
  // Every match is wanted; and this runs inside the outer search, whose pruning permission was
  // decided for the outer query only.
  PruningScope no_pruning(false);
  Xapian::MSet mset = enquire.get_mset(0, n, n);
  out.reserve(mset.size());
  for (auto it = mset.begin(); it != mset.end(); ++it) out.emplace_back(*it, it.get_weight());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> expand_terms(const Xapian::Database& db, const std::string& prefix,
                                      const std::string& start,
                                      const std::function<bool(const std::string&)>& keep,
                                      size_t limit, bool* truncated) {
  std::vector<std::string> out;
  if (truncated) *truncated = false;
  for (auto it = db.allterms_begin(prefix + start); it != db.allterms_end(prefix + start); ++it) {
    std::string term = *it;
    std::string rest = term.substr(prefix.size());
    if (!keep(rest)) continue;
    if (out.size() >= limit) {
      if (truncated) *truncated = true;
      break;
    }
    out.push_back(std::move(term));
  }
  return out;
}

void throw_too_many(const std::string& message) { throw Xapian::InvalidOperationError(message); }

}  // namespace quarry::query
