// Cutting concatenated JSON objects out of an input (see json_value_reader.h).
#include "server/cli/json_value_reader.h"

namespace quarry::cli {

JsonValueReader::JsonValueReader(InputReader& input, size_t max_value_bytes)
    : input_(input), max_value_bytes_(max_value_bytes) {}

JsonValueReader::Next JsonValueReader::next(std::string& text, std::string& error) {
  enum class State { kBetween, kGarbage, kObject, kString, kEscape };
  State state = State::kBetween;
  std::string open;  // the brackets open at this point, innermost last
  bool oversized = false;
  std::string garbage_error = "expected a JSON object";
  text.clear();
  for (;;) {
    const std::string_view chunk = input_.buffered();
    if (chunk.empty()) {
      if (!input_.error().empty()) {
        error = input_.error();
        return Next::kReadError;
      }
      if (state == State::kBetween) return Next::kEnd;
      text.clear();
      error = state == State::kGarbage ? garbage_error
                                       : "JSON object not closed at the end of the input";
      return Next::kBad;
    }
    size_t i = 0;
    for (; i < chunk.size(); ++i) {
      const char c = chunk[i];
      if (state == State::kBetween) {
        if (c == '\n') {
          ++line_;
          continue;
        }
        if (c == ' ' || c == '\t' || c == '\r') continue;
        value_line_ = line_;
        state = c == '{' ? State::kObject : State::kGarbage;
        open.clear();
      }
      if (state == State::kGarbage) {
        if (c != '\n') continue;
        ++line_;
        input_.consume(i + 1);
        error = garbage_error;
        return Next::kBad;
      }
      if (c == '\n') ++line_;
      if (!oversized) {
        if (text.size() >= max_value_bytes_) {
          oversized = true;
          text.clear();
          text.shrink_to_fit();
        } else {
          text.push_back(c);
        }
      }
      switch (state) {
        case State::kObject:
          if (c == '"') {
            state = State::kString;
          } else if (c == '{' || c == '[') {
            open.push_back(c);
          } else if (c == '}' || c == ']') {
            if (open.back() != (c == '}' ? '{' : '[')) {
              // The object is broken: skip the rest of its line as one bad record.
              garbage_error = "malformed JSON: a bracket closes what it did not open";
              state = State::kGarbage;
              text.clear();
              break;
            }
            open.pop_back();
            if (open.empty()) {
              input_.consume(i + 1);
              if (!oversized) return Next::kValue;
              error = "JSON object longer than " + std::to_string(max_value_bytes_) +
                      " bytes, skipped";
              return Next::kBad;
            }
          }
          break;
        case State::kString:
          if (c == '\\') {
            state = State::kEscape;
          } else if (c == '"') {
            state = State::kObject;
          }
          break;
        case State::kEscape: state = State::kString; break;
        default: break;
      }
    }
    input_.consume(i);
  }
}

}  // namespace quarry::cli
