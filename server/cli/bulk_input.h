// Turning input lines into _bulk items for `quarry load`.
//
// Two input formats, detected from the first non-blank line of each input:
//  - kBulk: an Elasticsearch bulk file. The first line is an action object with a single key
//    index / create / delete / update whose value is an object. Lines are sent as they are;
//    every action but delete is followed by one source line.
//  - kDocuments: one JSON object per line; each becomes {"index":{"_index":I[,"_id":ID]}} + doc,
//    where ID comes from the (dotted) --id-field of the document when one is given.
// ItemAssembler validates each line as JSON (so one bad line fails one item, not a whole request)
// and produces items as the exact NDJSON text to send ("action\n" or "action\nsource\n").
// Not thread-safe: one assembler per input.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace quarry::cli {

enum class InputFormat { kDocuments, kBulk };

// True when `line` is a bulk action line: {"index"|"create"|"delete"|"update": {...}}.
bool is_bulk_action_line(std::string_view line);

// The format of an input whose first non-blank line is `first_line`.
inline InputFormat detect_input_format(std::string_view first_line) {
  return is_bulk_action_line(first_line) ? InputFormat::kBulk : InputFormat::kDocuments;
}

// The _id of a document from its (dotted) `id_field`: a non-empty string, or an integer in
// decimal. False and `error` when the field is missing or of another type.
bool document_id(const rapidjson::Value& doc, std::string_view id_field, std::string& id,
                 std::string& error);

// Appends the action line {"index":{"_index":INDEX[,"_id":ID]}} and its '\n' ("" = no _id).
void append_index_action(std::string& item, std::string_view index, std::string_view id);

class ItemAssembler {
 public:
  enum class Outcome {
    kItem,      // `item` holds a complete item
    kNeedMore,  // the line was consumed; the item continues on the next line
    kSkipped,   // blank line, or the orphaned source line after a bad action: nothing to count
    kError,     // the line (and its item) is dropped; `error` says why: count one failure
  };

  // `index` is the index of documents-format items; `id_field` may be empty (auto ids).
  ItemAssembler(InputFormat format, std::string index, std::string id_field);

  // Feeds one input line (without '\n'). On kItem, `item` is replaced by the item's text.
  Outcome add_line(std::string_view line, std::string& item, std::string& error);

  // Called at end of input: kError if an action is still waiting for its source line.
  Outcome finish(std::string& error);

  InputFormat format() const { return format_; }

 private:
  Outcome add_document(std::string_view line, std::string& item, std::string& error);
  Outcome add_bulk_line(std::string_view line, std::string& item, std::string& error);

  InputFormat format_;
  std::string index_;
  std::string id_field_;
  rapidjson::Document doc_;      // reused parse buffer
  std::string pending_action_;   // bulk: an action line waiting for its source
  bool skip_orphan_source_ = false;
};

}  // namespace quarry::cli
