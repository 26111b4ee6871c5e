// Full-text queries: match, match_phrase, match_phrase_prefix, match_bool_prefix, multi_match,
// combined_fields.
// The text is analysed with the field's search analyzer (or `analyzer`); positions in Xapian are
// Elasticsearch positions + 1 (docs/storage-format.md).
//
// combined_fields scores each token as one term of a field made of all the listed fields: a
// Xapian OP_SYNONYM over the token's term in each field, whose frequency is the sum of the
// fields' frequencies and whose document frequency is the union's (Lucene's CombinedFieldQuery
// also blends the fields' lengths, which a Xapian 1.4 weight cannot see: dl is the document's,
// as everywhere, query/q_bm25.h). A field boost b >= 1 weighs that field's occurrences b times,
// as in Elasticsearch; Xapian counts whole occurrences, so b is rounded to the nearest integer.
//
// Phrase slop: slop 0 and 1 are an ordered OP_PHRASE with window = terms + slop; slop >= 2 is an
// unordered OP_NEAR with the same window (Lucene's sloppy phrase lets two terms swap at slop 2).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>

#include "index/document_mapper.h"
#include "index/field_value.h"
#include "query/bm25_term_source.h"
#include "query/q_common.h"
#include "query/q_sources.h"
#include "query/to_xapian.h"

namespace quarry::query {

using index::FieldMapping;
using index::FieldType;

namespace {

Status parse_operator(const json::Value& v, const std::string& q, bool* is_and) {
  std::string op = v.IsString() ? std::string(json::view(v)) : "";
  for (auto& c : op) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (op != "and" && op != "or") return Status::Parsing("[" + q + "] query: unknown operator [" + op + "]");
  *is_and = op == "and";
  return Status::Ok();
}

// Options shared by the match family and multi_match. Returns false when `key` is not one of them.
Result<bool> common_option(QueryNode& node, const std::string& q, const std::string& key, const json::Value& v,
                           const std::vector<std::string>& allowed) {
  if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) return false;
  if (key == "operator") {
    QUARRY_RETURN_IF_ERROR(parse_operator(v, q, &node.operator_and));
  } else if (key == "minimum_should_match") {
    auto t = scalar_text(v, q);
    if (!t.ok()) return t.status();
    auto check = min_should_match(*t, 1);
    if (!check.ok()) return check.status();
    node.minimum_should_match = *t;
  } else if (key == "fuzziness") {
    auto f = fuzziness_param(v, q);
    if (!f.ok()) return f.status();
    node.fuzziness = *f;
  } else if (key == "prefix_length" || key == "max_expansions" || key == "slop") {
    auto i = int_param(v, q, key);
    if (!i.ok()) return i.status();
    if (*i < 0 || (key == "max_expansions" && *i == 0)) return Status::Parsing("[" + q + "] query: invalid [" + key + "]");
    (key == "prefix_length" ? node.prefix_length : key == "slop" ? node.slop : node.max_expansions) = *i;
  } else if (key == "fuzzy_transpositions" || key == "lenient" || key == "auto_generate_synonyms_phrase_query") {
    auto b = bool_param(v, q, key);
    if (!b.ok()) return b.status();
    if (key == "fuzzy_transpositions") node.fuzzy_transpositions = *b;
    if (key == "lenient") node.lenient = *b;
    // auto_generate_synonyms_phrase_query: no synonym filters exist yet, so it cannot change anything.
  } else if (key == "analyzer") {
    auto s = string_param(v, q, key);
    if (!s.ok()) return s.status();
    node.analyzer = *s;
  } else if (key == "zero_terms_query") {
    std::string z = v.IsString() ? std::string(json::view(v)) : "";
    for (auto& c : z) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (z != "none" && z != "all") return Status::Parsing("[" + q + "] query: unknown zero_terms_query [" + z + "]");
    node.zero_terms_all = z == "all";
  } else if (key == "fuzzy_rewrite") {
    if (!v.IsString()) return Status::Parsing("[" + q + "] query: [fuzzy_rewrite] must be a string");
  } else if (key == "tie_breaker") {
    auto d = number_param(v, q, key);
    if (!d.ok()) return d.status();
    node.tie_breaker = static_cast<float>(*d);
  } else if (key == "boost") {
    auto b = boost_of(v);
    if (!b.ok()) return b.status();
    node.boost = *b;
  } else if (key == "_name") {
  } else {
    return false;
  }
  return true;
}

std::vector<std::string> allowed_for(QueryKind k) {
  switch (k) {
    case QueryKind::kMatch:
      return {"operator", "minimum_should_match", "fuzziness", "prefix_length", "max_expansions",
              "fuzzy_transpositions", "lenient", "analyzer", "zero_terms_query", "fuzzy_rewrite",
              "auto_generate_synonyms_phrase_query", "boost", "_name"};
    case QueryKind::kMatchPhrase:
      return {"analyzer", "slop", "zero_terms_query", "boost", "_name"};
    case QueryKind::kMatchPhrasePrefix:
      return {"analyzer", "slop", "max_expansions", "zero_terms_query", "boost", "_name"};
    default:  // kMatchBoolPrefix
      return {"operator", "minimum_should_match", "fuzziness", "prefix_length", "max_expansions",
              "fuzzy_transpositions", "analyzer", "fuzzy_rewrite", "boost", "_name"};
  }
}

Status check_analyzer(const QueryNode& node, const index::Mapping& mapping) {
  if (!node.analyzer.empty() && !mapping.analyzers().contains(node.analyzer)) {
    return Status::InvalidArgument("analyzer [" + node.analyzer + "] has not been configured in mappings");
  }
  return Status::Ok();
}

bool has_positions(const FieldMapping& f) {
  return f.index_options == index::IndexOptions::kPositions || f.index_options == index::IndexOptions::kOffsets;
}

// The index_phrases shingles of an exact phrase (docs/storage-format.md), or none when the field
// has none or some pair has no shingle: tokens an analyser left a gap between, or a pair too long
// for a term (the indexer skipped those too).
std::vector<std::string> phrase_shingles(const FieldMapping& f, const std::vector<index::Token>& tokens) {
  std::vector<std::string> shingles;
  if (!f.phrase_shingles) return shingles;
  for (size_t i = 1; i < tokens.size(); ++i) {
    std::string shingle;
    if (tokens[i].position != tokens[i - 1].position + 1 ||
        !index::phrase_shingle_term(f, tokens[i - 1].term, tokens[i].term, shingle)) {
      return {};
    }
    shingles.push_back(std::move(shingle));
  }
  return shingles;
}

Xapian::Query prefix_expansion(const FieldMapping& f, const std::string& term, int max_expansions) {
  return Xapian::Query(Xapian::Query::OP_WILDCARD, f.prefix + term, static_cast<Xapian::termcount>(max_expansions),
                       Xapian::Query::WILDCARD_LIMIT_FIRST);
}

// Optional clauses combined by operator / minimum_should_match.
Result<Xapian::Query> combine_optional(const QueryNode& node, const std::vector<Xapian::Query>& clauses) {
  if (clauses.empty()) return Xapian::Query::MatchNothing;
  if (node.operator_and) return Xapian::Query(Xapian::Query::OP_AND, clauses.begin(), clauses.end());
  int k = 1;
  if (node.minimum_should_match) {
    auto m = min_should_match(*node.minimum_should_match, static_cast<int>(clauses.size()));
    if (!m.ok()) return m.status();
    k = std::max(1, *m);
  }
  return at_least(k, clauses);
}

// The query for a non-text field: the whole text is one value.
Result<Xapian::Query> exact_value_query(const QueryNode& node, const FieldMapping& f) {
  if (node.kind == QueryKind::kMatchPhrasePrefix || node.kind == QueryKind::kMatchBoolPrefix) {
    if (f.type == FieldType::kKeyword) return constant_weight(prefix_expansion(f, node.text, node.max_expansions), 1.0);
  }
  if (f.type == FieldType::kKeyword && !node.fuzziness.empty() && node.kind == QueryKind::kMatch) {
    return fuzzy_term_query(f, node.text, node.fuzziness, node.prefix_length, node.max_expansions,
                            node.fuzzy_transpositions);
  }
  auto t = exact_term(f, node.text);
  if (!t.ok()) {
    if (node.lenient) return Xapian::Query::MatchNothing;
    return t.status();
  }
  return Xapian::Query(*t);
}

}  // namespace

Result<QueryPtr> parse_match_family(const std::string& type, const json::Value& body) {
  auto node = std::make_shared<QueryNode>();
  node->kind = type == "match"                 ? QueryKind::kMatch
               : type == "match_phrase"        ? QueryKind::kMatchPhrase
               : type == "match_phrase_prefix" ? QueryKind::kMatchPhrasePrefix
                                               : QueryKind::kMatchBoolPrefix;
  const json::Value* inner;
  QUARRY_RETURN_IF_ERROR(single_field(body, type, &node->field, &inner));
  if (!inner->IsObject()) {
    auto t = scalar_text(*inner, type);
    if (!t.ok()) return t.status();
    node->text = *t;
    return QueryPtr(node);
  }
  auto allowed = allowed_for(node->kind);
  bool has_query = false;
  for (auto it = inner->MemberBegin(); it != inner->MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    if (key == "query") {
      auto t = scalar_text(it->value, type);
      if (!t.ok()) return t.status();
      node->text = *t;
      has_query = true;
      continue;
    }
    auto known = common_option(*node, type, key, it->value, allowed);
    if (!known.ok()) return known.status();
    if (!*known) return unknown_param(type, key);
  }
  if (!has_query) return Status::Parsing("No text specified for text query");
  return QueryPtr(node);
}

Result<QueryPtr> parse_multi_match(const json::Value& body) {
  auto node = std::make_shared<QueryNode>();
  node->kind = QueryKind::kMultiMatch;
  if (!body.IsObject()) return Status::Parsing("[multi_match] query malformed");
  static const std::vector<std::string> allowed = {
      "operator", "minimum_should_match", "fuzziness", "prefix_length", "max_expansions", "fuzzy_transpositions",
      "lenient", "analyzer", "zero_terms_query", "fuzzy_rewrite", "auto_generate_synonyms_phrase_query", "slop",
      "tie_breaker", "boost", "_name"};
  bool has_query = false;
  bool has_cutoff_frequency = false;
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    if (key == "cutoff_frequency") {
      // Gone from Elasticsearch 8 except for this check; every other type rejects it below.
      has_cutoff_frequency = true;
    } else if (key == "query") {
      auto t = scalar_text(it->value, "multi_match");
      if (!t.ok()) return t.status();
      node->text = *t;
      has_query = true;
    } else if (key == "fields") {
      if (it->value.IsString()) {
        node->fields.emplace_back(json::view(it->value));
      } else if (it->value.IsArray()) {
        for (const auto& f : it->value.GetArray()) {
          if (!f.IsString()) return Status::Parsing("[multi_match] query: [fields] must hold strings");
          node->fields.emplace_back(json::view(f));
        }
      } else {
        return Status::Parsing("[multi_match] query does not support [fields] of this type");
      }
    } else if (key == "type") {
      std::string t = it->value.IsString() ? std::string(json::view(it->value)) : "";
      static const std::map<std::string, MultiMatchType> kTypes = {
          {"best_fields", MultiMatchType::kBestFields},   {"most_fields", MultiMatchType::kMostFields},
          {"cross_fields", MultiMatchType::kCrossFields}, {"phrase", MultiMatchType::kPhrase},
          {"phrase_prefix", MultiMatchType::kPhrasePrefix}, {"bool_prefix", MultiMatchType::kBoolPrefix}};
      auto found = kTypes.find(t);
      if (found == kTypes.end()) return Status::Parsing("failed to parse [multi_match] query type [" + t + "]. unknown type.");
      node->multi_type = found->second;
    } else {
      auto known = common_option(*node, "multi_match", key, it->value, allowed);
      if (!known.ok()) return known.status();
      if (!*known) return unknown_param("multi_match", key);
    }
  }
  if (!has_query) return Status::Parsing("No text specified for multi_match query");
  if (node->multi_type == MultiMatchType::kBoolPrefix && node->slop != 0) {
    return Status::Parsing("[slop] not allowed for type [bool_prefix]");
  }
  if (has_cutoff_frequency) {
    if (node->multi_type == MultiMatchType::kBoolPrefix) {
      return Status::Parsing("[cutoff_frequency] not allowed for type [bool_prefix]");
    }
    return unknown_param("multi_match", "cutoff_frequency");
  }
  if (!node->fuzziness.empty() && (node->multi_type == MultiMatchType::kCrossFields ||
                                   node->multi_type == MultiMatchType::kPhrase ||
                                   node->multi_type == MultiMatchType::kPhrasePrefix)) {
    return Status::Parsing("Fuzziness not allowed for type [" +
                           std::string(node->multi_type == MultiMatchType::kCrossFields ? "cross_fields"
                                       : node->multi_type == MultiMatchType::kPhrase    ? "phrase"
                                                                                        : "phrase_prefix") +
                           "]");
  }
  return QueryPtr(node);
}

Result<Xapian::Query> match_to_xapian(const QueryNode& node, const index::Mapping& mapping) {
  QUARRY_RETURN_IF_ERROR(check_analyzer(node, mapping));
  const FieldMapping* f = mapping.find(node.field);
  if (!f || f->type == FieldType::kObject) return Xapian::Query::MatchNothing;
  if (f->type != FieldType::kText) {
    auto q = exact_value_query(node, *f);
    if (!q.ok()) return q;
    return boosted(*q, node.boost);
  }
  std::string_view analyzer = node.analyzer.empty() ? f->query_analyzer() : std::string_view(node.analyzer);
  auto tokens = mapping.analyzers().analyze(analyzer, node.text);
  if (tokens.empty()) return node.zero_terms_all ? boosted(match_all(), node.boost) : Xapian::Query::MatchNothing;

  Xapian::Query q;
  switch (node.kind) {
    case QueryKind::kMatch:
    case QueryKind::kMatchBoolPrefix: {
      std::vector<Xapian::Query> clauses;
      for (size_t i = 0; i < tokens.size(); ++i) {
        const std::string& t = tokens[i].term;
        if (node.kind == QueryKind::kMatchBoolPrefix && i + 1 == tokens.size()) {
          clauses.push_back(constant_weight(prefix_expansion(*f, t, node.max_expansions), 1.0));
        } else if (!node.fuzziness.empty()) {
          clauses.push_back(fuzzy_term_query(*f, t, node.fuzziness, node.prefix_length, node.max_expansions,
                                             node.fuzzy_transpositions));
        } else {
          clauses.push_back(scored_term(f->prefix + t, 1, tokens[i].position + 1));
        }
      }
      auto c = combine_optional(node, clauses);
      if (!c.ok()) return c;
      q = *c;
      break;
    }
    case QueryKind::kMatchPhrase:
    case QueryKind::kMatchPhrasePrefix: {
      bool prefix = node.kind == QueryKind::kMatchPhrasePrefix;
      if (tokens.size() == 1) {
        q = prefix ? prefix_expansion(*f, tokens[0].term, node.max_expansions) : scored_term(f->prefix + tokens[0].term);
        break;
      }
      if (!has_positions(*f)) {
        return Status::InvalidArgument("field:[" + f->path + "] was indexed without position data; cannot run PhraseQuery");
      }
      std::vector<Xapian::Query> parts;
      for (size_t i = 0; i + (prefix ? 1 : 0) < tokens.size(); ++i) parts.emplace_back(f->prefix + tokens[i].term);
      // The span the tokens cover (analysers may leave gaps) plus the slop.
      unsigned span = tokens.back().position - tokens.front().position + 1;
      auto window = static_cast<Xapian::termcount>(span + node.slop);
      auto op = node.slop >= 2 ? Xapian::Query::OP_NEAR : Xapian::Query::OP_PHRASE;
      if (!prefix) {
        std::vector<std::string> terms;
        for (const auto& token : tokens) terms.push_back(f->prefix + token.term);
        q = scored_phrase(Xapian::Query(op, parts.begin(), parts.end(), window), terms,
                          node.slop == 0 ? phrase_shingles(*f, tokens) : std::vector<std::string>());
        break;
      }
      // Xapian 1.4 phrases take only terms: one phrase per expansion of the last word (the first
      // max_expansions terms in order, as Elasticsearch), expanded on the shard at match time.
      std::string last = f->prefix + tokens.back().term;
      size_t limit = static_cast<size_t>(node.max_expansions);
      q = materialized(
          [parts, last, limit, op, window](const Xapian::Database& db) {
            std::vector<Xapian::Query> phrases;
            for (auto it = db.allterms_begin(last); it != db.allterms_end(last) && phrases.size() < limit; ++it) {
              std::vector<Xapian::Query> p = parts;
              p.emplace_back(*it);
              phrases.emplace_back(op, p.begin(), p.end(), window);
            }
            if (phrases.empty()) return ScoredDocs();
            return run_scored(db, Xapian::Query(Xapian::Query::OP_OR, phrases.begin(), phrases.end()));
          },
          "match_phrase_prefix");
      break;
    }
    default:
      return Status::Internal("not a match query");
  }
  return boosted(q, node.boost);
}

Result<Xapian::Query> multi_match_to_xapian(const QueryNode& node, const index::Mapping& mapping) {
  QUARRY_RETURN_IF_ERROR(check_analyzer(node, mapping));
  bool wildcard = false;
  std::vector<std::string> patterns = node.fields.empty() ? std::vector<std::string>{"*"} : node.fields;
  auto fields = resolve_fields(patterns, mapping, &wildcard);
  bool lenient = node.lenient || wildcard;
  float tie = node.tie_breaker.value_or(0.0f);
  std::vector<Xapian::Query> per_field;

  if (node.multi_type == MultiMatchType::kCrossFields) {
    // Term-centric: each token must be found in any of the fields (dis_max per token), fields grouped
    // by analyzer; operator / minimum_should_match apply to the tokens of each group.
    std::map<std::string, std::vector<std::pair<const FieldMapping*, float>>> groups;
    for (auto& [f, b] : fields) {
      std::string key = f->type == FieldType::kText
                            ? std::string(node.analyzer.empty() ? f->query_analyzer() : std::string_view(node.analyzer))
                            : "\x01" + f->path;
      groups[key].emplace_back(f, b);
    }
    for (auto& [analyzer, members] : groups) {
      if (members.front().first->type != FieldType::kText) {
        QueryNode child = node;
        child.kind = QueryKind::kMatch;
        child.fields.clear();
        child.field = members.front().first->path;
        child.boost = members.front().second;
        child.lenient = lenient;
        auto q = match_to_xapian(child, mapping);
        if (!q.ok()) return q;
        per_field.push_back(*q);
        continue;
      }
      auto tokens = mapping.analyzers().analyze(analyzer, node.text);
      std::vector<Xapian::Query> clauses;
      for (const auto& t : tokens) {
        std::vector<Xapian::Query> alts;
        for (auto& [f, b] : members) alts.push_back(boosted(Xapian::Query(f->prefix + t.term), b));
        clauses.push_back(dis_max(alts, tie));
      }
      if (clauses.empty()) continue;
      auto c = combine_optional(node, clauses);
      if (!c.ok()) return c;
      per_field.push_back(*c);
    }
    if (per_field.empty()) return node.zero_terms_all ? boosted(match_all(), node.boost) : Xapian::Query::MatchNothing;
    return boosted(dis_max(per_field, tie), node.boost);
  }

  QueryKind child_kind = QueryKind::kMatch;
  switch (node.multi_type) {
    case MultiMatchType::kPhrase: child_kind = QueryKind::kMatchPhrase; break;
    case MultiMatchType::kPhrasePrefix: child_kind = QueryKind::kMatchPhrasePrefix; break;
    case MultiMatchType::kBoolPrefix: child_kind = QueryKind::kMatchBoolPrefix; break;
    default: break;
  }
  for (auto& [f, b] : fields) {
    QueryNode child = node;
    child.kind = child_kind;
    child.fields.clear();
    child.field = f->path;
    child.boost = b;
    child.lenient = lenient;
    if (lenient && f->type != FieldType::kText && f->type != FieldType::kKeyword &&
        child_kind != QueryKind::kMatch) {
      continue;
    }
    auto q = match_to_xapian(child, mapping);
    if (!q.ok()) {
      if (lenient) continue;
      return q;
    }
    per_field.push_back(*q);
  }
  if (per_field.empty()) return Xapian::Query::MatchNothing;
  bool sum = node.multi_type == MultiMatchType::kMostFields || node.multi_type == MultiMatchType::kBoolPrefix;
  Xapian::Query q = sum ? Xapian::Query(Xapian::Query::OP_OR, per_field.begin(), per_field.end())
                        : dis_max(per_field, tie);
  return boosted(q, node.boost);
}

Result<QueryPtr> parse_combined_fields(const json::Value& body) {
  auto node = std::make_shared<QueryNode>();
  node->kind = QueryKind::kCombinedFields;
  if (!body.IsObject()) return Status::Parsing("[combined_fields] query malformed");
  static const std::vector<std::string> allowed = {"operator", "minimum_should_match", "zero_terms_query",
                                                   "auto_generate_synonyms_phrase_query", "boost", "_name"};
  bool has_query = false;
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    if (key == "query") {
      auto t = scalar_text(it->value, "combined_fields");
      if (!t.ok()) return t.status();
      node->text = *t;
      has_query = true;
    } else if (key == "fields") {
      if (!it->value.IsArray()) return Status::Parsing("[combined_fields] query: [fields] must be an array");
      for (const auto& f : it->value.GetArray()) {
        if (!f.IsString()) return Status::Parsing("[combined_fields] query: [fields] must hold strings");
        node->fields.emplace_back(json::view(f));
      }
    } else {
      auto known = common_option(*node, "combined_fields", key, it->value, allowed);
      if (!known.ok()) return known.status();
      if (!*known) return unknown_param("combined_fields", key);
    }
  }
  if (!has_query) return Status::Parsing("[combined_fields] requires 'query' field");
  return QueryPtr(node);
}

Result<Xapian::Query> combined_fields_to_xapian(const QueryNode& node, const index::Mapping& mapping) {
  if (node.fields.empty()) return Status::InvalidArgument("In [combined_fields] query, at least one field must be provided");
  for (const auto& p : node.fields) {
    auto caret = p.rfind('^');
    if (caret != std::string::npos && std::strtof(p.c_str() + caret + 1, nullptr) < 1.0f) {
      return Status::InvalidArgument("[combined_fields] requires field boosts to be >= 1.0");
    }
  }
  // Fields a wildcard pattern reaches are kept only when they are text; a field named outright
  // must be text.
  std::vector<std::pair<const FieldMapping*, float>> fields;
  for (const auto& p : node.fields) {
    bool wildcard = false;
    for (auto& [f, b] : resolve_fields({p}, mapping, &wildcard)) {
      if (wildcard && f->type != FieldType::kText) continue;
      bool dup = false;
      for (auto& e : fields) {
        if (e.first == f) {
          e.second = std::max(e.second, b);
          dup = true;
        }
      }
      if (!dup) fields.emplace_back(f, b);
    }
  }
  std::string analyzer;
  for (auto& [f, b] : fields) {
    if (f->type != FieldType::kText) {
      return Status::InvalidArgument("Field [" + f->path + "] of type [" + index::field_type_name(f->type) +
                                     "] does not support [combined_fields] queries");
    }
    std::string a(f->query_analyzer());
    if (!analyzer.empty() && a != analyzer) {
      return Status::InvalidArgument("All fields in [combined_fields] query must have the same search analyzer");
    }
    analyzer = a;
  }
  if (fields.empty()) return Xapian::Query::MatchNothing;
  auto tokens = mapping.analyzers().analyze(analyzer, node.text);
  std::vector<Xapian::Query> clauses;
  for (const auto& t : tokens) {
    std::vector<Xapian::Query> alts;
    for (auto& [f, b] : fields) {
      // A boost repeats the field's term: OP_SYNONYM adds the frequencies of its subqueries.
      int times = std::max(1, static_cast<int>(std::lround(b)));
      for (int i = 0; i < times; ++i) alts.emplace_back(f->prefix + t.term);
    }
    clauses.emplace_back(Xapian::Query::OP_SYNONYM, alts.begin(), alts.end());
  }
  if (clauses.empty()) return node.zero_terms_all ? boosted(match_all(), node.boost) : Xapian::Query::MatchNothing;
  auto q = combine_optional(node, clauses);
  if (!q.ok()) return q;
  return boosted(*q, node.boost);
}

}  // namespace quarry::query
