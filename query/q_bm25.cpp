#include "query/q_bm25.h"

#include <algorithm>
#include <cmath>

namespace quarry::query {

double bm25_idf(double doc_count, double doc_freq) {
  return std::log(1.0 + (doc_count - doc_freq + 0.5) / (doc_freq + 0.5));
}

double bm25_score(double boost, double doc_count, double doc_freq, double freq, double doc_length, double avg_length) {
  return boost * (kBm25K1 + 1) * bm25_idf(doc_count, doc_freq) * bm25_tf(freq, doc_length, avg_length);
}

EsBm25Weight::EsBm25Weight() {
  need_stat(COLLECTION_SIZE);
  need_stat(TERMFREQ);
  need_stat(WDF);
  need_stat(WDF_MAX);
  need_stat(DOC_LENGTH);
  need_stat(DOC_LENGTH_MIN);
  need_stat(AVERAGE_LENGTH);
}

EsBm25Weight* EsBm25Weight::clone() const { return new EsBm25Weight(); }

void EsBm25Weight::init(double factor) {
  avgdl_ = get_average_length();
  // init(0) is Xapian asking for the term-independent part only (or a weight scaled to 0).
  if (factor == 0) {
    factor_ = 0;
    return;
  }
  factor_ = factor * (kBm25K1 + 1) * bm25_idf(get_collection_size(), get_termfreq());
}

std::string EsBm25Weight::name() const { return "quarry.EsBm25Weight"; }

// No parameters: k1 and b are Elasticsearch's defaults.
std::string EsBm25Weight::serialise() const { return std::string(); }

EsBm25Weight* EsBm25Weight::unserialise(const std::string&) const { return new EsBm25Weight(); }

double EsBm25Weight::get_sumpart(Xapian::termcount wdf, Xapian::termcount doclen, Xapian::termcount) const {
  return factor_ * bm25_tf(wdf, doclen, avgdl_);
}

double EsBm25Weight::get_maxpart() const {
  // tf grows with freq and shrinks with the document length: the bound is the most frequent
  // occurrence in the shortest document.
  double wdf_max = get_wdf_upper_bound();
  double dl_min = std::max<double>(get_doclength_lower_bound(), 1);
  return factor_ * bm25_tf(wdf_max, dl_min, avgdl_);
}

double EsBm25Weight::get_sumextra(Xapian::termcount, Xapian::termcount) const { return 0; }

double EsBm25Weight::get_maxextra() const { return 0; }

}  // namespace quarry::query
