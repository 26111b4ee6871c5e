// Doc values: the aggregatable fields of one shard revision as in-memory columns, so that an
// aggregation is a tight loop over arrays instead of a value-slot read per document.
//
// A column is loaded from a field's value slot (one pass over Xapian's value stream, which is
// sparse and sequential) plus the multi-valued record of index/multi_values.h, and cached on the
// Shard keyed by the reader's revision: searches of the same committed revision share it; the
// first search after a commit rebuilds it from the new revision.
//
// Numeric, date and boolean fields -> NumericColumn (dates as epoch millis, booleans as 0/1).
// Keyword and ip fields -> OrdinalColumn (sorted distinct terms + per-document ordinals).
// Numeric range fields (integer_range ... date_range) -> RangeColumn (each document's ranges as
// inclusive [from, to] pairs of doubles, dates in epoch millis).
// Numeric fields with few distinct values (app ids, booleans, small counts) can also be read as
// NumericOrdinals, derived from the NumericColumn, so that `terms` counts into an array instead
// of an ordered map per document.
// Columns are immutable once built; share them across threads freely.
#pragma once

#include <xapian.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "index/mapping.h"
#include "index/shard.h"
#include "index/status.h"

namespace quarry::query::aggs {

struct NumericColumn {
  std::vector<double> first;  // by docid; NaN = no value
  std::unordered_map<Xapian::docid, std::vector<double>> multi;  // documents with several values

  bool has(Xapian::docid d) const { return d < first.size() && !std::isnan(first[d]); }
  // Calls f(value) for every value of d (sorted ascending for multi-valued documents).
  template <typename F>
  void for_each(Xapian::docid d, F&& f) const {
    if (d >= first.size() || std::isnan(first[d])) return;
    if (!multi.empty()) {
      auto it = multi.find(d);
      if (it != multi.end()) {
        for (double v : it->second) f(v);
        return;
      }
    }
    f(first[d]);
  }
  size_t memory_bytes() const;
};

// The ranges of a numeric range field, by document, each document's sorted by `from` (then `to`).
// Open bounds are the type's limits (+-inf for float and double, the long / int limits otherwise).
struct RangeColumn {
  struct Range {
    double from, to;
  };
  index::FieldType range_of = index::FieldType::kLong;
  std::vector<uint32_t> offsets;  // by docid: the ranges of d are ranges[offsets[d] .. offsets[d + 1])
  std::vector<Range> ranges;

  bool has(Xapian::docid d) const { return d + 1 < offsets.size() && offsets[d] != offsets[d + 1]; }
  // The ranges of d as [begin, end).
  std::pair<const Range*, const Range*> of(Xapian::docid d) const {
    if (d + 1 >= offsets.size()) return {nullptr, nullptr};
    return {ranges.data() + offsets[d], ranges.data() + offsets[d + 1]};
  }
  size_t memory_bytes() const { return offsets.capacity() * sizeof(uint32_t) + ranges.capacity() * sizeof(Range); }
};

// Per-document ordinals into a sorted dictionary held by the column that embeds this.
struct DocOrdinals {
  static constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
  std::vector<uint32_t> ords;  // by docid; kNone = no value
  std::unordered_map<Xapian::docid, std::vector<uint32_t>> multi;  // ascending, distinct

  bool has(Xapian::docid d) const { return d < ords.size() && ords[d] != kNone; }
  // Calls f(ordinal) for every value of d.
  template <typename F>
  void for_each(Xapian::docid d, F&& f) const {
    if (d >= ords.size() || ords[d] == kNone) return;
    if (!multi.empty()) {
      auto it = multi.find(d);
      if (it != multi.end()) {
        for (uint32_t o : it->second) f(o);
        return;
      }
    }
    f(ords[d]);
  }
};

struct OrdinalColumn : DocOrdinals {
  std::vector<std::string> terms;  // distinct values, byte order
  size_t memory_bytes() const;
};

// The distinct values of a numeric column (ascending) and each document's ordinals into them.
struct NumericOrdinals : DocOrdinals {
  // More distinct values than this: no ordinals (counting arrays would outgrow the map).
  static constexpr size_t kMaxDistinct = 1 << 16;
  std::vector<double> values;
};

// The columns of one shard revision, built on demand. Not thread-safe: one per shard search
// (the columns it hands out are shared, immutable and cached on the shard).
class DocValues {
 public:
  DocValues(index::Shard& shard, Xapian::Database& db) : shard_(shard), db_(db) {}
  // Errors: kInvalidArgument if the field has no doc values (no slot: text, doc_values false).
  Result<std::shared_ptr<const NumericColumn>> numeric(const index::FieldMapping& f);
  Result<std::shared_ptr<const OrdinalColumn>> ordinals(const index::FieldMapping& f);
  // Errors: kInvalidArgument for other than numeric or date range fields.
  Result<std::shared_ptr<const RangeColumn>> ranges(const index::FieldMapping& f);
  // nullptr when the field has more than NumericOrdinals::kMaxDistinct distinct values.
  Result<std::shared_ptr<const NumericOrdinals>> numeric_ordinals(const index::FieldMapping& f);

 private:
  index::Shard& shard_;
  Xapian::Database& db_;
};

// Loading, exposed for tests and the benchmark.
std::shared_ptr<const NumericColumn> load_numeric_column(Xapian::Database& db, const index::FieldMapping& f);
std::shared_ptr<const OrdinalColumn> load_ordinal_column(Xapian::Database& db, const index::FieldMapping& f);
std::shared_ptr<const NumericOrdinals> make_numeric_ordinals(const NumericColumn& col);
std::shared_ptr<const RangeColumn> load_range_column(Xapian::Database& db, const index::FieldMapping& f);

// The error Elasticsearch gives for aggregating on a field without doc values.
Status no_doc_values_error(const index::FieldMapping& f);

}  // namespace quarry::query::aggs
