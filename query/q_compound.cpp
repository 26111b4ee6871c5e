// Compound queries: bool, constant_score, boosting, dis_max. Filter context (bool filter,
// must_not, constant_score's filter) never contributes to the score.
//
// bool minimum_should_match >= 2 has no Xapian operator: see at_least() in to_xapian.cpp (the union
// of the k-subset conjunctions as an OP_FILTER for few clauses, a match-time count otherwise); the
// score is always the sum of the matching should clauses, as in Elasticsearch.
#include "query/q_common.h"
#include "query/q_sources.h"
#include "query/query_parser.h"
#include "query/to_xapian.h"

namespace quarry::query {

namespace {

Status parse_clauses(const json::Value& v, std::vector<QueryPtr>* target) {
  auto add = [&](const json::Value& q) -> Status {
    auto parsed = parse_query(q);
    if (!parsed.ok()) return parsed.status();
    target->push_back(*parsed);
    return Status::Ok();
  };
  if (v.IsArray()) {
    for (const auto& q : v.GetArray()) QUARRY_RETURN_IF_ERROR(add(q));
    return Status::Ok();
  }
  return add(v);
}

Result<QueryPtr> parse_inner(const json::Value& v, const std::string& q, const std::string& key) {
  if (!v.IsObject()) return Status::Parsing("[" + q + "] query: [" + key + "] must be an object");
  return parse_query(v);
}

Status convert_all(const std::vector<QueryPtr>& qs, const index::Mapping& mapping, std::vector<Xapian::Query>* out) {
  for (const auto& q : qs) {
    auto x = to_xapian(*q, mapping);
    if (!x.ok()) return x.status();
    out->push_back(*x);
  }
  return Status::Ok();
}

}  // namespace

Result<QueryPtr> parse_bool(const json::Value& body) {
  auto node = std::make_shared<QueryNode>();
  node->kind = QueryKind::kBool;
  if (!body.IsObject()) return Status::Parsing("[bool] query malformed");
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    std::vector<QueryPtr>* target = nullptr;
    if (key == "must") target = &node->must;
    else if (key == "should") target = &node->should;
    else if (key == "must_not" || key == "mustNot") target = &node->must_not;
    else if (key == "filter") target = &node->filter;
    if (target) {
      QUARRY_RETURN_IF_ERROR(parse_clauses(it->value, target));
    } else if (key == "minimum_should_match") {
      auto t = scalar_text(it->value, "bool");
      if (!t.ok()) return t.status();
      auto check = min_should_match(*t, 1);
      if (!check.ok()) return check.status();
      node->minimum_should_match = *t;
    } else if (key == "boost") {
      auto b = boost_of(it->value);
      if (!b.ok()) return b.status();
      node->boost = *b;
    } else if (key == "adjust_pure_negative") {
      auto b = bool_param(it->value, "bool", key);
      if (!b.ok()) return b.status();
    } else if (key != "_name") {
      return unknown_param("bool", key);
    }
  }
  return QueryPtr(node);
}

Result<QueryPtr> parse_constant_score(const json::Value& body) {
  auto node = std::make_shared<QueryNode>();
  node->kind = QueryKind::kConstantScore;
  if (!body.IsObject()) return Status::Parsing("[constant_score] query malformed");
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    if (key == "filter") {
      auto q = parse_inner(it->value, "constant_score", key);
      if (!q.ok()) return q;
      node->inner = *q;
    } else if (key == "boost") {
      auto b = boost_of(it->value);
      if (!b.ok()) return b.status();
      node->boost = *b;
    } else if (key != "_name") {
      return unknown_param("constant_score", key);
    }
  }
  if (!node->inner) return Status::Parsing("[constant_score] requires a 'filter' element");
  return QueryPtr(node);
}

Result<QueryPtr> parse_boosting(const json::Value& body) {
  auto node = std::make_shared<QueryNode>();
  node->kind = QueryKind::kBoosting;
  if (!body.IsObject()) return Status::Parsing("[boosting] query malformed");
  bool has_nb = false;
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    if (key == "positive" || key == "negative") {
      auto q = parse_inner(it->value, "boosting", key);
      if (!q.ok()) return q;
      (key == "positive" ? node->inner : node->negative) = *q;
    } else if (key == "negative_boost") {
      auto d = number_param(it->value, "boosting", key);
      if (!d.ok()) return d.status();
      if (*d < 0) return Status::InvalidArgument("[boosting] query requires negative_boost to be set to positive value");
      node->negative_boost = static_cast<float>(*d);
      has_nb = true;
    } else if (key == "boost") {
      auto b = boost_of(it->value);
      if (!b.ok()) return b.status();
      node->boost = *b;
    } else if (key != "_name") {
      return unknown_param("boosting", key);
    }
  }
  if (!node->inner) return Status::Parsing("[boosting] query requires 'positive' query to be set'");
  if (!node->negative) return Status::Parsing("[boosting] query requires 'negative' query to be set'");
  if (!has_nb) return Status::Parsing("[boosting] query requires 'negative_boost' to be set to be a positive value'");
  return QueryPtr(node);
}

Result<QueryPtr> parse_dis_max(const json::Value& body) {
  auto node = std::make_shared<QueryNode>();
  node->kind = QueryKind::kDisMax;
  if (!body.IsObject()) return Status::Parsing("[dis_max] query malformed");
  bool has_queries = false;
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    if (key == "queries") {
      QUARRY_RETURN_IF_ERROR(parse_clauses(it->value, &node->queries));
      has_queries = true;
    } else if (key == "tie_breaker") {
      auto d = number_param(it->value, "dis_max", key);
      if (!d.ok()) return d.status();
      node->tie_breaker = static_cast<float>(*d);
    } else if (key == "boost") {
      auto b = boost_of(it->value);
      if (!b.ok()) return b.status();
      node->boost = *b;
    } else if (key != "_name") {
      return unknown_param("dis_max", key);
    }
  }
  if (!has_queries) return Status::Parsing("[dis_max] requires 'queries' field with at least one clause");
  return QueryPtr(node);
}

Result<Xapian::Query> compound_to_xapian(const QueryNode& node, const index::Mapping& mapping) {
  switch (node.kind) {
    case QueryKind::kConstantScore: {
      auto q = to_xapian(*node.inner, mapping);
      if (!q.ok()) return q;
      return constant_weight(*q, node.boost);
    }
    case QueryKind::kBoosting: {
      auto pos = to_xapian(*node.inner, mapping);
      if (!pos.ok()) return pos;
      auto neg = to_xapian(*node.negative, mapping);
      if (!neg.ok()) return neg;
      // Disjoint halves: positives without the negative keep their score, the others are scaled.
      Xapian::Query keep(Xapian::Query::OP_AND_NOT, *pos, *neg);
      Xapian::Query demoted(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(Xapian::Query::OP_FILTER, *pos, *neg),
                            node.negative_boost);
      return boosted(Xapian::Query(Xapian::Query::OP_OR, keep, demoted), node.boost);
    }
    case QueryKind::kDisMax: {
      std::vector<Xapian::Query> qs;
      QUARRY_RETURN_IF_ERROR(convert_all(node.queries, mapping, &qs));
      if (qs.empty()) return Xapian::Query::MatchNothing;
      return boosted(dis_max(qs, node.tie_breaker.value_or(0.0f)), node.boost);
    }
    case QueryKind::kBool:
      break;
    default:
      return Status::Internal("not a compound query");
  }
  std::vector<Xapian::Query> must, should, must_not, filter;
  QUARRY_RETURN_IF_ERROR(convert_all(node.must, mapping, &must));
  QUARRY_RETURN_IF_ERROR(convert_all(node.should, mapping, &should));
  QUARRY_RETURN_IF_ERROR(convert_all(node.must_not, mapping, &must_not));
  QUARRY_RETURN_IF_ERROR(convert_all(node.filter, mapping, &filter));
  int msm = (must.empty() && filter.empty() && !should.empty()) ? 1 : 0;
  if (node.minimum_should_match) {
    auto m = min_should_match(*node.minimum_should_match, static_cast<int>(should.size()));
    if (!m.ok()) return m.status();
    msm = *m;
  }
  if (msm > static_cast<int>(should.size())) return Xapian::Query::MatchNothing;

  std::optional<Xapian::Query> q;  // the scoring part
  if (!must.empty()) q = Xapian::Query(Xapian::Query::OP_AND, must.begin(), must.end());
  if (!should.empty()) {
    if (msm >= 1) {
      Xapian::Query s = at_least(msm, should);
      q = q ? Xapian::Query(Xapian::Query::OP_AND, *q, s) : s;
    } else {
      Xapian::Query s(Xapian::Query::OP_OR, should.begin(), should.end());
      if (q) {
        q = Xapian::Query(Xapian::Query::OP_AND_MAYBE, *q, s);
      } else if (!filter.empty()) {
        // Only filters decide the matches; optional shoulds still add to the score.
        Xapian::Query f(Xapian::Query::OP_AND, filter.begin(), filter.end());
        q = Xapian::Query(Xapian::Query::OP_AND_MAYBE, Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, f, 0.0), s);
        filter.clear();
      } else {
        q = s;
      }
    }
  }
  if (!filter.empty()) {
    Xapian::Query f(Xapian::Query::OP_AND, filter.begin(), filter.end());
    // With no scoring clause every match scores 0, as in Elasticsearch.
    q = q ? Xapian::Query(Xapian::Query::OP_FILTER, *q, f) : Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, f, 0.0);
  }
  // Only must_not: Elasticsearch matches everything else with score 1.
  if (!q) q = constant_weight(match_all(), 1.0);
  if (!must_not.empty()) {
    Xapian::Query n(Xapian::Query::OP_OR, must_not.begin(), must_not.end());
    q = Xapian::Query(Xapian::Query::OP_AND_NOT, *q, n);
  }
  return boosted(*q, node.boost);
}

}  // namespace quarry::query
