// A private redis-server for ingest tests: a child process on a unix socket in a temp dir, with no
// persistence. Shared by the test suites that need Redis (one server per suite).
#pragma once

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "index/status.h"
#include "ingest/redis_connection.h"

namespace quarry::ingest::testing {

inline constexpr char kRedisServerBinary[] = "/usr/bin/redis-server";

inline std::string make_temp_dir(const char* prefix) {
  std::string tmpl = std::string("/tmp/") + prefix + "-XXXXXX";
  char* made = mkdtemp(tmpl.data());
  return made ? std::string(made) : std::string();
}

class RedisTestServer {
 public:
  static bool available() { return access(kRedisServerBinary, X_OK) == 0; }

  ~RedisTestServer() {
    stop();
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }

  // Starts redis-server (again, after stop(), on the same socket) and waits for PING.
  Status start() {
    signal(SIGPIPE, SIG_IGN);  // as quarryd does: a dead Redis is an error, not a crash
    if (dir_.empty()) dir_ = make_temp_dir("quarry-redis");
    if (dir_.empty()) return Status::IOError("mkdtemp failed");
    std::string sock = socket_path();
    std::string log = dir_ + "/redis.log";
    pid_t pid = fork();
    if (pid < 0) return Status::IOError("fork failed");
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGTERM);
      FILE* f = freopen(log.c_str(), "a", stdout);
      (void)f;
      dup2(STDOUT_FILENO, STDERR_FILENO);
      execl(kRedisServerBinary, "redis-server", "--port", "0", "--unixsocket", sock.c_str(),
            "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir_.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    pid_ = pid;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < deadline) {
      int wstatus = 0;
      if (waitpid(pid_, &wstatus, WNOHANG) == pid_) {
        pid_ = -1;
        return Status::Unavailable("redis-server exited at start; see " + log);
      }
      RedisConnection conn(address(), 200);
      auto r = conn.command({"PING"});
      if (r.ok()) return Status::Ok();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // bounded polling
    }
    stop();
    return Status::Timeout("redis-server did not answer PING within 15s; see " + log);
  }

  // SIGTERM and reap (SIGKILL if it does not exit within 10s).
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
      int wstatus = 0;
      pid_t r = waitpid(pid_, &wstatus, WNOHANG);
      if (r == pid_ || r < 0) break;
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &wstatus, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    pid_ = -1;
  }

  bool running() const { return pid_ > 0; }
  std::string socket_path() const { return dir_ + "/r.sock"; }
  RedisAddress address() const {
    RedisAddress a;
    a.unix_path = socket_path();
    return a;
  }

 private:
  std::string dir_;
  pid_t pid_ = -1;
};

}  // namespace quarry::ingest::testing
