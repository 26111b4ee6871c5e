// DocumentMapper: turns a JSON _source into the Xapian terms and values of its mapped fields,
// finding fields that dynamic mapping must add on the way.
//
// Stateless: all functions are safe to call concurrently with distinct outputs. The mapping passed
// in must not change during the call (callers hold a shared_ptr<const Mapping> snapshot).
#pragma once

#include <xapian.h>

#include <string_view>
#include <vector>

#include "index/json.h"
#include "index/mapping.h"
#include "index/status.h"

namespace quarry::index {

// Term layout shared with the query side (documented in docs/storage-format.md).
inline constexpr char kIdPrefix[] = "Q";           // "Q" + _id: the unique id term
inline constexpr char kFieldExistsPrefix[] = "XE"; // "XE" + path: the document has this field
inline constexpr unsigned kSlotSeqNo = 0;          // value slots 0..9 are reserved for the engine
inline constexpr unsigned kSlotVersion = 1;

// The shingle term of two adjacent tokens of a text field mapped with `index_phrases`: "XP<n>:"
// (the field's prefix "X<n>:" with a P after the X), one byte holding the first token's length,
// then both tokens. The length byte keeps any two tokens apart, whatever bytes they hold. A
// boolean term (wdf 0): it is only ever a filter, so it changes no document length. False (and
// nothing indexed) when the term would be longer than Xapian can store; the query side then
// checks positions instead.
bool phrase_shingle_term(const FieldMapping& field, std::string_view first, std::string_view second,
                         std::string& out);

struct MappedDocument {
  std::vector<FieldMapping> new_fields;  // dynamic additions, in order of first appearance
};

class DocumentMapper {
 public:
  // Validates `source` (an object) against `mapping` and collects dynamic fields to add.
  // Errors: kDocumentParsing (value does not fit its field, e.g. "failed to parse field [age] of
  // type [long] in document with id '1'. Preview of field's value: 'abc'"),
  // kStrictDynamicMapping ("[_doc] mapping set to strict, dynamic introduction of [x] within
  // [_doc] is not allowed").
  static Result<MappedDocument> validate(const Mapping& mapping, const json::Value& source,
                                         std::string_view doc_id);

  // Adds the terms, positions and values of every mapped field of `source` to `doc`
  // (plus the field-exists terms). The mapping must already contain every field (validate first
  // and merge the new fields); unmapped fields are skipped silently here.
  static Status index(const Mapping& mapping, const json::Value& source, Xapian::Document& doc);
};

}  // namespace quarry::index
