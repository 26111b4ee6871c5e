// LoadCounters and LoadConsole: the shared tallies of a `quarry load` run and its stderr output.
//
// LoadCounters are atomics that the reader and the sender threads bump. LoadConsole owns stderr
// while a load runs: a background thread draws the progress (redrawn in place ~4x/s on a
// terminal, one plain line every 5 s otherwise), and error()/warn() print messages from any
// thread without tearing the progress bar. Only the first few errors and warnings are printed;
// the counters still count all of them. All public methods are thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

#include "server/cli/progress.h"

namespace quarry::cli {

struct LoadCounters {
  std::atomic<uint64_t> docs_loaded{0};
  std::atomic<uint64_t> docs_failed{0};
  std::atomic<uint64_t> bytes_read{0};
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

  void error(const std::string& message);  // a failed document or request
  void warn(const std::string& message);   // retries and other recoverable trouble

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

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool bar_drawn_ = false;  // a progress line is on screen without its newline
  int errors_ = 0;
  int warnings_ = 0;
  std::thread thread_;
};

}  // namespace quarry::cli
