// One text term scored with Elasticsearch's BM25 (query/q_bm25.h) by a posting source that reads
// document lengths from the shard's in-memory table (index/doc_lengths.h) instead of Xapian's
// doc-length list. Scores are the same as EsBm25Weight's to the last bit: same N, n, avgdl, dl
// and formula. Without a table (a reader outside Shard::with_reader) it asks Xapian per document.
//
// Sources are used only while a TermSourcesScope is alive on the building thread: the query
// phase of a search. Every other query built from the same tree (highlighting, explain, validate,
// scroll, by-query writes) gets plain Xapian terms, so it still sees the query's words.
//
//  - scored_term(term, wqf, pos): the source, or Query(term, wqf, pos).
//  - scored_phrase(phrase, terms, shingles): AND(SCALE_WEIGHT(phrase, 0), source per term), or
//    the phrase. Xapian weighs a phrase as the sum of its terms' weights in the matching
//    document; the sources give exactly that sum while the unweighted phrase decides what
//    matches. With the index_phrases shingles of the phrase's adjacent pairs, a two-word phrase
//    matches on its shingle alone (no positions read), and a longer one checks positions only in
//    the documents that hold all its shingles. Scores are the same either way.
//
// Pruning: once Xapian's matcher knows the weight a document needs to enter the top hits, a
// source passes over the documents below it without handing each to the matcher. Xapian 1.4
// gives a source that minimum unscaled by any OP_SCALE_WEIGHT above it (a boosted source would
// skip documents its boost lifts into the top hits), so sources prune only while a PruningScope
// allows it on the matching thread: search_shard opens one for queries in which no source sits
// under a scale factor other than 1 (sources_unscaled).
//
// Thread-safety: like every Xapian::Query, build per thread, never share.
#pragma once

#include <xapian.h>

#include <string>
#include <vector>

namespace quarry::query {

// Turns the sources on for queries built on this thread while it lives (nests).
class TermSourcesScope {
 public:
  TermSourcesScope();
  ~TermSourcesScope();
  TermSourcesScope(const TermSourcesScope&) = delete;
  TermSourcesScope& operator=(const TermSourcesScope&) = delete;

 private:
  bool saved_;
};

// Lets sources initialised on this thread while it lives prune (see above) if `allowed`.
class PruningScope {
 public:
  explicit PruningScope(bool allowed);
  ~PruningScope();
  PruningScope(const PruningScope&) = delete;
  PruningScope& operator=(const PruningScope&) = delete;

 private:
  bool saved_;
};

// True if no term source in `q` is under an OP_SCALE_WEIGHT whose factor is not 1.
bool sources_unscaled(const Xapian::Query& q);

Xapian::Query scored_term(const std::string& term, Xapian::termcount wqf = 1, Xapian::termpos pos = 0);

Xapian::Query scored_phrase(const Xapian::Query& phrase, const std::vector<std::string>& terms,
                            const std::vector<std::string>& shingles = {});

// Whether `q` is a single term's source (scored_term with sources on): its match count bounds
// are the term's frequency, exact.
bool is_term_source(const Xapian::Query& q);

}  // namespace quarry::query
