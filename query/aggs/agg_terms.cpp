// The terms aggregation: one bucket per distinct value of a keyword, numeric, date, boolean or ip
// field. Each shard returns its top `shard_size` buckets; the coordinator merges them, keeps the
// top `size`, and reports doc_count_error_upper_bound and sum_other_doc_count as Elasticsearch
// does (an upper bound of the count a term may have missed on shards that did not return it).
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "index/field_value.h"
#include "query/aggs/agg.h"
#include "query/aggs/bucket_order.h"
#include "query/aggs/params.h"
#include "query/aggs/registry.h"
#include "query/aggs/shard_context.h"
#include "query/aggs/term_filter.h"

namespace quarry::query::aggs {

namespace {

// A bucket key: a term (keyword, ip) or a number (numeric, date, boolean).
struct TermKey {
  bool numeric = false;
  double num = 0;
  std::string str;
  bool operator<(const TermKey& o) const {
    if (numeric != o.numeric) return numeric;  // numbers first (mixed only across indices)
    return numeric ? num < o.num : str < o.str;
  }
  bool operator==(const TermKey& o) const { return numeric == o.numeric && (numeric ? num == o.num : str == o.str); }
};

class TermsDef;

class TermsPartial : public Partial {
 public:
  TermsPartial(const TermsDef* def);
  void merge(Partial& other) override;
  Status finalize(const ReduceContext& ctx) override;
  void render(json::Writer& w) const override;
  std::vector<Bucket>* buckets() override { return &final_; }
  std::string typed_name() const override {
    // Elasticsearch's result types: string, long or double terms (unmapped: sterms).
    if (by_key.empty() && final_.empty()) return "sterms";
    return numeric_keys_ ? (integer_keys_ ? "lterms" : "dterms") : "sterms";
  }
  bool numeric_keys_ = false;
  bool integer_keys_ = true;

  // Shard side: buckets by key with their count error (0 for buckets this shard returned).
  std::map<TermKey, Bucket> by_key;
  std::map<TermKey, int64_t> bucket_error;
  int64_t shard_error = 0;     // the error bound of the shards merged so far (sum)
  uint64_t sum_other = 0;
  bool error_unknown = false;  // order by a sub-aggregation or ascending count: no bound

 private:
  const TermsDef* tdef_;
  std::vector<Bucket> final_;
  int64_t final_error_ = 0;
};

class TermsDef : public AggDef {
 public:
  ValuesSourceSpec source;
  int64_t size = 10;
  int64_t shard_size = -1;
  int64_t min_doc_count = 1;
  int64_t shard_min_doc_count = 0;
  bool show_term_doc_count_error = false;
  BucketOrder order;
  TermFilter filter;
  std::string execution_hint, collect_mode;

  int64_t effective_shard_size() const {
    if (shard_size >= 0) return std::max(shard_size, size);
    // Elasticsearch's heuristic for several shards: size * 1.5 + 10.
    return static_cast<int64_t>(static_cast<double>(size) * 1.5 + 10);
  }

  // Applies `missing` and the include/exclude filter; records key formatting.
  Result<std::unique_ptr<Collector>> collector(ShardContext& ctx) const override;
  PartialPtr empty_partial() const override { return std::make_unique<TermsPartial>(this); }
};

// Key JSON / key_as_string of a key on a field.
void describe_key(const TermKey& key, const index::FieldMapping* f, const std::string& format, Bucket* b) {
  if (!key.numeric) {
    rapidjson::StringBuffer buf;
    json::Writer w(buf);
    w.String(key.str.c_str(), static_cast<rapidjson::SizeType>(key.str.size()));
    b->key_json.assign(buf.GetString(), buf.GetSize());
    return;
  }
  bool integer_like = !f || f->type == index::FieldType::kDate || f->type == index::FieldType::kBoolean ||
                      (index::is_numeric(f->type) && f->type != index::FieldType::kDouble &&
                       f->type != index::FieldType::kFloat && f->type != index::FieldType::kHalfFloat);
  if (!f && key.num != std::floor(key.num)) integer_like = false;
  b->key_json = number_json(key.num, integer_like);
  b->number = key.num;
  if (auto s = format_value(key.num, f, format)) b->key_as_string = *s;
}

// The text include/exclude patterns and lists match against.
std::string filter_text(const TermKey& key, const Bucket& b) {
  if (!key.numeric) return key.str;
  if (!b.key_as_string.empty()) return b.key_as_string;
  return b.key_json;
}

class TermsCollector : public Collector {
 public:
  TermsCollector(const TermsDef* def, ShardContext& ctx, FieldValues values)
      : def_(def), ctx_(ctx), values_(std::move(values)), filter_(def->filter.for_field(values_.field)) {
    has_subs_ = false;
    for (const auto& s : def_->subs) has_subs_ |= !s->is_pipeline();
    size_t distinct = 0;
    if (values_.ordinals) {
      ords_ = values_.ordinals.get();
      distinct = values_.ordinals->terms.size();
    } else if (values_.numeric && values_.field) {
      auto ords = ctx.doc_values().numeric_ordinals(*values_.field);
      if (ords.ok() && *ords) {
        num_ords_ = *ords;
        ords_ = num_ords_.get();
        distinct = num_ords_->values.size();
      }
    }
    counts_.assign(distinct, 0);
    if (has_subs_) ord_subs_.resize(distinct);
  }

  void collect(Xapian::docid did, double score) override {
    bool any = false;
    if (ords_) {
      ords_->for_each(did, [&](uint32_t ord) {
        any = true;
        ++counts_[ord];
        if (has_subs_) sub_for(ord_subs_[ord])->collect(did, score);
      });
    } else if (values_.numeric) {
      values_.numeric->for_each(did, [&, last = std::numeric_limits<double>::quiet_NaN()](double v) mutable {
        if (v == last) return;  // one bucket per distinct value of the document
        last = v;
        any = true;
        auto& e = num_counts_[v];
        ++e.first;
        if (has_subs_) sub_for(e.second)->collect(did, score);
      });
    }
    if (!any && (values_.missing_number || values_.missing_term)) {
      ++missing_count_;
      if (has_subs_) sub_for(missing_subs_)->collect(did, score);
    }
  }

  Result<PartialPtr> finish() override {
    if (!sub_error_.ok()) return sub_error_;
    auto out = std::make_unique<TermsPartial>(def_);
    std::vector<std::pair<TermKey, Bucket>> all;
    const index::FieldMapping* f = values_.field ? values_.field : values_.unmapped_as.get();
    auto add = [&](TermKey key, uint64_t count, std::unique_ptr<SubCollectors>* subs) -> Status {
      Bucket b;
      describe_key(key, f, def_->source.format, &b);
      if (!filter_.empty() && !filter_.accepts(filter_text(key, b), key.numeric ? std::optional<double>(key.num) : std::nullopt)) {
        return Status::Ok();
      }
      b.doc_count = count;
      if (subs && *subs) {
        auto named = (*subs)->finish();
        if (!named.ok()) return named.status();
        b.subs = std::move(*named);
      } else {
        b.subs = empty_named(def_->subs);
      }
      all.emplace_back(std::move(key), std::move(b));
      return Status::Ok();
    };
    bool zero_too = def_->min_doc_count == 0;
    if (values_.ordinals) {
      const auto& terms = values_.ordinals->terms;
      bool ip = f && f->type == index::FieldType::kIp;
      for (size_t o = 0; o < terms.size(); ++o) {
        if (counts_[o] == 0 && !zero_too) continue;
        TermKey k;
        k.str = ip ? index::ip_text(terms[o]) : terms[o];
        QUARRY_RETURN_IF_ERROR(add(std::move(k), counts_[o], has_subs_ ? &ord_subs_[o] : nullptr));
      }
    } else if (values_.numeric) {
      if (num_ords_) {
        // Counted by ordinal: hand the counted values to the map the rest of this branch reads.
        for (size_t o = 0; o < counts_.size(); ++o) {
          if (counts_[o] == 0) continue;
          auto& e = num_counts_[num_ords_->values[o]];
          e.first = counts_[o];
          if (has_subs_) e.second = std::move(ord_subs_[o]);
        }
      }
      if (zero_too) {
        // Every value of the field on this shard, counted or not.
        const auto& col = *values_.numeric;
        for (Xapian::docid d = 0; d < col.first.size(); ++d) col.for_each(d, [&](double v) { num_counts_.try_emplace(v); });
      }
      for (auto& [v, e] : num_counts_) {
        TermKey k;
        k.numeric = true;
        k.num = v;
        QUARRY_RETURN_IF_ERROR(add(std::move(k), e.first, has_subs_ ? &e.second : nullptr));
      }
    }
    if (missing_count_ > 0) {
      TermKey k;
      if (values_.missing_number) {
        k.numeric = true;
        k.num = *values_.missing_number;
      } else {
        k.str = *values_.missing_term;
      }
      // The missing bucket joins an existing bucket with the same key.
      auto it = std::find_if(all.begin(), all.end(), [&](const auto& e) { return e.first == k; });
      if (it != all.end()) {
        it->second.doc_count += missing_count_;
        if (has_subs_ && missing_subs_) {
          auto named = missing_subs_->finish();
          if (!named.ok()) return named.status();
          it->second.subs.merge(*named);
        }
      } else {
        QUARRY_RETURN_IF_ERROR(add(std::move(k), missing_count_, has_subs_ ? &missing_subs_ : nullptr));
      }
    }
    // Shard-level min_doc_count, then the shard's top shard_size in the requested order.
    if (def_->shard_min_doc_count > 0) {
      std::erase_if(all, [&](const auto& e) { return e.second.doc_count < static_cast<uint64_t>(def_->shard_min_doc_count); });
    }
    std::vector<size_t> idx(all.size());
    for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    // key_less is called with (a, b) or (b, a): compare the TermKeys behind the two buckets.
    std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
      const Bucket& ba = all[a].second;
      return def_->order.before(ba, all[b].second, [&](const Bucket& x, const Bucket&) {
        return &x == &ba ? all[a].first < all[b].first : all[b].first < all[a].first;
      });
    });
    auto keep = static_cast<size_t>(std::max<int64_t>(def_->effective_shard_size(), 0));
    if (def_->min_doc_count == 0) keep = idx.size();  // zero-count terms must all reach the reduce
    if (idx.size() > keep) {
      for (size_t i = keep; i < idx.size(); ++i) out->sum_other += all[idx[i]].second.doc_count;
      if (def_->order.by_count_desc() && keep > 0) {
        out->shard_error = static_cast<int64_t>(all[idx[keep - 1]].second.doc_count);
      } else if (!def_->order.by_key()) {
        out->error_unknown = true;
      }
      idx.resize(keep);
    }
    for (size_t i : idx) {
      out->bucket_error[all[i].first] = 0;
      out->by_key.emplace(std::move(all[i].first), std::move(all[i].second));
    }
    return PartialPtr(std::move(out));
  }

 private:
  SubCollectors* sub_for(std::unique_ptr<SubCollectors>& slot) {
    return SubCollectors::lazy(slot, def_->subs, ctx_, &sub_error_);
  }

  const TermsDef* def_;
  ShardContext& ctx_;
  FieldValues values_;
  TermFilter filter_;  // def_->filter with its value lists resolved for this field
  bool has_subs_ = false;
  std::vector<uint64_t> counts_;
  std::vector<std::unique_ptr<SubCollectors>> ord_subs_;
  std::map<double, std::pair<uint64_t, std::unique_ptr<SubCollectors>>> num_counts_;
  std::shared_ptr<const NumericOrdinals> num_ords_;  // numeric fields with few distinct values
  const DocOrdinals* ords_ = nullptr;  // values_.ordinals or num_ords_: counted into counts_
  uint64_t missing_count_ = 0;
  std::unique_ptr<SubCollectors> missing_subs_;
  Status sub_error_;
};

Result<std::unique_ptr<Collector>> TermsDef::collector(ShardContext& ctx) const {
  QUARRY_RETURN_IF_ERROR(order.validate(subs, name));
  auto values = resolve_values(source, ctx, ValuesKind::kAny, "terms");
  if (!values.ok()) return values.status();
  if (values->field && filter.has_regex() && values->field->type != index::FieldType::kKeyword) {
    return Status(Code::kAggregationExecution,
                  "Aggregation [" + name +
                      "] cannot support regular expression style include/exclude settings as they can only be applied to "
                      "string fields. Use an array of values for include/exclude clauses");
  }
  return std::unique_ptr<Collector>(std::make_unique<TermsCollector>(this, ctx, std::move(*values)));
}

TermsPartial::TermsPartial(const TermsDef* def) : Partial(def), tdef_(def) {}

void TermsPartial::merge(Partial& other_base) {
  auto& other = static_cast<TermsPartial&>(other_base);
  // Buckets the other shard did not return may have missed up to its error bound there.
  for (auto& [k, b] : by_key) {
    if (!other.by_key.count(k)) bucket_error[k] += other.shard_error;
  }
  for (auto& [k, b] : other.by_key) {
    auto it = by_key.find(k);
    if (it == by_key.end()) {
      bucket_error[k] = shard_error + other.bucket_error[k];
      by_key.emplace(k, std::move(b));
    } else {
      merge_bucket(it->second, b);
      bucket_error[k] += other.bucket_error[k];
    }
  }
  shard_error += other.shard_error;
  sum_other += other.sum_other;
  error_unknown |= other.error_unknown;
}

Status TermsPartial::finalize(const ReduceContext& ctx) {
  std::vector<std::pair<TermKey, Bucket>> all;
  for (auto& [k, b] : by_key) {
    if (b.doc_count < static_cast<uint64_t>(tdef_->min_doc_count)) {
      sum_other += b.doc_count;
      continue;
    }
    all.emplace_back(k, std::move(b));
  }
  by_key.clear();
  // Sub-aggregations are finalized before ordering: an order may use their values.
  for (auto& [k, b] : all) {
    for (auto& [d, p] : b.subs.items) QUARRY_RETURN_IF_ERROR(p->finalize(ctx));
  }
  std::vector<size_t> idx(all.size());
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
    const Bucket& ba = all[a].second;
    return tdef_->order.before(ba, all[b].second, [&](const Bucket& x, const Bucket&) {
      return &x == &ba ? all[a].first < all[b].first : all[b].first < all[a].first;
    });
  });
  auto keep = static_cast<size_t>(std::max<int64_t>(tdef_->size, 0));
  if (idx.size() > keep) {
    for (size_t i = keep; i < idx.size(); ++i) sum_other += all[idx[i]].second.doc_count;
    idx.resize(keep);
  }
  final_error_ = tdef_->order.by_key() ? 0 : (error_unknown ? -1 : shard_error);
  for (size_t i : idx) {
    if (!all[i].first.numeric) continue;
    numeric_keys_ = true;
    const std::string& k = all[i].second.key_json;
    if (k.find_first_of(".eE") != std::string::npos) integer_keys_ = false;
  }
  final_.clear();
  for (size_t i : idx) {
    Bucket& b = all[i].second;
    if (tdef_->show_term_doc_count_error) {
      int64_t e = tdef_->order.by_key() ? 0 : (error_unknown ? -1 : bucket_error[all[i].first]);
      b.members_after.emplace_back("doc_count_error_upper_bound", std::to_string(e));
    }
    final_.push_back(std::move(b));
  }
  // Sub-results are already finalized; count the buckets, run sibling and parent pipelines.
  QUARRY_RETURN_IF_ERROR(ctx.add_buckets(static_cast<int64_t>(final_.size())));
  for (auto& b : final_) {
    NamedPartials& named = b.subs;
    // finalize_named would finalize twice: run only the sibling pipelines of the bucket.
    for (size_t i = 0; i < tdef_->subs.size(); ++i) {
      const AggDef& d = *tdef_->subs[i];
      if (!d.is_pipeline() || d.is_parent_pipeline()) continue;
      auto r = d.run_sibling(named, ctx);
      if (!r.ok()) return r.status();
      named.items.emplace_back(&d, std::move(*r));
    }
  }
  return run_parent_pipelines(final_, tdef_->subs, ctx);
}

void TermsPartial::render(json::Writer& w) const {
  w.Key("doc_count_error_upper_bound");
  w.Int64(final_error_);
  w.Key("sum_other_doc_count");
  w.Uint64(sum_other);
  render_buckets(w, final_, false);
}

Result<std::unique_ptr<AggDef>> parse_terms(const json::Value& body, const std::string& name) {
  auto def = std::make_unique<TermsDef>();
  Params p(body, "terms");
  QUARRY_RETURN_IF_ERROR(def->source.parse(p));
  auto size = p.integer("size");
  if (!size.ok()) return size.status();
  if (*size) {
    if (**size < 1) return Status::InvalidArgument("[size] must be greater than 0. Found [" + std::to_string(**size) + "] in [" + name + "]");
    def->size = **size;
  }
  auto shard_size = p.integer("shard_size");
  if (!shard_size.ok()) return shard_size.status();
  if (*shard_size) {
    if (**shard_size < 1) return Status::InvalidArgument("[shard_size] must be greater than 0. Found [" + std::to_string(**shard_size) + "] in [" + name + "]");
    def->shard_size = **shard_size;
  }
  auto mdc = p.integer("min_doc_count");
  if (!mdc.ok()) return mdc.status();
  if (*mdc) {
    if (**mdc < 0) return Status::InvalidArgument("[min_doc_count] must be greater than or equal to 0. Found [" + std::to_string(**mdc) + "] in [" + name + "]");
    def->min_doc_count = **mdc;
  }
  auto smdc = p.integer("shard_min_doc_count");
  if (!smdc.ok()) return smdc.status();
  if (*smdc) def->shard_min_doc_count = **smdc;
  auto show = p.boolean("show_term_doc_count_error");
  if (!show.ok()) return show.status();
  def->show_term_doc_count_error = show->value_or(false);
  auto order = BucketOrder::parse(p.get("order"), "terms", OrderKey{"_count", false});
  if (!order.ok()) return order.status();
  def->order = std::move(*order);
  if (const json::Value* inc = p.get("include")) QUARRY_RETURN_IF_ERROR(parse_filter_part(*inc, true, "terms", &def->filter));
  if (const json::Value* exc = p.get("exclude")) QUARRY_RETURN_IF_ERROR(parse_filter_part(*exc, false, "terms", &def->filter));
  auto hint = p.string("execution_hint");
  if (!hint.ok()) return hint.status();
  auto mode = p.string("collect_mode");
  if (!mode.ok()) return mode.status();
  if (*mode && **mode != "depth_first" && **mode != "breadth_first") {
    return Status::Parsing("[terms] collect_mode must be depth_first or breadth_first");
  }
  QUARRY_RETURN_IF_ERROR(p.finish());
  return std::unique_ptr<AggDef>(std::move(def));
}

}  // namespace

void register_terms_aggs(Registry& r) { r.add("terms", parse_terms); }

}  // namespace quarry::query::aggs
