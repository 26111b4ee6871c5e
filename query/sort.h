// Sorting of search hits: the parsed `sort` clause (SortSpec), its resolution against one index's
// mapping (SortKey: value slot, type, encoded `missing` value) and the byte encoding that orders
// hits the same way on every shard and on the coordinator.
//
// A hit's *sort key* is one byte string built from its per-key raw values (the value-slot bytes,
// empty when the document has no value), its score and its docid, such that comparing two keys
// bytewise gives the requested order: per key a flag byte (missing-first < present < missing-last)
// then the value escaped to be prefix-free, every byte inverted for a descending key. Shards sort
// with a Xapian::KeyMaker that builds the same bytes, so the coordinator's merge of the shards'
// top hits needs no type knowledge; ties are broken by shard order, then docid.
//
// Value types and free functions: safe from any thread.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "index/json.h"
#include "index/mapping.h"
#include "index/status.h"

namespace quarry::query {

// One entry of the request's `sort`.
struct SortSpec {
  enum class Kind { kScore, kDoc, kField };
  enum class Missing { kLast, kFirst, kValue };
  Kind kind = Kind::kScore;
  std::string field;
  bool descending = true;           // _score defaults to desc, everything else to asc
  Missing missing = Missing::kLast;
  std::string missing_json;         // kValue: the JSON text of the replacement value
  std::string mode;                 // "", min, max, sum, avg, median
  std::string unmapped_type;
  std::string format;               // dates: how sort values are printed (and search_after parsed)
};

// Parses `sort` (a string, an object or an array of them). Errors: kParsing / kInvalidArgument
// with Elasticsearch's messages.
Status parse_sort(const json::Value& v, std::vector<SortSpec>* out);
// Parses the URI form "field:asc,other:desc,_score". Errors: kInvalidArgument.
Status parse_sort_param(std::string_view text, std::vector<SortSpec>* out);

// A SortSpec resolved against one index's mapping.
struct SortKey {
  SortSpec spec;
  index::FieldType type = index::FieldType::kKeyword;
  int slot = -1;            // -1: unmapped (every document is missing the value)
  std::string prefix;       // field term prefix (for `mode` over all values)
  std::string missing_raw;  // kValue: the replacement, as slot bytes
  std::shared_ptr<const index::DateFormat> date_format;
  // date_nanos: Elasticsearch's sort values (and numeric search_after values) are epoch
  // nanoseconds; Quarry stores milliseconds, so they are scaled by 10^6 both ways.
  bool nanos = false;
};

// Errors: kInvalidArgument for text fields, unmapped fields without unmapped_type, a `missing`
// value that does not fit the field, or fields without doc values.
Result<std::vector<SortKey>> resolve_sort(const std::vector<SortSpec>& specs, const index::Mapping& mapping);

// Whether the keys need the score (some key is _score).
bool sort_uses_score(const std::vector<SortKey>& keys);

// The raw value of one field key for a document (empty = missing). Honours `mode` by reading
// every value from the document's terms when a mode other than the default is requested.
std::string sort_raw_value(const SortKey& key, const Xapian::Document& doc);

// The sort key of a hit. `raw` has one entry per key (ignored for _score and _doc keys).
std::string encode_sort_key(const std::vector<SortKey>& keys, const std::vector<std::string>& raw,
                            double score, Xapian::docid docid);
// The same over the keys [begin, end) only (no score allowed): what a shard's KeyMaker returns.
std::string encode_field_keys(const std::vector<SortKey>& keys, size_t begin, size_t end,
                              const Xapian::Document& doc);

// A Xapian KeyMaker over the field keys [begin, end).
class SortKeyMaker : public Xapian::KeyMaker {
 public:
  SortKeyMaker(const std::vector<SortKey>& keys, size_t begin, size_t end)
      : keys_(keys), begin_(begin), end_(end) {}
  std::string operator()(const Xapian::Document& doc) const override {
    return encode_field_keys(keys_, begin_, end_, doc);
  }

 private:
  const std::vector<SortKey>& keys_;
  size_t begin_, end_;
};

// One value of a hit's "sort" array.
struct SortValue {
  enum class Type { kNull, kLong, kDouble, kString };
  Type type = Type::kNull;
  int64_t l = 0;
  double d = 0;
  std::string s;
};

SortValue sort_value(const SortKey& key, const std::string& raw, double score, Xapian::docid docid);
void write_sort_value(json::Writer& w, const SortValue& v);

// search_after: the sort key (as encode_sort_key builds it) hits must be strictly above.
// Errors: kInvalidArgument (wrong count, a value that does not fit, unparsable date: "failed to
// parse date field [x] with format [f]").
Result<std::string> search_after_key(const std::vector<SortKey>& keys, const json::Value& values);

}  // namespace quarry::query
