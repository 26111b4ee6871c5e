// The engine's record of multi-valued fields: a field's own value slot holds only its first value
// (sorting reads that), so a document with several values for some slotted fields also gets value
// slot kSlotMultiValues holding every value of each such field, in indexing order. Aggregations
// (query/aggs/doc_values) read it to see all values, as Elasticsearch's doc values do.
//
// Encoding (docs/storage-format.md): repeated { varint slot, varint count, count x { varint
// length, bytes } }, slots ascending. Free functions, no state.
#pragma once

#include <xapian.h>

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace quarry::index {

inline constexpr unsigned kSlotMultiValues = 2;

std::string encode_multi_values(const std::map<unsigned, std::vector<std::string>>& values);
// Calls f(slot, values) per field; false if `bytes` is malformed (f may have been called).
bool decode_multi_values(std::string_view bytes,
                         const std::function<void(unsigned, const std::vector<std::string_view>&)>& f);

}  // namespace quarry::index
