// Progress and message output of `quarry load` (see load_console.h).
#include "server/cli/load_console.h"

#include <algorithm>

namespace quarry::cli {

LoadConsole::LoadConsole(const LoadCounters& counters, int64_t total_bytes, Options options,
                         std::FILE* out)
    : counters_(counters),
      total_bytes_(total_bytes),
      options_(options),
      out_(out),
      start_time_(std::chrono::steady_clock::now()) {}

LoadConsole::~LoadConsole() { stop(); }

void LoadConsole::start() {
  if (!options_.progress || thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void LoadConsole::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(mutex_);
  if (options_.progress && options_.interactive) {
    draw();
    std::fputc('\n', out_);
    bar_drawn_ = false;
  }
  std::fflush(out_);
}

void LoadConsole::error(const std::string& message) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++errors_;
  if (errors_ <= options_.max_errors) {
    print_message("error: " + message);
  } else if (errors_ == options_.max_errors + 1) {
    print_message("error: further errors are counted but not shown");
  }
}

void LoadConsole::warn(const std::string& message) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++warnings_;
  if (warnings_ <= options_.max_warnings) {
    print_message("warning: " + message);
  } else if (warnings_ == options_.max_warnings + 1) {
    print_message("warning: further warnings are not shown");
  }
}

void LoadConsole::note(const std::string& message) {
  std::lock_guard<std::mutex> lock(mutex_);
  print_message(message);
}

void LoadConsole::failure(const std::string& at, const std::string& reason) {
  error(at + ": " + reason);
  // Elasticsearch reasons name the document and quote its value: group without those parts.
  std::string key = reason;
  for (const char* tail : {" in document with id", ". Preview of field's value"}) {
    const size_t cut = key.find(tail);
    if (cut != std::string::npos) key.resize(cut);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (reasons_.size() >= kMaxReasons && reasons_.count(key) == 0) key = "other reasons";
  FailureReason& r = reasons_[key];
  if (r.count++ == 0) {
    r.reason = key;
    r.first_at = at;
  }
}

std::vector<FailureReason> LoadConsole::failure_reasons() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<FailureReason> out;
  for (const auto& [key, r] : reasons_) out.push_back(r);
  std::stable_sort(out.begin(), out.end(),
                   [](const FailureReason& a, const FailureReason& b) { return a.count > b.count; });
  return out;
}

ProgressSnapshot LoadConsole::snapshot() const {
  ProgressSnapshot s;
  const uint64_t failed = counters_.docs_failed.load(std::memory_order_relaxed);
  s.docs_sent = counters_.docs_loaded.load(std::memory_order_relaxed) + failed;
  s.docs_failed = failed;
  s.bytes_read = counters_.bytes_read.load(std::memory_order_relaxed);
  s.total_bytes = total_bytes_;
  s.elapsed_seconds = elapsed_seconds();
  return s;
}

double LoadConsole::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time_).count();
}

void LoadConsole::print_message(const std::string& message) {
  if (bar_drawn_) std::fputs("\r\033[K", out_);
  std::fputs(message.c_str(), out_);
  std::fputc('\n', out_);
  if (bar_drawn_) draw();
  std::fflush(out_);
}

void LoadConsole::draw() {
  const ProgressSnapshot s = snapshot();
  if (options_.interactive) {
    std::fputs("\r", out_);
    std::fputs(format_progress_bar_line(s).c_str(), out_);
    std::fputs("\033[K", out_);
    bar_drawn_ = true;
  } else {
    std::fputs(format_progress_plain_line(s).c_str(), out_);
    std::fputc('\n', out_);
  }
  std::fflush(out_);
}

void LoadConsole::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, options_.interval, [this] { return stopping_; })) draw();
}

}  // namespace quarry::cli
