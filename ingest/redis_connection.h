// RedisConnection: one hiredis connection (RAII owner of its redisContext) with lazy reconnect.
// Not thread-safe: each user (a shard's primary, each applier) owns its own connection.
//
// Errors are translated here: a connection that cannot be made or breaks -> kUnavailable;
// a Redis error reply -> kInternal with Redis's message (callers map specific ones).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "index/status.h"

struct redisContext;
struct redisReply;

namespace quarry::ingest {

struct RedisAddress {
  std::string host;          // TCP host, empty when unix_path is set
  int port = 6379;
  std::string unix_path;
  std::string to_string() const;
};

// Parses "redis://host:port" or "unix:///path/to/sock". Errors: kInvalidArgument.
Result<RedisAddress> parse_redis_url(std::string_view url);

// A reply owned by the caller.
struct ReplyDeleter {
  void operator()(redisReply* r) const;
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

class RedisConnection {
 public:
  explicit RedisConnection(RedisAddress address, int timeout_ms = 5000);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Sends one command (argv form, binary-safe). Reconnects first if the last call broke the
  // connection. A reply of type error is returned as kInternal with its text.
  Result<ReplyPtr> command(const std::vector<std::string_view>& argv);
  // Sets the read timeout for the next commands (XREADGROUP BLOCK needs more than its block time).
  void set_timeout_ms(int timeout_ms);
  const RedisAddress& address() const { return address_; }

 private:
  Status connect();
  void drop();

  RedisAddress address_;
  int timeout_ms_;
  redisContext* ctx_ = nullptr;
};

}  // namespace quarry::ingest
