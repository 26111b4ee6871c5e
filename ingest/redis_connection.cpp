#include "ingest/redis_connection.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

namespace quarry::ingest {

std::string RedisAddress::to_string() const {
  return unix_path.empty() ? "redis://" + host + ":" + std::to_string(port) : "unix://" + unix_path;
}

Result<RedisAddress> parse_redis_url(std::string_view url) {
  RedisAddress a;
  if (url.rfind("unix://", 0) == 0) {
    a.unix_path = std::string(url.substr(7));
    if (a.unix_path.empty()) return Status::InvalidArgument("redis url [" + std::string(url) + "] has no socket path");
    return a;
  }
  if (url.rfind("redis://", 0) == 0) {
    std::string rest(url.substr(8));
    auto slash = rest.find('/');
    if (slash != std::string::npos) rest = rest.substr(0, slash);
    auto at = rest.rfind('@');
    if (at != std::string::npos) rest = rest.substr(at + 1);
    auto colon = rest.rfind(':');
    a.host = rest.substr(0, colon);
    if (colon != std::string::npos) {
      try {
        a.port = std::stoi(rest.substr(colon + 1));
      } catch (const std::exception&) {
        return Status::InvalidArgument("redis url [" + std::string(url) + "] has a bad port");
      }
    }
    if (a.host.empty()) a.host = "127.0.0.1";
    return a;
  }
  return Status::InvalidArgument("redis url [" + std::string(url) +
                                 "] must be redis://host:port or unix:///path");
}

void ReplyDeleter::operator()(redisReply* r) const {
  if (r) freeReplyObject(r);
}

RedisConnection::RedisConnection(RedisAddress address, int timeout_ms)
    : address_(std::move(address)), timeout_ms_(timeout_ms) {}

RedisConnection::~RedisConnection() { drop(); }

void RedisConnection::drop() {
  if (ctx_) redisFree(ctx_);
  ctx_ = nullptr;
}

static timeval to_timeval(int ms) {
  timeval tv;
  tv.tv_sec = ms / 1000;
  tv.tv_usec = (ms % 1000) * 1000;
  return tv;
}

Status RedisConnection::connect() {
  drop();
  timeval tv = to_timeval(timeout_ms_);
  ctx_ = address_.unix_path.empty() ? redisConnectWithTimeout(address_.host.c_str(), address_.port, tv)
                                    : redisConnectUnixWithTimeout(address_.unix_path.c_str(), tv);
  if (!ctx_ || ctx_->err) {
    std::string why = ctx_ ? ctx_->errstr : "out of memory";
    drop();
    return Status::Unavailable("cannot connect to Redis at " + address_.to_string() + ": " + why);
  }
  redisSetTimeout(ctx_, tv);
  return Status::Ok();
}

void RedisConnection::set_timeout_ms(int timeout_ms) {
  timeout_ms_ = timeout_ms;
  if (ctx_) redisSetTimeout(ctx_, to_timeval(timeout_ms));
}

Result<ReplyPtr> RedisConnection::command(const std::vector<std::string_view>& argv) {
  if (!ctx_) QUARRY_RETURN_IF_ERROR(connect());
  std::vector<const char*> args;
  std::vector<size_t> lens;
  args.reserve(argv.size());
  lens.reserve(argv.size());
  for (auto a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* raw = static_cast<redisReply*>(
      redisCommandArgv(ctx_, static_cast<int>(args.size()), args.data(), lens.data()));
  if (!raw) {
    std::string why = ctx_->errstr;
    drop();
    return Status::Unavailable("Redis at " + address_.to_string() + " went away: " + why);
  }
  ReplyPtr reply(raw);
  if (reply->type == REDIS_REPLY_ERROR) {
    return Status::Internal(std::string(reply->str, reply->len));
  }
  return reply;
}

}  // namespace quarry::ingest
