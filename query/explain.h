// Score explanations in Elasticsearch's shape ({value, description, details[]}) for one document
// and one query tree: used by explain=true in searches and by GET /{index}/_explain/{id}.
//
// Every node's value is the score Xapian gives the document for that node's own query (the
// same weighting as the search, query/q_bm25.h), so the values add up the way the search does:
// a bool's "sum of:" details sum to its value, a match query's per-term "weight(...)" details
// sum to the match's value, function_score's query score and function value multiply (or add,
// per boost_mode) to its value. Term details show BM25's factors with Elasticsearch's
// descriptions (boost, idf from n and N, tf from freq, k1, b, dl, avgdl).
//
// Stateless; call on the thread that holds the reader.
#pragma once

#include <xapian.h>

#include <map>
#include <string>

#include "index/mapping.h"
#include "index/status.h"
#include "query/query_tree.h"

namespace quarry::query {

struct DocExplanation {
  bool matched = false;
  double score = 0;   // the document's score for the whole query (1.0 for constant-score queries)
  std::string json;   // the explanation object
};

// `id_term` is the document's unique id term (index::kIdPrefix + _id): it restricts the
// sub-searches to the document. Errors: to_xapian's (kInvalidArgument) and Xapian's.
Result<DocExplanation> explain_document(const Xapian::Database& db, Xapian::docid did, const std::string& id_term,
                                        const QueryNode& node, const index::Mapping& mapping);

}  // namespace quarry::query
