// Term-level queries: term, terms, ids, exists, prefix, wildcard, regexp, fuzzy. None analyses its
// value. Elasticsearch scores term with BM25 and the multi-term queries (prefix, wildcard, regexp)
// as constant `boost` (constant_score rewrite); fuzzy blends its expansions (top_terms_blended).
#include <algorithm>
#include <cctype>
#include <regex>

#include "index/document_mapper.h"
#include "index/field_value.h"
#include "query/q_common.h"
#include "query/q_sources.h"
#include "query/to_xapian.h"

namespace quarry::query {

using index::FieldMapping;
using index::FieldType;

namespace {

// Longest a regexp may be whatever the index allows: a bound on std::regex's compile cost. The
// index's own index.max_regex_length (default 1000) is checked before, by check_index_limits.
constexpr size_t kMaxRegexLength = 32766;
// Most terms a wildcard / prefix / regexp may expand to on one shard.
constexpr size_t kMaxExpansions = 100000;

Result<QueryPtr> parse_single_value(QueryKind kind, const std::string& qname, const json::Value& body,
                                    const std::vector<std::string>& extra_allowed,
                                    const std::function<Status(QueryNode&, const std::string&, const json::Value&)>& option) {
  auto node = std::make_shared<QueryNode>();
  node->kind = kind;
  const json::Value* inner;
  QUARRY_RETURN_IF_ERROR(single_field(body, qname, &node->field, &inner));
  if (!inner->IsObject()) {
    auto t = scalar_text(*inner, qname);
    if (!t.ok()) return t.status();
    node->text = *t;
    return QueryPtr(node);
  }
  bool has_value = false;
  for (auto it = inner->MemberBegin(); it != inner->MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    if (key == "value" || (kind == QueryKind::kWildcard && key == "wildcard")) {
      auto t = scalar_text(it->value, qname);
      if (!t.ok()) return t.status();
      node->text = *t;
      has_value = true;
    } else if (key == "boost") {
      auto b = boost_of(it->value);
      if (!b.ok()) return b.status();
      node->boost = *b;
    } else if (key == "_name") {
    } else if (key == "case_insensitive" && kind != QueryKind::kFuzzy) {
      auto b = bool_param(it->value, qname, key);
      if (!b.ok()) return b.status();
      node->case_insensitive = *b;
    } else if (std::find(extra_allowed.begin(), extra_allowed.end(), key) != extra_allowed.end()) {
      QUARRY_RETURN_IF_ERROR(option(*node, key, it->value));
    } else {
      return unknown_param(qname, key);
    }
  }
  if (!has_value) return Status::Parsing("[" + qname + "] query malformed, no value specified");
  return QueryPtr(node);
}

Status rewrite_option(QueryNode&, const std::string& key, const json::Value& v) {
  // Accepted for compatibility: every rewrite gives the same matches; scores follow the default.
  if (key == "rewrite" && v.IsString()) return Status::Ok();
  return Status::Parsing("[" + key + "] must be a string");
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::u32string utf32(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    char32_t cp;
    int n;
    if (c < 0x80) { cp = c; n = 1; }
    else if ((c >> 5) == 6) { cp = c & 0x1f; n = 2; }
    else if ((c >> 4) == 14) { cp = c & 0x0f; n = 3; }
    else { cp = c & 0x07; n = 4; }
    for (int k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (s[i + k] & 0x3f);
    out.push_back(cp);
    i += n;
  }
  return out;
}

// Glob match with * and ? (and \ escapes) over bytes; `?` matches one UTF-8 character.
bool glob_match(std::string_view pat, std::string_view s) {
  size_t p = 0, i = 0, star_p = std::string_view::npos, star_i = 0;
  auto char_len = [&](size_t at) {
    unsigned char c = s[at];
    return c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
  };
  while (i < s.size()) {
    if (p < pat.size() && pat[p] == '*') {
      star_p = p++;
      star_i = i;
    } else if (p < pat.size() && pat[p] == '?') {
      ++p;
      i += char_len(i);
    } else if (p < pat.size() && pat[p] == '\\' && p + 1 < pat.size() && pat[p + 1] == s[i]) {
      p += 2;
      ++i;
    } else if (p < pat.size() && pat[p] != '\\' && pat[p] == s[i]) {
      ++p;
      ++i;
    } else if (star_p != std::string_view::npos) {
      p = star_p + 1;
      star_i += char_len(star_i);
      i = star_i;
    } else {
      return false;
    }
  }
  while (p < pat.size() && pat[p] == '*') ++p;
  return p == pat.size();
}

// Documents holding any of the terms under `prefix` (+ `start`) that `keep` accepts, each weighing
// `weight`.
Xapian::Query expanding_constant(const std::string& prefix, const std::string& start,
                                 std::function<bool(const std::string&)> keep, double weight,
                                 const std::string& what) {
  return materialized(
      [prefix, start, keep, weight, what](const Xapian::Database& db) {
        bool truncated = false;
        auto terms = expand_terms(db, prefix, start, keep, kMaxExpansions, &truncated);
        if (truncated) {
          throw_too_many("[" + what + "] expands to more than " + std::to_string(kMaxExpansions) + " terms");
        }
        std::vector<Xapian::docid> ids;
        for (const auto& t : terms) {
          for (auto p = db.postlist_begin(t); p != db.postlist_end(t); ++p) ids.push_back(*p);
        }
        std::sort(ids.begin(), ids.end());
        ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
        ScoredDocs out;
        out.reserve(ids.size());
        for (auto id : ids) out.emplace_back(id, weight);
        return out;
      },
      what);
}

Status require_string_field(const FieldMapping& f, const char* what) {
  if (f.type == FieldType::kText || f.type == FieldType::kKeyword) return Status::Ok();
  return Status::InvalidArgument(std::string("Can only use ") + what + " queries on keyword and text fields - not on [" +
                                 f.path + "] which is of type [" + index::field_type_name(f.type) + "]");
}

// Lucene regexp syntax -> ECMAScript (std::regex, matched against the whole term).
Result<std::string> lucene_regex_to_ecma(const std::string& re, const std::string& flags, std::string* literal_prefix) {
  if (re.size() > kMaxRegexLength) {
    return Status::InvalidArgument("The length of regex [" + std::to_string(re.size()) +
                                   "] is over the largest Quarry compiles [" + std::to_string(kMaxRegexLength) + "]");
  }
  auto enabled = [&](const char* flag) {
    if (flags.empty() || flags.find("ALL") != std::string::npos) return true;
    return flags.find(flag) != std::string::npos;
  };
  std::string out;
  bool in_class = false;
  bool prefix_open = true;
  literal_prefix->clear();
  for (size_t i = 0; i < re.size(); ++i) {
    char c = re[i];
    if (c == '\\' && i + 1 < re.size()) {
      char n = re[++i];
      if (std::isalnum(static_cast<unsigned char>(n))) out += n;
      else { out += '\\'; out += n; }
      if (!in_class && prefix_open) *literal_prefix += n;
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
      out += c;
      continue;
    }
    switch (c) {
      case '[': in_class = true; out += c; prefix_open = false; break;
      case '.': case '(': case ')': case '|': case '{': case '}': case '*': case '+': case '?':
        out += c;
        if (prefix_open && (c == '*' || c == '?' || c == '{') && !literal_prefix->empty()) literal_prefix->pop_back();
        prefix_open = false;
        break;
      case '~':
        if (enabled("COMPLEMENT")) return Status::Parsing("[regexp] query: the complement operator [~] is not supported");
        out += "\\~";
        break;
      case '&':
        if (enabled("INTERSECTION")) return Status::Parsing("[regexp] query: the intersection operator [&] is not supported");
        out += '&';
        break;
      case '@':
        if (enabled("ANYSTRING")) { out += "[\\s\\S]*"; prefix_open = false; }
        else out += '@';
        break;
      case '<':
        if (enabled("INTERVAL")) return Status::Parsing("[regexp] query: numeric intervals [<n-m>] are not supported");
        out += '<';
        break;
      case '#':
        if (enabled("EMPTY")) { out += "(?!)"; prefix_open = false; }
        else out += '#';
        break;
      case '"':
        out += "\"";
        break;
      case '^': case '$': case '/':
        out += '\\';
        out += c;
        if (prefix_open) *literal_prefix += c;
        break;
      default:
        out += c;
        if (prefix_open) *literal_prefix += c;
    }
  }
  if (re.find('|') != std::string::npos) literal_prefix->clear();
  return out;
}

}  // namespace

Result<QueryPtr> parse_term(const json::Value& body) {
  return parse_single_value(QueryKind::kTerm, "term", body, {}, nullptr);
}

Result<QueryPtr> parse_prefix(const json::Value& body) {
  return parse_single_value(QueryKind::kPrefix, "prefix", body, {"rewrite"}, rewrite_option);
}

Result<QueryPtr> parse_wildcard(const json::Value& body) {
  return parse_single_value(QueryKind::kWildcard, "wildcard", body, {"rewrite"}, rewrite_option);
}

Result<QueryPtr> parse_regexp(const json::Value& body) {
  return parse_single_value(
      QueryKind::kRegexp, "regexp", body, {"rewrite", "flags", "max_determinized_states"},
      [](QueryNode& n, const std::string& key, const json::Value& v) -> Status {
        if (key == "rewrite") return rewrite_option(n, key, v);
        if (key == "flags") {
          auto s = string_param(v, "regexp", key);
          if (!s.ok()) return s.status();
          n.format = *s;  // the flags ride in `format` (unused by regexp otherwise)
          if (n.format.empty()) n.format = "NONE";
          return Status::Ok();
        }
        auto i = int_param(v, "regexp", key);
        if (!i.ok()) return i.status();
        n.max_determinized_states = *i;
        return Status::Ok();
      });
}

Result<QueryPtr> parse_fuzzy(const json::Value& body) {
  auto r = parse_single_value(
      QueryKind::kFuzzy, "fuzzy", body, {"fuzziness", "prefix_length", "max_expansions", "transpositions", "rewrite"},
      [](QueryNode& n, const std::string& key, const json::Value& v) -> Status {
        if (key == "rewrite") return rewrite_option(n, key, v);
        if (key == "fuzziness") {
          auto f = fuzziness_param(v, "fuzzy");
          if (!f.ok()) return f.status();
          n.fuzziness = *f;
        } else if (key == "transpositions") {
          auto b = bool_param(v, "fuzzy", key);
          if (!b.ok()) return b.status();
          n.fuzzy_transpositions = *b;
        } else {
          auto i = int_param(v, "fuzzy", key);
          if (!i.ok()) return i.status();
          if (*i < 0 || (key == "max_expansions" && *i == 0)) {
            return Status::Parsing("[fuzzy] query: [" + key + "] must be " +
                                   (key == "max_expansions" ? "positive" : "non-negative"));
          }
          (key == "prefix_length" ? n.prefix_length : n.max_expansions) = *i;
        }
        return Status::Ok();
      });
  if (!r.ok()) return r;
  if ((*r)->fuzziness.empty()) std::const_pointer_cast<QueryNode>(*r)->fuzziness = "AUTO";
  return r;
}

Result<QueryPtr> parse_terms(const json::Value& body) {
  auto node = std::make_shared<QueryNode>();
  node->kind = QueryKind::kTerms;
  if (!body.IsObject()) return Status::Parsing("[terms] query malformed");
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    if (key == "boost") {
      auto b = boost_of(it->value);
      if (!b.ok()) return b.status();
      node->boost = *b;
    } else if (key == "_name") {
    } else {
      if (!node->field.empty()) return Status::Parsing("[terms] query does not support multiple fields");
      if (it->value.IsObject()) {
        node->field = key;
        TermsLookup lookup;
        for (auto l = it->value.MemberBegin(); l != it->value.MemberEnd(); ++l) {
          std::string k(json::view(l->name));
          auto v = scalar_text(l->value, "terms");
          if (!v.ok()) return v.status();
          if (k == "index") lookup.index = *v;
          else if (k == "id") lookup.id = *v;
          else if (k == "path") lookup.path = *v;
          else if (k == "routing") lookup.routing = *v;
          else return Status::Parsing("[terms] query does not support [" + k + "] within lookup element");
        }
        for (const auto& [name, value] : {std::pair<const char*, const std::string*>{"index", &lookup.index},
                                          {"id", &lookup.id}, {"path", &lookup.path}}) {
          if (value->empty()) return Status::Parsing(std::string("[terms] query lookup element requires specifying the ") + name + ".");
        }
        node->terms_lookup = std::move(lookup);
        continue;
      }
      if (!it->value.IsArray()) return Status::Parsing("[terms] query does not support [" + key + "]");
      node->field = key;
      for (const auto& v : it->value.GetArray()) {
        auto t = scalar_text(v, "terms");
        if (!t.ok()) return t.status();
        node->values.push_back(*t);
      }
    }
  }
  if (node->field.empty()) return Status::Parsing("[terms] query requires a field");
  return QueryPtr(node);
}

Result<QueryPtr> parse_ids(const json::Value& body) {
  auto node = std::make_shared<QueryNode>();
  node->kind = QueryKind::kIds;
  if (!body.IsObject()) return Status::Parsing("[ids] query malformed");
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    if (key == "values") {
      if (!it->value.IsArray()) return Status::Parsing("[ids] values must be an array");
      for (const auto& v : it->value.GetArray()) {
        auto t = scalar_text(v, "ids");
        if (!t.ok()) return t.status();
        node->values.push_back(*t);
      }
    } else if (key == "boost") {
      auto b = boost_of(it->value);
      if (!b.ok()) return b.status();
      node->boost = *b;
    } else if (key != "_name") {
      return unknown_param("ids", key);
    }
  }
  return QueryPtr(node);
}

Result<QueryPtr> parse_exists(const json::Value& body) {
  auto node = std::make_shared<QueryNode>();
  node->kind = QueryKind::kExists;
  if (!body.IsObject() || !body.HasMember("field") || !body["field"].IsString()) {
    return Status::Parsing("[exists] must be provided with a [field]");
  }
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    if (key == "field") {
      node->field = json::view(it->value);
    } else if (key == "boost") {
      auto b = boost_of(it->value);
      if (!b.ok()) return b.status();
      node->boost = *b;
    } else if (key != "_name") {
      return unknown_param("exists", key);
    }
  }
  return QueryPtr(node);
}

int allowed_edits(const std::string& fuzziness, size_t len) {
  if (fuzziness.empty()) return 0;
  if (fuzziness.rfind("AUTO", 0) == 0) {
    size_t lo = 3, hi = 6;
    if (fuzziness.size() > 5) std::sscanf(fuzziness.c_str() + 5, "%zu,%zu", &lo, &hi);
    return len < lo ? 0 : len < hi ? 1 : 2;
  }
  return std::min(2, std::atoi(fuzziness.c_str()));
}

int edit_distance(std::string_view a8, std::string_view b8, bool transpositions, int max) {
  std::u32string a = utf32(a8), b = utf32(b8);
  int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  if (std::abs(n - m) > max) return max + 1;
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1));
  for (int i = 0; i <= n; ++i) d[i][0] = i;
  for (int j = 0; j <= m; ++j) d[0][j] = j;
  for (int i = 1; i <= n; ++i) {
    int row_min = max + 1;
    for (int j = 1; j <= m; ++j) {
      int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (transpositions && i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
      row_min = std::min(row_min, d[i][j]);
    }
    if (row_min > max) return max + 1;
  }
  return std::min(d[n][m], max + 1);
}

Xapian::Query fuzzy_term_query(const FieldMapping& field, const std::string& term, const std::string& fuzziness,
                               int prefix_length, int max_expansions, bool transpositions) {
  std::u32string chars = utf32(term);
  int edits = allowed_edits(fuzziness, chars.size());
  if (edits == 0) return Xapian::Query(field.prefix + term);
  // The first prefix_length characters must match exactly.
  size_t byte_prefix = 0;
  for (int k = 0; k < prefix_length && byte_prefix < term.size(); ++k) {
    unsigned char c = term[byte_prefix];
    byte_prefix += c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
  }
  std::string start = term.substr(0, std::min(byte_prefix, term.size()));
  std::string prefix = field.prefix;
  return materialized(
      [prefix, start, term, edits, max_expansions, transpositions](const Xapian::Database& db) {
        std::vector<std::pair<int, std::string>> found;  // (distance, term)
        expand_terms(
            db, prefix, start,
            [&](const std::string& t) {
              int d = edit_distance(term, t, transpositions, edits);
              if (d <= edits) found.emplace_back(d, prefix + t);
              return false;
            },
            0, nullptr);
        std::stable_sort(found.begin(), found.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        if (found.size() > static_cast<size_t>(max_expansions)) found.resize(max_expansions);
        std::vector<Xapian::Query> terms;
        for (auto& f : found) terms.emplace_back(f.second);
        if (terms.empty()) return ScoredDocs();
        return run_scored(db, Xapian::Query(Xapian::Query::OP_SYNONYM, terms.begin(), terms.end()));
      },
      "fuzzy " + term);
}

// An ip term "192.168.0.0/16": the block's addresses, as a range over the field's value slot.
static Result<Xapian::Query> ip_cidr_query(const FieldMapping& f, const std::string& text) {
  std::string lo, hi;
  if (!index::parse_cidr(text, lo, hi)) {
    return Status::InvalidArgument("Expected [ip/prefix] but was [" + text + "]");
  }
  if (f.slot < 0 || !f.doc_values) {
    return Status::InvalidArgument("Cannot search on field [" + f.path + "] since it is not indexed with doc values");
  }
  return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, static_cast<Xapian::valueno>(f.slot), lo, hi);
}

namespace {

// Above this many values a terms query is not an OP_OR: Xapian 1.4's matcher takes time
// quadratic in the number of OR'ed terms (measured: 8,192 terms 1.4 s, 16,384 terms 8.7 s on
// a one-document index), and index.max_terms_count allows 65,536.
constexpr size_t kMaxTermsInOr = 1024;

// The union of the terms' postings, read once per database at match time; constant weight.
Xapian::Query many_terms(const std::vector<Xapian::Query>& terms, double boost) {
  std::vector<std::string> names;
  for (const auto& t : terms) {
    for (auto it = t.get_terms_begin(); it != t.get_terms_end(); ++it) names.push_back(*it);
  }
  return materialized(
      [names, boost](const Xapian::Database& db) {
        ScoredDocs out;
        for (const auto& name : names) {
          for (auto p = db.postlist_begin(name); p != db.postlist_end(name); ++p) out.emplace_back(*p, boost);
        }
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first == b.first; }),
                  out.end());
        return out;
      },
      "terms " + std::to_string(names.size()));
}

}  // namespace

Result<Xapian::Query> term_level_to_xapian(const QueryNode& node, const index::Mapping& mapping) {
  const FieldMapping* f = mapping.find(node.field);
  switch (node.kind) {
    case QueryKind::kTerm: {
      if (node.field == "_id") return boosted(Xapian::Query(index::kIdPrefix + node.text), node.boost);
      if (!f || f->type == FieldType::kObject) return Xapian::Query::MatchNothing;
      if (node.case_insensitive && (f->type == FieldType::kKeyword || f->type == FieldType::kText)) {
        std::string want = lower(node.text);
        return boosted(expanding_constant(f->prefix, "", [want](const std::string& t) { return lower(t) == want; },
                                          1.0, "term"),
                       node.boost);
      }
      if (f->type == FieldType::kIp && node.text.find('/') != std::string::npos) {
        auto q = ip_cidr_query(*f, node.text);
        if (!q.ok()) return q.status();
        return constant_weight(*q, node.boost);
      }
      if (f->type == FieldType::kRange) {
        auto q = range_field_term(*f, node.text);
        if (!q.ok()) return q.status();
        return constant_weight(*q, node.boost);
      }
      auto t = exact_term(*f, node.text);
      if (!t.ok()) return t.status();
      return boosted(Xapian::Query(*t), node.boost);
    }
    case QueryKind::kTerms: {
      // Lookups are resolved by the caller before the query is built (cluster/terms_lookup.h).
      if (node.terms_lookup) return Status::InvalidArgument("[terms] lookup is not supported by this API");
      std::vector<Xapian::Query> terms;
      for (const auto& v : node.values) {
        if (node.field == "_id") {
          terms.emplace_back(index::kIdPrefix + v);
          continue;
        }
        if (!f || f->type == FieldType::kObject) break;
        if (f->type == FieldType::kIp && v.find('/') != std::string::npos) {
          auto q = ip_cidr_query(*f, v);
          if (!q.ok()) return q.status();
          terms.push_back(*q);
          continue;
        }
        if (f->type == FieldType::kRange) {
          auto q = range_field_term(*f, v);
          if (!q.ok()) return q.status();
          terms.push_back(*q);
          continue;
        }
        auto t = exact_term(*f, v);
        if (!t.ok()) return t.status();
        terms.emplace_back(*t);
      }
      if (terms.empty()) return Xapian::Query::MatchNothing;
      if (terms.size() > kMaxTermsInOr) return many_terms(terms, node.boost);
      // terms is a constant-score query in Elasticsearch.
      return constant_weight(Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()), node.boost);
    }
    case QueryKind::kIds: {
      std::vector<Xapian::Query> terms;
      for (const auto& v : node.values) terms.emplace_back(index::kIdPrefix + v);
      if (terms.empty()) return Xapian::Query::MatchNothing;
      return constant_weight(Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()), node.boost);
    }
    case QueryKind::kExists: {
      if (node.field == "_source") {
        return Status(Code::kQueryShard, "failed to create query: The _source field is not searchable");
      }
      // Metadata fields every document has.
      if (node.field == "_id" || node.field == "_index" || node.field == "_seq_no" || node.field == "_version" ||
          node.field == "_primary_term") {
        return constant_weight(match_all(), node.boost);
      }
      // A field, or _routing (its exists term comes from the applier, ingest/shard_applier.cpp).
      if ((f && f->type != FieldType::kObject) || node.field == "_routing") {
        return constant_weight(Xapian::Query(index::kFieldExistsPrefix + node.field), node.boost);
      }
      // An object (or a path prefix): any field beneath it.
      return constant_weight(
          Xapian::Query(Xapian::Query::OP_WILDCARD, index::kFieldExistsPrefix + node.field + "."), node.boost);
    }
    case QueryKind::kPrefix: {
      if (!f || f->type == FieldType::kObject) return Xapian::Query::MatchNothing;
      QUARRY_RETURN_IF_ERROR(require_string_field(*f, "prefix"));
      if (node.case_insensitive) {
        std::string want = lower(node.text);
        return expanding_constant(f->prefix, "",
                                  [want](const std::string& t) { return lower(t).rfind(want, 0) == 0; },
                                  node.boost, "prefix");
      }
      return constant_weight(Xapian::Query(Xapian::Query::OP_WILDCARD, f->prefix + node.text), node.boost);
    }
    case QueryKind::kWildcard: {
      if (!f || f->type == FieldType::kObject) return Xapian::Query::MatchNothing;
      QUARRY_RETURN_IF_ERROR(require_string_field(*f, "wildcard"));
      const std::string& pat = node.text;
      size_t first = pat.find_first_of("*?\\");
      if (!node.case_insensitive && first == std::string::npos) {
        return constant_weight(Xapian::Query(f->prefix + pat), node.boost);
      }
      if (!node.case_insensitive && first == pat.size() - 1 && pat[first] == '*') {
        return constant_weight(Xapian::Query(Xapian::Query::OP_WILDCARD, f->prefix + pat.substr(0, first)),
                               node.boost);
      }
      if (node.case_insensitive) {
        std::string lp = lower(pat);
        return expanding_constant(f->prefix, "", [lp](const std::string& t) { return glob_match(lp, lower(t)); },
                                  node.boost, "wildcard");
      }
      std::string start = pat.substr(0, first == std::string::npos ? pat.size() : first);
      return expanding_constant(f->prefix, start, [pat](const std::string& t) { return glob_match(pat, t); },
                                node.boost, "wildcard");
    }
    case QueryKind::kRegexp: {
      if (!f || f->type == FieldType::kObject) return Xapian::Query::MatchNothing;
      QUARRY_RETURN_IF_ERROR(require_string_field(*f, "regexp"));
      std::string literal;
      auto ecma = lucene_regex_to_ecma(node.text, node.format, &literal);
      if (!ecma.ok()) return ecma.status();
      std::shared_ptr<const std::regex> re;
      try {
        auto flags = std::regex::ECMAScript | std::regex::optimize;
        if (node.case_insensitive) flags |= std::regex::icase;
        re = std::make_shared<const std::regex>(*ecma, flags);
      } catch (const std::regex_error& e) {
        return Status::InvalidArgument("[regexp] invalid regular expression [" + node.text + "]: " + e.what());
      }
      if (node.case_insensitive) literal.clear();
      return expanding_constant(
          f->prefix, literal,
          [re, literal](const std::string& t) {
            if (t.compare(0, literal.size(), literal) != 0) return false;
            try {
              return std::regex_match(t, *re);
            } catch (const std::regex_error&) {
              throw_too_many("[regexp] query is too complex to evaluate");
            }
          },
          node.boost, "regexp");
    }
    case QueryKind::kFuzzy: {
      if (!f || f->type == FieldType::kObject) return Xapian::Query::MatchNothing;
      if (f->type != FieldType::kText && f->type != FieldType::kKeyword) {
        auto t = exact_term(*f, node.text);
        if (!t.ok()) return t.status();
        return boosted(Xapian::Query(*t), node.boost);
      }
      return boosted(fuzzy_term_query(*f, node.text, node.fuzziness, node.prefix_length, node.max_expansions,
                                      node.fuzzy_transpositions),
                     node.boost);
    }
    default:
      return Status::Internal("not a term-level query");
  }
}

}  // namespace quarry::query
