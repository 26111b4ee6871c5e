// ItemReader: the _bulk items of one input of `quarry load`, one input record at a time, for
// each input format:
//   ndjson      one JSON document per line
//   bulk        an Elasticsearch bulk file (action lines, each but delete followed by a source)
//   csv         CSV with a header row (csv_reader.h, csv_document.h)
//   appreviews  Steam store review pages (appreviews.h), one or more per input
// Documents (all but bulk) become index actions into the target index, with _id taken from
// the id field when one is given. Every call to next() consumes exactly one record (a line, a
// bulk item, a CSV row, a review), well-formed or not, so that the records of an input are
// numbered the same way on every reading (--resume skips a number of them).
// Not thread-safe: one reader per input, used by the thread that reads it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "index/status.h"
#include "server/cli/appreviews.h"
#include "server/cli/index_mapping.h"
#include "server/cli/input_reader.h"

namespace quarry::cli {

enum class LoadFormat { kAuto, kNdjson, kBulk, kCsv, kAppReviews };

// "auto", "ndjson", "bulk", "csv", "appreviews"; nullopt for anything else.
std::optional<LoadFormat> parse_load_format(std::string_view name);
const char* load_format_name(LoadFormat format);

// The format of an input from its name and its first bytes: .csv and .csv.gz names are CSV;
// otherwise a first line that is a bulk action means bulk, a first object with a "reviews"
// array beside "success", "query_summary" or "cursor" means appreviews, other JSON means
// NDJSON, and text that is not JSON means CSV.
LoadFormat detect_load_format(std::string_view name, std::string_view head);

// Whether documents of this format need a target index (all but bulk files, whose actions may
// name their index).
inline bool format_needs_index(LoadFormat f) { return f != LoadFormat::kBulk; }

struct ItemReaderOptions {
  std::string index;                        // target of documents
  std::string id_field;                     // "" = automatic ids
  const FieldTypes* field_types = nullptr;  // csv: the index's mapping, null = infer types
  AppReviewsGame game;                      // appreviews: app_id and app_name of its reviews
  size_t max_record_bytes = 16 << 20;       // csv records, appreviews pages
};

class ItemReader {
 public:
  enum class Next {
    kItem,       // `item` holds the complete NDJSON text of one item, starting at `line`
    kBadRecord,  // a malformed record at `line` was skipped; `error` says why
    kEnd,        // the input is read to its end
    kReadError,  // the input cannot be read further; `error` says why
  };

  virtual ~ItemReader() = default;
  virtual Next next(std::string& item, uint64_t& line, std::string& error) = 0;
};

// A reader of `format` (not kAuto) over `input`. CSV reads its header here: InvalidArgument
// when it is missing or unusable, or lacks the id field's column.
Result<std::unique_ptr<ItemReader>> make_item_reader(LoadFormat format, InputReader& input,
                                                     const ItemReaderOptions& options);

}  // namespace quarry::cli
