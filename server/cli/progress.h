// Formatting of `quarry load` progress lines. Pure functions of a snapshot; no I/O.
//
// Terminal form (redrawn in place):  [#####.....]  42.1%  1,234,567 docs  52,301 docs/s
//                                    312.4 MB / 742.0 MB  ETA 0:12  3 failed
// Plain form (one line every few seconds, for logs):
//   1234567 docs sent, 3 failed, 52301 docs/s, 312.4 MB read of 742.0 MB (42.1%, ETA 0:12)
// Percentage and ETA appear only when the input size is known.
#pragma once

#include <cstdint>
#include <string>

namespace quarry::cli {

struct ProgressSnapshot {
  uint64_t docs_sent = 0;    // documents the server has answered for (loaded + failed)
  uint64_t docs_failed = 0;
  uint64_t bytes_read = 0;   // of the input files (compressed bytes for .gz)
  int64_t total_bytes = -1;  // -1: unknown (stdin)
  double elapsed_seconds = 0;
};

std::string format_count(uint64_t n);        // 1234567 -> "1,234,567"
std::string format_bytes(uint64_t bytes);    // "512 B", "12.3 KB", "312.4 MB", "1.2 GB"
std::string format_duration(double seconds); // "12s", "3:07", "1:02:03"

std::string format_progress_bar_line(const ProgressSnapshot& s, int bar_width = 20);
std::string format_progress_plain_line(const ProgressSnapshot& s);

}  // namespace quarry::cli
