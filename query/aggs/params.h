// Reading an aggregation's parameters strictly: typed getters, and finish() refuses every member
// that no getter asked for, naming it as Elasticsearch does ("[terms] unknown field [fieldd]").
// Also the "field" / "missing" / "format" / "script" value source most aggregations share.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "index/json.h"
#include "index/mapping.h"
#include "index/status.h"
#include "query/aggs/doc_values.h"

namespace quarry::query::aggs {

class ShardContext;

class Params {
 public:
  Params(const json::Value& body, std::string type) : body_(body), type_(std::move(type)) {}
  const std::string& type() const { return type_; }
  // The member, nullptr if absent; marks it as known.
  const json::Value* get(std::string_view key);
  Result<std::optional<std::string>> string(std::string_view key);
  Result<std::optional<double>> number(std::string_view key);
  Result<std::optional<int64_t>> integer(std::string_view key);
  Result<std::optional<bool>> boolean(std::string_view key);
  // Errors: kParsing for the first member no getter asked for.
  Status finish() const;
  Status error(std::string_view key, std::string_view why) const;

 private:
  const json::Value& body_;
  std::string type_;
  std::set<std::string, std::less<>> known_;
};

// "field", "missing", "format", "script", "value_type" of a values-source aggregation.
struct ValuesSourceSpec {
  std::string field;
  std::string missing_json;  // raw JSON of "missing"; "" = none
  std::string format;        // "" = the field's own
  std::string value_type;    // "" = none; types an unmapped field ("date", "boolean", "long", ...)
  // Reads the members above. Errors: kParsing; scripts are refused ("[script] is not supported").
  Status parse(Params& p, bool field_required = true);
};

// A values source resolved on one shard.
struct FieldValues {
  const index::FieldMapping* field = nullptr;            // nullptr: unmapped in this index
  std::shared_ptr<const NumericColumn> numeric;          // numeric, date, boolean fields
  std::shared_ptr<const OrdinalColumn> ordinals;         // keyword, ip fields
  std::shared_ptr<const RangeColumn> ranges;             // numeric and date range fields (kNumericOrRange)
  std::optional<double> missing_number;                  // "missing" as a number for this field
  std::optional<std::string> missing_term;               // "missing" as a term for this field
  // Unmapped field with a numeric, date or boolean `value_type`: the type keys are printed as.
  std::shared_ptr<const index::FieldMapping> unmapped_as;
  bool is_date() const { return field && field->type == index::FieldType::kDate; }
  bool is_bool() const { return field && field->type == index::FieldType::kBoolean; }
};

// kNumericOrRange: numeric values, or the ranges of a numeric / date range field (histograms).
enum class ValuesKind { kNumeric, kNumericOrRange, kAny };

// Resolves `spec` against the shard's mapping and loads its column. kNumeric refuses keyword
// fields as Elasticsearch does ("Field [x] of type [keyword] is not supported for aggregation
// [avg]"), and so does every aggregation but min, max, histogram and range for a counter field
// (time_series_metric: counter) of an index in time_series mode; range fields are refused unless
// `kind` is kNumericOrRange. A `value_type` of another family than a mapped field's type ("ip" on
// a keyword field) fails: kInvalidArgument "Field type [keyword] is incompatible with specified
// value_type [ip]" (this index's shards fail, the others of a multi-index search answer).
// Unmapped fields resolve with field == nullptr (the aggregation sees no values, or only
// `missing`).
Result<FieldValues> resolve_values(const ValuesSourceSpec& spec, ShardContext& ctx, ValuesKind kind,
                                   const std::string& agg_type);

// Formats a numeric doc value of `f` the way Elasticsearch prints keys and value_as_string:
// dates with `format` (or the field's), booleans as true/false, other numbers with a
// DecimalFormat-like `format` when given. nullopt: print no string.
std::optional<std::string> format_value(double v, const index::FieldMapping* f, const std::string& format);
// A numeric key as JSON (integers without ".0" for integer-like fields and dates).
std::string number_json(double v, bool integer_like);

}  // namespace quarry::query::aggs
