// significant_terms and significant_text: the terms whose frequency in the foreground (the
// documents this aggregation collects: the query's matches or the enclosing bucket) stands out
// against the background (the whole index, or `background_filter`).
//
// Foreground terms come from the doc-value columns (keyword, ip, numeric, date, boolean) or, for
// text fields, from each collected document's Xapian termlist restricted to the field's term
// prefix (the indexed tokens, as Elasticsearch's fielddata would give). Background frequencies
// are Xapian term frequencies (text, no background_filter) or counts over the column / postings
// of the background documents. Each shard returns its `shard_size` best terms by its own score;
// the coordinator sums foreground and background counts, rescores with the totals and keeps the
// `size` best terms with score > 0 and doc_count >= min_doc_count.
#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include "index/field_value.h"
#include "query/aggs/agg_special.h"
#include "query/aggs/params.h"
#include "query/aggs/shard_context.h"
#include "query/aggs/term_filter.h"
#include "query/query_parser.h"

namespace quarry::query::aggs {

namespace {

// --- Scoring heuristics -------------------------------------------------------------------------

struct Heuristic {
  enum class Kind { kJlh, kMutualInformation, kChiSquare, kGnd, kPercentage } kind = Kind::kJlh;
  bool include_negatives = false;
  bool background_is_superset = true;

  double score(double subset_freq, double subset_size, double superset_freq, double superset_size) const;
};

// Document counts of the 2x2 table "term present / absent" x "in subset / not".
struct Nxy {
  double n00, n01, n10, n11, n0_, n1_, n_0, n_1, n;
};

Nxy table(double sf, double ss, double bf, double bs, bool superset) {
  Nxy t{};
  if (superset) {
    t.n00 = bs - bf - (ss - sf);
    t.n01 = ss - sf;
    t.n10 = bf - sf;
    t.n11 = sf;
    t.n0_ = bs - bf;
    t.n1_ = bf;
    t.n_0 = bs - ss;
    t.n_1 = ss;
    t.n = bs;
  } else {
    t.n00 = bs - bf;
    t.n01 = ss - sf;
    t.n10 = bf;
    t.n11 = sf;
    t.n0_ = ss - sf + bs - bf;
    t.n1_ = sf + bf;
    t.n_0 = bs;
    t.n_1 = ss;
    t.n = ss + bs;
  }
  return t;
}

double mi_term(double nxy, double nx_, double n_y, double n) {
  double numerator = std::fabs(n * nxy);
  double denominator = std::fabs(nx_ * n_y);
  double factor = std::fabs(nxy / n);
  if (numerator < 1e-7 && factor < 1e-7) return 0;
  return factor * std::log(numerator / denominator);
}

double Heuristic::score(double sf, double ss, double bf, double bs) const {
  switch (kind) {
    case Kind::kJlh: {
      if (ss == 0 || bs == 0) return 0;
      if (bf == 0) bf = 1;  // a term absent from the background: avoid dividing by zero
      double sp = sf / ss, bp = bf / bs;
      double absolute = sp - bp;
      if (absolute <= 0) return 0;
      return absolute * (sp / bp);
    }
    case Kind::kPercentage:
      if (bf == 0) return 0;
      return sf / bf;
    case Kind::kGnd: {
      double fx = bf, fy = ss, fxy = sf, n = bs;
      if (!background_is_superset) {
        fx += sf;
        n += ss;
      }
      if (fxy == 0) return 0;
      if (fx == fy && fx == fxy) return 1.0;
      double s = (std::max(std::log(fx), std::log(fy)) - std::log(fxy)) / (std::log(n) - std::min(std::log(fx), std::log(fy)));
      // GND scores related terms low: invert so that higher is more significant.
      return std::exp(-s);
    }
    case Kind::kMutualInformation:
    case Kind::kChiSquare: {
      Nxy t = table(sf, ss, bf, bs, background_is_superset);
      if (!include_negatives && t.n11 / t.n_1 < t.n10 / t.n_0) return -HUGE_VAL;
      double s;
      if (kind == Kind::kChiSquare) {
        double d = t.n11 * t.n00 - t.n10 * t.n01;
        s = t.n * d * d / (t.n_1 * t.n1_ * t.n0_ * t.n_0);
      } else {
        s = (mi_term(t.n00, t.n0_, t.n_0, t.n) + mi_term(t.n01, t.n0_, t.n_1, t.n) + mi_term(t.n10, t.n1_, t.n_0, t.n) +
             mi_term(t.n11, t.n1_, t.n_1, t.n)) /
            std::log(2.0);
      }
      return std::isnan(s) ? -HUGE_VAL : s;
    }
  }
  return 0;
}

// --- Definition ---------------------------------------------------------------------------------

class SignificantDef : public AggDef {
 public:
  bool text = false;  // significant_text
  ValuesSourceSpec source;
  int64_t size = 10, shard_size = -1, min_doc_count = 3, shard_min_doc_count = 0;
  Heuristic heuristic;
  TermFilter filter;
  QueryPtr background_filter;
  bool filter_duplicate_text = false;

  int64_t effective_shard_size() const {
    if (shard_size >= 0) return std::max(shard_size, size);
    return static_cast<int64_t>(static_cast<double>(size) * 1.5 + 10);
  }
  Result<std::unique_ptr<Collector>> collector(ShardContext& ctx) const override;
  PartialPtr empty_partial() const override;
};

// A significant term of one shard / of the merged result.
struct SigBucket {
  Bucket bucket;            // key, doc_count (= subset frequency), subs
  uint64_t superset_df = 0;
  bool numeric = false;
  double num = 0;
  std::string str;
};

class SignificantPartial : public Partial {
 public:
  explicit SignificantPartial(const SignificantDef* def) : Partial(def), sdef_(def) {}
  void merge(Partial& other_base) override {
    auto& other = static_cast<SignificantPartial&>(other_base);
    subset_size += other.subset_size;
    superset_size += other.superset_size;
    numeric_keys |= other.numeric_keys;
    integer_keys &= other.integer_keys;
    for (auto& [k, b] : other.by_key) {
      auto it = by_key.find(k);
      if (it == by_key.end()) {
        by_key.emplace(k, std::move(b));
      } else {
        merge_bucket(it->second.bucket, b.bucket);
        it->second.superset_df += b.superset_df;
      }
    }
  }
  Status finalize(const ReduceContext& ctx) override {
    std::vector<std::pair<double, SigBucket*>> scored;
    for (auto& [k, b] : by_key) {
      if (b.bucket.doc_count < static_cast<uint64_t>(sdef_->min_doc_count)) continue;
      double s = sdef_->heuristic.score(static_cast<double>(b.bucket.doc_count), static_cast<double>(subset_size),
                                        static_cast<double>(b.superset_df), static_cast<double>(superset_size));
      if (!(s > 0)) continue;
      scored.emplace_back(s, &b);
    }
    // Score descending; ties: doc_count descending, then key ascending.
    std::sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first > b.first;
      const SigBucket& x = *a.second;
      const SigBucket& y = *b.second;
      if (x.bucket.doc_count != y.bucket.doc_count) return x.bucket.doc_count > y.bucket.doc_count;
      if (x.numeric != y.numeric) return x.numeric;
      return x.numeric ? x.num < y.num : x.str < y.str;
    });
    if (scored.size() > static_cast<size_t>(sdef_->size)) scored.resize(static_cast<size_t>(sdef_->size));
    final_.clear();
    for (auto& [s, b] : scored) {
      Bucket out = std::move(b->bucket);
      rapidjson::StringBuffer buf;
      json::Writer w(buf);
      w.Double(s);
      out.members_after.emplace_back("score", std::string(buf.GetString(), buf.GetSize()));
      out.members_after.emplace_back("bg_count", std::to_string(b->superset_df));
      final_.push_back(std::move(out));
    }
    by_key.clear();
    return finalize_buckets(final_, sdef_->subs, ctx);
  }
  void render(json::Writer& w) const override {
    w.Key("doc_count");
    w.Uint64(subset_size);
    w.Key("bg_count");
    w.Uint64(superset_size);
    render_buckets(w, final_, false);
  }
  std::vector<Bucket>* buckets() override { return &final_; }
  std::string typed_name() const override {
    if (sdef_->text || !numeric_keys) return "sigsterms";
    return integer_keys ? "siglterms" : "sigdterms";
  }

  uint64_t subset_size = 0, superset_size = 0;
  bool numeric_keys = false, integer_keys = true;
  std::map<std::string, SigBucket> by_key;  // "s" + term or "n" + number text: merge identity

 private:
  const SignificantDef* sdef_;
  std::vector<Bucket> final_;
};

PartialPtr SignificantDef::empty_partial() const { return std::make_unique<SignificantPartial>(this); }

std::string string_json(const std::string& s) {
  rapidjson::StringBuffer buf;
  json::Writer w(buf);
  w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
  return std::string(buf.GetString(), buf.GetSize());
}

// --- Collection ---------------------------------------------------------------------------------

class SignificantCollector : public Collector {
 public:
  SignificantCollector(const SignificantDef* def, ShardContext& ctx, FieldValues values, std::shared_ptr<const DocSet> background)
      : def_(def), ctx_(ctx), values_(std::move(values)), filter_(def->filter.for_field(values_.field)),
        background_(std::move(background)) {
    for (const auto& s : def_->subs) has_subs_ |= !s->is_pipeline();
    if (values_.ordinals) ord_counts_.assign(values_.ordinals->terms.size(), 0);
    if (values_.field && values_.field->type == index::FieldType::kText) prefix_ = values_.field->prefix;
  }

  void collect(Xapian::docid did, double score) override {
    if (!values_.field) return;  // unmapped: no foreground, as Elasticsearch's unmapped result
    ++subset_size_;
    if (values_.ordinals) {
      values_.ordinals->for_each(did, [&](uint32_t ord) {
        ++ord_counts_[ord];
        if (has_subs_) sub_for(ord_subs_["o" + std::to_string(ord)])->collect(did, score);
      });
    } else if (values_.numeric) {
      values_.numeric->for_each(did, [&, last = std::numeric_limits<double>::quiet_NaN()](double v) mutable {
        if (v == last) return;
        last = v;
        ++num_counts_[v];
        if (has_subs_) sub_for(num_subs_[v])->collect(did, score);
      });
    } else if (!prefix_.empty()) {
      Xapian::Document doc = ctx_.db().get_document(did, Xapian::DOC_ASSUME_VALID);
      auto end = doc.termlist_end();
      auto t = doc.termlist_begin();
      t.skip_to(prefix_);
      // The termlist is sorted: the field's terms are contiguous from its prefix on.
      for (; t != end; ++t) {
        std::string term = *t;
        if (term.compare(0, prefix_.size(), prefix_) != 0) break;
        std::string token = term.substr(prefix_.size());
        ++text_counts_[token];
        if (has_subs_) sub_for(ord_subs_["t" + token])->collect(did, score);
      }
    }
  }

  Result<PartialPtr> finish() override;

 private:
  SubCollectors* sub_for(std::unique_ptr<SubCollectors>& slot) {
    return SubCollectors::lazy(slot, def_->subs, ctx_, &sub_error_);
  }

  const SignificantDef* def_;
  ShardContext& ctx_;
  FieldValues values_;
  TermFilter filter_;  // def_->filter with its value lists resolved for this field
  std::shared_ptr<const DocSet> background_;  // null: every document of the shard
  std::string prefix_;                        // text fields: the term prefix
  bool has_subs_ = false;
  uint64_t subset_size_ = 0;
  std::vector<uint64_t> ord_counts_;
  std::map<double, uint64_t> num_counts_;
  std::unordered_map<std::string, uint64_t> text_counts_;
  std::map<std::string, std::unique_ptr<SubCollectors>> ord_subs_;
  std::map<double, std::unique_ptr<SubCollectors>> num_subs_;
  Status sub_error_;
};

Result<PartialPtr> SignificantCollector::finish() {
  if (!sub_error_.ok()) return sub_error_;
  auto out = std::make_unique<SignificantPartial>(def_);
  if (!values_.field) return PartialPtr(std::move(out));
  Xapian::Database& db = ctx_.db();
  uint64_t superset_size = 0;
  if (background_) {
    for (bool b : background_->bits) superset_size += b;
  } else {
    superset_size = db.get_doccount();
  }
  out->subset_size = subset_size_;
  out->superset_size = superset_size;
  const index::FieldMapping* f = values_.field;

  struct Cand {
    SigBucket b;
    std::string merge_key;
    std::unique_ptr<SubCollectors>* subs = nullptr;
  };
  std::vector<Cand> cands;
  auto shard_min = static_cast<uint64_t>(std::max<int64_t>(def_->shard_min_doc_count, 1));
  if (values_.ordinals) {
    const auto& col = *values_.ordinals;
    bool ip = f->type == index::FieldType::kIp;
    std::vector<uint64_t> bg;
    bool need_bg_pass = false;
    for (size_t o = 0; o < ord_counts_.size(); ++o) need_bg_pass |= ord_counts_[o] >= shard_min;
    if (need_bg_pass) {
      bg.assign(col.terms.size(), 0);
      // One pass over the column counts every term's background frequency.
      auto count = [&](Xapian::docid d) { col.for_each(d, [&](uint32_t o) { ++bg[o]; }); };
      if (background_) {
        for (Xapian::docid d = 0; d < background_->bits.size(); ++d) {
          if (background_->bits[d]) count(d);
        }
      } else {
        for (Xapian::docid d = 0; d < col.ords.size(); ++d) count(d);
      }
    }
    for (size_t o = 0; o < ord_counts_.size(); ++o) {
      if (ord_counts_[o] < shard_min) continue;
      Cand c;
      c.b.str = ip ? index::ip_text(col.terms[o]) : col.terms[o];
      c.b.bucket.doc_count = ord_counts_[o];
      c.b.superset_df = bg[o];
      c.merge_key = "s" + c.b.str;
      auto it = ord_subs_.find("o" + std::to_string(o));
      if (it != ord_subs_.end()) c.subs = &it->second;
      cands.push_back(std::move(c));
    }
  } else if (values_.numeric) {
    std::map<double, uint64_t> bg;
    for (const auto& [v, n] : num_counts_) {
      if (n >= shard_min) bg[v] = 0;
    }
    if (!bg.empty()) {
      const auto& col = *values_.numeric;
      auto count = [&](Xapian::docid d) {
        col.for_each(d, [&, last = std::numeric_limits<double>::quiet_NaN()](double v) mutable {
          if (v == last) return;
          last = v;
          auto it = bg.find(v);
          if (it != bg.end()) ++it->second;
        });
      };
      if (background_) {
        for (Xapian::docid d = 0; d < background_->bits.size(); ++d) {
          if (background_->bits[d]) count(d);
        }
      } else {
        for (Xapian::docid d = 0; d < col.first.size(); ++d) count(d);
      }
    }
    for (const auto& [v, n] : num_counts_) {
      if (n < shard_min) continue;
      Cand c;
      c.b.numeric = true;
      c.b.num = v;
      c.b.bucket.doc_count = n;
      c.b.superset_df = bg[v];
      auto it = num_subs_.find(v);
      if (it != num_subs_.end()) c.subs = &it->second;
      cands.push_back(std::move(c));
    }
  } else {
    for (const auto& [token, n] : text_counts_) {
      if (n < shard_min) continue;
      Cand c;
      c.b.str = token;
      c.b.bucket.doc_count = n;
      std::string term = prefix_ + token;
      if (background_) {
        uint64_t df = 0;
        for (auto p = db.postlist_begin(term); p != db.postlist_end(term); ++p) df += background_->contains(*p);
        c.b.superset_df = df;
      } else {
        c.b.superset_df = db.get_termfreq(term);
      }
      c.merge_key = "s" + token;
      auto it = ord_subs_.find("t" + token);
      if (it != ord_subs_.end()) c.subs = &it->second;
      cands.push_back(std::move(c));
    }
  }

  // Keys, include/exclude, then the shard's best shard_size by its own score.
  bool integer_like = !(f->type == index::FieldType::kDouble || f->type == index::FieldType::kFloat ||
                        f->type == index::FieldType::kHalfFloat);
  std::vector<std::pair<double, size_t>> ranked;
  for (size_t i = 0; i < cands.size(); ++i) {
    Cand& c = cands[i];
    Bucket& b = c.b.bucket;
    if (c.b.numeric) {
      b.key_json = number_json(c.b.num, integer_like);
      b.number = c.b.num;
      if (auto s = format_value(c.b.num, f, def_->source.format)) b.key_as_string = *s;
      c.merge_key = "n" + b.key_json;
    } else {
      b.key_json = string_json(c.b.str);
    }
    if (!filter_.empty()) {
      std::string text = c.b.numeric ? (b.key_as_string.empty() ? b.key_json : b.key_as_string) : c.b.str;
      if (!filter_.accepts(text, c.b.numeric ? std::optional<double>(c.b.num) : std::nullopt)) continue;
    }
    double s = def_->heuristic.score(static_cast<double>(b.doc_count), static_cast<double>(subset_size_),
                                     static_cast<double>(c.b.superset_df), static_cast<double>(superset_size));
    ranked.emplace_back(s, i);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  auto keep = static_cast<size_t>(def_->effective_shard_size());
  if (ranked.size() > keep) ranked.resize(keep);
  for (const auto& [s, i] : ranked) {
    Cand& c = cands[i];
    if (c.subs && *c.subs) {
      auto named = (*c.subs)->finish();
      if (!named.ok()) return named.status();
      c.b.bucket.subs = std::move(*named);
    } else {
      c.b.bucket.subs = empty_named(def_->subs);
    }
    if (c.b.numeric) {
      out->numeric_keys = true;
      out->integer_keys &= integer_like;
    }
    out->by_key.emplace(c.merge_key, std::move(c.b));
  }
  return PartialPtr(std::move(out));
}

Result<std::unique_ptr<Collector>> SignificantDef::collector(ShardContext& ctx) const {
  const index::FieldMapping* f = ctx.field(source.field);
  FieldValues values;
  const std::string agg = text ? "significant_text" : "significant_terms";
  if (f && f->type == index::FieldType::kText) {
    // Text: termlists. significant_terms needs fielddata enabled, as in Elasticsearch.
    if (!text && !f->fielddata) return no_doc_values_error(*f);
    values.field = f;
  } else if (f && text && f->type != index::FieldType::kKeyword) {
    return Status::InvalidArgument("Field [" + f->path + "] of type [" + index::field_type_name(f->type) +
                                   "] is not supported for aggregation [significant_text]");
  } else {
    auto r = resolve_values(source, ctx, ValuesKind::kAny, agg);
    if (!r.ok()) return r.status();
    values = std::move(*r);
  }
  if (values.field && filter.has_regex() && values.field->type != index::FieldType::kKeyword &&
      values.field->type != index::FieldType::kText) {
    return Status(Code::kAggregationExecution,
                  "Aggregation [" + name +
                      "] cannot support regular expression style include/exclude settings as they can only be applied to "
                      "string fields. Use an array of values for include/exclude clauses");
  }
  std::shared_ptr<const DocSet> background;
  if (background_filter) {
    auto set = ctx.matching(*background_filter);
    if (!set.ok()) return set.status();
    background = std::move(*set);
  } else if (ctx.background_query()) {
    background = ctx.matching(*ctx.background_query());
  }
  return std::unique_ptr<Collector>(std::make_unique<SignificantCollector>(this, ctx, std::move(values), std::move(background)));
}

// --- Parsing ------------------------------------------------------------------------------------

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

Status parse_heuristic_options(const json::Value& v, const std::string& name, Heuristic* h) {
  if (!v.IsObject()) return Status::Parsing("[" + name + "] must be an object");
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    bool allowed = (key == "include_negatives" && (h->kind == Heuristic::Kind::kMutualInformation || h->kind == Heuristic::Kind::kChiSquare)) ||
                   (key == "background_is_superset" && h->kind != Heuristic::Kind::kJlh && h->kind != Heuristic::Kind::kPercentage);
    if (!allowed) return Status::Parsing("[" + name + "] unknown field [" + key + "]");
    if (!it->value.IsBool()) return Status::Parsing("[" + name + "] [" + key + "] must be a boolean");
    (key == "include_negatives" ? h->include_negatives : h->background_is_superset) = it->value.GetBool();
  }
  return Status::Ok();
}

Result<std::unique_ptr<AggDef>> parse_significant(const json::Value& body, const std::string& name, bool text) {
  const std::string type = text ? "significant_text" : "significant_terms";
  auto def = std::make_unique<SignificantDef>();
  def->text = text;
  Params p(body, type);
  if (text) {
    if (p.get("script")) return Status::Parsing("[" + type + "] [script] is not supported");
    auto field = p.string("field");
    if (!field.ok()) return field.status();
    if (!*field) return Status::InvalidArgument("[field] is required for [significant_text] aggregation [" + name + "]");
    def->source.field = **field;
    auto fdt = p.boolean("filter_duplicate_text");
    if (!fdt.ok()) return fdt.status();
    if (fdt->value_or(false)) {
      // Needs re-analysing _source to spot repeated passages; terms come from the index here.
      return Status::InvalidArgument("[significant_text] [filter_duplicate_text] true is not supported");
    }
    if (const json::Value* sf = p.get("source_fields")) {
      // Terms are read from the field's own index terms, so only the field itself can be the source.
      bool ok = sf->IsArray();
      if (ok) {
        for (const auto& e : sf->GetArray()) ok &= e.IsString() && json::view(e) == def->source.field;
      }
      if (!ok) return Status::InvalidArgument("[significant_text] [source_fields] may only name the field itself [" + def->source.field + "]");
    }
  } else {
    QUARRY_RETURN_IF_ERROR(def->source.parse(p));
  }
  for (auto [key, slot] : {std::pair{"size", &def->size}, std::pair{"shard_size", &def->shard_size}}) {
    auto v = p.integer(key);
    if (!v.ok()) return v.status();
    if (*v) {
      if (**v < 1) return Status::InvalidArgument("[" + std::string(key) + "] must be greater than 0. Found [" + std::to_string(**v) + "] in [" + name + "]");
      *slot = **v;
    }
  }
  for (auto [key, slot] : {std::pair{"min_doc_count", &def->min_doc_count}, std::pair{"shard_min_doc_count", &def->shard_min_doc_count}}) {
    auto v = p.integer(key);
    if (!v.ok()) return v.status();
    if (*v) {
      if (**v < 0) return Status::InvalidArgument("[" + std::string(key) + "] must be greater than or equal to 0. Found [" + std::to_string(**v) + "] in [" + name + "]");
      *slot = **v;
    }
  }
  if (const json::Value* inc = p.get("include")) QUARRY_RETURN_IF_ERROR(parse_filter_part(*inc, true, type, &def->filter));
  if (const json::Value* exc = p.get("exclude")) QUARRY_RETURN_IF_ERROR(parse_filter_part(*exc, false, type, &def->filter));
  if (const json::Value* bg = p.get("background_filter")) {
    auto q = parse_query(*bg);
    if (!q.ok()) return q.status();
    def->background_filter = std::move(*q);
  }
  auto hint = p.string("execution_hint");
  if (!hint.ok()) return hint.status();
  static const std::pair<const char*, Heuristic::Kind> kHeuristics[] = {
      {"jlh", Heuristic::Kind::kJlh},
      {"mutual_information", Heuristic::Kind::kMutualInformation},
      {"chi_square", Heuristic::Kind::kChiSquare},
      {"gnd", Heuristic::Kind::kGnd},
      {"percentage", Heuristic::Kind::kPercentage}};
  int heuristics = 0;
  for (const auto& [hname, kind] : kHeuristics) {
    if (const json::Value* h = p.get(hname)) {
      if (++heuristics > 1) return Status::Parsing("[" + type + "] only one significance heuristic may be given");
      def->heuristic.kind = kind;
      QUARRY_RETURN_IF_ERROR(parse_heuristic_options(*h, hname, &def->heuristic));
    }
  }
  if (p.get("script_heuristic")) return Status::Parsing("[" + type + "] [script_heuristic] is not supported");
  // Unknown members: name the closest known one, as Elasticsearch does ("did you mean [jlh]?").
  static const char* kKnown[] = {"field", "size", "shard_size", "min_doc_count", "shard_min_doc_count", "include", "exclude",
                                 "background_filter", "execution_hint", "jlh", "mutual_information", "chi_square", "gnd",
                                 "percentage", "script_heuristic", "missing", "format", "value_type", "filter_duplicate_text",
                                 "source_fields"};
  Status st = p.finish();
  if (!st.ok()) {
    for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
      std::string key(json::view(it->name));
      bool known = false;
      for (const char* k : kKnown) known |= key == k;
      if (known) continue;
      std::string best;
      size_t best_d = 3;
      for (const char* k : kKnown) {
        size_t d = edit_distance(key, k);
        if (d < best_d) {
          best_d = d;
          best = k;
        }
      }
      std::string msg = "[" + type + "] unknown field [" + key + "]";
      if (!best.empty()) msg += " did you mean [" + best + "]?";
      return Status::Parsing(msg);
    }
    return st;
  }
  return std::unique_ptr<AggDef>(std::move(def));
}

}  // namespace

void register_significant_aggs(Registry& r) {
  r.add("significant_terms", [](const json::Value& b, const std::string& n) { return parse_significant(b, n, false); });
  r.add("significant_text", [](const json::Value& b, const std::string& n) { return parse_significant(b, n, true); });
}

}  // namespace quarry::query::aggs
