// RFC 4180 record reading (see csv_reader.h).
#include "server/cli/csv_reader.h"

namespace quarry::cli {

CsvReader::CsvReader(InputReader& input, size_t max_record_bytes)
    : input_(input), max_record_bytes_(max_record_bytes) {}

CsvReader::Next CsvReader::next(std::vector<std::string>& fields, std::string& error) {
  enum class State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted, kAfterQuoted };
  State state = State::kFieldStart;
  fields.clear();
  size_t bytes = 0;         // of the record so far
  bool oversized = false;   // past max_record_bytes: read to the end, keep nothing
  std::string bad;          // first syntax error of the record
  std::string* field = nullptr;
  bool in_record = false;   // a byte of the record (not a blank line) has been seen
  bool pending_cr = false;  // a CR outside quotes, kept back until we know if LF follows

  auto new_field = [&] {
    if (!oversized) field = &fields.emplace_back();
  };
  auto put = [&](char c) {
    if (oversized) return;
    if (++bytes > max_record_bytes_) {
      oversized = true;
      fields.clear();
      fields.shrink_to_fit();
      field = nullptr;
      return;
    }
    field->push_back(c);
  };
  auto finish = [&]() -> Next {
    if (oversized) {
      error = "record longer than " + std::to_string(max_record_bytes_) +
              " bytes (an unbalanced quote?), skipped";
      fields.clear();
      return Next::kBad;
    }
    if (!bad.empty()) {
      error = bad;
      fields.clear();
      return Next::kBad;
    }
    return Next::kRecord;
  };

  for (;;) {
    const std::string_view chunk = input_.buffered();
    if (chunk.empty()) {
      if (!input_.error().empty()) {
        error = input_.error();
        return Next::kReadError;
      }
      if (!in_record) return Next::kEnd;
      if (state == State::kQuoted) {
        error = "quoted field not closed at the end of the input";
        fields.clear();
        return Next::kBad;
      }
      if (pending_cr && !oversized) field->push_back('\r');  // a lone CR at the very end
      return finish();
    }
    size_t i = 0;
    for (; i < chunk.size(); ++i) {
      const char c = chunk[i];
      if (pending_cr) {
        pending_cr = false;
        if (c == '\n') {
          ++line_;
          if (!in_record) continue;  // a blank CRLF line between records
          input_.consume(i + 1);
          return finish();
        }
        if (!in_record) {
          in_record = true;
          record_line_ = line_;
          new_field();
          state = State::kUnquoted;
        }
        put('\r');  // a CR not followed by LF is data
      }
      if (!in_record) {
        if (c == '\n') {  // blank line between records
          ++line_;
          continue;
        }
        if (c == '\r') {
          pending_cr = true;
          continue;
        }
        in_record = true;
        record_line_ = line_;
        new_field();
      }
      switch (state) {
        case State::kFieldStart:
          if (c == '"') {
            state = State::kQuoted;
            continue;
          }
          state = State::kUnquoted;
          [[fallthrough]];
        case State::kUnquoted:
        case State::kAfterQuoted:
          if (c == ',') {
            new_field();
            state = State::kFieldStart;
          } else if (c == '\n') {
            ++line_;
            input_.consume(i + 1);
            return finish();
          } else if (c == '\r') {
            pending_cr = true;
          } else if (state == State::kAfterQuoted) {
            if (bad.empty()) {
              bad = "unexpected character after the closing quote of field " +
                    std::to_string(fields.size());
            }
          } else {
            put(c);
          }
          break;
        case State::kQuoted:
          if (c == '"') {
            state = State::kQuoteInQuoted;
          } else {
            if (c == '\n') ++line_;
            put(c);
          }
          break;
        case State::kQuoteInQuoted:
          if (c == '"') {  // a doubled quote is one quote
            put('"');
            state = State::kQuoted;
            break;
          }
          state = State::kAfterQuoted;
          --i;  // the character after the closing quote is read in kAfterQuoted
          break;
      }
    }
    input_.consume(i);
  }
}

}  // namespace quarry::cli
