// CsvDocumentBuilder: CSV records -> JSON documents, columns mapped by the header's names.
//
// Unnamed columns (an empty header cell, such as the row number a data frame writes first) are
// skipped. A dotted name becomes a nested object: author.steamid -> {"author":{"steamid":...}}.
// Empty cells are left out. CSV has no types, so each cell is typed from the target index's
// mapping when one is known:
//   long/integer/short/byte/unsigned_long -> a JSON integer; double/float/half_float/scaled_float
//   -> a number; boolean -> true/false from True/False/true/false/1/0; date -> a number when the
//   cell is one (epoch_second, epoch_millis), else the text; anything else -> a string.
// A cell that does not fit its type is sent as a string and the server decides, as it would
// for a client sending that string. Fields the mapping does not know are inferred: integers
// (up to 2^53, beyond which JSON readers round), decimals, True/False/true/false, else strings.
// Immutable after create(); build() may be called from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "index/status.h"
#include "server/cli/index_mapping.h"

namespace quarry::cli {

class CsvDocumentBuilder {
 public:
  // InvalidArgument for a header that cannot map to documents: duplicate names, empty path
  // segments ("a..b"), or a name that is both a value and an object (author, author.steamid).
  // `types` may be null (no mapping known: every value is inferred).
  static Result<CsvDocumentBuilder> create(const std::vector<std::string>& header,
                                           const FieldTypes* types);

  // The JSON document of one record. False and `error` when its field count differs from the
  // header's.
  bool build(const std::vector<std::string>& fields, std::string& json, std::string& error) const;

  // The position of the column named `name` (dotted names as written), or -1.
  int column(std::string_view name) const;

  size_t column_count() const { return names_.size(); }

 private:
  enum class Kind { kInfer, kInteger, kNumber, kBoolean, kDate, kString };
  struct Node {
    std::string name;
    int column = -1;             // a value; -1 for an object
    Kind kind = Kind::kInfer;
    std::vector<Node> children;  // an object's fields, in header order
  };

  bool has_value(const Node& node, const std::vector<std::string>& fields) const;
  void append_object(const Node& node, const std::vector<std::string>& fields,
                     std::string& out) const;
  static void append_value(Kind kind, std::string_view cell, std::string& out);
  static Kind kind_of(const FieldType& type);

  std::vector<std::string> names_;  // every header cell, as written
  Node root_;
};

}  // namespace quarry::cli
