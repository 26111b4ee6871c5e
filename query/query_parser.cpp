#include "query/query_parser.h"

#include <cctype>
#include <functional>
#include <map>

#include "query/q_common.h"

namespace quarry::query {

Status unknown_param(const std::string& query, const std::string& param) {
  return Status::Parsing("[" + query + "] query does not support [" + param + "]");
}

Result<std::string> scalar_text(const json::Value& v, const std::string& query) {
  if (v.IsString()) return std::string(json::view(v));
  if (v.IsBool()) return std::string(v.GetBool() ? "true" : "false");
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsUint64()) return std::to_string(v.GetUint64());
  if (v.IsDouble()) return json::to_string(v);
  return Status::Parsing("[" + query + "] query does not support values of type [" + json::type_name(v) + "]");
}

Status single_field(const json::Value& body, const std::string& query, std::string* field,
                    const json::Value** inner) {
  if (!body.IsObject() || body.MemberCount() == 0) {
    return Status::Parsing("[" + query + "] query malformed, no field specified");
  }
  const json::Value* found = nullptr;
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    if (key == "boost" || key == "_name") continue;
    if (found) {
      return Status::Parsing("[" + query + "] query doesn't support multiple fields, found [" + *field +
                             "] and [" + key + "]");
    }
    *field = key;
    found = &it->value;
  }
  if (!found) return Status::Parsing("[" + query + "] query malformed, no field specified");
  *inner = found;
  return Status::Ok();
}

Result<float> boost_of(const json::Value& v) {
  if (v.IsNumber()) return static_cast<float>(v.GetDouble());
  if (v.IsString()) {
    std::string s(json::view(v));
    char* end = nullptr;
    double d = std::strtod(s.c_str(), &end);
    if (!s.empty() && end && *end == '\0') return static_cast<float>(d);
  }
  return Status::Parsing("[boost] must be a number");
}

Result<double> number_param(const json::Value& v, const std::string& query, const std::string& name) {
  if (v.IsNumber()) return v.GetDouble();
  if (v.IsString()) {
    std::string s(json::view(v));
    char* end = nullptr;
    double d = std::strtod(s.c_str(), &end);
    if (!s.empty() && end && *end == '\0') return d;
  }
  return Status::Parsing("[" + query + "] query: [" + name + "] must be a number");
}

Result<int> int_param(const json::Value& v, const std::string& query, const std::string& name) {
  auto d = number_param(v, query, name);
  if (!d.ok()) return d.status();
  if (*d != static_cast<double>(static_cast<int64_t>(*d)) || *d < -2147483648.0 || *d > 2147483647.0) {
    return Status::Parsing("[" + query + "] query: [" + name + "] must be an integer");
  }
  return static_cast<int>(*d);
}

Result<bool> bool_param(const json::Value& v, const std::string& query, const std::string& name) {
  if (v.IsBool()) return v.GetBool();
  if (v.IsString() && (json::view(v) == "true" || json::view(v) == "false")) return json::view(v) == "true";
  return Status::Parsing("[" + query + "] query: [" + name + "] must be a boolean");
}

Result<std::string> string_param(const json::Value& v, const std::string& query, const std::string& name) {
  if (v.IsString()) return std::string(json::view(v));
  return Status::Parsing("[" + query + "] query: [" + name + "] must be a string");
}

Result<std::string> fuzziness_param(const json::Value& v, const std::string& query) {
  auto t = scalar_text(v, query);
  if (!t.ok()) return t.status();
  std::string s = *t;
  std::string upper = s;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper == "AUTO") return std::string("AUTO");
  if (upper.rfind("AUTO:", 0) == 0) {
    int lo = 0, hi = 0;
    char extra = 0;
    if (std::sscanf(upper.c_str() + 5, "%d,%d%c", &lo, &hi, &extra) == 2 && lo >= 0 && hi >= lo) {
      return "AUTO:" + std::to_string(lo) + "," + std::to_string(hi);
    }
    return Status::Parsing("failed to find low and high distance values");
  }
  if (s == "0" || s == "1" || s == "2" || s == "0.0" || s == "1.0" || s == "2.0") return s.substr(0, 1);
  return Status::Parsing("[" + query + "] query: invalid fuzziness [" + s + "]; expected 0, 1, 2 or AUTO");
}

Result<QueryPtr> parse_query(const json::Value& query) {
  if (!query.IsObject()) return Status::Parsing("[_na] query malformed, must start with start_object");
  if (query.MemberCount() != 1) {
    if (query.MemberCount() == 0) return QueryPtr(std::make_shared<QueryNode>());
    return Status::Parsing("[" + std::string(json::view(std::next(query.MemberBegin())->name)) +
                           "] malformed query, expected [END_OBJECT] but found [FIELD_NAME]");
  }
  std::string type(json::view(query.MemberBegin()->name));
  const json::Value& body = query.MemberBegin()->value;
  if (type == "match_all" || type == "match_none") {
    auto node = std::make_shared<QueryNode>();
    node->kind = type == "match_all" ? QueryKind::kMatchAll : QueryKind::kMatchNone;
    if (!body.IsObject()) return Status::Parsing("[" + type + "] query malformed");
    for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
      std::string key(json::view(it->name));
      if (key == "boost") {
        auto b = boost_of(it->value);
        if (!b.ok()) return b.status();
        node->boost = *b;
      } else if (key != "_name") {
        return unknown_param(type, key);
      }
    }
    return QueryPtr(node);
  }
  using Parser = std::function<Result<QueryPtr>(const json::Value&)>;
  auto family = [](const char* t) -> Parser {
    return [t](const json::Value& b) { return parse_match_family(t, b); };
  };
  static const std::map<std::string, Parser> kParsers = {
      {"match", family("match")},
      {"match_phrase", family("match_phrase")},
      {"match_phrase_prefix", family("match_phrase_prefix")},
      {"match_bool_prefix", family("match_bool_prefix")},
      {"multi_match", parse_multi_match},
      {"combined_fields", parse_combined_fields},
      {"query_string", parse_query_string},
      {"simple_query_string", parse_simple_query_string},
      {"term", parse_term},
      {"terms", parse_terms},
      {"ids", parse_ids},
      {"exists", parse_exists},
      {"prefix", parse_prefix},
      {"wildcard", parse_wildcard},
      {"regexp", parse_regexp},
      {"fuzzy", parse_fuzzy},
      {"range", parse_range},
      {"bool", parse_bool},
      {"constant_score", parse_constant_score},
      {"boosting", parse_boosting},
      {"dis_max", parse_dis_max},
      {"function_score", parse_function_score},
  };
  auto it = kParsers.find(type);
  if (type == "nested") {
    // Nested fields are indexed as flattened objects (docs/storage-format.md), so there are no
    // hidden per-object documents a nested query could match; say so rather than "unknown query".
    return Status::Parsing("[nested] query is not supported: Quarry indexes [nested] fields as flattened objects")
        .with("line", "1").with("col", "1");
  }
  if (it == kParsers.end()) {
    return Status::Parsing("unknown query [" + type + "]").with("line", "1").with("col", "1");
  }
  return it->second(body);
}

}  // namespace quarry::query
