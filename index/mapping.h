// Mapping: the field definitions of one index, as Elasticsearch's "mappings" describe them, plus
// the stable Xapian layout (term prefix, value slot) each field was given when it first appeared.
//
// A Mapping is a value type. The engine keeps the current one as shared_ptr<const Mapping> and
// replaces it copy-on-write under the index's lock, so readers never see one change underneath them.
// See docs/storage-format.md for the term-prefix and value-slot layout.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "index/analyzer_set.h"
#include "index/dates.h"
#include "index/json.h"
#include "index/status.h"

namespace quarry::index {

// kHalfFloat is stored at float precision (not rounded to half precision); term, range and sort
// behave as for float. kBinary (base64) is never searchable: only its exists term is indexed.
// kIp: IPv4/IPv6, slot = 16-byte big-endian IPv6 (IPv4-mapped). kGeoPoint: validated, only the
// exists term is indexed (no geo queries). kRange (integer_range, long_range, float_range,
// double_range, date_range, ip_range; FieldMapping::range_of says which): {gt, gte, lt, lte}
// objects (ip_range also CIDR strings); every range of a document goes into the field's value slot
// as inclusive bounds (index/range_value.h) for range / term queries and histograms.
enum class FieldType {
  kText, kKeyword, kLong, kInteger, kShort, kByte, kDouble, kFloat, kDate, kBoolean, kObject,
  kHalfFloat, kBinary, kIp, kGeoPoint, kRange
};
enum class IndexOptions { kDocs, kFreqs, kPositions, kOffsets };
enum class DynamicMode { kTrue, kFalse, kStrict };
// Elasticsearch 8's `_source.mode`. Quarry always keeps the original _source bytes; the mode only
// changes what the mapping reports (and which updates are allowed).
enum class SourceMode { kDisabled, kStored, kSynthetic };

// Elasticsearch's default position_increment_gap for text fields.
inline constexpr int kDefaultPositionIncrementGap = 100;
// index_prefixes defaults (min_chars, max_chars).
inline constexpr int kDefaultPrefixMinChars = 2;
inline constexpr int kDefaultPrefixMaxChars = 5;

struct IndexPrefixes {
  int min_chars = kDefaultPrefixMinChars;
  int max_chars = kDefaultPrefixMaxChars;
  bool operator==(const IndexPrefixes&) const = default;
};

const char* field_type_name(FieldType t);
std::optional<FieldType> parse_field_type(std::string_view name);

// Mapping type names that are stored as another FieldType with a flag (see FieldMapping::variant):
// "date_nanos" is a kDate, "nested" is a kObject. Accepts every name parse_field_type accepts.
struct EsType {
  FieldType type;
  bool variant = false;
  FieldType range_of = FieldType::kLong;  // kRange: the bounds' type
};
std::optional<EsType> parse_es_type(std::string_view name);
bool is_numeric(FieldType t);

struct FieldMapping {
  std::string path;            // full dotted path: "author.playtime_forever", "app_name.keyword"
  FieldType type = FieldType::kText;
  std::string prefix;          // Xapian term prefix, e.g. "XF7:"; never changes once given
  int slot = -1;               // Xapian value slot (keyword, numeric, date, boolean, ip, range), -1 if none
  // Parameters (only the ones that apply to `type` are meaningful / serialised):
  int ignore_above = -1;                       // keyword: longer values are not indexed
  std::string format;                          // date: e.g. "strict_date_optional_time||epoch_millis"
  IndexOptions index_options = IndexOptions::kPositions;  // text
  std::string analyzer;                        // text: empty = "standard"
  std::string search_analyzer;                 // text: empty = analyzer
  bool index = true;                           // false: not searchable (still in _source)
  bool doc_values = true;
  std::optional<std::string> null_value;       // raw JSON of null_value if given
  bool coerce = true;                          // numeric: accept "12" strings
  std::vector<std::string> multi_fields;       // names of sub-fields (paths are path + "." + name)
  std::string parent_multi_field;              // for a sub-field: the path of its parent field
  // Object: dynamic override for this object's subtree (unset = inherit).
  std::optional<DynamicMode> dynamic;
  bool store = false;                          // accepted and echoed; _source is always kept
  bool ignore_malformed = false;               // numeric, date: a bad value is skipped, not an error
  bool enabled = true;                         // object: false = kept in _source, never parsed
  // The mapping said "date_nanos" (type kDate) or "nested" (type kObject). Quarry indexes them
  // exactly like date / object (millisecond precision; flattened objects, see
  // docs/storage-format.md); the flag only keeps the type name the user gave.
  bool variant = false;
  // kRange: the type of the bounds (kInteger, kLong, kFloat, kDouble, kDate or kIp).
  FieldType range_of = FieldType::kLong;
  // date: the compiled `format` (or the default); set by Mapping when the field is inserted.
  std::shared_ptr<const DateFormat> date_format;
  // Per-field "meta" (sorted by key, as Elasticsearch prints it). A mapping update replaces it.
  std::map<std::string, std::string> meta;
  // Full paths this field's values are also indexed into (not recursively). Updatable.
  std::vector<std::string> copy_to;
  // The parameters below are accepted, validated, persisted and echoed as Elasticsearch does;
  // apart from position_increment_gap and index_phrases they have no effect on indexing or
  // search yet.
  std::string normalizer;                      // keyword: "" = none; only "lowercase" is known
  std::optional<bool> norms;                   // text (default true), keyword (default false)
  bool fielddata = false;                      // text
  bool eager_global_ordinals = false;          // text, keyword
  std::string similarity;                      // text, keyword: "" = default ("BM25")
  std::string term_vector;                     // text: "" = "no"
  int position_increment_gap = -1;             // text: -1 = default (100); used by the indexer
  bool index_phrases = false;                  // text
  // index_phrases as the indexer applies it: documents hold the word-pair terms and exact
  // phrases may match on them (docs/storage-format.md). Set for fields mapped by a Quarry that
  // indexes the pairs; a field an older one persisted with index_phrases keeps it false, since
  // its documents have no pairs.
  bool phrase_shingles = false;
  std::optional<IndexPrefixes> index_prefixes; // text
  // Time series parameters (validated, persisted, echoed). time_series_metric ("" = none;
  // numeric: "gauge" or "counter") makes a counter refuse most aggregations in an index with
  // `index.mode: time_series`; time_series_dimension (keyword, ip, numeric, boolean) names the
  // fields `index.routing_path` may list.
  std::string time_series_metric;
  bool time_series_dimension = false;

  // The type name Elasticsearch shows: field_type_name(type), or date_nanos / nested / *_range.
  const char* es_type_name() const;

  // The analyzer used at index time / at search time ("standard" when unset).
  std::string_view index_analyzer() const { return analyzer.empty() ? std::string_view("standard") : analyzer; }
  std::string_view query_analyzer() const { return search_analyzer.empty() ? index_analyzer() : search_analyzer; }
  bool effective_norms() const { return norms.value_or(type == FieldType::kText); }
  int effective_position_increment_gap() const {
    return position_increment_gap < 0 ? kDefaultPositionIncrementGap : position_increment_gap;
  }
  // The date format in effect (the compiled `format`, else the default).
  const DateFormat& effective_date_format() const {
    return date_format ? *date_format : DateFormat::default_format();
  }
};

// Checks a field name as given in a mapping or a document: not empty, not only dots or
// whitespace, no empty segment between dots. Errors: kInvalidArgument with Elasticsearch's text
// (ES reports a mapper_parsing_exception caused by an illegal_argument_exception with this
// reason; the document mapper turns it into a document parsing error).
Status validate_field_name(std::string_view name);

// Whether fields of this type get a value slot (keyword, numeric, date, boolean, ip, range).
bool has_value_slot(FieldType t);

const char* dynamic_mode_name(DynamicMode m);  // "true" / "false" / "strict"
const char* index_options_name(IndexOptions o);  // "docs" / "freqs" / "positions" / "offsets"
const char* source_mode_name(SourceMode m);      // "disabled" / "stored" / "synthetic"

class Mapping {
 public:
  // Builds a mapping from an Elasticsearch "mappings" object ({"properties":{...},"dynamic":...}).
  // Assigns fresh prefixes/slots. Errors: kMapperParsing for unknown types / bad parameters;
  // kInvalidArgument for a bad field name or a mapping nested under the type name "_doc".
  static Result<Mapping> from_es_json(const json::Value& mappings);

  // PUT _mapping: adds new fields and accepts identical redefinitions. Changing the type or an
  // immutable parameter of an existing field -> kInvalidArgument ("mapper [x] cannot be changed
  // from type [long] to [text]"), as is a body wrapped in the type name ({"_doc":{...}}) and
  // turning synthetic _source back to stored. On error the mapping is unchanged.
  Status merge_es_json(const json::Value& mappings);

  // Adds one field discovered by dynamic mapping (already validated). Assigns prefix/slot.
  void add_field(FieldMapping field);

  // The Elasticsearch view: {"dynamic":..., "properties":{ nested objects ... }} (only
  // non-default parameters, as Elasticsearch prints them).
  void write_es_json(json::Writer& w) const;

  // The persisted view (includes prefixes and slots, so they survive restarts).
  void write_meta_json(json::Writer& w) const;
  static Result<Mapping> from_meta_json(const json::Value& meta);

  const FieldMapping* find(std::string_view path) const;
  // The analyzers this index's fields and queries resolve analyzer names against.
  const AnalyzerSet& analyzers() const { return *analyzers_; }
  void set_analyzers(std::shared_ptr<const AnalyzerSet> analyzers) { analyzers_ = std::move(analyzers); }
  const std::map<std::string, FieldMapping, std::less<>>& fields() const { return fields_; }
  DynamicMode dynamic() const { return dynamic_; }
  // The effective dynamic mode at an object path ("" = root), honouring per-object overrides.
  DynamicMode dynamic_at(std::string_view object_path) const;
  bool date_detection() const { return date_detection_; }
  bool numeric_detection() const { return numeric_detection_; }
  // Whether _source is kept (false for "enabled": false or "mode": "disabled").
  bool source_enabled() const;
  // The `_source.mode` if one was given (and "enabled" was not).
  std::optional<SourceMode> source_mode() const { return source_mode_; }
  // "_meta" and "dynamic_templates" as given (raw JSON), echoed by write_es_json.
  const std::optional<std::string>& meta_json() const { return meta_json_; }
  const std::optional<std::string>& dynamic_templates_json() const { return dynamic_templates_json_; }

 private:
  FieldMapping& insert(FieldMapping f);  // assigns prefix/slot if unset
  Status merge_impl(const json::Value& mappings, bool creating);
  Status apply_source(const json::Value& def, bool creating);
  Status apply_properties(const json::Value& props, const std::string& parent_path);
  Status apply_field(const std::string& path, std::string_view leaf, const json::Value& def,
                     const std::string& parent_multi_field);
  Status ensure_object(const std::string& path);
  void write_children(json::Writer& w, std::string_view parent,
                      const std::map<std::string_view, std::vector<const FieldMapping*>>& kids) const;

  std::optional<std::string> meta_json_;
  std::optional<std::string> dynamic_templates_json_;
  bool dynamic_set_ = false;            // printed only if given explicitly, as Elasticsearch does
  bool date_detection_set_ = false;
  bool numeric_detection_set_ = false;
  bool source_set_ = false;              // "_source.enabled" given explicitly (false)

  std::map<std::string, FieldMapping, std::less<>> fields_;  // objects included, type kObject
  DynamicMode dynamic_ = DynamicMode::kTrue;
  bool date_detection_ = true;
  bool numeric_detection_ = false;
  bool source_enabled_ = true;          // the "enabled" parameter's value
  std::optional<SourceMode> source_mode_;
  int next_prefix_ = 0;  // prefixes are "X" + number + ":" so they never collide
  int next_slot_ = 10;   // slots below 10 are reserved for the engine (see storage-format.md)
  std::shared_ptr<const AnalyzerSet> analyzers_ = AnalyzerSet::builtin();
};

}  // namespace quarry::index
