// DataDirLock: one quarryd per data directory. Two servers on the same directory would share its
// private Redis (the second one shuts it down when it exits) and fight over the shards' Xapian
// write locks, so the second is refused before it touches anything. The lock is an exclusive
// flock on <data-dir>/quarryd.lock, held for the life of the object; the kernel drops it when the
// process dies, so a crashed quarryd never leaves a stale lock behind. The file holds the
// holder's pid, for the error message.
//
// Thread-safety: not shared; acquire() once, at start-up.
#pragma once

#include <string>

#include "index/status.h"

namespace quarry::cluster {

class DataDirLock {
 public:
  DataDirLock() = default;
  ~DataDirLock();
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

  // Creates the directory if needed and takes the lock. Errors: kUnavailable when another
  // process holds it (the message names its pid) or the file cannot be opened.
  Status acquire(const std::string& data_dir);

 private:
  int fd_ = -1;
};

}  // namespace quarry::cluster
