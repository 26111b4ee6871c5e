// The private Redis that quarryd starts when no --redis is given, and the data dir it lives in:
//  - the Redis process can be stopped with SIGTERM like any daemon (quarryd blocks that signal in
//    its own threads, and a child used to inherit the block), and quarryd restarts it;
//  - a second quarryd on the same data dir is refused before it touches that Redis (it used to
//    shut the first server's Redis down on its way out);
//  - SIGTERM to quarryd ends it even when its Redis socket has disappeared.
#include <gtest/gtest.h>
#include <signal.h>

#include <climits>
#include <cstdlib>
#include <sstream>

#include "harness.h"

using namespace qtest;

namespace {

pid_t read_pid(const fs::path& pidfile) {
  try {
    return static_cast<pid_t>(std::stol(read_file(pidfile)));
  } catch (...) {
    return -1;
  }
}

// Alive and not a zombie waiting for quarryd to reap it.
bool running(pid_t pid) {
  std::string status = read_file("/proc/" + std::to_string(pid) + "/status");
  return !status.empty() && status.find("State:\tZ") == std::string::npos;
}

// The signal mask of a process, from /proc/<pid>/status.
uint64_t blocked_signals(pid_t pid) {
  std::istringstream in(read_file("/proc/" + std::to_string(pid) + "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("SigBlk:", 0) == 0) return std::strtoull(line.c_str() + 7, nullptr, 16);
  }
  return ~0ULL;
}

bool blocks(uint64_t mask, int sig) { return (mask >> (sig - 1)) & 1; }

TEST(PrivateRedisTest, StopsOnSigtermAndIsRestarted) {
  Quarryd q;
  ASSERT_TRUE(q.start()) << q.last_error();
  const fs::path pidfile = q.data_dir() / "redis" / "redis.pid";
  pid_t first = read_pid(pidfile);
  ASSERT_GT(first, 0);
  uint64_t mask = blocked_signals(first);
  EXPECT_FALSE(blocks(mask, SIGTERM)) << std::hex << mask;
  EXPECT_FALSE(blocks(mask, SIGINT)) << std::hex << mask;

  ASSERT_EQ(kill(first, SIGTERM), 0);
  EXPECT_TRUE(wait_until([&] { return !running(first); }, 20s)) << "Redis ignored SIGTERM";
  // The supervisor notices and starts a new one with the same data.
  ASSERT_TRUE(wait_until(
      [&] {
        pid_t now = read_pid(pidfile);
        return now > 0 && now != first && running(now);
      },
      30s))
      << q.logs();
  HttpResponse r;
  ASSERT_TRUE(wait_until(
      [&] {
        r = q.http().put("/after/_doc/1?refresh=true", R"({"n":1})");
        return r.status == 201;
      },
      30s))
      << describe(r);
  EXPECT_EQ(q.stop(), 0) << q.logs();
}

TEST(PrivateRedisTest, SecondServerOnTheSameDataDirIsRefused) {
  Quarryd first;
  ASSERT_TRUE(first.start()) << first.last_error();
  auto r = first.http().put("/kept/_doc/1?refresh=true", R"({"n":1})");
  ASSERT_EQ(r.status, 201) << describe(r);
  pid_t redis = read_pid(first.data_dir() / "redis" / "redis.pid");

  Quarryd second({}, first.data_dir());
  EXPECT_FALSE(second.start(20s));
  EXPECT_FALSE(second.running());
  EXPECT_NE(second.logs().find("is in use by another quarryd"), std::string::npos) << second.logs();

  // The first server and its Redis carry on as if nothing happened.
  EXPECT_TRUE(running(redis));
  EXPECT_EQ(read_pid(first.data_dir() / "redis" / "redis.pid"), redis);
  r = first.http().put("/kept/_doc/2?refresh=true", R"({"n":2})");
  EXPECT_EQ(r.status, 201) << describe(r);
  r = first.http().get("/kept/_count");
  EXPECT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jint(r.json(), "count"), 2) << describe(r);

  // Once the first has stopped, the data dir is free again.
  EXPECT_EQ(first.stop(), 0) << first.logs();
  ASSERT_TRUE(second.start()) << second.last_error();
  r = second.http().get("/kept/_count");
  EXPECT_EQ(jint(r.json(), "count"), 2) << describe(r);
}

TEST(PrivateRedisTest, SigtermEndsQuarrydEvenWithoutItsRedisSocket) {
  Quarryd q;
  ASSERT_TRUE(q.start()) << q.last_error();
  pid_t redis = read_pid(q.data_dir() / "redis" / "redis.pid");
  ASSERT_GT(redis, 0);
  // Redis keeps running but can no longer be reached through its socket.
  fs::remove(q.data_dir() / "redis" / "redis.sock");
  int code = q.stop(60s);
  EXPECT_NE(code, INT_MIN) << "quarryd did not exit after SIGTERM: " << q.logs();
  EXPECT_FALSE(running(redis)) << "quarryd left its Redis running";
}

}  // namespace
