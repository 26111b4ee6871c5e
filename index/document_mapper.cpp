#include "index/document_mapper.h"
#include "index/multi_values.h"

#include <functional>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "index/dates.h"
#include "index/field_value.h"

namespace quarry::index {
namespace {

// Xapian (glass) rejects terms longer than this many bytes when the document is written; such
// terms are skipped instead (see docs/storage-format.md).
constexpr size_t kMaxTermBytes = 245;
// Arrays and objects nested deeper than this are rejected rather than recursed into.
constexpr int kMaxDepth = 100;

constexpr std::string_view kMetadataFields[] = {"_id", "_index", "_source", "_routing", "_ignored",
                                                "_field_names", "_seq_no", "_primary_term",
                                                "_version", "_doc_count", "_tier", "_nested_path"};

// What Elasticsearch's dynamic_date_formats default to.
constexpr char kDetectIsoFormat[] = "strict_date_optional_time";
constexpr char kDetectSlashFormat[] = "yyyy/MM/dd HH:mm:ss||yyyy/MM/dd";
constexpr char kDetectedSlashFieldFormat[] = "yyyy/MM/dd HH:mm:ss||yyyy/MM/dd||epoch_millis";

}  // namespace

bool phrase_shingle_term(const FieldMapping& field, std::string_view first, std::string_view second,
                         std::string& out) {
  if (field.prefix.size() < 2 || first.size() > 255) return false;
  out.assign("XP");
  out.append(field.prefix, 1);
  out.push_back(static_cast<char>(static_cast<unsigned char>(first.size())));
  out.append(first);
  out.append(second);
  return out.size() <= kMaxTermBytes;
}

namespace {

std::string join_path(std::string_view parent, std::string_view leaf) {
  std::string p(parent);
  if (!p.empty()) p += '.';
  p += leaf;
  return p;
}

// One pass over a _source. In validate mode (`out` set) it checks values and collects dynamic
// fields; in index mode (`doc` set) it writes terms, positions and values. Unmapped fields in
// index mode are skipped.
class Walker {
 public:
  Walker(const Mapping& mapping, std::string_view doc_id, std::vector<FieldMapping>* out, Xapian::Document* doc)
      : mapping_(mapping), doc_id_(doc_id), out_(out), doc_(doc) {}

  // After walk_root: records every value of the multi-valued slotted fields (multi_values.h).
  void write_multi_values() {
    if (!multi_values_.empty()) doc_->add_value(kSlotMultiValues, encode_multi_values(multi_values_));
  }

  Status walk_root(const json::Value& source) {
    if (!source.IsObject()) {
      return Status::DocumentParsing("failed to parse: Malformed content, must start with an object");
    }
    for (const auto& m : source.GetObject()) {
      std::string_view name = json::view(m.name);
      for (std::string_view meta : kMetadataFields) {
        if (name == meta) {
          return Status::DocumentParsing("Field [" + std::string(name) +
                                         "] is a metadata field and cannot be added inside a document. "
                                         "Use the index API request parameters.");
        }
      }
    }
    return walk_object(source, "", 0);
  }

  void take_new_fields() {
    for (const std::string& path : pending_order_) out_->push_back(std::move(pending_.find(path)->second));
  }

 private:
  bool validating() const { return out_ != nullptr; }

  const FieldMapping* lookup(std::string_view path) const {
    if (const FieldMapping* f = mapping_.find(path)) return f;
    auto it = pending_.find(path);
    return it == pending_.end() ? nullptr : &it->second;
  }

  DynamicMode dynamic_at(const std::string& object_path) const {
    // Pending objects never carry their own override, so the mapping's answer is the answer,
    // except that an object created in this document inherits from its nearest mapped ancestor.
    std::string p = object_path;
    while (!p.empty() && !mapping_.find(p)) {
      size_t dot = p.rfind('.');
      p = dot == std::string::npos ? std::string() : p.substr(0, dot);
    }
    return mapping_.dynamic_at(p);
  }

  const FieldMapping& add_pending(FieldMapping f) {
    std::string path = f.path;
    pending_order_.push_back(path);
    auto [it, inserted] = pending_.emplace(std::move(path), std::move(f));
    return it->second;
  }

  Status strict_error(const std::string& parent, std::string_view name) const {
    std::string p = parent.empty() ? "_doc" : parent;
    return Status(Code::kStrictDynamicMapping, "[" + p + "] mapping set to strict, dynamic introduction of [" +
                                                   std::string(name) + "] within [" + p + "] is not allowed");
  }

  Status parse_error(const FieldMapping& f, const json::Value& v) const {
    return Status::DocumentParsing("failed to parse field [" + f.path + "] of type [" + f.es_type_name() +
                                   "] in document with id '" + std::string(doc_id_) +
                                   "'. Preview of field's value: '" + value_preview(v) + "'");
  }

  Status walk_object(const json::Value& obj, const std::string& path, int depth) {
    if (depth > kMaxDepth) return Status::DocumentParsing("failed to parse: the document is nested too deeply");
    for (const auto& m : obj.GetObject()) {
      QUARRY_RETURN_IF_ERROR(walk_member(path, json::view(m.name), m.value, depth));
    }
    return Status::Ok();
  }

  // A member "name": value of the object at `parent`; dotted names are object paths.
  Status walk_member(const std::string& parent, std::string_view name, const json::Value& v, int depth) {
    Status name_ok = validate_field_name(name);
    if (!name_ok.ok()) return Status::DocumentParsing(name_ok.message());
    std::string obj_path = parent;
    size_t dot;
    while ((dot = name.find('.')) != std::string_view::npos) {
      std::string_view comp = name.substr(0, dot);
      std::string path = join_path(obj_path, comp);
      const FieldMapping* f = lookup(path);
      if (f && f->type != FieldType::kObject) {
        return Status::DocumentParsing("Could not dynamically add mapping for field [" + join_path(obj_path, name) +
                                       "]. Existing mapping for [" + path + "] must be of type object but found [" +
                                       f->es_type_name() + "].");
      }
      if (f && !f->enabled) return Status::Ok();
      if (!f) {
        if (!validating()) return Status::Ok();
        switch (dynamic_at(obj_path)) {
          case DynamicMode::kFalse: return Status::Ok();
          case DynamicMode::kStrict: return strict_error(obj_path, comp);
          case DynamicMode::kTrue: break;
        }
        FieldMapping o;
        o.path = path;
        o.type = FieldType::kObject;
        add_pending(std::move(o));
      }
      obj_path = std::move(path);
      name.remove_prefix(dot + 1);
    }
    return walk_field(obj_path, name, v, depth);
  }

  Status walk_field(const std::string& parent, std::string_view leaf, const json::Value& v, int depth) {
    std::string path = join_path(parent, leaf);
    const FieldMapping* f = lookup(path);
    if (!f) {
      if (!validating()) return Status::Ok();
      switch (dynamic_at(parent)) {
        case DynamicMode::kFalse: return Status::Ok();
        case DynamicMode::kStrict: return strict_error(parent, leaf);
        case DynamicMode::kTrue: break;
      }
      f = add_dynamic(path, v);
      if (!f) return Status::Ok();  // null or empty: no mapping yet
    }
    if (f->type == FieldType::kObject) return walk_object_value(*f, leaf, v, depth);
    return walk_values(*f, v, depth);
  }

  Status walk_object_value(const FieldMapping& f, std::string_view leaf, const json::Value& v, int depth) {
    if (!f.enabled || v.IsNull()) return Status::Ok();
    if (v.IsObject()) {
      if (!validating()) add_exists(f.path);
      return walk_object(v, f.path, depth + 1);
    }
    if (v.IsArray()) {
      if (depth > kMaxDepth) return Status::DocumentParsing("failed to parse: the document is nested too deeply");
      for (const auto& e : v.GetArray()) QUARRY_RETURN_IF_ERROR(walk_object_value(f, leaf, e, depth + 1));
      return Status::Ok();
    }
    return Status::DocumentParsing("object mapping for [" + f.path + "] tried to parse field [" + std::string(leaf) +
                                   "] as object, but found a concrete value");
  }

  // Values (possibly arrays of arrays) of a concrete field.
  Status walk_values(const FieldMapping& f, const json::Value& v, int depth) {
    if (f.type == FieldType::kGeoPoint && is_geo_point_array(v)) return value(f, v);  // [lon, lat]
    if (v.IsArray()) {
      if (depth > kMaxDepth) return Status::DocumentParsing("failed to parse: the document is nested too deeply");
      for (const auto& e : v.GetArray()) QUARRY_RETURN_IF_ERROR(walk_values(f, e, depth + 1));
      return Status::Ok();
    }
    if (v.IsNull()) {
      if (!f.null_value) return Status::Ok();
      json::Document nv;
      if (!json::parse(*f.null_value, nv).ok()) return Status::Ok();
      return value(f, nv);
    }
    return value(f, v);
  }

  // One scalar (or misplaced object) for `f`, its multi-fields and its copy_to targets.
  Status value(const FieldMapping& f, const json::Value& v) {
    if (v.IsObject() && f.type != FieldType::kGeoPoint && f.type != FieldType::kRange) return parse_error(f, v);
    QUARRY_RETURN_IF_ERROR(validating() ? check(f, v) : index_value(f, v));
    for (const std::string& sub : f.multi_fields) {
      const FieldMapping* s = lookup(f.path + "." + sub);
      if (s) QUARRY_RETURN_IF_ERROR(value(*s, v));
    }
    if (!f.copy_to.empty() && !copying_) {
      // The target indexes the value as if the document had it (creating the field dynamically
      // when allowed); copies are not copied on (Elasticsearch's copy_to is not recursive).
      // Copy the list first: a dynamic target may be added to pending_ while we iterate.
      std::vector<std::string> targets = f.copy_to;
      copying_ = true;
      Status st;
      for (const std::string& target : targets) {
        const FieldMapping* t = lookup(target);
        if (t && t->type == FieldType::kObject) {
          st = Status::DocumentParsing("Cannot copy field [" + f.path + "] to fields [" + target +
                                       "]. Copy-to currently only works for value-type fields, not objects.");
        } else if (t) {
          st = walk_values(*t, v, 0);
        } else {
          st = walk_member("", target, v, 0);  // unmapped: dynamic mapping decides
        }
        if (!st.ok()) break;
      }
      copying_ = false;
      QUARRY_RETURN_IF_ERROR(st);
    }
    return Status::Ok();
  }

  Status check(const FieldMapping& f, const json::Value& v) {
    if (f.type == FieldType::kText || f.type == FieldType::kKeyword) {
      if (!scalar_text(v, scratch_.term)) return parse_error(f, v);
      return Status::Ok();
    }
    if (!encode_value(f, v, scratch_) && !f.ignore_malformed) return parse_error(f, v);
    return Status::Ok();
  }

  // ---- dynamic mapping ----

  // The first non-null scalar or object in `v` (arrays searched depth-first), or nullptr.
  static const json::Value* first_concrete(const json::Value& v, int depth = 0) {
    if (v.IsNull() || depth > kMaxDepth) return nullptr;
    if (!v.IsArray()) return &v;
    for (const auto& e : v.GetArray()) {
      if (const json::Value* c = first_concrete(e, depth + 1)) return c;
    }
    return nullptr;
  }

  const FieldMapping* add_dynamic(const std::string& path, const json::Value& v) {
    const json::Value* c = first_concrete(v);
    if (!c) return nullptr;
    FieldMapping f;
    f.path = path;
    if (c->IsObject()) {
      f.type = FieldType::kObject;
    } else if (c->IsBool()) {
      f.type = FieldType::kBoolean;
    } else if (c->IsInt64() || c->IsUint64()) {
      f.type = FieldType::kLong;
    } else if (c->IsNumber()) {
      f.type = FieldType::kFloat;
    } else {
      return add_dynamic_string(std::move(f), json::view(*c));
    }
    return &add_pending(std::move(f));
  }

  const FieldMapping* add_dynamic_string(FieldMapping f, std::string_view s) {
    if (mapping_.date_detection()) {
      if (!iso_format_) iso_format_ = DateFormat::compile(kDetectIsoFormat).value();
      if (!slash_format_) slash_format_ = DateFormat::compile(kDetectSlashFormat).value();
      if (iso_format_->parse(s)) {
        f.type = FieldType::kDate;
        return &add_pending(std::move(f));
      }
      if (slash_format_->parse(s)) {
        f.type = FieldType::kDate;
        f.format = kDetectedSlashFieldFormat;
        f.date_format = std::make_shared<const DateFormat>(DateFormat::compile(f.format).value());
        return &add_pending(std::move(f));
      }
    }
    if (mapping_.numeric_detection()) {
      json::Value sv(rapidjson::StringRef(s.data(), s.size()));
      if (parse_integer_value(sv, FieldType::kLong, true) && s.find_first_of(".eE") == std::string_view::npos) {
        f.type = FieldType::kLong;
        return &add_pending(std::move(f));
      }
      if (parse_floating_value(sv, FieldType::kDouble, true)) {
        f.type = FieldType::kFloat;
        return &add_pending(std::move(f));
      }
    }
    f.type = FieldType::kText;
    f.multi_fields = {"keyword"};
    FieldMapping kw;
    kw.path = f.path + ".keyword";
    kw.type = FieldType::kKeyword;
    kw.ignore_above = 256;
    kw.parent_multi_field = f.path;
    const FieldMapping& text = add_pending(std::move(f));
    add_pending(std::move(kw));
    return &text;
  }

  // ---- indexing ----

  void add_exists(const std::string& path) {
    term_.assign(kFieldExistsPrefix);
    term_ += path;
    if (term_.size() <= kMaxTermBytes) doc_->add_boolean_term(term_);
  }

  void set_slot_once(const FieldMapping& f, const std::string& bytes) {
    if (f.slot < 0 || !f.doc_values) return;
    auto s = static_cast<size_t>(f.slot);
    if (s >= slot_set_.size()) slot_set_.resize(s + 1, 0);
    if (slot_set_[s]) {
      // Multi-valued: the slot keeps the first value; kSlotMultiValues gets them all.
      auto& all = multi_values_[static_cast<unsigned>(s)];
      if (all.empty()) all.push_back(doc_->get_value(static_cast<Xapian::valueno>(s)));
      all.push_back(bytes);
      return;
    }
    slot_set_[s] = 1;
    doc_->add_value(static_cast<Xapian::valueno>(f.slot), bytes);
  }

  // Range fields keep every range of the document in their own slot (index/range_value.h), so
  // they never use kSlotMultiValues. Fields made before range bounds were stored have no slot.
  void append_range(const FieldMapping& f, const std::string& bounds) {
    if (f.slot < 0 || (!f.index && !f.doc_values)) return;
    auto slot = static_cast<Xapian::valueno>(f.slot);
    doc_->add_value(slot, doc_->get_value(slot) + bounds);
  }

  // term_ = prefix + text; false if too long for Xapian.
  bool make_term(const FieldMapping& f, std::string_view text) {
    term_.assign(f.prefix);
    term_.append(text);
    return term_.size() <= kMaxTermBytes;
  }

  Status index_value(const FieldMapping& f, const json::Value& v) {
    switch (f.type) {
      case FieldType::kText:
        if (!scalar_text(v, scratch_.term)) return parse_error(f, v);
        if (f.index) {
          index_text(f, scratch_.term);
          add_exists(f.path);
        }
        return Status::Ok();
      case FieldType::kKeyword:
        if (!scalar_text(v, scratch_.term)) return parse_error(f, v);
        if (exceeds_ignore_above(f, scratch_.term)) return Status::Ok();
        // Keyword terms carry wdf 1 so a term query scores as BM25 with tf = 1.
        if (f.index && make_term(f, scratch_.term)) doc_->add_term(term_, 1);
        set_slot_once(f, scratch_.term);
        break;
      case FieldType::kObject:
        return Status::Ok();
      case FieldType::kBinary:
      case FieldType::kGeoPoint:
        // Validated only: not searchable, but `exists` finds them.
        if (!encode_value(f, v, scratch_)) return f.ignore_malformed ? Status::Ok() : parse_error(f, v);
        add_exists(f.path);
        return Status::Ok();
      case FieldType::kRange:
        if (!encode_value(f, v, scratch_)) return f.ignore_malformed ? Status::Ok() : parse_error(f, v);
        append_range(f, scratch_.slot);
        break;
      default:
        if (!encode_value(f, v, scratch_)) return f.ignore_malformed ? Status::Ok() : parse_error(f, v);
        if (f.index && make_term(f, scratch_.term)) doc_->add_boolean_term(term_);
        set_slot_once(f, scratch_.slot);
        break;
    }
    if (f.index || f.doc_values) add_exists(f.path);
    return Status::Ok();
  }

  void index_text(const FieldMapping& f, const std::string& text) {
    unsigned& base = next_position_[&f];
    unsigned last = 0;
    bool any = false;
    std::unordered_set<std::string>* seen = nullptr;
    if (f.index_options == IndexOptions::kDocs) seen = &docs_seen_[&f];
    // index_phrases: each token with the one right before it in this value (never across values,
    // which position_increment_gap keeps apart, nor across a position gap an analyser left).
    bool shingles = f.phrase_shingles;
    std::string previous;
    auto on_token = [&](const std::string& token, unsigned pos, unsigned, unsigned) {
      if (shingles) {
        if (any && pos == last + 1 && phrase_shingle_term(f, previous, token, shingle_)) {
          doc_->add_boolean_term(shingle_);
        }
        previous = token;
      }
      any = true;
      last = pos;
      if (!make_term(f, token)) return;
      switch (f.index_options) {
        case IndexOptions::kDocs:
          if (seen->insert(term_).second) doc_->add_term(term_, 1);
          break;
        case IndexOptions::kFreqs:
          doc_->add_term(term_, 1);
          break;
        case IndexOptions::kPositions:
        case IndexOptions::kOffsets:
          // Xapian positions are 1-based by convention: ES position p is stored as p + 1.
          doc_->add_posting(term_, base + pos + 1, 1);
          break;
      }
    };
    // std::ref: the std::function holds a pointer to on_token instead of a heap copy of it.
    mapping_.analyzers().analyze_each(f.index_analyzer(), text, std::ref(on_token));
    // position_increment_gap: consecutive values of one text field are this far apart, so phrase
    // queries do not match across values.
    if (any) base += last + 1 + static_cast<unsigned>(f.effective_position_increment_gap());
  }

  const Mapping& mapping_;
  std::string shingle_;  // scratch for index_phrases terms
  std::string_view doc_id_;
  std::vector<FieldMapping>* out_;
  Xapian::Document* doc_;

  std::map<std::string, FieldMapping, std::less<>> pending_;  // node-stable: lookups return pointers
  std::vector<std::string> pending_order_;
  std::optional<DateFormat> iso_format_;
  std::optional<DateFormat> slash_format_;

  bool copying_ = false;  // indexing a copy_to copy: its own copy_to is not followed
  EncodedValue scratch_;  // reused per value
  std::string term_;      // reused per term
  std::vector<char> slot_set_;
  std::map<unsigned, std::vector<std::string>> multi_values_;  // slot -> every value, when > 1
  std::unordered_map<const FieldMapping*, unsigned> next_position_;
  std::unordered_map<const FieldMapping*, std::unordered_set<std::string>> docs_seen_;
};

}  // namespace

Result<MappedDocument> DocumentMapper::validate(const Mapping& mapping, const json::Value& source,
                                                std::string_view doc_id) {
  MappedDocument out;
  Walker walker(mapping, doc_id, &out.new_fields, nullptr);
  QUARRY_RETURN_IF_ERROR(walker.walk_root(source));
  walker.take_new_fields();
  return out;
}

Status DocumentMapper::index(const Mapping& mapping, const json::Value& source, Xapian::Document& doc) {
  Walker walker(mapping, "", nullptr, &doc);
  try {
    QUARRY_RETURN_IF_ERROR(walker.walk_root(source));
    walker.write_multi_values();
    return Status::Ok();
  } catch (const Xapian::Error& e) {
    return Status::Internal("indexing failed: " + e.get_description());
  }
}

}  // namespace quarry::index
