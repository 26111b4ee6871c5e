// Elasticsearch's BM25, as a Xapian weighting scheme. Elasticsearch scores text with Lucene's
// BM25 wrapped in LegacyBM25Similarity, i.e. per matching term
//
//   score = boost * (k1 + 1) * idf * tf
//   idf   = ln(1 + (N - n + 0.5) / (n + 0.5))
//   tf    = freq / (freq + k1 * (1 - b + b * dl / avgdl))
//
// with k1 = 1.2, b = 0.75; its explain output prints "boost" as (k1 + 1) times the query boost
// (2.2 for an unboosted query), which is how the factor is reported here too.
//
// What differs from Elasticsearch, and why: a Xapian 1.4 Weight only sees whole-document
// statistics, so N is the shard's document count (not "documents with the field"), and dl /
// avgdl are the document's length and the shard's average document length over all fields
// (not the field's, and not Lucene's lossy one-byte length). Terms indexed without frequency
// (wdf 0: numbers, dates, booleans) contribute nothing here; those queries score as constants.
//
// Stateless apart from the statistics Xapian hands to init(); one object per (sub)query, as
// Xapian clones it. Thread-safety: like any Xapian::Weight, not shared between threads.
#pragma once

#include <xapian.h>

#include <string>

namespace quarry::query {

inline constexpr double kBm25K1 = 1.2;
inline constexpr double kBm25B = 0.75;

// The factors of one term's score, as the formula above and the explain output name them.
double bm25_idf(double doc_count, double doc_freq);
// Inline: scoring calls it once per matching document.
inline double bm25_tf(double freq, double doc_length, double avg_length) {
  if (freq <= 0) return 0;
  // An empty collection has no average; any value gives the same (unused) result.
  double norm = avg_length > 0 ? doc_length / avg_length : 1.0;
  return freq / (freq + kBm25K1 * (1 - kBm25B + kBm25B * norm));
}
// boost * (k1 + 1) * idf * tf; 0 when freq is 0.
double bm25_score(double boost, double doc_count, double doc_freq, double freq, double doc_length, double avg_length);

class EsBm25Weight : public Xapian::Weight {
 public:
  EsBm25Weight();

  EsBm25Weight* clone() const override;
  void init(double factor) override;
  std::string name() const override;
  std::string serialise() const override;
  EsBm25Weight* unserialise(const std::string& serialised) const override;
  double get_sumpart(Xapian::termcount wdf, Xapian::termcount doclen, Xapian::termcount uniqterms) const override;
  double get_maxpart() const override;
  double get_sumextra(Xapian::termcount doclen, Xapian::termcount uniqterms) const override;
  double get_maxextra() const override;

 private:
  double factor_ = 0;  // boost * (k1 + 1) * idf, set by init()
  double avgdl_ = 1;
};

}  // namespace quarry::query
