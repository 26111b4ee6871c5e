// function_score: the query's score combined with functions of the document — weight and
// field_value_factor (each optionally behind a filter) — under score_mode, boost_mode, max_boost
// and min_score, as in Elasticsearch. Scores are combined at match time by a posting source
// (query/q_sources.h) that runs the inner query and filters on the shard's database and reads
// the fields' value slots; so "multiply" (which Xapian's additive weights cannot express) is exact.
// Not supported (kParsing naming them): script_score, random_score and the decay functions.
#include <algorithm>
#include <cmath>

#include "query/q_common.h"
#include "query/q_sources.h"
#include "query/query_parser.h"
#include "query/to_xapian.h"

namespace quarry::query {

using index::FieldMapping;
using index::FieldType;

namespace {

const char* const kModifiers[] = {"none", "log", "log1p", "log2p", "ln", "ln1p", "ln2p", "square", "sqrt", "reciprocal"};

Status parse_field_value_factor(const json::Value& v, ScoreFunction* fn) {
  if (!v.IsObject()) return Status::Parsing("[field_value_factor] must be an object");
  fn->kind = ScoreFunction::Kind::kFieldValueFactor;
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    if (key == "field") {
      auto s = string_param(it->value, "field_value_factor", key);
      if (!s.ok()) return s.status();
      fn->field = *s;
    } else if (key == "factor" || key == "missing") {
      auto d = number_param(it->value, "field_value_factor", key);
      if (!d.ok()) return d.status();
      if (key == "factor") fn->factor = *d;
      else fn->missing = *d;
    } else if (key == "modifier") {
      std::string m = it->value.IsString() ? std::string(json::view(it->value)) : "";
      for (auto& c : m) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      bool known = false;
      for (const char* k : kModifiers) known |= m == k;
      if (!known) return Status::Parsing("Illegal modifier: " + m);
      fn->modifier = m;
    } else {
      return Status::Parsing("[field_value_factor] query does not support [" + key + "]");
    }
  }
  if (fn->field.empty()) return Status::Parsing("[field_value_factor] required field 'field' missing");
  return Status::Ok();
}

// One entry of "functions" (or the function given at the top level).
Result<bool> function_key(const std::string& key, const json::Value& v, ScoreFunction* fn, bool* has_function) {
  if (key == "field_value_factor") {
    if (*has_function) return Status::Parsing("failed to parse [function_score]: more than one function in one entry");
    QUARRY_RETURN_IF_ERROR(parse_field_value_factor(v, fn));
    *has_function = true;
    return true;
  }
  if (key == "weight") {
    auto d = number_param(v, "function_score", key);
    if (!d.ok()) return d.status();
    fn->weight = *d;
    return true;
  }
  if (key == "script_score" || key == "random_score" || key == "gauss" || key == "linear" || key == "exp") {
    return Status::Parsing("[function_score] function [" + key + "] is not supported");
  }
  return false;
}

double apply_modifier(const std::string& m, double v) {
  if (m == "log") return std::log10(v);
  if (m == "log1p") return std::log10(v + 1);
  if (m == "log2p") return std::log10(v + 2);
  if (m == "ln") return std::log(v);
  if (m == "ln1p") return std::log1p(v);
  if (m == "ln2p") return std::log(v + 2);
  if (m == "square") return v * v;
  if (m == "sqrt") return std::sqrt(v);
  if (m == "reciprocal") return 1.0 / v;
  return v;
}

struct CompiledFunction {
  std::optional<Xapian::Query> filter;
  ScoreFunction fn;
  int slot = -1;
  FieldType type = FieldType::kDouble;
};

}  // namespace

Result<QueryPtr> parse_function_score(const json::Value& body) {
  auto node = std::make_shared<QueryNode>();
  node->kind = QueryKind::kFunctionScore;
  if (!body.IsObject()) return Status::Parsing("[function_score] query malformed");
  ScoreFunction top;
  bool top_has_function = false, top_used = false, has_functions_array = false;
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    if (key == "query") {
      auto q = parse_query(it->value);
      if (!q.ok()) return q;
      node->inner = *q;
    } else if (key == "functions") {
      if (!it->value.IsArray()) return Status::Parsing("[function_score] [functions] must be an array");
      has_functions_array = true;
      for (const auto& entry : it->value.GetArray()) {
        if (!entry.IsObject()) return Status::Parsing("[function_score] malformed function");
        ScoreFunction fn;
        bool has_function = false;
        for (auto e = entry.MemberBegin(); e != entry.MemberEnd(); ++e) {
          std::string k(json::view(e->name));
          if (k == "filter") {
            auto f = parse_query(e->value);
            if (!f.ok()) return f;
            fn.filter = *f;
            continue;
          }
          auto known = function_key(k, e->value, &fn, &has_function);
          if (!known.ok()) return known.status();
          if (!*known) return Status::Parsing("[function_score] query does not support function [" + k + "]");
        }
        if (!has_function && !fn.weight) return Status::Parsing("[function_score] function has no score function");
        node->functions.push_back(std::move(fn));
      }
    } else if (key == "score_mode" || key == "boost_mode") {
      std::string m = it->value.IsString() ? std::string(json::view(it->value)) : "";
      static const std::vector<std::string> score_modes = {"multiply", "sum", "avg", "first", "max", "min"};
      static const std::vector<std::string> boost_modes = {"multiply", "replace", "sum", "avg", "max", "min"};
      const auto& allowed = key == "score_mode" ? score_modes : boost_modes;
      if (std::find(allowed.begin(), allowed.end(), m) == allowed.end()) {
        return Status::Parsing("[function_score] illegal " + key + " [" + m + "]");
      }
      (key == "score_mode" ? node->score_mode : node->boost_mode) = m;
    } else if (key == "max_boost" || key == "min_score") {
      auto d = number_param(it->value, "function_score", key);
      if (!d.ok()) return d.status();
      (key == "max_boost" ? node->max_boost : node->min_score) = *d;
    } else if (key == "boost") {
      auto b = boost_of(it->value);
      if (!b.ok()) return b.status();
      node->boost = *b;
    } else if (key == "_name") {
    } else {
      auto known = function_key(key, it->value, &top, &top_has_function);
      if (!known.ok()) return known.status();
      if (!*known) return unknown_param("function_score", key);
      top_used = true;
    }
  }
  if (top_used) {
    if (has_functions_array) {
      return Status::Parsing("failed to parse [function_score] query. already found [functions] array, now encountering [" +
                             std::string(top_has_function ? "field_value_factor" : "weight") + "].");
    }
    node->functions.push_back(top);
  }
  if (!node->inner) node->inner = std::make_shared<QueryNode>();  // match_all
  return QueryPtr(node);
}

Result<Xapian::Query> function_score_to_xapian(const QueryNode& node, const index::Mapping& mapping) {
  auto inner = to_xapian(*node.inner, mapping);
  if (!inner.ok()) return inner;
  std::vector<CompiledFunction> fns;
  for (const auto& fn : node.functions) {
    CompiledFunction c;
    c.fn = fn;
    if (fn.filter) {
      auto f = to_xapian(*fn.filter, mapping);
      if (!f.ok()) return f;
      c.filter = *f;
    }
    if (fn.kind == ScoreFunction::Kind::kFieldValueFactor) {
      const FieldMapping* f = mapping.find(fn.field);
      if (f) {
        if (!index::is_numeric(f->type) && f->type != FieldType::kDate && f->type != FieldType::kBoolean) {
          return Status::InvalidArgument("field [" + f->path + "] of type [" + index::field_type_name(f->type) +
                                         "] is not supported for aggregation [field_value_factor]");
        }
        c.slot = f->slot;
        c.type = f->type;
      }
    }
    fns.push_back(std::move(c));
  }
  Xapian::Query query = *inner;
  QueryNode opts;  // only the modes and limits are needed at match time
  opts.score_mode = node.score_mode;
  opts.boost_mode = node.boost_mode;
  opts.max_boost = node.max_boost;
  opts.min_score = node.min_score;
  double boost = node.boost;
  return materialized(
      [query, fns, opts, boost](const Xapian::Database& db) {
        ScoredDocs docs = run_scored(db, query);
        std::vector<std::vector<Xapian::docid>> filters(fns.size());
        std::vector<Xapian::ValueIterator> values(fns.size());
        for (size_t i = 0; i < fns.size(); ++i) {
          if (fns[i].filter) {
            for (auto& [id, w] : run_scored(db, *fns[i].filter)) filters[i].push_back(id);
          }
          if (fns[i].slot >= 0) values[i] = db.valuestream_begin(static_cast<Xapian::valueno>(fns[i].slot));
        }
        ScoredDocs out;
        out.reserve(docs.size());
        for (auto& [id, qscore] : docs) {
          double combined = 0, weights = 0;
          int applied = 0;
          for (size_t i = 0; i < fns.size(); ++i) {
            const auto& c = fns[i];
            if (c.filter && !std::binary_search(filters[i].begin(), filters[i].end(), id)) continue;
            double v = 1.0;
            if (c.fn.kind == ScoreFunction::Kind::kFieldValueFactor) {
              std::optional<double> raw;
              if (c.slot >= 0) {
                auto& it = values[i];
                if (it != db.valuestream_end(static_cast<Xapian::valueno>(c.slot)) && it.get_docid() < id) it.skip_to(id);
                if (it != db.valuestream_end(static_cast<Xapian::valueno>(c.slot)) && it.get_docid() == id) {
                  std::string bytes = *it;
                  raw = c.type == FieldType::kBoolean ? (bytes == "1" ? 1.0 : 0.0) : Xapian::sortable_unserialise(bytes);
                }
              }
              if (!raw) raw = c.fn.missing;
              if (!raw) throw_too_many("Missing value for field [" + c.fn.field + "]");
              v = apply_modifier(c.fn.modifier, c.fn.factor * *raw);
              if (std::isnan(v) || std::isinf(v) || v < 0) {
                throw_too_many("field value function must not produce negative or infinite scores (field [" +
                               c.fn.field + "], modifier [" + c.fn.modifier + "])");
              }
            }
            double w = c.fn.weight.value_or(1.0);
            if (c.fn.kind == ScoreFunction::Kind::kWeight) v = 1.0;
            double fv = v * w;
            if (applied == 0) combined = fv;
            else if (opts.score_mode == "multiply") combined *= fv;
            else if (opts.score_mode == "sum" || opts.score_mode == "avg") combined += fv;
            else if (opts.score_mode == "max") combined = std::max(combined, fv);
            else if (opts.score_mode == "min") combined = std::min(combined, fv);
            // "first": keep the first
            weights += w;
            ++applied;
            if (opts.score_mode == "first") break;
          }
          double f = 1.0;
          if (applied > 0) f = opts.score_mode == "avg" ? (weights > 0 ? combined / weights : 0) : combined;
          if (opts.max_boost) f = std::min(f, *opts.max_boost);
          double s;
          const std::string& bm = opts.boost_mode;
          if (bm == "replace") s = f;
          else if (bm == "sum") s = qscore + f;
          else if (bm == "avg") s = (qscore + f) / 2;
          else if (bm == "max") s = std::max(qscore, f);
          else if (bm == "min") s = std::min(qscore, f);
          else s = qscore * f;
          s *= boost;
          if (opts.min_score && s < *opts.min_score) continue;
          out.emplace_back(id, std::max(0.0, s));
        }
        return out;
      },
      "function_score");
}

}  // namespace quarry::query
