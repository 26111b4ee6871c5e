// Match-time building blocks for what Xapian 1.4 has no operator for. Every query built with these
// is still a plain Xapian::Query; the work that needs the database (expanding fuzzy or regexp terms,
// counting matching clauses, combining scores by multiplication) happens when Xapian initialises
// the posting source on each (sub-)database, inside Enquire::get_mset on the searching thread.
//
//  - constant_weight(q, w): matches q, every match weighs exactly w (Elasticsearch's constant-score
//    rewrite, constant_score, filter-context clauses that must still add their boost). Built as
//    AND(SCALE_WEIGHT(q, 0), FixedWeightPostingSource(w)) — no materialisation.
//  - materialized(producer): a posting source whose (docid, weight) list is computed by `producer`
//    against the database at init. Used for bool minimum_should_match >= 2, function_score,
//    fuzzy/wildcard/regexp expansions. Memory is O(matching documents) per search.
//  - range_relation(...): documents whose range-field slot (index/range_value.h) holds a range
//    that intersects / lies within / contains a query range; reads the value stream lazily.
//
// Thread-safety: like every Xapian::Query, build per thread, never share.
#pragma once

#include <xapian.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace quarry::query {

// (docid, weight), sorted by docid, weights >= 0.
using ScoredDocs = std::vector<std::pair<Xapian::docid, double>>;
using DocsProducer = std::function<ScoredDocs(const Xapian::Database&)>;

// The weighting scheme used when a sub-query's scores are computed at match time. Must agree with
// the scheme query/shard_search.cpp sets on its Enquire: Elasticsearch's BM25 (query/q_bm25.h).
Xapian::Weight* new_inner_weight();

Xapian::Query constant_weight(const Xapian::Query& q, double weight);

Xapian::Query materialized(DocsProducer producer, const std::string& description);

// How a document's range relates to a query range (Elasticsearch's range query `relation`).
enum class RangeRelation { kIntersects, kWithin, kContains };

// Documents with at least one range in value slot `slot` (bounds of `width` bytes each, encoded
// as index/range_value.h describes) that has `relation` to [lo, hi] (inclusive, same encoding).
// Every match weighs 0: wrap in constant_weight for a score.
Xapian::Query range_relation(Xapian::valueno slot, size_t width, RangeRelation relation, std::string lo,
                             std::string hi);

// Runs `q` on `db` and returns every match with its weight (sorted by docid).
ScoredDocs run_scored(const Xapian::Database& db, const Xapian::Query& q);

// All terms of `db` starting with `prefix` for which `keep(term without prefix)` holds, at most
// `limit` of them (more -> the flag `*truncated` is set).
std::vector<std::string> expand_terms(const Xapian::Database& db, const std::string& prefix,
                                      const std::string& start,
                                      const std::function<bool(const std::string&)>& keep,
                                      size_t limit, bool* truncated);

// Thrown from match time when an expansion passes its limit; shard searches report it as
// an error (Xapian::InvalidOperationError, so Shard::with_reader translates it).
[[noreturn]] void throw_too_many(const std::string& message);

}  // namespace quarry::query
