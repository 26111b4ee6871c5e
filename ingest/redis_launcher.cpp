#include "ingest/redis_launcher.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <vector>

#include "ingest/redis_connection.h"

namespace quarry::ingest {

namespace fs = std::filesystem;

RedisLauncher::RedisLauncher(std::string data_dir, std::string appendfsync, std::string redis_binary)
    : dir_(data_dir + "/redis"),
      appendfsync_(std::move(appendfsync)),
      binary_(std::move(redis_binary)),
      socket_path_(dir_ + "/redis.sock") {}

RedisLauncher::~RedisLauncher() { stop(); }

bool RedisLauncher::ping() const {
  RedisAddress a;
  a.unix_path = socket_path_;
  RedisConnection conn(a, 1000);
  auto r = conn.command({"PING"});
  return r.ok();
}

Status RedisLauncher::spawn() {
  std::vector<std::string> args = {binary_,
                                   "--port", "0",
                                   "--unixsocket", socket_path_,
                                   "--unixsocketperm", "700",
                                   "--dir", dir_,
                                   "--appendonly", "yes",
                                   "--appendfsync", appendfsync_,
                                   "--save", "",
                                   "--pidfile", dir_ + "/redis.pid",
                                   "--logfile", dir_ + "/redis.log",
                                   "--daemonize", "no"};
  pid_t pid = fork();
  if (pid < 0) return Status::Unavailable("cannot fork redis-server");
  if (pid == 0) {
    // Own process group: a Ctrl-C aimed at quarryd must not kill Redis before quarryd drains.
    setpgid(0, 0);
    // quarryd blocks SIGTERM/SIGINT for its signal thread and ignores SIGPIPE; exec keeps both,
    // and a Redis that cannot see SIGTERM cannot be stopped by an operator or by stop() below.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    signal(SIGPIPE, SIG_DFL);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execvp(binary_.c_str(), argv.data());
    _exit(127);
  }
  child_ = pid;
  for (int i = 0; i < 200; ++i) {
    if (ping()) return Status::Ok();
    int status;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      child_ = -1;
      return Status::Unavailable("redis-server exited during start-up; see " + dir_ + "/redis.log");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // polling start-up, bounded
  }
  return Status::Unavailable("redis-server did not answer within 10 s; see " + dir_ + "/redis.log");
}

Status RedisLauncher::start() {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return Status::Unavailable("cannot create " + dir_ + ": " + ec.message());
  if (!ping()) {
    fs::remove(socket_path_, ec);
    QUARRY_RETURN_IF_ERROR(spawn());
  }
  stopping_ = false;
  supervisor_ = std::thread([this] { supervise(); });
  return Status::Ok();
}

void RedisLauncher::supervise() {
  while (!stopping_) {
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_.load(); });
    }
    if (stopping_) break;
    if (child_ > 0) {
      int status;
      if (waitpid(child_, &status, WNOHANG) == child_) child_ = -1;
    }
    if (!ping() && child_ < 0) {
      std::cerr << "quarryd: private Redis is gone; restarting it\n";
      Status st = spawn();
      if (!st.ok()) std::cerr << "quarryd: " << st.message() << "\n";
    }
  }
}

void RedisLauncher::stop() {
  if (supervisor_.joinable()) {
    stopping_ = true;
    cv_.notify_all();
    supervisor_.join();
  }
  bool asked = false;
  if (ping()) {
    RedisAddress a;
    a.unix_path = socket_path_;
    RedisConnection conn(a, 5000);
    (void)conn.command({"SHUTDOWN"});  // saves (AOF fsync) and exits; no reply on success
    asked = true;
  }
  if (child_ > 0) {
    // Our child no longer answers on its socket (removed, or Redis is stuck): SIGTERM makes Redis
    // fsync its AOF and exit as SHUTDOWN does.
    if (!asked) kill(child_, SIGTERM);
    if (!wait_for_exit(child_, std::chrono::seconds(30))) {
      std::cerr << "quarryd: private Redis (pid " << child_ << ") did not exit in 30 s; killing it\n";
      kill(child_, SIGKILL);
      int status;
      waitpid(child_, &status, 0);
    }
    child_ = -1;
  }
}

bool RedisLauncher::wait_for_exit(pid_t pid, std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (true) {
    int status;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling a child's exit, bounded
  }
}

}  // namespace quarry::ingest
