// InputReader: reads one input of `quarry load` line by line, in constant memory.
//
// The input is a file path or "-" (stdin). Everything is read through zlib's gzread, which
// decompresses gzip data (.gz files, or gzip on stdin) and passes other data through unchanged.
// Lines end at '\n' (a trailing '\r' is dropped). A line longer than max_line_bytes is not kept
// in memory: read_line reports kTooLong and skips the rest of it.
// position() is how many bytes of the underlying (possibly compressed) input have been consumed,
// to compare with size() for progress. A UTF-8 byte order mark at the start is skipped.
// Formats whose records span lines (CSV, JSON pages) read bytes through buffered()/consume()
// and count lines themselves; do not mix that with read_line() on one reader.
// RAII owner of the gzFile; not copyable; one thread.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "index/status.h"

namespace quarry::cli {

class InputReader {
 public:
  enum class LineResult { kLine, kEof, kTooLong, kError };

  static constexpr size_t kDefaultMaxLineBytes = 100 << 20;

  // Opens `path` ("-" = stdin). IOError if it cannot be opened.
  static Result<std::unique_ptr<InputReader>> open(const std::string& path,
                                                   size_t max_line_bytes = kDefaultMaxLineBytes);
  ~InputReader();
  InputReader(const InputReader&) = delete;
  InputReader& operator=(const InputReader&) = delete;

  // Reads the next line into `line` (without the newline). On kError, error() says why.
  LineResult read_line(std::string& line);

  // The first up to `n` (at most 1 MB) bytes of the input, without consuming them; call before
  // reading anything. For format detection and the resume fingerprint.
  std::string_view peek(size_t n);

  // The buffered bytes not consumed yet, refilling when there are none; empty at the end of the
  // input or on a read error (then error() is set). consume(k) marks k of them as read.
  std::string_view buffered();
  void consume(size_t k) { begin_ += k; }

  const std::string& name() const { return name_; }
  uint64_t line_number() const { return line_number_; }  // of the line last returned
  int64_t size() const { return size_; }                 // -1 when unknown (stdin, pipes)
  int64_t mtime_ns() const { return mtime_ns_; }         // -1 when not a regular file
  uint64_t position() const { return position_; }
  const std::string& error() const { return error_; }

 private:
  InputReader(std::string name, gzFile file, int64_t size, int64_t mtime_ns,
              size_t max_line_bytes);
  bool refill();  // false at end of input or on error (then error_ is set)

  std::string name_;
  gzFile file_;
  int64_t size_;
  int64_t mtime_ns_;
  size_t max_line_bytes_;
  std::unique_ptr<char[]> buffer_;
  size_t begin_ = 0;  // unread bytes are buffer_[begin_, end_)
  size_t end_ = 0;
  bool eof_ = false;
  bool started_ = false;  // the first refill happened (the byte order mark check is done)
  uint64_t line_number_ = 0;
  uint64_t position_ = 0;
  std::string error_;
};

}  // namespace quarry::cli
