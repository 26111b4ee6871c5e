#include "query/to_xapian.h"

#include <cmath>
#include <map>

#include "index/analysis.h"
#include "index/document_mapper.h"
#include "index/field_value.h"
#include "query/q_common.h"
#include "query/q_sources.h"

namespace quarry::query {

using index::FieldMapping;
using index::FieldType;

namespace {

// Above this many k-of-n combinations, "at least k" is counted at match time instead.
constexpr double kMaxCombinations = 64;

Status type_error(const FieldMapping& f, const std::string& value) {
  return Status::InvalidArgument("failed to create query: For input string: \"" + value + "\" on field [" + f.path +
                                 "] of type [" + index::field_type_name(f.type) + "]");
}

bool is_leaf(QueryKind k) {
  switch (k) {
    case QueryKind::kMatch: case QueryKind::kMatchPhrase: case QueryKind::kMatchPhrasePrefix:
    case QueryKind::kMatchBoolPrefix: case QueryKind::kTerm: case QueryKind::kRange: case QueryKind::kPrefix:
    case QueryKind::kWildcard: case QueryKind::kRegexp: case QueryKind::kFuzzy: case QueryKind::kExists:
      return true;
    default:
      return false;
  }
}

bool glob(std::string_view pat, std::string_view s) {
  if (pat.empty()) return s.empty();
  if (pat[0] == '*') {
    for (size_t i = 0; i <= s.size(); ++i) {
      if (glob(pat.substr(1), s.substr(i))) return true;
    }
    return false;
  }
  return !s.empty() && (pat[0] == '?' || pat[0] == s[0]) && glob(pat.substr(1), s.substr(1));
}

void combinations(const std::vector<Xapian::Query>& clauses, size_t start, int k, std::vector<Xapian::Query>& current,
                  std::vector<Xapian::Query>& out) {
  if (k == 0) {
    out.emplace_back(Xapian::Query::OP_AND, current.begin(), current.end());
    return;
  }
  for (size_t i = start; i + k <= clauses.size(); ++i) {
    current.push_back(clauses[i]);
    combinations(clauses, i + 1, k - 1, current, out);
    current.pop_back();
  }
}

}  // namespace

Xapian::Query match_all() { return Xapian::Query(std::string()); }

Xapian::Query boosted(Xapian::Query q, double boost) {
  if (boost == 1.0) return q;
  if (boost < 0) boost = 0;
  return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q, boost);
}

Result<int> min_should_match(const std::string& raw, int count) {
  std::string spec;
  for (char c : raw) {
    if (!std::isspace(static_cast<unsigned char>(c)) || (!spec.empty() && spec.back() != ' ')) spec += c;
  }
  while (!spec.empty() && spec.back() == ' ') spec.pop_back();
  auto bad = [&]() { return Status::Parsing("Invalid minimum_should_match value [" + raw + "]"); };
  auto simple = [&](const std::string& s, int n) -> Result<int> {
    if (s.empty()) return bad();
    char* end = nullptr;
    if (s.back() == '%') {
      std::string num = s.substr(0, s.size() - 1);
      long pct = std::strtol(num.c_str(), &end, 10);
      if (num.empty() || *end) return bad();
      float calc = static_cast<float>(n) * static_cast<float>(pct) * (1 / 100.0f);
      int r = calc < 0 ? n + static_cast<int>(calc) : static_cast<int>(calc);
      return r < 0 ? 0 : r;
    }
    long v = std::strtol(s.c_str(), &end, 10);
    if (*end) return bad();
    int r = v < 0 ? n + static_cast<int>(v) : static_cast<int>(v);
    return r < 0 ? 0 : r;
  };
  if (spec.find('<') == std::string::npos) return simple(spec, count);
  // "a<b c<d": below or at a clauses all are required; above, b applies (then c<d above c).
  int result = count;
  size_t pos = 0;
  while (pos < spec.size()) {
    size_t space = spec.find(' ', pos);
    std::string part = spec.substr(pos, space == std::string::npos ? std::string::npos : space - pos);
    pos = space == std::string::npos ? spec.size() : space + 1;
    size_t lt = part.find('<');
    if (lt == std::string::npos || lt == 0) return bad();
    char* end = nullptr;
    std::string upper_text = part.substr(0, lt);
    long upper = std::strtol(upper_text.c_str(), &end, 10);
    if (*end) return bad();
    if (count <= upper) return result;
    auto r = simple(part.substr(lt + 1), count);
    if (!r.ok()) return r;
    result = *r;
  }
  return result;
}

Xapian::Query at_least(int k, const std::vector<Xapian::Query>& clauses) {
  int n = static_cast<int>(clauses.size());
  if (k > n || n == 0) return Xapian::Query::MatchNothing;
  if (k <= 1) return Xapian::Query(Xapian::Query::OP_OR, clauses.begin(), clauses.end());
  if (k == n) return Xapian::Query(Xapian::Query::OP_AND, clauses.begin(), clauses.end());
  Xapian::Query scored(Xapian::Query::OP_OR, clauses.begin(), clauses.end());
  double combos = 1;
  for (int i = 0; i < k; ++i) combos = combos * (n - i) / (i + 1);
  if (combos <= kMaxCombinations) {
    // The match set is the union of every k-subset's conjunction; the scores come from the
    // plain disjunction (OP_FILTER's right side is not weighted).
    std::vector<Xapian::Query> subsets, current;
    combinations(clauses, 0, k, current, subsets);
    return Xapian::Query(Xapian::Query::OP_FILTER, scored,
                         Xapian::Query(Xapian::Query::OP_OR, subsets.begin(), subsets.end()));
  }
  // Many clauses: count per document at match time; the weight is the sum of the matching clauses.
  std::vector<Xapian::Query> copy = clauses;
  return materialized(
      [copy, k](const Xapian::Database& db) {
        std::map<Xapian::docid, std::pair<int, double>> counts;
        for (const auto& c : copy) {
          for (const auto& [id, w] : run_scored(db, c)) {
            auto& e = counts[id];
            e.first++;
            e.second += w;
          }
        }
        ScoredDocs out;
        for (const auto& [id, e] : counts) {
          if (e.first >= k) out.emplace_back(id, e.second);
        }
        return out;
      },
      "at_least " + std::to_string(k));
}

std::vector<std::pair<const FieldMapping*, float>> resolve_fields(const std::vector<std::string>& patterns,
                                                                  const index::Mapping& mapping, bool* wildcard_used) {
  std::vector<std::pair<const FieldMapping*, float>> out;
  if (wildcard_used) *wildcard_used = false;
  for (const auto& p : patterns) {
    std::string name = p;
    float boost = 1.0f;
    auto caret = p.rfind('^');
    if (caret != std::string::npos) {
      name = p.substr(0, caret);
      boost = std::strtof(p.c_str() + caret + 1, nullptr);
    }
    auto add = [&](const FieldMapping* f) {
      for (auto& e : out) {
        if (e.first == f) {
          e.second = std::max(e.second, boost);
          return;
        }
      }
      out.emplace_back(f, boost);
    };
    if (name.find('*') == std::string::npos) {
      const FieldMapping* f = mapping.find(name);
      if (f && f->type != FieldType::kObject) add(f);
      continue;
    }
    if (wildcard_used) *wildcard_used = true;
    for (const auto& [path, f] : mapping.fields()) {
      if (f.type == FieldType::kObject || !f.index) continue;
      if (glob(name, path)) add(&f);
    }
  }
  return out;
}

Xapian::Query dis_max(const std::vector<Xapian::Query>& qs, float tie_breaker) {
  if (qs.empty()) return Xapian::Query::MatchNothing;
  if (qs.size() == 1) return qs[0];
  Xapian::Query max(Xapian::Query::OP_MAX, qs.begin(), qs.end());
  if (tie_breaker <= 0) return max;
  Xapian::Query sum(Xapian::Query::OP_OR, qs.begin(), qs.end());
  if (tie_breaker >= 1) return sum;
  // max + t * (sum - max) = (1 - t) * max + t * sum
  return Xapian::Query(Xapian::Query::OP_OR, Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, max, 1.0 - tie_breaker),
                       Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, sum, tie_breaker));
}

Result<std::string> exact_term(const FieldMapping& f, const std::string& value) {
  if (f.type == FieldType::kText || f.type == FieldType::kKeyword) return f.prefix + value;
  if (f.type == FieldType::kObject) {
    return Status::InvalidArgument("field [" + f.path + "] of type [object] cannot be queried by value");
  }
  if (f.type == FieldType::kBinary) return Status::InvalidArgument("Binary fields do not support searching");
  if (f.type == FieldType::kRange) {
    return Status::InvalidArgument("queries on range fields are not supported: [" + f.path + "] is of type [" +
                                   f.es_type_name() + "]");
  }
  if (f.type == FieldType::kGeoPoint) {
    return Status::InvalidArgument(
        "Geometry fields do not support exact searching, use dedicated geometry queries instead: [" + f.path + "]");
  }
  if (f.type == FieldType::kIp) {
    auto b = index::parse_ip(value);
    if (!b) return Status::InvalidArgument("'" + value + "' is not an IP string literal.");
    return f.prefix + index::ip_text(*b);
  }
  // Encode through the same code the document mapper indexes with, so the terms agree.
  json::Document v;
  bool numeric = index::is_numeric(f.type);
  if (numeric) {
    v.Parse(value.c_str());
    if (v.HasParseError() || !v.IsNumber()) v.SetString(value.c_str(), v.GetAllocator());
  } else {
    v.SetString(value.c_str(), v.GetAllocator());
  }
  FieldMapping lenient = f;
  lenient.coerce = true;
  index::EncodedValue encoded;
  if (numeric && v.IsNumber() && v.IsDouble() &&
      (f.type == FieldType::kLong || f.type == FieldType::kInteger || f.type == FieldType::kShort ||
       f.type == FieldType::kByte)) {
    double d = v.GetDouble();
    if (d != std::floor(d)) return f.prefix + "\x01";  // a fraction never equals a whole number
  }
  if (!index::encode_value(lenient, v, encoded)) {
    if (f.type == FieldType::kBoolean) {
      return Status::InvalidArgument("Can't parse boolean value [" + value + "], expected [true] or [false]");
    }
    return type_error(f, value);
  }
  return f.prefix + encoded.term;
}

Result<Xapian::Query> to_xapian(const QueryNode& node, const index::Mapping& mapping) {
  if (!node.fields.empty() && is_leaf(node.kind)) {
    // The same query on several fields (query_string): dis_max, or a sum for most_fields.
    bool wildcard = false;
    auto fields = resolve_fields(node.fields, mapping, &wildcard);
    std::vector<Xapian::Query> per_field;
    for (auto& [f, b] : fields) {
      QueryNode child = node;
      child.fields.clear();
      child.field = f->path;
      child.boost = b;
      child.lenient = node.lenient || wildcard;
      auto q = to_xapian(child, mapping);
      if (!q.ok()) {
        if (child.lenient) continue;
        return q;
      }
      per_field.push_back(*q);
    }
    if (per_field.empty()) return Xapian::Query::MatchNothing;
    Xapian::Query q = node.multi_type == MultiMatchType::kMostFields
                          ? Xapian::Query(Xapian::Query::OP_OR, per_field.begin(), per_field.end())
                          : dis_max(per_field, node.tie_breaker.value_or(0.0f));
    return boosted(q, node.boost);
  }
  switch (node.kind) {
    case QueryKind::kMatchAll:
      return constant_weight(match_all(), node.boost);
    case QueryKind::kMatchNone:
      return Xapian::Query::MatchNothing;
    case QueryKind::kMatch:
    case QueryKind::kMatchPhrase:
    case QueryKind::kMatchPhrasePrefix:
    case QueryKind::kMatchBoolPrefix:
      return match_to_xapian(node, mapping);
    case QueryKind::kMultiMatch:
      return multi_match_to_xapian(node, mapping);
    case QueryKind::kCombinedFields:
      return combined_fields_to_xapian(node, mapping);
    case QueryKind::kTerm:
    case QueryKind::kTerms:
    case QueryKind::kIds:
    case QueryKind::kExists:
    case QueryKind::kPrefix:
    case QueryKind::kWildcard:
    case QueryKind::kRegexp:
    case QueryKind::kFuzzy:
      return term_level_to_xapian(node, mapping);
    case QueryKind::kRange:
      return range_to_xapian(node, mapping);
    case QueryKind::kBool:
    case QueryKind::kConstantScore:
    case QueryKind::kBoosting:
    case QueryKind::kDisMax:
      return compound_to_xapian(node, mapping);
    case QueryKind::kFunctionScore:
      return function_score_to_xapian(node, mapping);
  }
  return Status::Internal("unhandled query kind");
}

}  // namespace quarry::query
