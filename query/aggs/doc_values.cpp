#include "query/aggs/doc_values.h"

#include <algorithm>

#include "index/multi_values.h"
#include "index/range_value.h"

namespace quarry::query::aggs {

namespace {

using index::FieldType;

bool numeric_kind(FieldType t) {
  return index::is_numeric(t) || t == FieldType::kDate || t == FieldType::kBoolean;
}

double decode_number(FieldType t, std::string_view raw) {
  if (t == FieldType::kBoolean) return raw == "1" ? 1.0 : 0.0;
  return Xapian::sortable_unserialise(std::string(raw));
}

// Calls f(docid, values) for every document holding several values in `slot`.
template <typename F>
void for_each_multi(Xapian::Database& db, unsigned slot, F&& f) {
  std::vector<std::string_view> mine;
  for (auto it = db.valuestream_begin(index::kSlotMultiValues); it != db.valuestream_end(index::kSlotMultiValues); ++it) {
    std::string bytes = *it;
    Xapian::docid did = it.get_docid();
    index::decode_multi_values(bytes, [&](unsigned s, const std::vector<std::string_view>& values) {
      if (s == slot) f(did, values);
    });
  }
}

}  // namespace

size_t NumericColumn::memory_bytes() const {
  size_t n = first.capacity() * sizeof(double);
  for (const auto& [d, v] : multi) n += sizeof(d) + v.capacity() * sizeof(double) + 32;
  return n;
}

size_t OrdinalColumn::memory_bytes() const {
  size_t n = ords.capacity() * sizeof(uint32_t);
  for (const auto& t : terms) n += t.capacity() + sizeof(t);
  for (const auto& [d, v] : multi) n += sizeof(d) + v.capacity() * sizeof(uint32_t) + 32;
  return n;
}

std::shared_ptr<const NumericColumn> load_numeric_column(Xapian::Database& db, const index::FieldMapping& f) {
  auto col = std::make_shared<NumericColumn>();
  auto slot = static_cast<Xapian::valueno>(f.slot);
  col->first.assign(static_cast<size_t>(db.get_lastdocid()) + 1, std::numeric_limits<double>::quiet_NaN());
  for (auto it = db.valuestream_begin(slot); it != db.valuestream_end(slot); ++it) {
    col->first[it.get_docid()] = decode_number(f.type, *it);
  }
  for_each_multi(db, slot, [&](Xapian::docid did, const std::vector<std::string_view>& values) {
    std::vector<double> nums;
    nums.reserve(values.size());
    for (auto v : values) nums.push_back(decode_number(f.type, v));
    // Elasticsearch's sorted numeric doc values: ascending, duplicates kept.
    std::sort(nums.begin(), nums.end());
    col->multi[did] = std::move(nums);
  });
  return col;
}

std::shared_ptr<const OrdinalColumn> load_ordinal_column(Xapian::Database& db, const index::FieldMapping& f) {
  auto col = std::make_shared<OrdinalColumn>();
  auto slot = static_cast<Xapian::valueno>(f.slot);
  // Pass 1: the distinct values (including the multi-valued ones), sorted, give the ordinals.
  std::vector<std::pair<Xapian::docid, std::string>> firsts;
  for (auto it = db.valuestream_begin(slot); it != db.valuestream_end(slot); ++it) {
    firsts.emplace_back(it.get_docid(), *it);
  }
  std::vector<std::pair<Xapian::docid, std::vector<std::string>>> multis;
  for_each_multi(db, slot, [&](Xapian::docid did, const std::vector<std::string_view>& values) {
    multis.emplace_back(did, std::vector<std::string>(values.begin(), values.end()));
  });
  std::vector<std::string> all;
  all.reserve(firsts.size());
  for (const auto& [d, v] : firsts) all.push_back(v);
  for (const auto& [d, vs] : multis) all.insert(all.end(), vs.begin(), vs.end());
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  col->terms = std::move(all);
  auto ord_of = [&](const std::string& v) {
    return static_cast<uint32_t>(std::lower_bound(col->terms.begin(), col->terms.end(), v) - col->terms.begin());
  };
  // Pass 2: ordinals per document.
  col->ords.assign(static_cast<size_t>(db.get_lastdocid()) + 1, OrdinalColumn::kNone);
  for (const auto& [d, v] : firsts) col->ords[d] = ord_of(v);
  for (auto& [d, vs] : multis) {
    std::vector<uint32_t> ords;
    for (const auto& v : vs) ords.push_back(ord_of(v));
    // Elasticsearch's sorted set doc values: each distinct value once.
    std::sort(ords.begin(), ords.end());
    ords.erase(std::unique(ords.begin(), ords.end()), ords.end());
    col->multi[d] = std::move(ords);
  }
  return col;
}

std::shared_ptr<const RangeColumn> load_range_column(Xapian::Database& db, const index::FieldMapping& f) {
  auto col = std::make_shared<RangeColumn>();
  col->range_of = f.range_of;
  auto slot = static_cast<Xapian::valueno>(f.slot);
  col->offsets.assign(static_cast<size_t>(db.get_lastdocid()) + 2, 0);
  size_t fill = 0;  // offsets[0 .. fill) are set
  std::vector<RangeColumn::Range> mine;
  for (auto it = db.valuestream_begin(slot); it != db.valuestream_end(slot); ++it) {
    Xapian::docid did = it.get_docid();
    while (fill <= did) col->offsets[fill++] = static_cast<uint32_t>(col->ranges.size());
    mine.clear();
    std::string bytes = *it;
    index::for_each_range(f.range_of, bytes, [&](std::string_view lo, std::string_view hi) {
      if (lo > hi) return;  // empty after gt / lt: holds no value
      mine.push_back({index::range_bound_number(f.range_of, lo), index::range_bound_number(f.range_of, hi)});
    });
    std::sort(mine.begin(), mine.end(), [](const auto& a, const auto& b) {
      return a.from < b.from || (a.from == b.from && a.to < b.to);
    });
    col->ranges.insert(col->ranges.end(), mine.begin(), mine.end());
  }
  while (fill < col->offsets.size()) col->offsets[fill++] = static_cast<uint32_t>(col->ranges.size());
  return col;
}

Result<std::shared_ptr<const RangeColumn>> DocValues::ranges(const index::FieldMapping& f) {
  if (f.type != FieldType::kRange || f.range_of == FieldType::kIp) return no_doc_values_error(f);
  if (f.slot < 0) {
    return Status::InvalidArgument("range field [" + f.path + "] was mapped before range values were indexed; "
                                   "reindex into a new index to query or aggregate it");
  }
  if (!f.doc_values) return no_doc_values_error(f);
  auto made = shard_.derived("ranges:" + std::to_string(f.slot), db_.get_revision(),
                             [&] { return std::static_pointer_cast<const void>(load_range_column(db_, f)); });
  return std::static_pointer_cast<const RangeColumn>(made);
}

Status no_doc_values_error(const index::FieldMapping& f) {
  if (f.type == FieldType::kText) {
    return Status::InvalidArgument(
        "Text fields are not optimised for operations that require per-document field data like aggregations and "
        "sorting, so these operations are disabled by default. Please use a keyword field instead. Alternatively, "
        "set fielddata=true on [" + f.path + "] in order to load field data by uninverting the inverted index. Note "
        "that this can use significant memory.");
  }
  return Status::InvalidArgument("Can't load fielddata on [" + f.path + "] because fielddata is unsupported on fields of type [" +
                                 (f.type == FieldType::kRange ? f.es_type_name() : index::field_type_name(f.type)) +
                                 "]. Use doc values instead.");
}

Result<std::shared_ptr<const NumericColumn>> DocValues::numeric(const index::FieldMapping& f) {
  if (f.slot < 0 || !f.doc_values || !numeric_kind(f.type)) return no_doc_values_error(f);
  auto made = shard_.derived("numeric:" + std::to_string(f.slot), db_.get_revision(),
                             [&] { return std::static_pointer_cast<const void>(load_numeric_column(db_, f)); });
  return std::static_pointer_cast<const NumericColumn>(made);
}

std::shared_ptr<const NumericOrdinals> make_numeric_ordinals(const NumericColumn& col) {
  auto out = std::make_shared<NumericOrdinals>();
  std::vector<double>& values = out->values;
  for (double v : col.first) {
    if (!std::isnan(v)) values.push_back(v);
  }
  for (const auto& [d, vs] : col.multi) values.insert(values.end(), vs.begin(), vs.end());
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  // nullptr means "too many": the caller keeps counting in its map.
  if (values.size() > NumericOrdinals::kMaxDistinct) return nullptr;
  auto ord_of = [&](double v) {
    return static_cast<uint32_t>(std::lower_bound(values.begin(), values.end(), v) - values.begin());
  };
  out->ords.assign(col.first.size(), NumericOrdinals::kNone);
  for (size_t d = 0; d < col.first.size(); ++d) {
    if (!std::isnan(col.first[d])) out->ords[d] = ord_of(col.first[d]);
  }
  for (const auto& [d, vs] : col.multi) {
    std::vector<uint32_t> ords;
    for (double v : vs) ords.push_back(ord_of(v));
    ords.erase(std::unique(ords.begin(), ords.end()), ords.end());  // vs is ascending
    out->multi.emplace(d, std::move(ords));
  }
  return out;
}

Result<std::shared_ptr<const NumericOrdinals>> DocValues::numeric_ordinals(const index::FieldMapping& f) {
  auto col = numeric(f);
  if (!col.ok()) return col.status();
  std::shared_ptr<const NumericColumn> column = *col;
  // The cache keeps "too many" as an empty entry so the values are not sorted again per search.
  struct Cached {
    std::shared_ptr<const NumericOrdinals> ords;
  };
  auto made = shard_.derived("numeric_ordinals:" + std::to_string(f.slot), db_.get_revision(), [&] {
    return std::static_pointer_cast<const void>(std::make_shared<Cached>(Cached{make_numeric_ordinals(*column)}));
  });
  return std::static_pointer_cast<const Cached>(made)->ords;
}

Result<std::shared_ptr<const OrdinalColumn>> DocValues::ordinals(const index::FieldMapping& f) {
  if (f.slot < 0 || !f.doc_values || numeric_kind(f.type) || f.type == FieldType::kRange) return no_doc_values_error(f);
  auto made = shard_.derived("ordinals:" + std::to_string(f.slot), db_.get_revision(),
                             [&] { return std::static_pointer_cast<const void>(load_ordinal_column(db_, f)); });
  return std::static_pointer_cast<const OrdinalColumn>(made);
}

}  // namespace quarry::query::aggs
