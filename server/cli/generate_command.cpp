// `quarry generate` (see generate_command.h).
#include "server/cli/generate_command.h"

#include <cerrno>
#include <cstring>
#include <memory>

#include "server/cli/review_generator.h"

namespace quarry::cli {
namespace {

constexpr size_t kFlushBytes = 4 << 20;

Status flush(std::string& buf, std::FILE* out) {
  if (!buf.empty() && std::fwrite(buf.data(), 1, buf.size(), out) != buf.size()) {
    return Status::IOError(std::string("write failed: ") + std::strerror(errno));
  }
  buf.clear();
  return Status::Ok();
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

}  // namespace

Status write_reviews(const GenerateOptions& options, std::FILE* out) {
  ReviewGenerator generator(options.seed, options.games);
  std::string buf;
  buf.reserve(kFlushBytes + 64 * 1024);
  for (uint64_t i = 0; i < options.count; ++i) {
    generator.append_review(buf);
    if (buf.size() >= kFlushBytes) QUARRY_RETURN_IF_ERROR(flush(buf, out));
  }
  QUARRY_RETURN_IF_ERROR(flush(buf, out));
  if (std::fflush(out) != 0) {
    return Status::IOError(std::string("write failed: ") + std::strerror(errno));
  }
  return Status::Ok();
}

Status run_generate(const GenerateOptions& options) {
  if (options.out_path.empty() || options.out_path == "-") return write_reviews(options, stdout);
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(options.out_path.c_str(), "wb"));
  if (!file) {
    return Status::IOError("cannot open " + options.out_path + ": " + std::strerror(errno));
  }
  QUARRY_RETURN_IF_ERROR(write_reviews(options, file.get()));
  if (std::fclose(file.release()) != 0) {
    return Status::IOError("cannot close " + options.out_path + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

}  // namespace quarry::cli
