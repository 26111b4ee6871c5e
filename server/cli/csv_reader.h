// CsvReader: the records of an RFC 4180 CSV input, streamed in constant memory.
//
// Fields are separated by ',' and records end at LF or CRLF. A field in double quotes may hold
// commas, line breaks (kept as they are) and doubled quotes (read as one quote). A quote inside
// an unquoted field is kept literally, as Python's csv module and spreadsheets do. A record is
// bounded by max_record_bytes: a longer one (usually an unbalanced quote) is read to its end
// without being kept and reported as a bad record, so the next one starts in the right place.
// Reads through an InputReader's bytes; one thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "server/cli/input_reader.h"

namespace quarry::cli {

class CsvReader {
 public:
  enum class Next {
    kRecord,     // `fields` holds the record
    kBad,        // a malformed record was skipped; `error` says why
    kEnd,        // end of input
    kReadError,  // the input could not be read further; `error` says why
  };

  static constexpr size_t kDefaultMaxRecordBytes = 16 << 20;

  explicit CsvReader(InputReader& input, size_t max_record_bytes = kDefaultMaxRecordBytes);

  // Reads the next record. Blank lines between records are skipped.
  Next next(std::vector<std::string>& fields, std::string& error);

  // The line on which the record last returned (or reported bad) starts, from 1.
  uint64_t record_line() const { return record_line_; }

 private:
  InputReader& input_;
  size_t max_record_bytes_;
  uint64_t line_ = 1;  // line of the next unread byte
  uint64_t record_line_ = 0;
};

}  // namespace quarry::cli
