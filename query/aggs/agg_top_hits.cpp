// The top_hits aggregation: the best `from + size` documents of each bucket, by score (default)
// or by `sort`, fetched and rendered on the shard while its reader is leased (so the coordinator
// only merges rendered hits by their sort keys). Supports _source filtering, highlight, explain,
// version, seq_no_primary_term, stored_fields, docvalue_fields and fields.
#include <algorithm>
#include <limits>
#include <map>

#include "index/document_mapper.h"
#include "index/stored_document.h"
#include "query/aggs/agg_special.h"
#include "query/aggs/params.h"
#include "query/aggs/shard_context.h"
#include "query/highlight.h"
#include "query/to_xapian.h"
#include "query/search_request.h"
#include "query/shard_search.h"
#include "query/sort.h"

namespace quarry::query::aggs {

namespace {

// Elasticsearch's index.max_inner_result_window default.
constexpr int64_t kMaxInnerResultWindow = 100;

struct RenderedHit {
  std::string sort_key;  // encode_sort_key(): merge order (ascending)
  std::string json;      // the whole hit object
};

class TopHitsDef : public AggDef {
 public:
  int64_t from = 0, size = 3;
  std::vector<SortSpec> sort;  // empty: _score
  bool track_scores = false;
  SourceFilter source;
  std::optional<HighlightSpec> highlight;
  bool explain = false, version = false, seq_no_primary_term = false;
  std::vector<FieldAndFormat> docvalue_fields, fields;
  std::vector<std::string> stored_fields;

  bool accepts_subs() const override { return false; }
  bool needs_scores() const override { return sort.empty() || track_scores || sort_by_score(); }
  bool sort_by_score() const {
    for (const auto& s : sort) {
      if (s.kind == SortSpec::Kind::kScore) return true;
    }
    return sort.empty();
  }
  Result<std::unique_ptr<Collector>> collector(ShardContext& ctx) const override;
  PartialPtr empty_partial() const override;
};

class TopHitsPartial : public Partial {
 public:
  explicit TopHitsPartial(const TopHitsDef* def) : Partial(def), tdef_(def) {}
  void merge(Partial& other_base) override {
    auto& other = static_cast<TopHitsPartial&>(other_base);
    total += other.total;
    if (other.has_max_score) {
      max_score = has_max_score ? std::max(max_score, other.max_score) : other.max_score;
      has_max_score = true;
    }
    for (auto& h : other.hits) hits.push_back(std::move(h));
    // Stable: equal keys keep shard order, as Elasticsearch breaks ties by shard index.
    std::stable_sort(hits.begin(), hits.end(), [](const RenderedHit& a, const RenderedHit& b) { return a.sort_key < b.sort_key; });
    auto keep = static_cast<size_t>(tdef_->from + tdef_->size);
    if (hits.size() > keep) hits.resize(keep);
  }
  Status finalize(const ReduceContext&) override {
    auto skip = std::min(hits.size(), static_cast<size_t>(tdef_->from));
    hits.erase(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(skip));
    if (hits.size() > static_cast<size_t>(tdef_->size)) hits.resize(static_cast<size_t>(tdef_->size));
    return Status::Ok();
  }
  void render(json::Writer& w) const override {
    w.Key("hits");
    w.StartObject();
    w.Key("total");
    w.StartObject();
    w.Key("value");
    w.Uint64(total);
    w.Key("relation");
    w.String("eq");
    w.EndObject();
    w.Key("max_score");
    if (has_max_score) {
      w.Double(max_score);
    } else {
      w.Null();
    }
    w.Key("hits");
    w.StartArray();
    for (const auto& h : hits) json::write_raw(w, h.json);
    w.EndArray();
    w.EndObject();
  }
  // buckets_path into top_hits (bucket_selector "top[_source.salary]"): a member of the first
  // hit ("_score", "_source.<path>"), or "_count" (the total).
  std::optional<double> property(std::string_view name) const override {
    if (name == "_count") return static_cast<double>(total);
    if (hits.empty()) return std::nullopt;
    json::Document d;
    if (!json::parse(hits.front().json, d).ok() || !d.IsObject()) return std::nullopt;
    const json::Value* v = &d;
    std::string_view rest = name;
    while (!rest.empty()) {
      auto dot = rest.find('.');
      std::string key(rest.substr(0, dot));
      rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
      if (!v->IsObject()) return std::nullopt;
      auto it = v->FindMember(key.c_str());
      if (it == v->MemberEnd()) return std::nullopt;
      v = &it->value;
    }
    if (v->IsNumber()) return v->GetDouble();
    return std::nullopt;
  }

  // Elasticsearch's top_hits property paths (a SQL "HAVING" over FIRST()): a field of the one hit
  // of a size-1 top_hits — "_source.<path>", "_sort" (its first sort value), "_score" (NaN when
  // not scored), or a "fields" entry. Errors: kInvalidArgument when size is not 1 or the hit has
  // no such value.
  Result<std::optional<double>> path_value(std::string_view name) const override {
    if (name == "_count" || name.empty()) return property(name);
    if (tdef_->size != 1) {
      return Status::InvalidArgument("property paths for top_hits [" + tdef_->name +
                                     "] require configuring it with size to 1");
    }
    auto unsupported = [&] {
      return Status::InvalidArgument("path not supported for [" + tdef_->name + "]: [" + std::string(name) + "]");
    };
    if (hits.empty()) return unsupported();
    json::Document d;
    if (!json::parse(hits.front().json, d).ok() || !d.IsObject()) return unsupported();
    const json::Value* v = nullptr;
    if (name == "_score") {
      auto it = d.FindMember("_score");
      if (it == d.MemberEnd() || !it->value.IsNumber()) return std::optional<double>(std::numeric_limits<double>::quiet_NaN());
      v = &it->value;
    } else if (name == "_sort") {
      auto it = d.FindMember("sort");
      if (it != d.MemberEnd() && it->value.IsArray() && !it->value.Empty()) v = &it->value[0];
    } else if (name.substr(0, 8) == "_source.") {
      auto it = d.FindMember("_source");
      if (it != d.MemberEnd()) {
        v = &it->value;
        std::string_view rest = name.substr(8);
        while (v && !rest.empty()) {
          auto dot = rest.find('.');
          std::string key(rest.substr(0, dot));
          rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
          auto m = v->IsObject() ? v->FindMember(key.c_str()) : v->MemberEnd();
          v = v->IsObject() && m != v->MemberEnd() ? &m->value : nullptr;
        }
      }
    } else if (auto it = d.FindMember("fields"); it != d.MemberEnd() && it->value.IsObject()) {
      std::string key(name);
      auto f = it->value.FindMember(key.c_str());
      if (f != it->value.MemberEnd() && f->value.IsArray() && !f->value.Empty()) v = &f->value[0];
    }
    if (!v || v->IsNull() || v->IsObject() || v->IsArray()) return unsupported();
    if (v->IsNumber()) return std::optional<double>(v->GetDouble());
    if (v->IsBool()) return std::optional<double>(v->GetBool() ? 1.0 : 0.0);
    return std::optional<double>();  // a string: not a number for the script
  }

  uint64_t total = 0;
  bool has_max_score = false;
  double max_score = 0;
  std::vector<RenderedHit> hits;

 private:
  const TopHitsDef* tdef_;
};

PartialPtr TopHitsDef::empty_partial() const { return std::make_unique<TopHitsPartial>(this); }

struct Candidate {
  std::string sort_key;
  Xapian::docid docid;
  double score;
  std::vector<std::string> raw;
};

class TopHitsCollector : public Collector {
 public:
  TopHitsCollector(const TopHitsDef* def, ShardContext& ctx, std::vector<SortKey> keys)
      : def_(def), ctx_(ctx), keys_(std::move(keys)), keep_(static_cast<size_t>(def->from + def->size)) {
    field_keys_ = false;
    for (const auto& k : keys_) field_keys_ |= k.spec.kind == SortSpec::Kind::kField;
  }

  void collect(Xapian::docid did, double score) override {
    ++total_;
    max_score_ = std::max(max_score_, score);
    if (keep_ == 0) return;
    std::vector<std::string> raw(keys_.size());
    if (field_keys_) {
      Xapian::Document doc = ctx_.db().get_document(did, Xapian::DOC_ASSUME_VALID);
      for (size_t k = 0; k < keys_.size(); ++k) {
        if (keys_[k].spec.kind == SortSpec::Kind::kField) raw[k] = sort_raw_value(keys_[k], doc);
      }
    }
    Candidate c{encode_sort_key(keys_, raw, score, did), did, score, std::move(raw)};
    if (best_.size() >= keep_ && !(c.sort_key < best_.back().sort_key)) return;
    auto pos = std::upper_bound(best_.begin(), best_.end(), c, [](const Candidate& a, const Candidate& b) { return a.sort_key < b.sort_key; });
    best_.insert(pos, std::move(c));
    if (best_.size() > keep_) best_.pop_back();
  }

  Result<PartialPtr> finish() override;

 private:
  const TopHitsDef* def_;
  ShardContext& ctx_;
  std::vector<SortKey> keys_;
  size_t keep_;
  bool field_keys_ = false;
  uint64_t total_ = 0;
  double max_score_ = 0;
  std::vector<Candidate> best_;  // sorted by sort_key, at most keep_ (keep_ <= 100)
};

void write_str(json::Writer& w, const std::string& s) { w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size())); }

Result<PartialPtr> TopHitsCollector::finish() {
  auto out = std::make_unique<TopHitsPartial>(def_);
  out->total = total_;
  bool scored = def_->needs_scores();
  // A constant-score query (match_all, filters) weighs 0 in Xapian; Elasticsearch scores it 1.0.
  bool constant = scored && total_ > 0 && max_score_ == 0;
  if (scored && total_ > 0) {
    out->has_max_score = true;
    out->max_score = constant ? 1.0 : max_score_;
  }
  if (best_.empty()) return PartialPtr(std::move(out));

  std::vector<ShardHit> hits(best_.size());
  std::vector<ShardHit*> ptrs;
  for (size_t i = 0; i < best_.size(); ++i) {
    hits[i].docid = best_[i].docid;
    hits[i].score = constant ? 1.0 : best_[i].score;
    ptrs.push_back(&hits[i]);
  }
  QUARRY_RETURN_IF_ERROR(fetch_hits(ctx_.shard(), ptrs));
  if (def_->explain && ctx_.query_node()) {
    QUARRY_RETURN_IF_ERROR(explain_hits(ctx_.shard(), *ctx_.query_node(), ctx_.mapping(), ptrs));
  }
  std::optional<Highlighter> highlighter;
  if (def_->highlight) {
    // The words to highlight come from the request's query tree built with plain terms (the
    // hits query scores its words through posting sources, which carry no terms).
    Xapian::Query words = Xapian::Query::MatchAll;
    if (ctx_.query_node()) {
      auto q = to_xapian(*ctx_.query_node(), ctx_.mapping());
      if (!q.ok()) return q.status();
      words = *q;
    } else if (ctx_.query()) {
      words = *ctx_.query();
    }
    auto hl = Highlighter::create(*def_->highlight, ctx_.mapping_ptr(), words);
    if (!hl.ok()) return hl.status();
    highlighter.emplace(std::move(*hl));
  }
  std::vector<FieldAndFormat> stored_specs;
  for (const auto& s : def_->stored_fields) stored_specs.push_back({s, ""});
  bool source_off = !def_->source.enabled;
  // Without its own `fields`, top_hits returns those the search asked for (as Elasticsearch does).
  std::vector<FieldAndFormat> fetch_fields = def_->fields;
  if (fetch_fields.empty()) {
    for (const auto& [field, format] : ctx_.request_fields()) fetch_fields.push_back({field, format});
  }

  for (size_t i = 0; i < hits.size(); ++i) {
    const ShardHit& h = hits[i];
    rapidjson::StringBuffer buf;
    json::Writer w(buf);
    w.StartObject();
    w.Key("_index");
    write_str(w, ctx_.index_name());
    w.Key("_id");
    write_str(w, h.id);
    if (def_->version) {
      w.Key("_version");
      w.Int64(h.meta.version);
    }
    if (def_->seq_no_primary_term) {
      w.Key("_seq_no");
      w.Int64(h.meta.seq_no);
      w.Key("_primary_term");
      w.Int64(h.meta.primary_term);
    }
    w.Key("_score");
    if (scored) {
      w.Double(h.score);
    } else {
      w.Null();
    }
    if (!source_off) {
      w.Key("_source");
      json::write_raw(w, filter_source(h.source, def_->source));
    }
    std::vector<std::pair<std::string, std::string>> fields;
    if (!fetch_fields.empty()) {
      auto f = extract_fields(h.source, fetch_fields, ctx_.mapping(), false);
      fields.insert(fields.end(), f.begin(), f.end());
    }
    if (!def_->docvalue_fields.empty()) {
      auto f = extract_fields(h.source, def_->docvalue_fields, ctx_.mapping(), true);
      fields.insert(fields.end(), f.begin(), f.end());
    }
    if (!stored_specs.empty()) {
      auto f = extract_fields(h.source, stored_specs, ctx_.mapping(), false);
      fields.insert(fields.end(), f.begin(), f.end());
    }
    if (!fields.empty()) {
      w.Key("fields");
      w.StartObject();
      std::set<std::string> seen;
      for (const auto& [name, values] : fields) {
        if (!seen.insert(name).second) continue;
        write_str(w, name);
        json::write_raw(w, values);
      }
      w.EndObject();
    }
    if (highlighter) {
      HitHighlights hl = highlighter->highlight(h.source);
      if (!hl.empty()) {
        w.Key("highlight");
        w.StartObject();
        for (const auto& [field, frags] : hl) {
          write_str(w, field);
          w.StartArray();
          for (const auto& f : frags) write_str(w, f);
          w.EndArray();
        }
        w.EndObject();
      }
    }
    if (!def_->sort.empty()) {
      w.Key("sort");
      w.StartArray();
      for (size_t k = 0; k < keys_.size(); ++k) write_sort_value(w, sort_value(keys_[k], best_[i].raw[k], h.score, h.docid));
      w.EndArray();
    }
    if (def_->explain && !h.explanation.empty()) {
      w.Key("_explanation");
      json::write_raw(w, h.explanation);
    }
    w.EndObject();
    out->hits.push_back({best_[i].sort_key, std::string(buf.GetString(), buf.GetSize())});
  }
  return PartialPtr(std::move(out));
}

Result<std::unique_ptr<Collector>> TopHitsDef::collector(ShardContext& ctx) const {
  const std::vector<SortKey>* keys = &score_order();
  std::vector<SortKey> resolved;
  if (!sort.empty()) {
    auto r = resolve_sort(sort, ctx.mapping());
    if (!r.ok()) return r.status();
    resolved = std::move(*r);
    keys = &resolved;
  }
  return std::unique_ptr<Collector>(std::make_unique<TopHitsCollector>(this, ctx, *keys));
}

// `fields` / `docvalue_fields` entries: "name" or {"field": "name", "format": "..."}.
Status parse_fields(const json::Value& v, const char* what, std::vector<FieldAndFormat>* out) {
  auto one = [&](const json::Value& e) -> Status {
    if (e.IsString()) {
      out->push_back({std::string(json::view(e)), ""});
      return Status::Ok();
    }
    if (e.IsObject() && e.HasMember("field") && e["field"].IsString()) {
      FieldAndFormat f{std::string(json::view(e["field"])), ""};
      if (e.HasMember("format") && e["format"].IsString()) f.format = std::string(json::view(e["format"]));
      out->push_back(std::move(f));
      return Status::Ok();
    }
    return Status::Parsing(std::string("[top_hits] [") + what + "] entries must be field names or {\"field\": ...} objects");
  };
  if (v.IsArray()) {
    for (const auto& e : v.GetArray()) QUARRY_RETURN_IF_ERROR(one(e));
    return Status::Ok();
  }
  return one(v);
}

Result<std::unique_ptr<AggDef>> parse_top_hits(const json::Value& body, const std::string& name) {
  auto def = std::make_unique<TopHitsDef>();
  Params p(body, "top_hits");
  auto from = p.integer("from");
  if (!from.ok()) return from.status();
  if (*from) {
    if (**from < 0) return Status::InvalidArgument("[from] must be greater than or equal to 0. Found [" + std::to_string(**from) + "] in [" + name + "]");
    def->from = **from;
  }
  auto size = p.integer("size");
  if (!size.ok()) return size.status();
  if (*size) {
    if (**size < 0) return Status::InvalidArgument("[size] must be greater than or equal to 0. Found [" + std::to_string(**size) + "] in [" + name + "]");
    def->size = **size;
  }
  if (def->from + def->size > kMaxInnerResultWindow) {
    return Status::InvalidArgument("Top hits result window is too large, the top hits aggregator [" + name +
                                   "]'s from + size must be less than or equal to: [" + std::to_string(kMaxInnerResultWindow) +
                                   "] but was [" + std::to_string(def->from + def->size) +
                                   "]. This limit can be set by changing the [index.max_inner_result_window] index level setting.");
  }
  if (const json::Value* s = p.get("sort")) QUARRY_RETURN_IF_ERROR(parse_sort(*s, &def->sort));
  auto ts = p.boolean("track_scores");
  if (!ts.ok()) return ts.status();
  def->track_scores = ts->value_or(false);
  if (const json::Value* s = p.get("_source")) QUARRY_RETURN_IF_ERROR(parse_source_filter(*s, &def->source));
  if (const json::Value* h = p.get("highlight")) {
    HighlightSpec spec;
    QUARRY_RETURN_IF_ERROR(parse_highlight(*h, &spec));
    def->highlight = std::move(spec);
  }
  for (auto [key, flag] : {std::pair{"explain", &def->explain}, std::pair{"version", &def->version},
                           std::pair{"seq_no_primary_term", &def->seq_no_primary_term}}) {
    auto b = p.boolean(key);
    if (!b.ok()) return b.status();
    *flag = b->value_or(false);
  }
  if (const json::Value* f = p.get("docvalue_fields")) QUARRY_RETURN_IF_ERROR(parse_fields(*f, "docvalue_fields", &def->docvalue_fields));
  if (const json::Value* f = p.get("fields")) QUARRY_RETURN_IF_ERROR(parse_fields(*f, "fields", &def->fields));
  if (const json::Value* f = p.get("stored_fields")) {
    if (f->IsString()) {
      def->stored_fields.emplace_back(json::view(*f));
    } else if (f->IsArray()) {
      for (const auto& e : f->GetArray()) {
        if (!e.IsString()) return Status::Parsing("[top_hits] [stored_fields] must be strings");
        def->stored_fields.emplace_back(json::view(e));
      }
    } else {
      return Status::Parsing("[top_hits] [stored_fields] must be a string or an array of strings");
    }
    // "_none_" drops _source as in a search body.
    if (std::find(def->stored_fields.begin(), def->stored_fields.end(), "_none_") != def->stored_fields.end()) {
      def->stored_fields.clear();
      def->source.enabled = false;
    } else if (!body.HasMember("_source")) {
      // Elasticsearch: naming stored_fields without _source leaves _source out of the hit.
      def->source.enabled = false;
    }
  }
  if (p.get("script_fields")) return Status::Parsing("[top_hits] [script_fields] is not supported");
  QUARRY_RETURN_IF_ERROR(p.finish());
  return std::unique_ptr<AggDef>(std::move(def));
}

}  // namespace

void register_top_hits_agg(Registry& r) { r.add("top_hits", parse_top_hits); }

}  // namespace quarry::query::aggs
