#include "harness.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <climits>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>

#ifndef QUARRYD_PATH
#define QUARRYD_PATH "quarryd"
#endif

namespace qtest {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// ---------------------------------------------------------------------------------------------
// JSON

rapidjson::Document parse_json(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  return d;
}

std::string to_json(const rapidjson::Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return sb.GetString();
}

const rapidjson::Value* jpath(const rapidjson::Value& root, const std::string& path) {
  const rapidjson::Value* cur = &root;
  size_t start = 0;
  while (start <= path.size()) {
    if (path.empty()) return cur;
    size_t dot = path.find('.', start);
    if (dot == std::string::npos) dot = path.size();
    std::string seg = path.substr(start, dot - start);
    if (cur->IsObject()) {
      auto it = cur->FindMember(seg.c_str());
      if (it == cur->MemberEnd()) return nullptr;
      cur = &it->value;
    } else if (cur->IsArray()) {
      if (seg.empty() || seg.find_first_not_of("0123456789") != std::string::npos) return nullptr;
      size_t i = std::stoul(seg);
      if (i >= cur->Size()) return nullptr;
      cur = &(*cur)[static_cast<rapidjson::SizeType>(i)];
    } else {
      return nullptr;
    }
    start = dot + 1;
  }
  return cur;
}

std::string jstr(const rapidjson::Value& root, const std::string& path, const std::string& def) {
  const auto* v = jpath(root, path);
  if (!v) return def;
  if (v->IsString()) return std::string(v->GetString(), v->GetStringLength());
  return to_json(*v);
}

int64_t jint(const rapidjson::Value& root, const std::string& path, int64_t def) {
  const auto* v = jpath(root, path);
  if (!v) return def;
  if (v->IsInt64()) return v->GetInt64();
  if (v->IsUint64()) return static_cast<int64_t>(v->GetUint64());
  if (v->IsDouble()) return static_cast<int64_t>(v->GetDouble());
  return def;
}

bool jbool(const rapidjson::Value& root, const std::string& path, bool def) {
  const auto* v = jpath(root, path);
  return v && v->IsBool() ? v->GetBool() : def;
}

bool jhas(const rapidjson::Value& root, const std::string& path) { return jpath(root, path) != nullptr; }

std::string jquote(const std::string& s) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  return sb.GetString();
}

// ---------------------------------------------------------------------------------------------
// Files and processes

TempDir::TempDir(const std::string& prefix) {
  std::string tmpl = (fs::temp_directory_path() / (prefix + "XXXXXX")).string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed: " + tmpl);
  path_ = buf.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string review_template_mappings() {
  auto doc = parse_json(read_file(fs::path(QUARRY_SOURCE_DIR) / "scripts" / "steam_reviews_template.json"));
  const rapidjson::Value* mappings = jpath(doc, "template.mappings");
  return mappings ? to_json(*mappings) : std::string();
}

Process::Process(const std::vector<std::string>& argv, const fs::path& stdout_file,
                 const fs::path& stderr_file) {
  // Everything the child needs is prepared before fork (only async-signal-safe calls after).
  std::vector<std::string> args = argv;
  std::vector<char*> cargv;
  for (auto& a : args) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  std::string out = stdout_file.string(), err = stderr_file.string();
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    // If the test binary dies (a crash, or a SIGKILL from a timeout), the child gets SIGTERM and
    // shuts down cleanly (quarryd then also stops its private Redis): no orphans.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(126);
    int fo = open(out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int fe = open(err.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int fi = open("/dev/null", O_RDONLY);
    if (fo >= 0) dup2(fo, 1);
    if (fe >= 0) dup2(fe, 2);
    if (fi >= 0) dup2(fi, 0);
    // Restore default signal handling and an empty mask for the child.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  pid_ = pid;
}

Process::~Process() {
  if (pid_ > 0 && !reaped_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    reaped_ = true;
  }
}

void Process::note_status(int status) {
  reaped_ = true;
  if (WIFEXITED(status)) exit_code_ = WEXITSTATUS(status);
  else if (WIFSIGNALED(status)) exit_code_ = -WTERMSIG(status);
}

bool Process::running() {
  if (reaped_) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    note_status(status);
    return false;
  }
  return true;
}

void Process::signal(int sig) {
  if (!reaped_) ::kill(pid_, sig);
}

std::optional<int> Process::wait(std::chrono::milliseconds timeout) {
  if (reaped_) return exit_code_;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      note_status(status);
      return exit_code_;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(10ms);
  }
}

bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (pred()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return pred();
    std::this_thread::sleep_for(20ms);
  }
}

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot bind a free port");
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

// ---------------------------------------------------------------------------------------------
// Redis (a minimal RESP client over POSIX sockets, with timeouts)

namespace {

int redis_connect(const std::string& url, std::chrono::milliseconds timeout) {
  int fd = -1;
  if (url.rfind("unix://", 0) == 0) {
    std::string path = url.substr(7);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd);
      return -1;
    }
  } else if (url.rfind("redis://", 0) == 0) {
    std::string hp = url.substr(8);
    auto colon = hp.rfind(':');
    std::string host = hp.substr(0, colon);
    int port = std::stoi(hp.substr(colon + 1));
    fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd);
      return -1;
    }
  } else {
    return -1;
  }
  timeval tv{};
  tv.tv_sec = timeout.count() / 1000;
  tv.tv_usec = (timeout.count() % 1000) * 1000;
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  return fd;
}

struct RespReader {
  int fd;
  std::string buf;
  size_t pos = 0;
  bool fill() {
    char tmp[4096];
    ssize_t n = recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf.append(tmp, static_cast<size_t>(n));
    return true;
  }
  bool line(std::string* out) {
    for (;;) {
      auto crlf = buf.find("\r\n", pos);
      if (crlf != std::string::npos) {
        *out = buf.substr(pos, crlf - pos);
        pos = crlf + 2;
        return true;
      }
      if (!fill()) return false;
    }
  }
  bool bytes(size_t n, std::string* out) {
    while (buf.size() - pos < n + 2)
      if (!fill()) return false;
    *out = buf.substr(pos, n);
    pos += n + 2;
    return true;
  }
  bool reply(RedisReply* r) {
    std::string l;
    if (!line(&l) || l.empty()) return false;
    char t = l[0];
    std::string rest = l.substr(1);
    switch (t) {
      case '+': r->text = rest; return true;
      case '-': r->is_error = true; r->text = rest; return true;
      case ':': r->text = rest; return true;
      case '$': {
        long n = std::stol(rest);
        if (n < 0) { r->text = "(nil)"; return true; }
        return bytes(static_cast<size_t>(n), &r->text);
      }
      case '*': {
        long n = std::stol(rest);
        if (n < 0) { r->text = "(nil)"; return true; }
        std::string joined;
        for (long i = 0; i < n; ++i) {
          RedisReply e;
          if (!reply(&e)) return false;
          if (i) joined += '\n';
          joined += e.text;
          if (e.is_error) r->is_error = true;
        }
        r->text = joined;
        return true;
      }
      default: return false;
    }
  }
};

}  // namespace

RedisReply redis_command(const std::string& url, const std::vector<std::string>& args,
                         std::chrono::milliseconds timeout) {
  RedisReply r;
  int fd = redis_connect(url, timeout);
  if (fd < 0) {
    r.text = "cannot connect to " + url;
    return r;
  }
  std::string cmd = "*" + std::to_string(args.size()) + "\r\n";
  for (const auto& a : args) cmd += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  size_t sent = 0;
  while (sent < cmd.size()) {
    ssize_t n = send(fd, cmd.data() + sent, cmd.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      ::close(fd);
      r.text = "send failed";
      return r;
    }
    sent += static_cast<size_t>(n);
  }
  RespReader reader{fd, {}, 0};
  r.ok = reader.reply(&r);
  if (!r.ok && r.text.empty()) r.text = "no reply (connection closed)";
  ::close(fd);
  return r;
}

RedisServer::RedisServer(Transport transport) : transport_(transport) {}

RedisServer::~RedisServer() {
  if (proc_ && proc_->running()) {
    redis_command(url(), {"SHUTDOWN", "NOSAVE"}, 2s);
    if (!proc_->wait(5s)) proc_->signal(SIGKILL);
  }
  proc_.reset();
}

std::string RedisServer::url() const {
  if (transport_ == Transport::kUnix) return "unix://" + (dir_.path() / "redis.sock").string();
  return "redis://127.0.0.1:" + std::to_string(port_);
}

bool RedisServer::start() {
  if (proc_ && proc_->running()) return true;
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::vector<std::string> argv = {"/usr/bin/redis-server"};
    if (transport_ == Transport::kTcp) {
      if (port_ == 0) port_ = free_port();
      argv.insert(argv.end(), {"--port", std::to_string(port_), "--bind", "127.0.0.1"});
    } else {
      argv.insert(argv.end(), {"--port", "0", "--unixsocket", (dir_.path() / "redis.sock").string(),
                               "--unixsocketperm", "700"});
    }
    argv.insert(argv.end(), {"--dir", dir_.str(), "--appendonly", "yes", "--appendfsync", "everysec",
                             "--save", "", "--daemonize", "no", "--logfile",
                             (dir_.path() / "redis.log").string()});
    proc_ = std::make_unique<Process>(argv, dir_.path() / "redis.out", dir_.path() / "redis.out");
    bool up = wait_until(
        [&] {
          if (!proc_->running()) return true;
          auto r = redis_command(url(), {"PING"}, 1s);
          return r.ok && r.text == "PONG";
        },
        15s);
    if (up && proc_->running()) return true;
    proc_.reset();
    // The port may have been taken between free_port() and bind: try another one, unless data
    // already lives here under this port (a restart), where we keep the port.
    if (transport_ == Transport::kTcp && !fs::exists(dir_.path() / "appendonlydir")) port_ = 0;
  }
  return false;
}

bool RedisServer::shutdown() {
  if (!proc_ || !proc_->running()) return true;
  redis_command(url(), {"SHUTDOWN"}, 5s);
  return proc_->wait(15s).has_value();
}

void RedisServer::kill9() {
  if (!proc_) return;
  proc_->signal(SIGKILL);
  proc_->wait(10s);
}

// ---------------------------------------------------------------------------------------------
// HTTP

std::string HttpResponse::header(const std::string& name) const {
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto it = headers.find(lower);
  return it == headers.end() ? std::string() : it->second;
}

struct HttpClient::Conn {
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  bool connected = false;
};

HttpClient::HttpClient(std::string host, int port)
    : host_(std::move(host)), port_(port), conn_(std::make_unique<Conn>()) {}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;

void HttpClient::close() {
  if (conn_ && conn_->connected) {
    beast::error_code ec;
    conn_->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    conn_->stream.close();
  }
  conn_ = std::make_unique<Conn>();
}

HttpResponse HttpClient::request(const std::string& method, const std::string& target,
                                 const std::string& body,
                                 const std::map<std::string, std::string>& headers,
                                 std::chrono::milliseconds timeout) {
  HttpResponse out;
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool reused = conn_->connected;
    beast::error_code ec;
    if (!conn_->connected) {
      conn_->stream.expires_after(timeout);
      conn_->stream.connect(tcp::endpoint(net::ip::make_address(host_), static_cast<unsigned short>(port_)), ec);
      if (ec) {
        out.error = "connect: " + ec.message();
        close();
        return out;
      }
      conn_->connected = true;
    }
    http::request<http::string_body> req;
    req.method_string(method);
    req.target(target);
    req.version(11);
    req.set(http::field::host, host_ + ":" + std::to_string(port_));
    req.keep_alive(true);
    bool has_ct = false;
    for (const auto& [k, v] : headers) {
      req.set(k, v);
      if (strcasecmp(k.c_str(), "content-type") == 0) has_ct = true;
    }
    if (!body.empty() && !has_ct) req.set(http::field::content_type, "application/json");
    req.body() = body;
    if (!body.empty() || method == "POST" || method == "PUT") req.prepare_payload();

    conn_->stream.expires_after(timeout);
    http::write(conn_->stream, req, ec);
    bool write_failed = static_cast<bool>(ec);
    std::string write_error = ec.message();

    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);
    parser.header_limit(1 << 20);
    if (method == "HEAD") parser.skip(true);
    conn_->stream.expires_after(timeout);
    ec = {};
    http::read(conn_->stream, conn_->buffer, parser, ec);
    if (ec) {
      bool nothing_read = !parser.got_some();
      close();
      if (reused && attempt == 0 && nothing_read) continue;  // stale keep-alive connection
      out.error = (write_failed ? "write: " + write_error + "; " : std::string()) + "read: " + ec.message();
      return out;
    }
    auto res = parser.release();
    out.status = static_cast<int>(res.result_int());
    out.body = std::move(res.body());
    for (const auto& f : res) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[name] = std::string(f.value());
    }
    if (!res.keep_alive() || write_failed) close();
    return out;
  }
  return out;
}

HttpResponse HttpClient::bulk(const std::string& target, const std::string& ndjson) {
  return request("POST", target, ndjson, {{"Content-Type", "application/x-ndjson"}});
}

// ---------------------------------------------------------------------------------------------
// quarryd

Quarryd::Quarryd(QuarrydOptions options, std::optional<fs::path> data_dir)
    : options_(std::move(options)) {
  if (data_dir) {
    data_dir_ = *data_dir;
    log_tmp_ = std::make_unique<TempDir>("quarry-logs-");
    log_dir_ = log_tmp_->path();
  } else {
    owned_dir_ = std::make_unique<TempDir>("quarry-api-");
    data_dir_ = owned_dir_->path() / "data";
    log_dir_ = owned_dir_->path();
  }
}

Quarryd::~Quarryd() {
  http_.reset();
  if (proc_) proc_->running();  // reaps it if it died, so logs() can tell how
  // QUARRY_API_LOGS=1 prints every quarryd's stdout/stderr when it is torn down (debugging).
  if (const char* v = std::getenv("QUARRY_API_LOGS"); v && *v && std::string(v) != "0")
    std::cerr << logs() << std::endl;
  if (proc_ && proc_->running()) {
    proc_->signal(SIGTERM);
    if (!proc_->wait(30s)) proc_->signal(SIGKILL);
  }
  proc_.reset();
  stop_private_redis();
}

void Quarryd::stop_private_redis() {
  if (!options_.redis_url.empty()) return;
  fs::path sock = data_dir_ / "redis" / "redis.sock";
  fs::path pidfile = data_dir_ / "redis" / "redis.pid";
  pid_t pid = -1;
  if (fs::exists(pidfile)) {
    try {
      pid = static_cast<pid_t>(std::stol(read_file(pidfile)));
    } catch (...) {
    }
  }
  if (fs::exists(sock)) redis_command(private_redis_url(), {"SHUTDOWN", "NOSAVE"}, 2s);
  if (pid > 0) {
    // Only the redis-server that this data dir's quarryd started (checked by its command line).
    auto alive = [&] {
      std::string cmdline = read_file("/proc/" + std::to_string(pid) + "/cmdline");
      return cmdline.find("redis-server") != std::string::npos && ::kill(pid, 0) == 0;
    };
    if (!wait_until([&] { return !alive(); }, 5s)) ::kill(pid, SIGKILL);
  }
}

std::string Quarryd::logs() const {
  std::string out;
  for (int i = 1; i <= runs_; ++i) {
    out += "--- quarryd run " + std::to_string(i) + " stdout:\n" +
           read_file(log_dir_ / ("quarryd-" + std::to_string(i) + ".out"));
    out += "--- stderr:\n" + read_file(log_dir_ / ("quarryd-" + std::to_string(i) + ".err"));
  }
  if (proc_ && proc_->exit_code() != INT32_MIN) {
    int code = proc_->exit_code();
    out += code < 0 ? "--- last quarryd was killed by signal " + std::to_string(-code) + " (" + strsignal(-code) + ")\n"
                    : "--- last quarryd exited with " + std::to_string(code) + "\n";
  }
  return out;
}

bool Quarryd::start(std::chrono::milliseconds deadline) {
  last_error_.clear();
  http_.reset();
  ++runs_;
  fs::path out = log_dir_ / ("quarryd-" + std::to_string(runs_) + ".out");
  fs::path err = log_dir_ / ("quarryd-" + std::to_string(runs_) + ".err");
  std::vector<std::string> argv = {QUARRYD_PATH, "--host", "127.0.0.1", "--port", "0",
                                   "--data-dir", data_dir_.string()};
  if (!options_.redis_url.empty()) argv.insert(argv.end(), {"--redis", options_.redis_url});
  argv.insert(argv.end(), options_.extra_args.begin(), options_.extra_args.end());
  proc_ = std::make_unique<Process>(argv, out, err);

  auto until = std::chrono::steady_clock::now() + deadline;
  port_ = 0;
  const std::string marker = "listening on http://127.0.0.1:";
  bool got_port = wait_until(
      [&] {
        std::string text = read_file(out);
        auto nl = text.find('\n');
        if (nl == std::string::npos) return !proc_->running();
        std::string first = text.substr(0, nl);
        auto at = first.find(marker);
        if (at != std::string::npos) port_ = std::atoi(first.c_str() + at + marker.size());
        return true;
      },
      deadline);
  if (!got_port || port_ <= 0) {
    last_error_ = "quarryd did not print its port; " + logs();
    return false;
  }
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
  bool ready = wait_until(
      [&] {
        if (!proc_->running()) return true;
        HttpClient c("127.0.0.1", port_);
        auto r = c.request("GET", "/", "", {}, 2s);
        return r.status == 200;
      },
      std::max(left, std::chrono::milliseconds(1000)));
  if (!ready || !proc_->running()) {
    last_error_ = "quarryd did not become ready; " + logs();
    return false;
  }
  return true;
}

HttpClient& Quarryd::http() {
  if (!http_ || http_->port() != port_) http_ = std::make_unique<HttpClient>("127.0.0.1", port_);
  return *http_;
}

int Quarryd::stop(std::chrono::milliseconds deadline) {
  http_.reset();
  if (!proc_) return INT_MIN;
  proc_->signal(SIGTERM);
  auto rc = proc_->wait(deadline);
  if (!rc) {
    proc_->signal(SIGKILL);
    proc_->wait(10s);
    return INT_MIN;
  }
  return *rc;
}

void Quarryd::kill9() {
  http_.reset();
  if (!proc_) return;
  proc_->signal(SIGKILL);
  proc_->wait(10s);
}

// ---------------------------------------------------------------------------------------------
// Helpers

namespace {
std::string action_line(const char* action, const std::string& index, const std::string& id) {
  std::string l = std::string("{\"") + action + "\":{\"_index\":" + jquote(index);
  if (!id.empty()) l += ",\"_id\":" + jquote(id);
  return l + "}}";
}
}  // namespace

Ndjson& Ndjson::index(const std::string& index, const std::string& id, const std::string& source) {
  return line(action_line("index", index, id)).line(source);
}
Ndjson& Ndjson::create(const std::string& index, const std::string& id, const std::string& source) {
  return line(action_line("create", index, id)).line(source);
}
Ndjson& Ndjson::del(const std::string& index, const std::string& id) {
  return line(action_line("delete", index, id));
}
Ndjson& Ndjson::update(const std::string& index, const std::string& id, const std::string& body) {
  return line(action_line("update", index, id)).line(body);
}

std::string describe(const HttpResponse& r, size_t max_body) {
  std::string s = "HTTP " + std::to_string(r.status);
  if (!r.error.empty()) s += " (transport error: " + r.error + ")";
  std::string b = r.body.size() > max_body ? r.body.substr(0, max_body) + "...[truncated]" : r.body;
  return s + " " + b;
}

bool is_es_error(const HttpResponse& r, int status, const std::string& type) {
  if (r.status != status) return false;
  auto d = r.json();
  if (d.HasParseError() || !d.IsObject()) return false;
  return jint(d, "status") == status && jstr(d, "error.type") == type &&
         jstr(d, "error.root_cause.0.type") != "<absent>" && jhas(d, "error.reason");
}

}  // namespace qtest
