// Tests of the progress line formatting of `quarry load`.
#include <gtest/gtest.h>

#include <string>

#include "server/cli/progress.h"

namespace quarry::cli {
namespace {

TEST(CliProgress, FormatsCountsBytesAndDurations) {
  EXPECT_EQ(format_count(0), "0");
  EXPECT_EQ(format_count(999), "999");
  EXPECT_EQ(format_count(1000), "1,000");
  EXPECT_EQ(format_count(1234567), "1,234,567");
  EXPECT_EQ(format_bytes(512), "512 B");
  EXPECT_EQ(format_bytes(1536), "1.5 KB");
  EXPECT_EQ(format_bytes(10 * 1024 * 1024), "10.0 MB");
  EXPECT_EQ(format_bytes(3ULL << 30), "3.0 GB");
  EXPECT_EQ(format_duration(0), "0s");
  EXPECT_EQ(format_duration(12.4), "12s");
  EXPECT_EQ(format_duration(187), "3:07");
  EXPECT_EQ(format_duration(3723), "1:02:03");
  EXPECT_EQ(format_duration(-5), "0s");
}

TEST(CliProgress, BarLineShowsPercentRateBytesAndEta) {
  ProgressSnapshot s;
  s.docs_sent = 50000;
  s.bytes_read = 50 << 20;
  s.total_bytes = 100 << 20;
  s.elapsed_seconds = 10;
  EXPECT_EQ(format_progress_bar_line(s, 10),
            "[#####.....]  50.0%  50,000 docs  5,000 docs/s  50.0 MB / 100.0 MB  ETA 10s");
  s.docs_failed = 3;
  EXPECT_NE(format_progress_bar_line(s, 10).find("  3 failed"), std::string::npos);
}

TEST(CliProgress, BarLineWithoutAKnownSizeHasNoPercentOrEta) {
  ProgressSnapshot s;
  s.docs_sent = 1234;
  s.bytes_read = 2048;
  s.elapsed_seconds = 2;
  EXPECT_EQ(format_progress_bar_line(s), "1,234 docs  617 docs/s  2.0 KB");
}

TEST(CliProgress, PlainLineForLogs) {
  ProgressSnapshot s;
  s.docs_sent = 300;
  s.docs_failed = 1;
  s.bytes_read = 3 * 1024;
  s.total_bytes = 4 * 1024;
  s.elapsed_seconds = 3;
  EXPECT_EQ(format_progress_plain_line(s),
            "300 docs sent, 1 failed, 100 docs/s, 3.0 KB read of 4.0 KB (75.0%, ETA 1s)");
  s.total_bytes = -1;
  EXPECT_EQ(format_progress_plain_line(s), "300 docs sent, 1 failed, 100 docs/s, 3.0 KB read");
}

TEST(CliProgress, DegenerateSnapshotsDoNotBreakTheLine) {
  ProgressSnapshot s;  // nothing done, no time elapsed
  EXPECT_EQ(format_progress_bar_line(s), "0 docs  0 docs/s  0 B");
  s.total_bytes = 0;   // empty input
  EXPECT_EQ(format_progress_plain_line(s), "0 docs sent, 0 failed, 0 docs/s, 0 B read");
  s.total_bytes = 10;
  s.bytes_read = 20;   // more read than the size said (file grew): capped at 100%
  s.elapsed_seconds = 1;
  EXPECT_NE(format_progress_bar_line(s, 4).find("[####] 100.0%"), std::string::npos);
}

}  // namespace
}  // namespace quarry::cli
