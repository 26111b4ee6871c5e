// query_string and simple_query_string: their JSON options become LuceneOptions and the text is
// parsed by query/lucene_syntax.cpp into the query tree at parse time.
#include <cctype>

#include "query/lucene_syntax.h"
#include "query/q_common.h"

namespace quarry::query {

namespace {

Result<QueryPtr> parse_string_query(const json::Value& body, bool simple) {
  const std::string q = simple ? "simple_query_string" : "query_string";
  if (!body.IsObject()) return Status::Parsing("[" + q + "] query malformed");
  LuceneOptions o;
  o.simple = simple;
  std::optional<std::string> text, msm;
  float boost = 1.0f;
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    const json::Value& v = it->value;
    if (key == "query") {
      auto t = scalar_text(v, q);
      if (!t.ok()) return t.status();
      text = *t;
    } else if (key == "fields" || (!simple && key == "default_field")) {
      if (v.IsString()) {
        o.default_fields.emplace_back(json::view(v));
      } else if (v.IsArray() && key == "fields") {
        for (const auto& f : v.GetArray()) {
          if (!f.IsString()) return Status::Parsing("[" + q + "] [fields] must hold strings");
          o.default_fields.emplace_back(json::view(f));
        }
      } else {
        return Status::Parsing("[" + q + "] query: [" + key + "] has the wrong type");
      }
    } else if (key == "default_operator") {
      std::string op = v.IsString() ? std::string(json::view(v)) : "";
      for (auto& c : op) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (op != "and" && op != "or") return Status::Parsing("[" + q + "] query: unknown default_operator [" + op + "]");
      o.default_operator_and = op == "and";
    } else if (key == "analyze_wildcard" || key == "lenient" || key == "fuzzy_transpositions" ||
               key == "auto_generate_synonyms_phrase_query" || (!simple && (key == "allow_leading_wildcard" ||
               key == "enable_position_increments" || key == "escape"))) {
      auto b = bool_param(v, q, key);
      if (!b.ok()) return b.status();
      if (key == "analyze_wildcard") o.analyze_wildcard = *b;
      if (key == "lenient") o.lenient = *b;
      if (key == "fuzzy_transpositions") o.fuzzy_transpositions = *b;
    } else if (key == "analyzer") {
      auto s = string_param(v, q, key);
      if (!s.ok()) return s.status();
      o.analyzer = *s;
    } else if (key == "fuzzy_prefix_length" || key == "fuzzy_max_expansions" || (!simple && key == "phrase_slop") ||
               (!simple && key == "max_determinized_states")) {
      auto i = int_param(v, q, key);
      if (!i.ok()) return i.status();
      if (key == "fuzzy_prefix_length") o.fuzzy_prefix_length = *i;
      if (key == "fuzzy_max_expansions") o.fuzzy_max_expansions = *i;
      if (key == "phrase_slop") o.phrase_slop = *i;
    } else if (!simple && key == "fuzziness") {
      auto f = fuzziness_param(v, q);
      if (!f.ok()) return f.status();
      o.fuzziness = *f;
    } else if (!simple && key == "tie_breaker") {
      auto d = number_param(v, q, key);
      if (!d.ok()) return d.status();
      o.tie_breaker = static_cast<float>(*d);
    } else if (!simple && key == "type") {
      std::string t = v.IsString() ? std::string(json::view(v)) : "";
      if (t == "most_fields") o.most_fields = true;
      else if (t != "best_fields") return Status::Parsing("[" + q + "] query: type [" + t + "] is not supported");
    } else if (!simple && key == "time_zone") {
      auto s = string_param(v, q, key);
      if (!s.ok()) return s.status();
      o.time_zone = *s;
    } else if (!simple && key == "rewrite") {
      if (!v.IsString()) return Status::Parsing("[" + q + "] query: [rewrite] must be a string");
    } else if (simple && key == "flags") {
      // The operators are always enabled; accept the default spelling only.
      std::string f = v.IsString() ? std::string(json::view(v)) : "";
      if (f != "ALL" && !(v.IsInt() && v.GetInt() == -1)) {
        return Status::Parsing("[simple_query_string] query: only flags [ALL] are supported, got [" + f + "]");
      }
    } else if (key == "minimum_should_match") {
      auto t = scalar_text(v, q);
      if (!t.ok()) return t.status();
      auto check = min_should_match(*t, 1);
      if (!check.ok()) return check.status();
      msm = *t;
    } else if (key == "boost") {
      auto b = boost_of(v);
      if (!b.ok()) return b.status();
      boost = *b;
    } else if (key == "_name") {
    } else {
      return unknown_param(q, key);
    }
  }
  if (!text) return Status::Parsing("[" + q + "] must be provided with a [query]");
  auto parsed = parse_lucene_query(*text, o);
  if (!parsed.ok()) return parsed;
  auto node = std::make_shared<QueryNode>(**parsed);
  node->boost *= boost;
  if (msm && node->kind == QueryKind::kBool) node->minimum_should_match = msm;
  if (msm && node->kind == QueryKind::kMatch) node->minimum_should_match = msm;
  return QueryPtr(node);
}

}  // namespace

Result<QueryPtr> parse_query_string(const json::Value& body) { return parse_string_query(body, false); }
Result<QueryPtr> parse_simple_query_string(const json::Value& body) { return parse_string_query(body, true); }

}  // namespace quarry::query
