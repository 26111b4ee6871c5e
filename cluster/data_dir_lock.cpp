#include "cluster/data_dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace quarry::cluster {

namespace fs = std::filesystem;

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) close(fd_);  // releases the flock
}

Status DataDirLock::acquire(const std::string& data_dir) {
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (ec) return Status::Unavailable("cannot create data dir " + data_dir + ": " + ec.message());
  const std::string path = (fs::path(data_dir) / "quarryd.lock").string();
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Unavailable("cannot open " + path + ": " + std::strerror(errno));
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    char buf[32] = {};
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    close(fd);
    if (err != EWOULDBLOCK) return Status::Unavailable("cannot lock " + path + ": " + std::strerror(err));
    std::string holder = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "unknown";
    return Status::Unavailable("data dir " + data_dir + " is in use by another quarryd (pid " + holder + ")");
  }
  // The pid only feeds the message a refused second server prints: not writing it is harmless.
  std::string pid = std::to_string(getpid());
  bool written = ftruncate(fd, 0) == 0 && pwrite(fd, pid.data(), pid.size(), 0) == static_cast<ssize_t>(pid.size());
  (void)written;
  fd_ = fd;
  return Status::Ok();
}

}  // namespace quarry::cluster
