// Line reading through zlib (see input_reader.h).
#include "server/cli/input_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace quarry::cli {
namespace {

constexpr size_t kBufferBytes = 1 << 20;

}  // namespace

Result<std::unique_ptr<InputReader>> InputReader::open(const std::string& path,
                                                       size_t max_line_bytes) {
  const bool is_stdin = path == "-";
  const int fd = is_stdin ? ::dup(STDIN_FILENO) : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError("cannot open " + path + ": " + std::strerror(errno));
  struct stat st {};
  int64_t size = -1;
  int64_t mtime_ns = -1;
  if (::fstat(fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      return Status::IOError("cannot read " + path + ": is a directory");
    }
    if (S_ISREG(st.st_mode)) {
      size = static_cast<int64_t>(st.st_size);
      mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    }
  }
  gzFile file = ::gzdopen(fd, "rb");
  if (file == nullptr) {
    ::close(fd);
    return Status::IOError("cannot open " + path + ": out of memory");
  }
  ::gzbuffer(file, 256 * 1024);
  return std::unique_ptr<InputReader>(
      new InputReader(is_stdin ? "<stdin>" : path, file, size, mtime_ns, max_line_bytes));
}

InputReader::InputReader(std::string name, gzFile file, int64_t size, int64_t mtime_ns,
                         size_t max_line_bytes)
    : name_(std::move(name)),
      file_(file),
      size_(size),
      mtime_ns_(mtime_ns),
      max_line_bytes_(max_line_bytes),
      buffer_(new char[kBufferBytes]) {}

InputReader::~InputReader() { ::gzclose(file_); }

bool InputReader::refill() {
  if (eof_) return false;
  begin_ = 0;
  end_ = 0;
  const int n = ::gzread(file_, buffer_.get(), static_cast<unsigned>(kBufferBytes));
  if (n < 0) {
    int code = 0;
    const char* msg = ::gzerror(file_, &code);
    error_ = code == Z_ERRNO ? std::strerror(errno) : (msg != nullptr ? msg : "read error");
    eof_ = true;
    return false;
  }
  const z_off_t offset = ::gzoffset(file_);
  if (offset >= 0) position_ = static_cast<uint64_t>(offset);
  if (n == 0) {
    eof_ = true;
    return false;
  }
  end_ = static_cast<size_t>(n);
  if (!started_) {
    started_ = true;
    // A byte order mark (spreadsheets write one before CSV) is not part of the first record.
    if (end_ >= 3 && std::memcmp(buffer_.get(), "\xEF\xBB\xBF", 3) == 0) begin_ = 3;
    if (begin_ == end_) return refill();
  }
  return true;
}

std::string_view InputReader::peek(size_t n) {
  if (!started_) refill();
  return std::string_view(buffer_.get() + begin_, std::min(n, end_ - begin_));
}

std::string_view InputReader::buffered() {
  if (begin_ == end_) refill();
  return std::string_view(buffer_.get() + begin_, end_ - begin_);
}

InputReader::LineResult InputReader::read_line(std::string& line) {
  line.clear();
  bool too_long = false;
  bool any = false;
  for (;;) {
    if (begin_ == end_ && !refill()) {
      if (!error_.empty()) return LineResult::kError;
      if (!any) return LineResult::kEof;
      break;  // last line without a trailing newline
    }
    any = true;
    const char* start = buffer_.get() + begin_;
    const size_t avail = end_ - begin_;
    const void* nl = std::memchr(start, '\n', avail);
    const size_t take = nl ? static_cast<size_t>(static_cast<const char*>(nl) - start) : avail;
    if (!too_long) {
      if (line.size() + take > max_line_bytes_) {
        too_long = true;
        line.clear();
        line.shrink_to_fit();
      } else {
        line.append(start, take);
      }
    }
    begin_ += nl ? take + 1 : take;
    if (nl) break;
  }
  ++line_number_;
  if (too_long) return LineResult::kTooLong;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return LineResult::kLine;
}

}  // namespace quarry::cli
