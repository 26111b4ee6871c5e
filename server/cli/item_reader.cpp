// The item readers of each input format (see item_reader.h).
#include "server/cli/item_reader.h"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <vector>

#include "server/cli/bulk_input.h"
#include "server/cli/csv_document.h"
#include "server/cli/csv_reader.h"
#include "server/cli/json_value_reader.h"

namespace quarry::cli {
namespace {

// NDJSON documents and bulk files: lines assembled into items by ItemAssembler.
class LineItemReader final : public ItemReader {
 public:
  LineItemReader(InputReader& input, InputFormat format, const ItemReaderOptions& o)
      : input_(input), assembler_(format, o.index, o.id_field) {}

  Next next(std::string& item, uint64_t& line, std::string& error) override {
    for (;;) {
      const InputReader::LineResult r = input_.read_line(line_);
      if (r == InputReader::LineResult::kEof) {
        if (!finished_) {
          finished_ = true;
          if (assembler_.finish(error) == ItemAssembler::Outcome::kError) {
            line = item_line_;
            return Next::kBadRecord;
          }
        }
        return Next::kEnd;
      }
      if (r == InputReader::LineResult::kError) {
        error = "read error after line " + std::to_string(input_.line_number()) + ": " +
                input_.error();
        return Next::kReadError;
      }
      if (r == InputReader::LineResult::kTooLong) {
        line = input_.line_number();
        error = "line longer than " + std::to_string(InputReader::kDefaultMaxLineBytes) +
                " bytes, skipped";
        // A pending bulk action loses its source line with it: drop the action too.
        std::string ignored;
        assembler_.finish(ignored);
        item_line_ = 0;
        return Next::kBadRecord;
      }
      switch (assembler_.add_line(line_, item, error)) {
        case ItemAssembler::Outcome::kItem:
          line = item_line_ != 0 ? item_line_ : input_.line_number();
          item_line_ = 0;
          return Next::kItem;
        case ItemAssembler::Outcome::kNeedMore: item_line_ = input_.line_number(); break;
        case ItemAssembler::Outcome::kSkipped: break;
        case ItemAssembler::Outcome::kError:
          line = item_line_ != 0 ? item_line_ : input_.line_number();
          item_line_ = 0;
          return Next::kBadRecord;
      }
    }
  }

 private:
  InputReader& input_;
  ItemAssembler assembler_;
  std::string line_;
  uint64_t item_line_ = 0;  // first line of the item being assembled
  bool finished_ = false;
};

class CsvItemReader final : public ItemReader {
 public:
  CsvItemReader(InputReader& input, const ItemReaderOptions& o)
      : csv_(input, o.max_record_bytes), index_(o.index), id_field_(o.id_field) {}

  Status start(const ItemReaderOptions& o) {
    std::string error;
    switch (csv_.next(fields_, error)) {
      case CsvReader::Next::kRecord: break;
      case CsvReader::Next::kEnd: return Status::InvalidArgument("empty CSV input: no header row");
      default: return Status::InvalidArgument("unusable CSV header: " + error);
    }
    auto builder = CsvDocumentBuilder::create(fields_, o.field_types);
    if (!builder.ok()) return builder.status();
    builder_.emplace(std::move(builder).value());
    if (!id_field_.empty()) {
      id_column_ = builder_->column(id_field_);
      if (id_column_ < 0) {
        return Status::InvalidArgument("the CSV header has no column [" + id_field_ +
                                       "] for --id-field");
      }
    }
    return Status::Ok();
  }

  Next next(std::string& item, uint64_t& line, std::string& error) override {
    const CsvReader::Next r = csv_.next(fields_, error);
    line = csv_.record_line();
    if (r == CsvReader::Next::kEnd) return Next::kEnd;
    if (r == CsvReader::Next::kReadError) return Next::kReadError;
    if (r == CsvReader::Next::kBad) return Next::kBadRecord;
    if (!builder_->build(fields_, doc_, error)) return Next::kBadRecord;
    std::string_view id;
    if (id_column_ >= 0) {
      id = fields_[static_cast<size_t>(id_column_)];
      if (id.empty()) {
        error = "the id field [" + id_field_ + "] is empty";
        return Next::kBadRecord;
      }
    }
    item.clear();
    append_index_action(item, index_, id);
    item.append(doc_).push_back('\n');
    return Next::kItem;
  }

 private:
  CsvReader csv_;
  std::string index_;
  std::string id_field_;
  std::optional<CsvDocumentBuilder> builder_;
  int id_column_ = -1;
  std::vector<std::string> fields_;
  std::string doc_;
};

class AppReviewsItemReader final : public ItemReader {
 public:
  AppReviewsItemReader(InputReader& input, const ItemReaderOptions& o)
      : pages_(input, o.max_record_bytes), index_(o.index), id_field_(o.id_field), game_(o.game) {}

  Next next(std::string& item, uint64_t& line, std::string& error) override {
    while (next_review_ >= reviews_.size()) {
      const JsonValueReader::Next r = pages_.next(text_, error);
      line = pages_.value_line();
      if (r == JsonValueReader::Next::kEnd) return Next::kEnd;
      if (r == JsonValueReader::Next::kReadError) return Next::kReadError;
      if (r == JsonValueReader::Next::kBad) return Next::kBadRecord;
      page_.SetNull();
      page_.GetAllocator().Clear();
      page_.Parse<rapidjson::kParseIterativeFlag>(text_.data(), text_.size());
      if (page_.HasParseError()) {
        error = std::string("malformed JSON: ") +
                rapidjson::GetParseError_En(page_.GetParseError()) + " at offset " +
                std::to_string(page_.GetErrorOffset()) + " of the page";
        return Next::kBadRecord;
      }
      if (!convert_appreviews_page(page_, game_, reviews_, error)) return Next::kBadRecord;
      next_review_ = 0;
      page_line_ = pages_.value_line();
    }
    AppReview& review = reviews_[next_review_++];
    line = page_line_;
    if (!review.error.empty()) {
      error = review.error;
      return Next::kBadRecord;
    }
    std::string id;
    if (!id_field_.empty() && !document_id(review.doc, id_field_, id, error)) {
      return Next::kBadRecord;
    }
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    review.doc.Accept(writer);
    item.clear();
    append_index_action(item, index_, id);
    item.append(buffer.GetString(), buffer.GetSize()).push_back('\n');
    review.doc.SetNull();
    return Next::kItem;
  }

 private:
  JsonValueReader pages_;
  std::string index_;
  std::string id_field_;
  AppReviewsGame game_;
  std::string text_;
  rapidjson::Document page_;
  std::vector<AppReview> reviews_;
  size_t next_review_ = 0;
  uint64_t page_line_ = 0;
};

// Records the keys of the first object of a text, as far as the text goes.
struct TopLevelKeys : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, TopLevelKeys> {
  int depth = 0;
  std::vector<std::string> keys;
  bool Default() { return true; }
  bool StartObject() { return ++depth, true; }
  bool EndObject(rapidjson::SizeType) { return --depth, true; }
  bool StartArray() { return ++depth, true; }
  bool EndArray(rapidjson::SizeType) { return --depth, true; }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    if (depth == 1) keys.emplace_back(s, n);
    return true;
  }
  bool has(std::string_view k) const { return std::find(keys.begin(), keys.end(), k) != keys.end(); }
};

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

std::optional<LoadFormat> parse_load_format(std::string_view name) {
  if (name == "auto") return LoadFormat::kAuto;
  if (name == "ndjson") return LoadFormat::kNdjson;
  if (name == "bulk") return LoadFormat::kBulk;
  if (name == "csv") return LoadFormat::kCsv;
  if (name == "appreviews") return LoadFormat::kAppReviews;
  return std::nullopt;
}

const char* load_format_name(LoadFormat format) {
  switch (format) {
    case LoadFormat::kAuto: return "auto";
    case LoadFormat::kNdjson: return "ndjson";
    case LoadFormat::kBulk: return "bulk";
    case LoadFormat::kCsv: return "csv";
    case LoadFormat::kAppReviews: return "appreviews";
  }
  return "?";
}

LoadFormat detect_load_format(std::string_view name, std::string_view head) {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ends_with(lower, ".csv") || ends_with(lower, ".csv.gz")) return LoadFormat::kCsv;
  const size_t start = head.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return LoadFormat::kNdjson;
  head.remove_prefix(start);
  if (head[0] != '{' && head[0] != '[') return LoadFormat::kCsv;
  const std::string_view first_line = head.substr(0, head.find('\n'));
  if (is_bulk_action_line(first_line)) return LoadFormat::kBulk;
  // The head may end inside the first object: the keys read before that point decide.
  TopLevelKeys keys;
  rapidjson::Reader reader;
  rapidjson::MemoryStream stream(head.data(), head.size());
  reader.Parse<rapidjson::kParseStopWhenDoneFlag | rapidjson::kParseIterativeFlag>(stream, keys);
  if (keys.has("reviews") && (keys.has("success") || keys.has("query_summary") || keys.has("cursor"))) {
    return LoadFormat::kAppReviews;
  }
  return LoadFormat::kNdjson;
}

Result<std::unique_ptr<ItemReader>> make_item_reader(LoadFormat format, InputReader& input,
                                                     const ItemReaderOptions& options) {
  switch (format) {
    case LoadFormat::kNdjson:
      return std::unique_ptr<ItemReader>(
          new LineItemReader(input, InputFormat::kDocuments, options));
    case LoadFormat::kBulk:
      return std::unique_ptr<ItemReader>(new LineItemReader(input, InputFormat::kBulk, options));
    case LoadFormat::kCsv: {
      auto reader = std::make_unique<CsvItemReader>(input, options);
      Status st = reader->start(options);
      if (!st.ok()) return st;
      return std::unique_ptr<ItemReader>(std::move(reader));
    }
    case LoadFormat::kAppReviews:
      return std::unique_ptr<ItemReader>(new AppReviewsItemReader(input, options));
    case LoadFormat::kAuto: break;
  }
  return Status::InvalidArgument("no input format");
}

}  // namespace quarry::cli
