// Black-box API test harness: real redis-server and quarryd processes driven over HTTP.
//
//  - TempDir: a private directory removed (recursively) on destruction.
//  - Process: a child started with fork/exec, stdout/stderr redirected to files; the destructor
//    SIGKILLs and reaps it if it is still running.
//  - RedisServer: a private redis-server (AOF on) on a free loopback TCP port or a unix socket in
//    a temp dir, with a tiny RESP client for admin commands (PING, ACL, SHUTDOWN, ...).
//  - Quarryd: quarryd with --port 0; the port is read from the first stdout line; readiness is
//    polled on GET / with a deadline. SIGTERM / SIGKILL / restart on the same data dir. On
//    destruction it stops quarryd and the private Redis it may have left behind (after SIGKILL).
//  - HttpClient: a synchronous keep-alive HTTP/1.1 client on Beast.
//  - Json helpers on RapidJSON.
//
// Everything is RAII: a failing test (ASSERT_* returns early) still stops every process and
// removes every temp dir.
#pragma once

#include <rapidjson/document.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace qtest {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// ---------------------------------------------------------------------------------------------
// JSON

// Parses `text`; on a parse error the document HasParseError() and is an empty null.
rapidjson::Document parse_json(const std::string& text);
// Compact serialisation of a value (for messages and comparisons).
std::string to_json(const rapidjson::Value& v);
// Looks up a dotted path: "hits.hits.0._id" (numeric segments index arrays). nullptr if absent.
const rapidjson::Value* jpath(const rapidjson::Value& root, const std::string& path);
// Convenience accessors: default value when absent or of another type.
std::string jstr(const rapidjson::Value& root, const std::string& path, const std::string& def = "<absent>");
int64_t jint(const rapidjson::Value& root, const std::string& path, int64_t def = INT64_MIN);
bool jbool(const rapidjson::Value& root, const std::string& path, bool def = false);
bool jhas(const rapidjson::Value& root, const std::string& path);
// JSON string literal (with quotes) for `s`.
std::string jquote(const std::string& s);

// ---------------------------------------------------------------------------------------------
// Files and processes

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "quarry-api-");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  fs::path path_;
};

std::string read_file(const fs::path& p);
// The "mappings" object of the shipped review template (scripts/steam_reviews_template.json), as JSON.
std::string review_template_mappings();

class Process {
 public:
  // Starts argv[0] (a path) with stdout/stderr appended to the given files.
  Process(const std::vector<std::string>& argv, const fs::path& stdout_file,
          const fs::path& stderr_file);
  ~Process();  // SIGKILL + reap if still running
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  bool running();  // false once it exited (reaps it)
  void signal(int sig);
  // Waits for exit up to `timeout`. Returns the raw wait status, or nullopt on timeout.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  // Exit status if it exited normally, -signal if killed by a signal, INT_MIN if still running.
  int exit_code() const { return exit_code_; }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int exit_code_ = INT32_MIN;
  void note_status(int status);
};

// Polls `pred` every 20 ms until it returns true or `timeout` passes. Returns the last result.
bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout);

// A free TCP port on 127.0.0.1 (bound to 0 and released).
int free_port();

// ---------------------------------------------------------------------------------------------
// Redis

// A RESP reply rendered as a string: simple strings/bulk strings as-is, integers as digits,
// errors as "ERR ..." (with is_error), arrays as the elements joined by '\n', nil as "(nil)".
struct RedisReply {
  bool ok = false;          // transport succeeded
  bool is_error = false;    // the server replied with an error
  std::string text;
};

// Sends one command to a Redis at `url` (redis://host:port or unix:///path) on a new connection.
RedisReply redis_command(const std::string& url, const std::vector<std::string>& args,
                         std::chrono::milliseconds timeout = 5s);

class RedisServer {
 public:
  enum class Transport { kTcp, kUnix };
  explicit RedisServer(Transport transport = Transport::kTcp);
  ~RedisServer();  // SHUTDOWN NOSAVE, then SIGKILL if needed; removes its dir

  // Starts (again) on the same port/socket and data dir (AOF is replayed). Asserts success via
  // the return value: false if it did not answer PING in time.
  bool start();
  // SHUTDOWN (fsyncs the AOF) and waits for the process to exit.
  bool shutdown();
  void kill9();
  bool running() { return proc_ && proc_->running(); }
  std::string url() const;
  RedisReply command(const std::vector<std::string>& args) const { return redis_command(url(), args); }
  const fs::path& dir() const { return dir_.path(); }

 private:
  Transport transport_;
  TempDir dir_{"quarry-redis-"};
  int port_ = 0;
  std::unique_ptr<Process> proc_;
};

// ---------------------------------------------------------------------------------------------
// HTTP

struct HttpResponse {
  int status = 0;                              // 0 = transport failure (see error)
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string error;                           // transport error message
  std::string header(const std::string& name) const;
  rapidjson::Document json() const { return parse_json(body); }
};

class HttpClient {
 public:
  HttpClient(std::string host, int port);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  HttpClient(HttpClient&&) noexcept;

  // Sends one request on the kept-alive connection (reconnects when the server closed it; a
  // request is retried only if it failed before any byte of a response on a reused connection).
  HttpResponse request(const std::string& method, const std::string& target,
                       const std::string& body = "",
                       const std::map<std::string, std::string>& headers = {},
                       std::chrono::milliseconds timeout = 60s);
  HttpResponse get(const std::string& target) { return request("GET", target); }
  HttpResponse head(const std::string& target) { return request("HEAD", target); }
  HttpResponse del(const std::string& target) { return request("DELETE", target); }
  HttpResponse put(const std::string& target, const std::string& body) { return request("PUT", target, body); }
  HttpResponse post(const std::string& target, const std::string& body = "") { return request("POST", target, body); }
  // POST with Content-Type application/x-ndjson.
  HttpResponse bulk(const std::string& target, const std::string& ndjson);
  void close();
  int port() const { return port_; }

 private:
  struct Conn;
  std::string host_;
  int port_;
  std::unique_ptr<Conn> conn_;
};

// ---------------------------------------------------------------------------------------------
// quarryd

struct QuarrydOptions {
  std::string redis_url;               // empty = quarryd starts its private Redis
  std::vector<std::string> extra_args; // e.g. {"--max-backlog", "0"}
};

class Quarryd {
 public:
  // Uses (and owns) a fresh data dir unless `data_dir` is given (then it is not removed).
  explicit Quarryd(QuarrydOptions options = {}, std::optional<fs::path> data_dir = std::nullopt);
  ~Quarryd();
  Quarryd(const Quarryd&) = delete;
  Quarryd& operator=(const Quarryd&) = delete;

  // Starts quarryd and waits until GET / answers 200. Returns false (with reason in
  // last_error()) if it did not come up within the deadline.
  bool start(std::chrono::milliseconds deadline = 30s);
  // SIGTERM and wait; returns the exit code (or INT_MIN on timeout, after a SIGKILL).
  int stop(std::chrono::milliseconds deadline = 60s);
  // SIGKILL quarryd only (its private Redis, if any, survives and is adopted on restart).
  void kill9();
  bool running() { return proc_ && proc_->running(); }

  int port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  HttpClient& http();                 // a client bound to the current port
  HttpClient client() const { return HttpClient("127.0.0.1", port_); }
  const fs::path& data_dir() const { return data_dir_; }
  const std::string& last_error() const { return last_error_; }
  std::string logs() const;           // stdout + stderr of every run so far (for messages)
  QuarrydOptions& options() { return options_; }
  // The private Redis (data_dir/redis/redis.sock) URL.
  std::string private_redis_url() const { return "unix://" + (data_dir_ / "redis" / "redis.sock").string(); }

 private:
  void stop_private_redis();
  QuarrydOptions options_;
  std::unique_ptr<TempDir> owned_dir_;
  fs::path data_dir_;
  fs::path log_dir_;
  std::unique_ptr<TempDir> log_tmp_;
  int runs_ = 0;
  int port_ = 0;
  std::unique_ptr<Process> proc_;
  std::unique_ptr<HttpClient> http_;
  std::string last_error_;
};

// ---------------------------------------------------------------------------------------------
// Small request helpers (assertions stay in the tests)

// Builds an NDJSON bulk body line by line: each call appends one line plus '\n'.
class Ndjson {
 public:
  Ndjson& line(const std::string& l) { body_ += l; body_ += '\n'; return *this; }
  Ndjson& index(const std::string& index, const std::string& id, const std::string& source);
  Ndjson& create(const std::string& index, const std::string& id, const std::string& source);
  Ndjson& del(const std::string& index, const std::string& id);
  Ndjson& update(const std::string& index, const std::string& id, const std::string& body);
  const std::string& str() const { return body_; }
  size_t size() const { return body_.size(); }

 private:
  std::string body_;
};

// "METHOD target -> status body" for assertion messages (body truncated).
std::string describe(const HttpResponse& r, size_t max_body = 2000);

// True if the body is an Elasticsearch error with the given type and the status field matches.
bool is_es_error(const HttpResponse& r, int status, const std::string& type);

}  // namespace qtest
