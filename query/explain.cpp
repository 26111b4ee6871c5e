#include "query/explain.h"

#include <charconv>
#include <cmath>
#include <memory>
#include <optional>
#include <sstream>
#include <vector>

#include "index/json.h"
#include "query/q_bm25.h"
#include "query/q_sources.h"
#include "query/to_xapian.h"

namespace quarry::query {

namespace {

struct Expl {
  double value = 0;
  std::string description;
  std::vector<Expl> details;
};

Expl leaf(double value, std::string description) { return Expl{value, std::move(description), {}}; }

void render(const Expl& e, json::Writer& w) {
  w.StartObject();
  w.Key("value");
  // Elasticsearch's scores are floats, printed in their shortest form (1.6943598, 2.2, 1.0).
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf) - 2, static_cast<float>(e.value));
  std::string_view text(buf, ec == std::errc() ? static_cast<size_t>(end - buf) : 0);
  std::string num(text.empty() ? "0" : text);
  if (num.find_first_of(".en") == std::string::npos) num += ".0";
  if (!std::isfinite(e.value)) num = "0.0";
  w.RawValue(num.c_str(), num.size(), rapidjson::kNumberType);
  w.Key("description");
  w.String(e.description.c_str(), static_cast<rapidjson::SizeType>(e.description.size()));
  w.Key("details");
  w.StartArray();
  for (const auto& d : e.details) render(d, w);
  w.EndArray();
  w.EndObject();
}

std::string number_text(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

class Explainer {
 public:
  Explainer(const Xapian::Database& db, Xapian::docid did, const std::string& id_term, const index::Mapping& mapping)
      : db_(db), did_(did), id_term_(id_term), mapping_(mapping) {
    for (const auto& [path, f] : mapping.fields()) {
      if (!f.prefix.empty()) field_of_prefix_[f.prefix] = path;
    }
  }

  // The document's score for `q` alone; nullopt when it does not match.
  std::optional<double> score_of(const Xapian::Query& q, bool* constant = nullptr) {
    Xapian::Enquire enquire(db_);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, q, Xapian::Query(id_term_)));
    std::unique_ptr<Xapian::Weight> weight(new_inner_weight());
    enquire.set_weighting_scheme(*weight);
    Xapian::MSet m = enquire.get_mset(0, 1);
    if (m.empty()) return std::nullopt;
    if (constant) *constant = m.get_max_possible() == 0;
    return m.begin().get_weight();
  }

  Result<std::optional<Expl>> explain(const QueryNode& node) {
    auto q = to_xapian(node, mapping_);
    if (!q.ok()) return q.status();
    auto v = score_of(*q);
    if (!v) return std::optional<Expl>();
    if (node.boost != 1.0f && (node.kind == QueryKind::kBool || node.kind == QueryKind::kDisMax ||
                               node.kind == QueryKind::kBoosting || node.kind == QueryKind::kFunctionScore)) {
      // The boost scales the whole compound: explain it unboosted, then multiply.
      QueryNode plain = node;
      plain.boost = 1.0f;
      auto inner = explain(plain);
      if (!inner.ok()) return inner.status();
      Expl e{*v, "product of:", {}};
      if (*inner) e.details.push_back(std::move(**inner));
      e.details.push_back(leaf(node.boost, "boost"));
      return std::optional<Expl>(std::move(e));
    }
    switch (node.kind) {
      case QueryKind::kBool: return explain_bool(node, *v);
      case QueryKind::kDisMax: return explain_dis_max(node, *v);
      case QueryKind::kFunctionScore: return explain_function_score(node, *v);
      case QueryKind::kMatchAll: return std::optional<Expl>(leaf(*v, "*:*"));
      case QueryKind::kConstantScore: return std::optional<Expl>(leaf(*v, "ConstantScore(" + describe(node) + ")"));
      default: return std::optional<Expl>(explain_terms(node, *q, *v));
    }
  }

 private:
  std::string describe(const QueryNode& node) {
    const QueryNode& n = node.inner ? *node.inner : node;
    if (!n.field.empty()) return n.field + ":" + (n.text.empty() ? std::string("*") : n.text);
    return "filter";
  }

  // The field path and the text of an indexed term.
  std::pair<std::string, std::string> split_term(const std::string& term) {
    auto colon = term.find(':');
    if (colon != std::string::npos) {
      auto f = field_of_prefix_.find(term.substr(0, colon + 1));
      if (f != field_of_prefix_.end()) return {f->second, term.substr(colon + 1)};
    }
    return {"", term};
  }

  // One term's BM25 score with Elasticsearch's breakdown.
  Expl term_explanation(const std::string& term, double boost, Xapian::termcount wdf) {
    double N = db_.get_doccount();
    double n = db_.get_termfreq(term);
    double dl = db_.get_doclength(did_);
    double avgdl = db_.get_avlength();
    double idf = bm25_idf(N, n);
    double tf = bm25_tf(wdf, dl, avgdl);
    double full_boost = boost * (kBm25K1 + 1);
    auto [field, text] = split_term(term);
    Expl idf_e{idf, "idf, computed as log(1 + (N - n + 0.5) / (n + 0.5)) from:",
               {leaf(n, "n, number of documents containing term"), leaf(N, "N, total number of documents with field")}};
    Expl tf_e{tf, "tf, computed as freq / (freq + k1 * (1 - b + b * dl / avgdl)) from:",
              {leaf(wdf, "freq, occurrences of term within document"), leaf(kBm25K1, "k1, term saturation parameter"),
               leaf(kBm25B, "b, length normalization parameter"), leaf(dl, "dl, length of field"),
               leaf(avgdl, "avgdl, average length of field")}};
    double score = full_boost * idf * tf;
    Expl s{score, "score(freq=" + number_text(wdf) + ".0), computed as boost * idf * tf from:",
           {leaf(full_boost, "boost"), std::move(idf_e), std::move(tf_e)}};
    return Expl{score,
                "weight(" + field + ":" + text + " in " + std::to_string(did_) + ") [PerFieldSimilarity], result of:",
                {std::move(s)}};
  }

  // A leaf query (match, term, phrase, multi-field ...): its value broken into the BM25 scores of
  // the query's terms that the document holds, when they add up to it.
  Expl explain_terms(const QueryNode& node, const Xapian::Query& q, double value) {
    std::vector<Expl> terms;
    double sum = 0;
    for (auto t = q.get_unique_terms_begin(); t != q.get_unique_terms_end(); ++t) {
      const std::string& term = *t;
      auto it = db_.termlist_begin(did_);
      it.skip_to(term);
      if (it == db_.termlist_end(did_) || *it != term || it.get_wdf() == 0) continue;
      terms.push_back(term_explanation(term, node.boost, it.get_wdf()));
      sum += terms.back().value;
    }
    bool adds_up = !terms.empty() && std::fabs(sum - value) <= 1e-6 * std::max(1.0, value);
    if (adds_up && terms.size() == 1) return std::move(terms[0]);
    if (adds_up) return Expl{value, "sum of:", std::move(terms)};
    // Scores that are not a plain sum of term weights (constant-score term-level queries,
    // fuzzy/wildcard expansions scored as one blended term, several fields combined by max).
    std::string kind = node.fields.empty() ? describe(node) : "fields " + std::to_string(node.fields.size());
    if (terms.empty()) return leaf(value, "ConstantScore(" + kind + ")" + (node.boost != 1.0f ? "^" + number_text(node.boost) : ""));
    return Expl{value, "combined score of the matching terms below (" + kind + "):", std::move(terms)};
  }

  Result<std::optional<Expl>> explain_bool(const QueryNode& node, double value) {
    Expl e{value, "sum of:", {}};
    for (const auto* list : {&node.must, &node.should}) {
      for (const auto& c : *list) {
        auto d = explain(*c);
        if (!d.ok()) return d.status();
        if (*d) e.details.push_back(std::move(**d));
      }
    }
    for (const auto& c : node.filter) {
      auto q = to_xapian(*c, mapping_);
      if (!q.ok()) return q.status();
      if (!score_of(*q)) continue;
      e.details.push_back(Expl{0, "match on required clause, product of:", {leaf(0, "# clause"), leaf(1, "filter")}});
    }
    if (e.details.empty()) e.description = "ConstantScore(bool)";
    return std::optional<Expl>(std::move(e));
  }

  Result<std::optional<Expl>> explain_dis_max(const QueryNode& node, double value) {
    float tie = node.tie_breaker.value_or(0.0f);
    Expl e{value, tie > 0 ? "max plus " + number_text(tie) + " times others of:" : std::string("max of:"), {}};
    for (const auto& c : node.queries) {
      auto d = explain(*c);
      if (!d.ok()) return d.status();
      if (*d) e.details.push_back(std::move(**d));
    }
    return std::optional<Expl>(std::move(e));
  }

  // The function part's value for this document: the same node with the query replaced by
  // match_all and boost_mode replace.
  Result<double> function_value(const QueryNode& node, const std::vector<ScoreFunction>& fns, bool with_max_boost) {
    QueryNode f = node;
    f.inner = std::make_shared<QueryNode>();
    f.functions = fns;
    f.boost_mode = "replace";
    f.boost = 1.0f;
    f.min_score.reset();
    if (!with_max_boost) f.max_boost.reset();
    auto q = to_xapian(f, mapping_);
    if (!q.ok()) return q.status();
    return score_of(*q).value_or(0.0);
  }

  Result<std::optional<Expl>> explain_function_score(const QueryNode& node, double value) {
    auto inner = explain(*node.inner);
    if (!inner.ok()) return inner.status();
    Expl query_part = *inner ? std::move(**inner) : leaf(0, "no matching query");
    Expl functions{0, "function score, score mode [" + node.score_mode + "]", {}};
    for (const auto& fn : node.functions) {
      if (fn.filter) {
        auto fq = to_xapian(*fn.filter, mapping_);
        if (!fq.ok()) return fq.status();
        if (!score_of(*fq)) continue;
      }
      auto v = function_value(node, {fn}, false);
      if (!v.ok()) return v.status();
      std::string d = "weight";
      if (fn.kind == ScoreFunction::Kind::kFieldValueFactor) {
        d = "field value function: " + fn.modifier + "(doc['" + fn.field + "'].value" +
            (fn.missing ? "?:" + number_text(*fn.missing) : std::string()) + " * factor=" + number_text(fn.factor) + ")";
        if (fn.weight) d = "product of: " + d + ", weight " + number_text(*fn.weight);
      }
      functions.details.push_back(leaf(*v, d));
    }
    auto combined = function_value(node, node.functions, true);
    if (!combined.ok()) return combined.status();
    functions.value = *combined;
    if (node.max_boost) {
      auto raw = function_value(node, node.functions, false);
      if (!raw.ok()) return raw.status();
      functions.value = *raw;
      functions = Expl{*combined, "min of:", {std::move(functions), leaf(*node.max_boost, "maxBoost")}};
    }
    const std::string& bm = node.boost_mode;
    std::string how = bm == "multiply" ? "function score, product of:"
                      : bm == "sum"    ? "function score, sum of:"
                                       : "function score, boost_mode [" + bm + "]";
    Expl e{value, how, {std::move(query_part), std::move(functions)}};
    return std::optional<Expl>(std::move(e));
  }

  const Xapian::Database& db_;
  Xapian::docid did_;
  const std::string& id_term_;
  const index::Mapping& mapping_;
  std::map<std::string, std::string> field_of_prefix_;
};

}  // namespace

Result<DocExplanation> explain_document(const Xapian::Database& db, Xapian::docid did, const std::string& id_term,
                                        const QueryNode& node, const index::Mapping& mapping) {
  Explainer ex(db, did, id_term, mapping);
  DocExplanation out;
  auto q = to_xapian(node, mapping);
  if (!q.ok()) return q.status();
  bool constant = false;
  auto whole = ex.score_of(*q, &constant);
  Expl root;
  if (!whole) {
    root = leaf(0, "no matching term");
  } else {
    out.matched = true;
    // As the search does (query/shard_search.cpp): a query with no scoring part scores 1.
    out.score = constant ? 1.0 : *whole;
    if (constant) {
      root = leaf(1.0, "ConstantScore(" + std::string(node.kind == QueryKind::kMatchAll ? "*:*" : "filter") + ")");
    } else {
      auto e = ex.explain(node);
      if (!e.ok()) return e.status();
      root = *e ? std::move(**e) : leaf(out.score, "score");
      root.value = out.score;
    }
  }
  rapidjson::StringBuffer buf;
  json::Writer w(buf);
  render(root, w);
  out.json = buf.GetString();
  return out;
}

}  // namespace quarry::query
