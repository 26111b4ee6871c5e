#include "query/shard_search.h"

#include <algorithm>
#include <chrono>
#include <memory>

#include "index/document_mapper.h"
#include "index/stored_document.h"
#include "query/aggs/shard_context.h"
#include "query/bm25_term_source.h"
#include "query/explain.h"
#include "query/q_sources.h"

namespace quarry::query {

namespace {

// Rejects documents at or before search_after and counts accepted ones for terminate_after.
// Called by the matcher thread of this search only.
class Decider : public Xapian::MatchDecider {
 public:
  Decider(const std::vector<SortKey>* keys, const std::string* after, int64_t terminate_after)
      : keys_(keys), after_(after), terminate_after_(terminate_after) {}
  bool operator()(const Xapian::Document& doc) const override {
    if (after_ && !(encode_field_keys(*keys_, 0, keys_->size(), doc) > *after_)) return false;
    if (terminate_after_ > 0) {
      if (accepted_ >= terminate_after_) {
        terminated_ = true;
        return false;
      }
      ++accepted_;
    }
    return true;
  }
  bool terminated() const { return terminated_; }

 private:
  const std::vector<SortKey>* keys_;
  const std::string* after_;
  int64_t terminate_after_;
  mutable int64_t accepted_ = 0;
  mutable bool terminated_ = false;
};

// Feeds every matching document to the aggregation collectors of the request.
class AggSpy : public Xapian::MatchSpy {
 public:
  explicit AggSpy(aggs::SubCollectors* collectors) : collectors_(collectors) {}
  void operator()(const Xapian::Document& doc, double wt) override { collectors_->collect(doc.get_docid(), wt); }

 private:
  aggs::SubCollectors* collectors_;
};

// A single term (or scored term source) under any number of boosts: Xapian's bounds on its match
// count are its term frequency, exact without visiting the matches (Elasticsearch takes the same
// shortcut for term queries).
bool count_is_free(const Xapian::Query& q) {
  const Xapian::Query* node = &q;
  Xapian::Query sub;
  while (node->get_type() == Xapian::Query::OP_SCALE_WEIGHT && node->get_num_subqueries() == 1) {
    sub = node->get_subquery(0);
    node = &sub;
  }
  return node->get_type() == Xapian::Query::LEAF_TERM || is_term_source(*node);
}

Xapian::Weight* weighting(bool need_scores) {
  if (!need_scores) return new Xapian::BoolWeight();
  // The same scheme as match-time sub-searches (q_sources.h), so nested scores agree.
  return new_inner_weight();
}

}  // namespace

const std::vector<SortKey>& score_order() {
  static const std::vector<SortKey> order = [] {
    SortKey k;
    k.spec.kind = SortSpec::Kind::kScore;
    k.spec.descending = true;
    return std::vector<SortKey>{k};
  }();
  return order;
}

Result<ShardResult> search_shard(index::Shard& shard, const Xapian::Query& query, int top_n,
                                 int64_t track_total_hits) {
  ShardQuery q;
  q.top_n = top_n;
  q.track_total_hits = track_total_hits;
  return search_shard(shard, query, q);
}

Result<ShardResult> search_shard(index::Shard& shard, const Xapian::Query& query, const ShardQuery& req) {
  const std::vector<SortKey>& keys = req.sort && !req.sort->empty() ? *req.sort : score_order();
  bool score_key = sort_uses_score(keys);
  bool need_scores = req.need_scores || score_key || req.min_score.has_value();
  ShardResult result;
  Status agg_error;
  Status st = shard.with_reader([&](Xapian::Database& db) {
    result = ShardResult();
    agg_error = Status::Ok();
    auto started = std::chrono::steady_clock::now();
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    std::unique_ptr<Xapian::Weight> weight(weighting(need_scores));
    enquire.set_weighting_scheme(*weight);
    if (req.timeout_ms >= 0) enquire.set_time_limit(static_cast<double>(req.timeout_ms) / 1000.0);

    // Map the keys onto Xapian's orders. When Xapian cannot express the whole order (a key after
    // _score, _score ascending, search_after with a score key) every match is collected and the
    // shard sorts them itself.
    bool exact_order = true;
    std::unique_ptr<SortKeyMaker> maker;
    size_t s = 0;
    while (s < keys.size() && keys[s].spec.kind != SortSpec::Kind::kScore) ++s;
    if (s == keys.size()) {
      maker = std::make_unique<SortKeyMaker>(keys, 0, keys.size());
      enquire.set_sort_by_key(maker.get(), false);
    } else if (!keys[s].spec.descending) {
      exact_order = false;
      if (s > 0) {
        maker = std::make_unique<SortKeyMaker>(keys, 0, s);
        enquire.set_sort_by_key(maker.get(), false);
      }
    } else if (s == 0) {
      size_t e = 1;
      while (e < keys.size() && keys[e].spec.kind != SortSpec::Kind::kScore) ++e;
      if (e < keys.size()) exact_order = false;
      if (e > 1) {
        maker = std::make_unique<SortKeyMaker>(keys, 1, e);
        enquire.set_sort_by_relevance_then_key(maker.get(), false);
      }
    } else {
      maker = std::make_unique<SortKeyMaker>(keys, 0, s);
      enquire.set_sort_by_key_then_relevance(maker.get(), false);
      if (s + 1 < keys.size()) exact_order = false;
    }
    const std::string* after_in_decider = req.search_after && !score_key ? req.search_after : nullptr;
    const std::string* after_post = req.search_after && score_key ? req.search_after : nullptr;
    if (after_post) exact_order = false;
    if (req.min_score && need_scores) enquire.set_cutoff(0, *req.min_score);

    Xapian::doccount all = std::max<Xapian::doccount>(db.get_doccount(), 1);
    Xapian::doccount check = req.track_total_hits < 0 ? all : static_cast<Xapian::doccount>(std::min<int64_t>(req.track_total_hits, all));
    if (req.terminate_after > 0) check = all;
    // Aggregations see every match: in this pass, or in a pass of their own when a post_filter
    // narrows the hits.
    std::unique_ptr<aggs::ShardContext> agg_ctx;
    std::unique_ptr<aggs::SubCollectors> collectors;
    std::unique_ptr<AggSpy> spy;
    bool agg_own_pass = false;
    if (req.aggs) {
      agg_ctx = std::make_unique<aggs::ShardContext>(shard, db, req.mapping, req.index_name);
      agg_ctx->set_time_series_mode(req.time_series_mode);
      agg_ctx->set_query(&query);
      agg_ctx->set_query_node(req.query_node);
      agg_ctx->set_background_query(req.background_query);
      if (req.fields) agg_ctx->set_request_fields(*req.fields);
      auto made = aggs::SubCollectors::create(*req.aggs, *agg_ctx);
      if (!made.ok()) {
        agg_error = made.status();
        return;
      }
      collectors = std::move(*made);
      spy = std::make_unique<AggSpy>(collectors.get());
      // top_hits / sampler need BM25 scores: without them in the hits pass, they get a pass of their own.
      agg_own_pass = req.agg_query || (!need_scores && aggs::any_needs_scores(*req.aggs));
      if (!agg_own_pass) {
        enquire.add_matchspy(spy.get());
        check = all;
      }
    }
    Xapian::doccount want = exact_order ? static_cast<Xapian::doccount>(req.top_n) : all;
    if (collectors && !agg_own_pass && req.matches_all && req.top_n == 0 && !req.min_score && !req.search_after &&
        req.terminate_after <= 0 && !aggs::any_needs_scores(*req.aggs)) {
      // Every document, no hits, no scores: the matcher would only add its per-document cost.
      for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) collectors->collect(*it, 0);
      result.total = db.get_doccount();
      result.total_exact = true;
      auto named = collectors->finish();
      if (!named.ok()) {
        agg_error = named.status();
        return;
      }
      result.aggs = std::move(*named);
      return;
    }
    std::unique_ptr<Decider> decider;
    if (after_in_decider || req.terminate_after > 0) {
      decider = std::make_unique<Decider>(&keys, after_in_decider, req.terminate_after);
    }
    // Counting up to `check` makes the matcher visit that many matches even when the top hits are
    // settled sooner. Skip it where the bounds are exact anyway; if they turn out not to be
    // (a term source that cannot bound its frequency), count after all.
    bool try_uncounted = check > want && !decider && !(collectors && !agg_own_pass) && !(req.min_score && need_scores) &&
                         count_is_free(query);
    PruningScope pruning(sources_unscaled(query));
    Xapian::MSet mset = enquire.get_mset(0, want, try_uncounted ? want : check, nullptr, decider.get());
    if (try_uncounted && mset.get_matches_lower_bound() != mset.get_matches_upper_bound()) {
      mset = enquire.get_mset(0, want, check, nullptr, decider.get());
    }
    bool constant = need_scores && mset.get_max_possible() == 0;
    std::vector<std::string> raw(keys.size());
    bool field_keys = false;
    for (const auto& k : keys) field_keys |= k.spec.kind == SortSpec::Kind::kField;
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      ShardHit hit;
      hit.docid = *it;
      hit.score = constant ? 1.0 : it.get_weight();
      if (req.min_score && hit.score < *req.min_score) continue;
      if (field_keys) {
        Xapian::Document doc = it.get_document();
        for (size_t k = 0; k < keys.size(); ++k) {
          raw[k] = keys[k].spec.kind == SortSpec::Kind::kField ? sort_raw_value(keys[k], doc) : std::string();
        }
      }
      hit.sort_key = encode_sort_key(keys, raw, hit.score, hit.docid);
      if (after_post && !(hit.sort_key > *after_post)) continue;
      hit.sort_raw = raw;
      result.max_score = result.hits.empty() ? hit.score : std::max(result.max_score, hit.score);
      result.hits.push_back(std::move(hit));
    }
    if (!exact_order) {
      std::stable_sort(result.hits.begin(), result.hits.end(), [](const ShardHit& a, const ShardHit& b) {
        if (a.sort_key != b.sort_key) return a.sort_key < b.sort_key;
        return a.docid < b.docid;
      });
      if (result.hits.size() > static_cast<size_t>(req.top_n)) result.hits.resize(static_cast<size_t>(req.top_n));
    }
    if (req.search_after || (constant && req.min_score)) {
      // search_after (and constant-score min_score) filter the hits, not the count. (Elasticsearch
      // counts every match for search_after.) Count again without the filter.
      Xapian::Enquire counter(db);
      counter.set_query(query);
      counter.set_weighting_scheme(*weight);
      if (req.min_score && need_scores) counter.set_cutoff(0, *req.min_score);
      Xapian::MSet c = counter.get_mset(0, 0, check);
      mset = c;
      if (constant && req.min_score && *req.min_score > 1.0) {
        result.total = 0;
        result.total_exact = true;
        return;
      }
    }
    uint64_t lower = mset.get_matches_lower_bound();
    uint64_t upper = mset.get_matches_upper_bound();
    result.total_exact = lower == upper;
    result.total = result.total_exact ? lower : std::max<uint64_t>(lower, mset.get_matches_estimated());
    if (!result.total_exact && req.track_total_hits >= 0) {
      result.total = std::max<uint64_t>(lower, static_cast<uint64_t>(req.track_total_hits));
    }
    if (decider && decider->terminated()) result.terminated_early = true;
    if (collectors) {
      if (agg_own_pass) {
        Xapian::Enquire agg_pass(db);
        agg_pass.set_query(req.agg_query ? *req.agg_query : query);
        std::unique_ptr<Xapian::Weight> agg_weight(weighting(need_scores || aggs::any_needs_scores(*req.aggs)));
        agg_pass.set_weighting_scheme(*agg_weight);
        agg_pass.add_matchspy(spy.get());
        agg_pass.get_mset(0, 0, all);
      }
      auto named = collectors->finish();
      if (!named.ok()) {
        agg_error = named.status();
        return;
      }
      result.aggs = std::move(*named);
    }
    if (req.timeout_ms >= 0) {
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
      result.timed_out = ms >= req.timeout_ms;
    }
  });
  if (!st.ok()) return st;
  if (!agg_error.ok()) return agg_error;
  return result;
}

Status fetch_hits(index::Shard& shard, std::vector<ShardHit*>& hits) {
  Status decode;
  Status st = shard.with_reader([&](Xapian::Database& db) {
    for (ShardHit* h : hits) {
      Xapian::Document doc = db.get_document(h->docid);
      index::StoredDocument stored;
      decode = index::decode_stored(doc.get_data(), &stored);
      if (!decode.ok()) return;
      if (!stored.meta.id.empty()) {
        h->id = stored.meta.id;
      } else {
        // Written before the id was stored: the id term is the only term starting with 'Q'
        // (field prefixes start with 'X').
        auto t = doc.termlist_begin();
        t.skip_to(index::kIdPrefix);
        if (t != doc.termlist_end()) {
          std::string term = *t;
          if (term.rfind(index::kIdPrefix, 0) == 0) h->id = term.substr(1);
        }
      }
      h->meta = stored.meta;
      h->source = std::move(stored.source);
    }
  });
  if (!st.ok()) return st;
  return decode;
}

Status explain_hits(index::Shard& shard, const QueryNode& node, const index::Mapping& mapping,
                    std::vector<ShardHit*>& hits) {
  Status failed;
  Status st = shard.with_reader([&](Xapian::Database& db) {
    failed = Status::Ok();
    for (ShardHit* h : hits) {
      auto e = explain_document(db, h->docid, index::kIdPrefix + h->id, node, mapping);
      if (!e.ok()) {
        failed = e.status();
        return;
      }
      h->explanation = std::move(e->json);
    }
  });
  if (!st.ok()) return st;
  return failed;
}

}  // namespace quarry::query
