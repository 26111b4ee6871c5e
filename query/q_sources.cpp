#include "query/q_sources.h"

#include <algorithm>
#include <memory>

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

}  // namespace

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
