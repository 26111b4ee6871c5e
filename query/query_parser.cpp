#include "query/query_parser.h"

#include <functional>
#include <map>

namespace quarry::query {

namespace {

Status unknown_param(const char* query, const std::string& param) {
  return Status::Parsing("[" + std::string(query) + "] query does not support [" + param + "]");
}

// Renders a JSON scalar the way a term value is compared: strings as-is, numbers canonically.
Result<std::string> scalar_text(const json::Value& v, const char* query) {
  if (v.IsString()) return std::string(json::view(v));
  if (v.IsBool()) return std::string(v.GetBool() ? "true" : "false");
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsUint64()) return std::to_string(v.GetUint64());
  if (v.IsDouble()) return json::to_string(v);
  return Status::Parsing("[" + std::string(query) + "] query does not support values of type [" +
                         json::type_name(v) + "]");
}

// {"field": value} or {"field": {"value"/"query": ..., options}} -> (field, options object or scalar)
Status single_field(const json::Value& body, const char* query, std::string* field, const json::Value** inner) {
  if (!body.IsObject() || body.MemberCount() == 0) {
    return Status::Parsing("[" + std::string(query) + "] query malformed, no field specified");
  }
  // "boost" or "_name" may sit beside the field in the short form.
  const json::Value* found = nullptr;
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    if (key == "boost" || key == "_name") continue;
    if (found) {
      return Status::Parsing("[" + std::string(query) + "] query doesn't support multiple fields, found [" +
                             *field + "] and [" + key + "]");
    }
    *field = key;
    found = &it->value;
  }
  if (!found) return Status::Parsing("[" + std::string(query) + "] query malformed, no field specified");
  *inner = found;
  return Status::Ok();
}

Result<float> boost_of(const json::Value& v) {
  if (!v.IsNumber()) return Status::Parsing("[boost] must be a number");
  return static_cast<float>(v.GetDouble());
}

Result<QueryPtr> parse_match(const json::Value& body) {
  auto node = std::make_shared<QueryNode>();
  node->kind = QueryKind::kMatch;
  const json::Value* inner;
  QUARRY_RETURN_IF_ERROR(single_field(body, "match", &node->field, &inner));
  if (!inner->IsObject()) {
    auto t = scalar_text(*inner, "match");
    if (!t.ok()) return t.status();
    node->text = *t;
    return QueryPtr(node);
  }
  bool has_query = false;
  for (auto it = inner->MemberBegin(); it != inner->MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    if (key == "query") {
      auto t = scalar_text(it->value, "match");
      if (!t.ok()) return t.status();
      node->text = *t;
      has_query = true;
    } else if (key == "operator") {
      std::string op = it->value.IsString() ? std::string(json::view(it->value)) : "";
      for (auto& c : op) c = static_cast<char>(std::tolower(c));
      if (op != "and" && op != "or") return Status::Parsing("[match] query: unknown operator [" + op + "]");
      node->operator_and = op == "and";
    } else if (key == "boost") {
      auto b = boost_of(it->value);
      if (!b.ok()) return b.status();
      node->boost = *b;
    } else if (key == "_name") {
    } else {
      return unknown_param("match", key);
    }
  }
  if (!has_query) return Status::Parsing("No text specified for text query");
  return QueryPtr(node);
}

Result<QueryPtr> parse_term(const json::Value& body) {
  auto node = std::make_shared<QueryNode>();
  node->kind = QueryKind::kTerm;
  const json::Value* inner;
  QUARRY_RETURN_IF_ERROR(single_field(body, "term", &node->field, &inner));
  if (!inner->IsObject()) {
    auto t = scalar_text(*inner, "term");
    if (!t.ok()) return t.status();
    node->text = *t;
    return QueryPtr(node);
  }
  bool has_value = false;
  for (auto it = inner->MemberBegin(); it != inner->MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    if (key == "value") {
      auto t = scalar_text(it->value, "term");
      if (!t.ok()) return t.status();
      node->text = *t;
      has_value = true;
    } else if (key == "boost") {
      auto b = boost_of(it->value);
      if (!b.ok()) return b.status();
      node->boost = *b;
    } else if (key == "_name" || key == "case_insensitive") {
    } else {
      return unknown_param("term", key);
    }
  }
  if (!has_value) return Status::Parsing("[term] query malformed, no value specified");
  return QueryPtr(node);
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
      if (!node->field.empty()) {
        return Status::Parsing("[terms] query does not support multiple fields");
      }
      if (!it->value.IsArray()) {
        return Status::Parsing("[terms] query does not support [" + key + "]");
      }
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
    if (key == "field") node->field = json::view(it->value);
    else if (key == "boost") {
      auto b = boost_of(it->value);
      if (!b.ok()) return b.status();
      node->boost = *b;
    } else if (key != "_name") return unknown_param("exists", key);
  }
  return QueryPtr(node);
}

Result<QueryPtr> parse_bool(const json::Value& body) {
  auto node = std::make_shared<QueryNode>();
  node->kind = QueryKind::kBool;
  if (!body.IsObject()) return Status::Parsing("[bool] query malformed");
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    std::vector<QueryPtr>* target = nullptr;
    if (key == "must") target = &node->must;
    else if (key == "should") target = &node->should;
    else if (key == "must_not") target = &node->must_not;
    else if (key == "filter") target = &node->filter;
    if (target) {
      auto add = [&](const json::Value& q) -> Status {
        auto parsed = parse_query(q);
        if (!parsed.ok()) return parsed.status();
        target->push_back(*parsed);
        return Status::Ok();
      };
      if (it->value.IsArray()) {
        for (const auto& q : it->value.GetArray()) QUARRY_RETURN_IF_ERROR(add(q));
      } else {
        QUARRY_RETURN_IF_ERROR(add(it->value));
      }
    } else if (key == "minimum_should_match") {
      auto t = scalar_text(it->value, "bool");
      if (!t.ok()) return t.status();
      node->minimum_should_match = *t;
    } else if (key == "boost") {
      auto b = boost_of(it->value);
      if (!b.ok()) return b.status();
      node->boost = *b;
    } else if (key != "_name" && key != "adjust_pure_negative") {
      return unknown_param("bool", key);
    }
  }
  return QueryPtr(node);
}

}  // namespace

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
        return unknown_param(type.c_str(), key);
      }
    }
    return QueryPtr(node);
  }
  static const std::map<std::string, std::function<Result<QueryPtr>(const json::Value&)>> kParsers = {
      {"match", parse_match}, {"term", parse_term}, {"terms", parse_terms},
      {"ids", parse_ids},     {"exists", parse_exists}, {"bool", parse_bool}};
  auto it = kParsers.find(type);
  if (it == kParsers.end()) {
    return Status::Parsing("unknown query [" + type + "]").with("line", "1").with("col", "1");
  }
  return it->second(body);
}

}  // namespace quarry::query
