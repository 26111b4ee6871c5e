// JsonValueReader: JSON objects one after another in an input (concatenated, one per line, or
// pretty-printed over many lines), cut out one at a time in constant memory.
//
// The reader only finds where each top-level object ends (braces outside strings); parsing is
// the caller's. An object longer than max_value_bytes is read to its end without being kept and
// reported as bad; text that is not an object is reported as bad up to the end of its line.
// Reads through an InputReader's bytes; one thread.
#pragma once

#include <cstdint>
#include <string>

#include "server/cli/input_reader.h"

namespace quarry::cli {

class JsonValueReader {
 public:
  enum class Next { kValue, kBad, kEnd, kReadError };

  static constexpr size_t kDefaultMaxValueBytes = 64 << 20;

  explicit JsonValueReader(InputReader& input, size_t max_value_bytes = kDefaultMaxValueBytes);

  // The text of the next object in `text`, or why it is bad in `error`.
  Next next(std::string& text, std::string& error);

  // The line on which the object last returned (or reported bad) starts, from 1.
  uint64_t value_line() const { return value_line_; }

 private:
  InputReader& input_;
  size_t max_value_bytes_;
  uint64_t line_ = 1;
  uint64_t value_line_ = 0;
};

}  // namespace quarry::cli
