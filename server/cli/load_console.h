// LoadCounters and LoadConsole: the shared tallies of a `quarry load` run and its stderr output.
//
// LoadCounters are atomics that the reader and the sender threads bump. LoadConsole owns stderr
// while a load runs: a background thread draws the progress (redrawn in place ~4x/s on a
// terminal, one plain line every 5 s otherwise), and error()/warn() print messages from any
// thread without tearing the progress bar. Only the first few errors and warnings are printed;
// the counters still count all of them. failure() also tallies failed documents by reason for
// the summary at the end. All public methods are thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "server/cli/progress.h"

namespace quarry::cli {

struct LoadCounters {
  std::atomic<uint64_t> docs_loaded{0};
  std::atomic<uint64_t> docs_failed{0};
  std::atomic<uint64_t> bytes_read{0};
};

// How many documents failed for one reason, and where the first of them is.
struct FailureReason {
  std::string reason;
  uint64_t count = 0;
  std::string first_at;  // "file:line"
};

class LoadConsole {
 public:
  struct Options {
    bool progress = true;      // draw progress at all
    bool interactive = false;  // stderr is a terminal: redraw one line in place
    std::chrono::milliseconds interval{5000};
    int max_errors = 10;
    int max_warnings = 20;
  };

  LoadConsole(const LoadCounters& counters, int64_t total_bytes, Options options,
              std::FILE* out = stderr);
  ~LoadConsole();
  LoadConsole(const LoadConsole&) = delete;
  LoadConsole& operator=(const LoadConsole&) = delete;

  void start();  // starts the progress thread (no-op without progress)
  void stop();   // draws the last progress line and joins the thread; idempotent

  void error(const std::string& message);  // a failed input or request
  void warn(const std::string& message);   // retries and other recoverable trouble
  void note(const std::string& message);   // what the load is doing (formats, resume)
  // A failed document at `at` ("file:line"): printed as an error and tallied by reason.
  void failure(const std::string& at, const std::string& reason);

  // The failure reasons, most frequent first (at most kMaxReasons distinct, then "other").
  std::vector<FailureReason> failure_reasons() const;
  static constexpr size_t kMaxReasons = 50;

  ProgressSnapshot snapshot() const;
  double elapsed_seconds() const;

 private:
  void print_message(const std::string& message);  // requires mutex_
  void draw();                                     // requires mutex_
  void run();

  const LoadCounters& counters_;
  const int64_t total_bytes_;
  const Options options_;
  std::FILE* out_;
  const std::chrono::steady_clock::time_point start_time_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool bar_drawn_ = false;  // a progress line is on screen without its newline
  int errors_ = 0;
  int warnings_ = 0;
  std::map<std::string, FailureReason> reasons_;
  std::thread thread_;
};

}  // namespace quarry::cli
