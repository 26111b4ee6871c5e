// Internal to query/: the helpers every query type's parser and Xapian builder share, and the
// per-type entry points that query_parser.cpp and to_xapian.cpp dispatch to. One file per query
// family implements them (q_match.cpp, q_term_level.cpp, q_range.cpp, q_compound.cpp,
// q_function_score.cpp, q_query_string.cpp). Stateless free functions.
#pragma once

#include <xapian.h>

#include <string>
#include <utility>
#include <vector>

#include "index/json.h"
#include "index/mapping.h"
#include "index/status.h"
#include "query/query_tree.h"

namespace quarry::query {

// ---- JSON -> tree helpers ----
Status unknown_param(const std::string& query, const std::string& param);
// A JSON scalar as text: strings as-is, numbers canonically, booleans "true"/"false".
Result<std::string> scalar_text(const json::Value& v, const std::string& query);
// {"field": value} or {"field": {...}}; "boost"/"_name" may sit beside the field.
Status single_field(const json::Value& body, const std::string& query, std::string* field,
                    const json::Value** inner);
Result<float> boost_of(const json::Value& v);
Result<int> int_param(const json::Value& v, const std::string& query, const std::string& name);
Result<double> number_param(const json::Value& v, const std::string& query, const std::string& name);
Result<bool> bool_param(const json::Value& v, const std::string& query, const std::string& name);
Result<std::string> string_param(const json::Value& v, const std::string& query, const std::string& name);
// "fuzziness": 0/1/2, "AUTO", "AUTO:low,high" -> canonical text; kParsing on anything else.
Result<std::string> fuzziness_param(const json::Value& v, const std::string& query);

Result<QueryPtr> parse_match_family(const std::string& type, const json::Value& body);
Result<QueryPtr> parse_multi_match(const json::Value& body);
Result<QueryPtr> parse_combined_fields(const json::Value& body);
Result<QueryPtr> parse_term(const json::Value& body);
Result<QueryPtr> parse_terms(const json::Value& body);
Result<QueryPtr> parse_ids(const json::Value& body);
Result<QueryPtr> parse_exists(const json::Value& body);
Result<QueryPtr> parse_prefix(const json::Value& body);
Result<QueryPtr> parse_wildcard(const json::Value& body);
Result<QueryPtr> parse_regexp(const json::Value& body);
Result<QueryPtr> parse_fuzzy(const json::Value& body);
Result<QueryPtr> parse_range(const json::Value& body);
Result<QueryPtr> parse_bool(const json::Value& body);
Result<QueryPtr> parse_constant_score(const json::Value& body);
Result<QueryPtr> parse_boosting(const json::Value& body);
Result<QueryPtr> parse_dis_max(const json::Value& body);
Result<QueryPtr> parse_function_score(const json::Value& body);
Result<QueryPtr> parse_query_string(const json::Value& body);
Result<QueryPtr> parse_simple_query_string(const json::Value& body);

// ---- tree -> Xapian helpers ----
// A fresh match-all query (Xapian::Query::MatchAll is a shared static, not thread-safe to copy).
Xapian::Query match_all();
Xapian::Query boosted(Xapian::Query q, double boost);
// The number of optional clauses that must match for Elasticsearch's minimum_should_match `spec`
// ("3", "-2", "75%", "-25%", "3<90%", "2<-25% 9<-3") out of `count`. kParsing on bad syntax.
Result<int> min_should_match(const std::string& spec, int count);
// Documents matching at least `k` of `clauses`, scored as the sum of the matching clauses
// (Elasticsearch's BooleanQuery with minimumNumberShouldMatch).
Xapian::Query at_least(int k, const std::vector<Xapian::Query>& clauses);
// Field patterns ("title", "title^2", "app_*", "*") -> fields of the mapping with their boosts.
// `wildcard_used` tells whether a pattern expanded (Elasticsearch is then lenient).
std::vector<std::pair<const index::FieldMapping*, float>> resolve_fields(
    const std::vector<std::string>& patterns, const index::Mapping& mapping, bool* wildcard_used);
// Combines per-field queries: dis_max (max + tie_breaker * rest) or a sum.
Xapian::Query dis_max(const std::vector<Xapian::Query>& qs, float tie_breaker);
// Levenshtein (optionally Damerau, adjacent transpositions) distance, capped at `max`+1.
int edit_distance(std::string_view a, std::string_view b, bool transpositions, int max);
// Allowed edits for `fuzziness` and a term of `len` characters (AUTO = 0 / 1 / 2 by length).
int allowed_edits(const std::string& fuzziness, size_t len);
// Union of the expansions of a fuzzy term on `field` (terms within the edits), scored as one
// blended term (Xapian OP_SYNONYM), at most `max_expansions` closest terms.
Xapian::Query fuzzy_term_query(const index::FieldMapping& field, const std::string& term,
                               const std::string& fuzziness, int prefix_length, int max_expansions,
                               bool transpositions);

Result<Xapian::Query> match_to_xapian(const QueryNode& node, const index::Mapping& mapping);
Result<Xapian::Query> multi_match_to_xapian(const QueryNode& node, const index::Mapping& mapping);
Result<Xapian::Query> combined_fields_to_xapian(const QueryNode& node, const index::Mapping& mapping);
Result<Xapian::Query> term_level_to_xapian(const QueryNode& node, const index::Mapping& mapping);
Result<Xapian::Query> range_to_xapian(const QueryNode& node, const index::Mapping& mapping);
// term on a range field: documents with a range containing `value` (weight 0; callers boost).
Result<Xapian::Query> range_field_term(const index::FieldMapping& f, const std::string& value);
Result<Xapian::Query> compound_to_xapian(const QueryNode& node, const index::Mapping& mapping);
Result<Xapian::Query> function_score_to_xapian(const QueryNode& node, const index::Mapping& mapping);

}  // namespace quarry::query
