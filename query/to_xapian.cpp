#include "query/to_xapian.h"

#include <cmath>

#include "index/analysis.h"
#include "index/document_mapper.h"
#include "index/field_value.h"

namespace quarry::query {

using index::FieldMapping;
using index::FieldType;

namespace {

// A fresh match-all query. Xapian::Query::MatchAll is a shared static whose reference count is not
// thread-safe, so queries built for different shard threads must not copy it.
Xapian::Query match_all() { return Xapian::Query(std::string()); }

Xapian::Query boosted(Xapian::Query q, float boost) {
  if (boost == 1.0f) return q;
  return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q, boost);
}

Status type_error(const FieldMapping& f, const std::string& value) {
  return Status::InvalidArgument("failed to create query: For input string: \"" + value +
                                 "\" on field [" + f.path + "] of type [" + index::field_type_name(f.type) + "]");
}

}  // namespace

Result<std::string> exact_term(const FieldMapping& f, const std::string& value) {
  if (f.type == FieldType::kText || f.type == FieldType::kKeyword) return f.prefix + value;
  if (f.type == FieldType::kObject) {
    return Status::InvalidArgument("field [" + f.path + "] of type [object] cannot be queried by value");
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
  if (numeric && v.IsNumber() && v.IsDouble() && (f.type == FieldType::kLong || f.type == FieldType::kInteger ||
                                                  f.type == FieldType::kShort || f.type == FieldType::kByte)) {
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
  switch (node.kind) {
    case QueryKind::kMatchAll:
      return boosted(match_all(), node.boost);
    case QueryKind::kMatchNone:
      return Xapian::Query::MatchNothing;
    case QueryKind::kMatch: {
      const FieldMapping* f = mapping.find(node.field);
      if (!f || f->type == FieldType::kObject) return Xapian::Query::MatchNothing;
      if (f->type != FieldType::kText) {
        auto t = exact_term(*f, node.text);
        if (!t.ok()) return t.status();
        return boosted(Xapian::Query(*t), node.boost);
      }
      std::string_view analyzer = f->query_analyzer();
      std::vector<Xapian::Query> terms;
      for (const auto& tok : mapping.analyzers().analyze(analyzer, node.text)) {
        terms.emplace_back(f->prefix + tok.term, 1, tok.position + 1);
      }
      if (terms.empty()) return Xapian::Query::MatchNothing;
      auto op = node.operator_and ? Xapian::Query::OP_AND : Xapian::Query::OP_OR;
      return boosted(Xapian::Query(op, terms.begin(), terms.end()), node.boost);
    }
    case QueryKind::kTerm: {
      const FieldMapping* f = mapping.find(node.field);
      if (node.field == "_id") return boosted(Xapian::Query(index::kIdPrefix + node.text), node.boost);
      if (!f || f->type == FieldType::kObject) return Xapian::Query::MatchNothing;
      auto t = exact_term(*f, node.text);
      if (!t.ok()) return t.status();
      return boosted(Xapian::Query(*t), node.boost);
    }
    case QueryKind::kTerms: {
      const FieldMapping* f = mapping.find(node.field);
      std::vector<Xapian::Query> terms;
      for (const auto& v : node.values) {
        if (node.field == "_id") {
          terms.emplace_back(index::kIdPrefix + v);
          continue;
        }
        if (!f || f->type == FieldType::kObject) break;
        auto t = exact_term(*f, v);
        if (!t.ok()) return t.status();
        terms.emplace_back(*t);
      }
      if (terms.empty()) return Xapian::Query::MatchNothing;
      // terms is a constant-score query in Elasticsearch.
      Xapian::Query q(Xapian::Query::OP_OR, terms.begin(), terms.end());
      return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q, 0.0);
    }
    case QueryKind::kIds: {
      std::vector<Xapian::Query> terms;
      for (const auto& v : node.values) terms.emplace_back(index::kIdPrefix + v);
      if (terms.empty()) return Xapian::Query::MatchNothing;
      return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
    }
    case QueryKind::kExists: {
      const FieldMapping* f = mapping.find(node.field);
      if (f && f->type != FieldType::kObject) {
        return Xapian::Query(index::kFieldExistsPrefix + node.field);
      }
      // An object (or a path prefix): any field beneath it.
      return Xapian::Query(Xapian::Query::OP_WILDCARD, index::kFieldExistsPrefix + node.field + ".");
    }
    case QueryKind::kBool: {
      auto convert = [&](const std::vector<QueryPtr>& qs, std::vector<Xapian::Query>* out) -> Status {
        for (const auto& q : qs) {
          auto x = to_xapian(*q, mapping);
          if (!x.ok()) return x.status();
          out->push_back(*x);
        }
        return Status::Ok();
      };
      std::vector<Xapian::Query> must, should, must_not, filter;
      QUARRY_RETURN_IF_ERROR(convert(node.must, &must));
      QUARRY_RETURN_IF_ERROR(convert(node.should, &should));
      QUARRY_RETURN_IF_ERROR(convert(node.must_not, &must_not));
      QUARRY_RETURN_IF_ERROR(convert(node.filter, &filter));
      int msm = (must.empty() && filter.empty() && !should.empty()) ? 1 : 0;
      if (node.minimum_should_match) {
        const std::string& m = *node.minimum_should_match;
        int n = static_cast<int>(should.size());
        int v = 0;
        if (!m.empty() && m.back() == '%') {
          v = static_cast<int>(std::atoi(m.c_str()) * n / 100);
          if (v < 0) v = n + v;
        } else {
          v = std::atoi(m.c_str());
          if (v < 0) v = n + v;
        }
        msm = v;
      }
      if (msm > static_cast<int>(should.size())) return Xapian::Query::MatchNothing;
      if (msm > 1 && msm < static_cast<int>(should.size())) {
        return Status::InvalidArgument("[bool] minimum_should_match [" + *node.minimum_should_match +
                                       "] between 2 and the number of clauses is not supported yet");
      }
      Xapian::Query q;
      bool has_positive = false;
      if (!must.empty()) {
        q = Xapian::Query(Xapian::Query::OP_AND, must.begin(), must.end());
        has_positive = true;
      }
      if (!should.empty()) {
        Xapian::Query s = msm >= static_cast<int>(should.size()) && should.size() > 1
                              ? Xapian::Query(Xapian::Query::OP_AND, should.begin(), should.end())
                              : Xapian::Query(Xapian::Query::OP_OR, should.begin(), should.end());
        if (msm >= 1) {
          q = has_positive ? Xapian::Query(Xapian::Query::OP_AND, q, s) : s;
          has_positive = true;
        } else if (has_positive) {
          q = Xapian::Query(Xapian::Query::OP_AND_MAYBE, q, s);
        } else if (filter.empty()) {
          q = s;
          has_positive = true;
        }
      }
      if (!filter.empty()) {
        Xapian::Query f(Xapian::Query::OP_AND, filter.begin(), filter.end());
        if (has_positive) {
          q = Xapian::Query(Xapian::Query::OP_FILTER, q, f);
        } else {
          // Only filters: every match scores 0 (boost applies as a constant in the searcher).
          q = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, f, 0.0);
          if (!should.empty()) {
            Xapian::Query s(Xapian::Query::OP_OR, should.begin(), should.end());
            q = Xapian::Query(Xapian::Query::OP_AND_MAYBE, q, s);
          }
          has_positive = true;
        }
      }
      if (!has_positive) q = match_all();
      if (!must_not.empty()) {
        Xapian::Query n(Xapian::Query::OP_OR, must_not.begin(), must_not.end());
        q = Xapian::Query(Xapian::Query::OP_AND_NOT, q, n);
      }
      return boosted(q, node.boost);
    }
  }
  return Status::Internal("unhandled query kind");
}

}  // namespace quarry::query
