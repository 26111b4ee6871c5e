// RedisLauncher: the private redis-server that quarryd runs when no --redis URL is given.
// It listens only on a unix socket in <data-dir>/redis/, with AOF persistence on. If a Redis from
// an earlier quarryd (one that crashed) still answers on that socket it is adopted, not replaced;
// a Redis that dies is restarted with its data by the supervisor thread. stop() shuts it down
// (SHUTDOWN, which fsyncs the AOF; SIGTERM to our child if it no longer answers), waiting at most
// 30 s before SIGKILL — only a Redis this launcher started or adopted. One launcher per data dir:
// quarryd holds cluster::DataDirLock first.
//
// Thread-safety: start()/stop() from the owning thread; the supervisor runs on its own thread.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "index/status.h"

namespace quarry::ingest {

class RedisLauncher {
 public:
  // appendfsync: "always" (an acknowledged write survives even a Redis crash) or "everysec".
  RedisLauncher(std::string data_dir, std::string appendfsync = "always",
                std::string redis_binary = "redis-server");
  ~RedisLauncher();
  RedisLauncher(const RedisLauncher&) = delete;
  RedisLauncher& operator=(const RedisLauncher&) = delete;

  // Starts (or adopts) Redis and waits until it answers PING. Errors: kUnavailable.
  Status start();
  void stop();
  std::string url() const { return "unix://" + socket_path_; }

 private:
  bool ping() const;
  Status spawn();
  // Reaps our child `pid`; false if it is still running after `limit`.
  static bool wait_for_exit(pid_t pid, std::chrono::milliseconds limit);
  void supervise();

  const std::string dir_;
  const std::string appendfsync_;
  const std::string binary_;
  const std::string socket_path_;
  pid_t child_ = -1;         // our child, when we spawned it
  std::thread supervisor_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable cv_;
};

}  // namespace quarry::ingest
