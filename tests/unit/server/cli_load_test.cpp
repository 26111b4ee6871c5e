// Tests of `quarry load` against a tiny in-test HTTP server that records the requests it gets:
// retries on 429 (whole request and per item), bulk files sent as they are, gzip input,
// malformed lines, refresh, and giving up on an unreachable server.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <unistd.h>
#include <zlib.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <cstdlib>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "server/cli/http_client.h"
#include "server/cli/load_checkpoint.h"
#include "server/cli/load_command.h"
#include "server/cli/resume_tracker.h"

namespace quarry::cli {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct RecordedRequest {
  std::string method, target, content_type, body;
};

struct CannedResponse {
  int status = 200;
  std::string body;
};

// Splits an NDJSON body into its lines.
std::vector<std::string> lines_of(const std::string& body) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < body.size()) {
    size_t nl = body.find('\n', start);
    if (nl == std::string::npos) nl = body.size();
    lines.push_back(body.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

// The action names of a bulk body, in order ("index", "delete", ...).
std::vector<std::string> actions_of(const std::string& body) {
  std::vector<std::string> actions;
  const auto lines = lines_of(body);
  for (size_t i = 0; i < lines.size(); ++i) {
    rapidjson::Document d;
    d.Parse(lines[i].c_str());
    if (d.HasParseError() || !d.IsObject() || d.MemberCount() != 1) continue;
    const std::string op = d.MemberBegin()->name.GetString();
    actions.push_back(op);
    if (op != "delete") ++i;  // skip the source line
  }
  return actions;
}

// A bulk response with the given statuses (429 and 4xx items carry an error).
std::string bulk_response(const std::vector<std::string>& actions, const std::vector<int>& statuses) {
  std::string out = "{\"took\":1,\"errors\":false,\"items\":[";
  for (size_t i = 0; i < actions.size(); ++i) {
    const int status = i < statuses.size() ? statuses[i] : 201;
    if (i > 0) out += ",";
    out += "{\"" + actions[i] + "\":{\"_index\":\"r\",\"status\":" + std::to_string(status);
    if (status == 429) {
      out += ",\"error\":{\"type\":\"es_rejected_execution_exception\",\"reason\":\"busy\"}";
    } else if (status >= 400) {
      out += ",\"error\":{\"type\":\"document_parsing_exception\",\"reason\":\"bad field\"}";
    }
    out += "}}";
  }
  return out + "]}";
}

CannedResponse all_created(const RecordedRequest& req) {
  if (req.target.find("_bulk") == std::string::npos) return {200, "{\"_shards\":{}}"};
  return {200, bulk_response(actions_of(req.body), {})};
}

// HTTP/1.1 keep-alive server on 127.0.0.1:<ephemeral>, one I/O thread, recording requests.
class TestBulkServer {
 public:
  using Handler = std::function<CannedResponse(const RecordedRequest&, size_t request_number)>;

  explicit TestBulkServer(Handler handler)
      : handler_(std::move(handler)), acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    accept();
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~TestBulkServer() {
    ioc_.stop();
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()); }

  std::vector<RecordedRequest> requests() {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

 private:
  struct Session : std::enable_shared_from_this<Session> {
    Session(tcp::socket s, TestBulkServer& server) : stream(std::move(s)), server(server) {}
    void read() {
      request = {};
      auto self = shared_from_this();
      parser.emplace();
      parser->body_limit(64 << 20);
      http::async_read(stream, buffer, *parser, [self](beast::error_code ec, size_t) {
        if (ec) return;
        self->respond();
      });
    }
    void respond() {
      auto req = parser->release();
      RecordedRequest rec{std::string(req.method_string()), std::string(req.target()),
                          std::string(req[http::field::content_type]), req.body()};
      const CannedResponse canned = server.record_and_answer(rec);
      response = {};
      response.result(canned.status);
      response.version(11);
      response.set(http::field::content_type, "application/json");
      response.keep_alive(req.keep_alive());
      response.body() = canned.body;
      response.prepare_payload();
      auto self = shared_from_this();
      http::async_write(stream, response, [self](beast::error_code ec, size_t) {
        if (!ec && self->response.keep_alive()) self->read();
      });
    }
    beast::tcp_stream stream;
    TestBulkServer& server;
    beast::flat_buffer buffer;
    std::optional<http::request_parser<http::string_body>> parser;
    http::request<http::string_body> request;
    http::response<http::string_body> response;
  };

  CannedResponse record_and_answer(const RecordedRequest& rec) {
    std::lock_guard<std::mutex> lock(mutex_);
    requests_.push_back(rec);
    return handler_(rec, requests_.size());
  }

  void accept() {
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;
      std::make_shared<Session>(std::move(socket), *this)->read();
      accept();
    });
  }

  Handler handler_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<RecordedRequest> requests_;
};

// A temporary file removed at the end of the test.
class TempFile {
 public:
  explicit TempFile(const std::string& content, const char* suffix = ".ndjson") {
    char templ[] = "/tmp/quarry_cli_load_XXXXXX";
    const int fd = mkstemp(templ);
    close(fd);
    std::remove(templ);
    path_ = std::string(templ) + suffix;
    if (std::string(suffix) == ".gz") {
      gzFile gz = gzopen(path_.c_str(), "wb");
      gzwrite(gz, content.data(), static_cast<unsigned>(content.size()));
      gzclose(gz);
    } else {
      std::FILE* f = std::fopen(path_.c_str(), "wb");
      std::fwrite(content.data(), 1, content.size(), f);
      std::fclose(f);
    }
  }
  ~TempFile() {
    std::remove(path_.c_str());
    std::remove((path_ + ".quarry-checkpoint").c_str());  // left by loads that did not finish
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Console output captured in memory.
class CapturedConsole {
 public:
  CapturedConsole() : file_(std::tmpfile()) {}
  ~CapturedConsole() { std::fclose(file_); }
  std::FILE* file() { return file_; }
  std::string text() {
    std::fflush(file_);
    std::rewind(file_);
    std::string out;
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, file_)) > 0;) out.append(buf, n);
    return out;
  }

 private:
  std::FILE* file_;
};

LoadOptions fast_options(const std::string& url, std::FILE* console) {
  LoadOptions o;
  o.url = url;
  o.retry.initial_backoff = std::chrono::milliseconds(1);
  o.retry.max_backoff = std::chrono::milliseconds(5);
  o.timeout = std::chrono::seconds(10);
  o.progress = LoadOptions::Progress::kNone;
  o.console = console;
  return o;
}

std::string documents(int n, int first_id = 0) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    out += "{\"id\":" + std::to_string(first_id + i) + ",\"review\":\"review number " +
           std::to_string(first_id + i) + "\"}\n";
  }
  return out;
}

std::set<std::string> ids_in(const std::vector<RecordedRequest>& requests) {
  std::set<std::string> ids;
  for (const RecordedRequest& r : requests) {
    for (const std::string& line : lines_of(r.body)) {
      rapidjson::Document d;
      d.Parse(line.c_str());
      if (d.HasParseError() || !d.HasMember("index")) continue;
      if (d["index"].HasMember("_id")) ids.insert(d["index"]["_id"].GetString());
    }
  }
  return ids;
}

TEST(CliLoad, RetriesAWholeRequestAnswered429AndReportsMalformedLines) {
  TestBulkServer server([](const RecordedRequest& req, size_t n) -> CannedResponse {
    if (n == 1) {
      return {429, R"({"error":{"type":"es_rejected_execution_exception","reason":"busy"},"status":429})"};
    }
    return all_created(req);
  });
  std::string input = documents(3) + "{\"id\": 99, broken\n" + documents(4, 3);
  TempFile file(input);
  CapturedConsole console;
  LoadOptions o = fast_options(server.url(), console.file());
  o.files = {file.path()};
  o.index = "reviews";
  o.id_field = "id";
  o.batch_size = 3;
  o.concurrency = 1;
  o.refresh = true;
  auto summary = run_load(o);
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  EXPECT_EQ(summary->loaded, 7u);
  EXPECT_EQ(summary->failed, 1u);
  EXPECT_FALSE(summary->ok());
  EXPECT_NE(console.text().find(file.path() + ":4: malformed JSON"), std::string::npos)
      << console.text();

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 5u);  // 429, then 3 batches, then the refresh
  EXPECT_EQ(requests[0].body, requests[1].body);  // the rejected request was sent again
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(requests[i].method, "POST");
    EXPECT_EQ(requests[i].target, "/_bulk");
    EXPECT_EQ(requests[i].content_type, "application/x-ndjson");
    for (const std::string& line : lines_of(requests[i].body)) {
      rapidjson::Document d;
      d.Parse(line.c_str());
      EXPECT_FALSE(d.HasParseError()) << line;
    }
  }
  EXPECT_EQ(lines_of(requests[1].body)[0], R"({"index":{"_index":"reviews","_id":"0"}})");
  EXPECT_EQ(ids_in(requests), (std::set<std::string>{"0", "1", "2", "3", "4", "5", "6"}));
  EXPECT_EQ(requests[4].target, "/reviews/_refresh");
}

TEST(CliLoad, ResendsOnlyTheItemsRejectedWith429) {
  TestBulkServer server([](const RecordedRequest& req, size_t n) -> CannedResponse {
    if (n == 1) return {200, bulk_response(actions_of(req.body), {201, 429, 201})};
    return all_created(req);
  });
  TempFile file(documents(3));
  CapturedConsole console;
  LoadOptions o = fast_options(server.url(), console.file());
  o.files = {file.path()};
  o.index = "r";
  o.id_field = "id";
  auto summary = run_load(o);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->loaded, 3u);
  EXPECT_EQ(summary->failed, 0u);
  EXPECT_TRUE(summary->ok());
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].body, "{\"index\":{\"_index\":\"r\",\"_id\":\"1\"}}\n" +
                                  lines_of(documents(3))[1] + "\n");
}

TEST(CliLoad, SendsBulkFilesAsTheyAreToTheDefaultIndexAndCountsItemErrors) {
  const std::string bulk =
      "{\"index\":{\"_id\":\"1\"}}\n{\"a\":1}\n"
      "{\"delete\":{\"_id\":\"2\"}}\n"
      "\n"
      "{\"update\":{\"_id\":\"3\"}}\n{\"doc\":{\"a\":2}}\n"
      "{\"create\":{\"_id\":\"4\"}}\n{\"a\":\"not a number\"}\n";
  TestBulkServer server([](const RecordedRequest& req, size_t) -> CannedResponse {
    return {200, bulk_response(actions_of(req.body), {201, 200, 200, 400})};
  });
  TempFile file(bulk);
  CapturedConsole console;
  LoadOptions o = fast_options(server.url(), console.file());
  o.files = {file.path()};
  o.index = "idx";
  auto summary = run_load(o);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->loaded, 3u);
  EXPECT_EQ(summary->failed, 1u);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "/idx/_bulk");
  std::string without_blank = bulk;
  without_blank.erase(without_blank.find("\n\n"), 1);
  EXPECT_EQ(requests[0].body, without_blank);
  // The failed item is reported at the line of its action.
  EXPECT_NE(console.text().find(file.path() + ":7: document_parsing_exception: bad field"),
            std::string::npos)
      << console.text();
}

TEST(CliLoad, ReadsGzipInputsWithTwoConnections) {
  TestBulkServer server([](const RecordedRequest& req, size_t) { return all_created(req); });
  TempFile plain(documents(500));
  TempFile gz(documents(500, 500), ".gz");
  CapturedConsole console;
  LoadOptions o = fast_options(server.url(), console.file());
  o.files = {plain.path(), gz.path()};
  o.index = "r";
  o.id_field = "id";
  o.batch_size = 7;
  o.concurrency = 2;
  auto summary = run_load(o);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->loaded, 1000u);
  EXPECT_TRUE(summary->ok()) << console.text();
  const auto requests = server.requests();
  EXPECT_EQ(requests.size(), 72u + 72u);  // ceil(500 / 7) per input: batches never span inputs
  EXPECT_EQ(ids_in(requests).size(), 1000u);
}

TEST(CliLoad, GivesUpOnAnUnreachableServer) {
  unsigned short port = 0;
  {
    asio::io_context ioc;
    tcp::acceptor probe(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port = probe.local_endpoint().port();
  }  // closed again: nothing listens there now
  TempFile file(documents(10));
  CapturedConsole console;
  LoadOptions o = fast_options("http://127.0.0.1:" + std::to_string(port), console.file());
  o.files = {file.path()};
  o.index = "r";
  o.batch_size = 2;
  o.retry.max_tries = 2;
  auto summary = run_load(o);
  ASSERT_TRUE(summary.ok());
  EXPECT_TRUE(summary->aborted);
  EXPECT_EQ(summary->loaded, 0u);
  EXPECT_GE(summary->failed, 2u);
  EXPECT_FALSE(summary->ok());
  EXPECT_NE(console.text().find("unreachable"), std::string::npos);
}

TEST(CliLoad, RefusesDocumentsWithoutAnIndexAndMissingFiles) {
  TestBulkServer server([](const RecordedRequest& req, size_t) { return all_created(req); });
  TempFile file(documents(2));
  CapturedConsole console;
  LoadOptions o = fast_options(server.url(), console.file());
  o.files = {file.path(), "/nonexistent/input.ndjson"};
  auto summary = run_load(o);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->input_errors, 2u);
  EXPECT_FALSE(summary->ok());
  EXPECT_TRUE(server.requests().empty());
  EXPECT_NE(console.text().find("--index is required"), std::string::npos);

  o.files = {};
  EXPECT_FALSE(run_load(o).ok());
  o.files = {file.path()};
  o.url = "https://secure:9200";
  EXPECT_FALSE(run_load(o).ok());
}

TEST(CliLoad, SummaryLine) {
  LoadSummary s;
  s.loaded = 1000;
  s.failed = 2;
  s.seconds = 2;
  EXPECT_EQ(format_load_summary(s), "loaded 1000 docs, 2 failed, in 2.00 s (500 docs/s)");
  s.aborted = true;
  EXPECT_NE(format_load_summary(s).find("aborted"), std::string::npos);
}

TEST(CliHttpUrl, ParsesHostPortAndPrefix) {
  auto a = parse_http_url("http://127.0.0.1:9201");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, "9201");
  EXPECT_EQ(a->base_path, "");
  auto b = parse_http_url("localhost");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->port, "9200");
  auto c = parse_http_url("http://[::1]:80/es/");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->base_path, "/es");
  EXPECT_FALSE(parse_http_url("http://host:notaport").ok());
  EXPECT_FALSE(parse_http_url("http://host:70000").ok());
  EXPECT_FALSE(parse_http_url("http://").ok());
  EXPECT_FALSE(parse_http_url("https://host").ok());
}

}  // namespace
}  // namespace quarry::cli

namespace quarry::cli {
namespace {

// The ids of the documents the server answered 2xx for, request by request.
std::vector<std::string> ids_sent(const std::vector<RecordedRequest>& requests) {
  std::vector<std::string> ids;
  for (const RecordedRequest& r : requests) {
    for (const std::string& line : lines_of(r.body)) {
      rapidjson::Document d;
      d.Parse(line.c_str());
      if (!d.HasParseError() && d.HasMember("index")) ids.push_back(d["index"]["_id"].GetString());
    }
  }
  return ids;
}

std::set<std::string> id_range(int from, int to) {
  std::set<std::string> out;
  for (int i = from; i < to; ++i) out.insert(std::to_string(i));
  return out;
}

TEST(CliLoadResume, AnInterruptedLoadResumesWhereTheServerStoppedAcknowledging) {
  std::atomic<bool> interrupted{false};
  TestBulkServer first([&](const RecordedRequest& req, size_t n) {
    if (n == 4) interrupted = true;  // Ctrl-C while the fourth request is in flight
    return all_created(req);
  });
  TempFile file(documents(1000));
  const std::string checkpoint = file.path() + ".quarry-checkpoint";
  CapturedConsole console;
  LoadOptions o = fast_options(first.url(), console.file());
  o.files = {file.path()};
  o.index = "r";
  o.id_field = "id";
  o.batch_size = 10;
  o.concurrency = 3;
  o.interrupted = &interrupted;
  auto summary = run_load(o);
  ASSERT_TRUE(summary.ok());
  EXPECT_TRUE(summary->interrupted);
  EXPECT_FALSE(summary->ok());
  EXPECT_EQ(summary->checkpoint_path, checkpoint);
  const std::vector<std::string> first_ids = ids_sent(first.requests());
  // The batches already made are sent (at most two per connection beyond those answered); the
  // reader stopped long before the end.
  ASSERT_GE(first_ids.size(), 40u);
  ASSERT_LE(first_ids.size(), 200u);
  auto saved = read_checkpoint(checkpoint);
  ASSERT_TRUE(saved.ok() && saved->has_value());
  EXPECT_EQ((*saved)->records, first_ids.size());
  EXPECT_EQ((*saved)->complete_inputs, 0u);
  EXPECT_NE(format_load_summary(*summary).find("--resume"), std::string::npos);

  TestBulkServer second([](const RecordedRequest& req, size_t) { return all_created(req); });
  interrupted = false;
  o.url = second.url();
  o.resume = true;
  summary = run_load(o);
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  EXPECT_TRUE(summary->ok()) << console.text();
  const std::vector<std::string> second_ids = ids_sent(second.requests());
  EXPECT_EQ(summary->loaded, second_ids.size());
  // Every record exactly once over the two runs.
  std::set<std::string> all(first_ids.begin(), first_ids.end());
  for (const std::string& id : second_ids) EXPECT_TRUE(all.insert(id).second) << "sent twice: " << id;
  EXPECT_EQ(all, id_range(0, 1000));
  EXPECT_NE(access(checkpoint.c_str(), F_OK), 0) << "the checkpoint is removed when done";
  EXPECT_FALSE(run_load(o).ok()) << "nothing left to resume";
}

TEST(CliLoadResume, BatchesTheServerNeverAcknowledgedAreSentAgain) {
  // The server answers the first two requests and then only 503.
  TestBulkServer failing([](const RecordedRequest& req, size_t n) -> CannedResponse {
    if (n <= 2) return all_created(req);
    return {503, R"({"error":{"type":"unavailable","reason":"down"},"status":503})"};
  });
  TempFile file(documents(50));
  CapturedConsole console;
  LoadOptions o = fast_options(failing.url(), console.file());
  o.files = {file.path()};
  o.index = "r";
  o.id_field = "id";
  o.batch_size = 10;
  o.concurrency = 1;
  o.retry.max_tries = 2;
  o.checkpoint_path = file.path() + ".ckpt";
  auto summary = run_load(o);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->loaded, 20u);
  EXPECT_EQ(summary->failed, 30u);
  EXPECT_EQ(summary->checkpoint.records, 20u);

  TestBulkServer healthy([](const RecordedRequest& req, size_t) { return all_created(req); });
  o.url = healthy.url();
  o.resume = true;
  summary = run_load(o);
  ASSERT_TRUE(summary.ok());
  EXPECT_TRUE(summary->ok()) << console.text();
  EXPECT_EQ(ids_in(healthy.requests()), id_range(20, 50));
}

TEST(CliLoadResume, RefusesAnInputThatChangedOrACheckpointOfAnotherLoad) {
  TestBulkServer server([](const RecordedRequest& req, size_t) { return all_created(req); });
  TempFile file(documents(30));
  CapturedConsole console;
  LoadOptions o = fast_options(server.url(), console.file());
  o.files = {file.path()};
  o.index = "r";
  o.checkpoint_path = file.path() + ".ckpt";
  LoadCheckpoint c;
  c.index = "r";
  c.input_count = 1;
  c.records = 10;
  c.inputs.push_back({file.path(), 5, 0, 5, 0});  // another size
  ASSERT_TRUE(write_checkpoint(o.checkpoint_path, c).ok());
  o.resume = true;
  auto summary = run_load(o);
  ASSERT_TRUE(summary.ok());
  EXPECT_TRUE(summary->resume_refused);
  EXPECT_TRUE(server.requests().empty());
  EXPECT_NE(console.text().find("is not the input the checkpoint was written for"),
            std::string::npos);
  EXPECT_EQ(access(o.checkpoint_path.c_str(), F_OK), 0) << "a refused resume keeps it";

  o.index = "other";
  auto other = run_load(o);
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.status().message().find("index [r]"), std::string::npos);
  std::remove(o.checkpoint_path.c_str());
}

TEST(CliLoadStrict, StopsAtTheFirstMalformedRecordAfterSendingWhatCameBefore) {
  TestBulkServer server([](const RecordedRequest& req, size_t) { return all_created(req); });
  TempFile file(",id,review\n0,1,fine\n1,2,\"multi\nline\"\n2,3,too,many\n3,4,never sent\n",
                ".csv");
  CapturedConsole console;
  LoadOptions o = fast_options(server.url(), console.file());
  o.files = {file.path()};
  o.index = "r";
  o.id_field = "id";
  o.strict = true;
  auto summary = run_load(o);
  ASSERT_TRUE(summary.ok());
  EXPECT_TRUE(summary->strict_stopped);
  EXPECT_EQ(summary->loaded, 2u);
  EXPECT_EQ(summary->failed, 1u);
  EXPECT_EQ(ids_in(server.requests()), (std::set<std::string>{"1", "2"}));
  EXPECT_NE(console.text().find(file.path() + ":5: CSV record has 4 fields, the header has 3"),
            std::string::npos)
      << console.text();
  std::remove((file.path() + ".quarry-checkpoint").c_str());

  // Without --strict the load goes on, and the summary groups failures by reason.
  o.strict = false;
  o.resume = false;
  summary = run_load(o);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->loaded, 3u);
  ASSERT_EQ(summary->failure_reasons.size(), 1u);
  EXPECT_EQ(summary->failure_reasons[0].first_at, file.path() + ":5");
  EXPECT_NE(format_load_summary(*summary).find("1 x CSV record has 4 fields"), std::string::npos);
}

TEST(CliResumeTracker, MovesOnlyPastBatchesAcknowledgedWithoutAGap) {
  std::vector<LoadCheckpoint> saves;
  LoadCheckpoint start;
  start.input_count = 2;
  ResumeTracker tracker(start, [&](const LoadCheckpoint& c) { saves.push_back(c); });
  tracker.set_identity(0, {"a", 1, 1, 1, 1});
  const uint64_t t1 = tracker.add_batch(0, 10);
  const uint64_t t2 = tracker.add_batch(0, 25);  // records 11..25, some of them malformed
  tracker.end_input(0, 27);
  tracker.set_identity(1, {"b", 2, 2, 2, 2});
  const uint64_t t3 = tracker.add_batch(1, 10);
  const uint64_t t4 = tracker.add_batch(1, 20);
  tracker.batch_done(t2, true);  // out of order: nothing moves yet
  EXPECT_TRUE(saves.empty());
  tracker.batch_done(t1, true);  // t1, t2 and the end of input 0
  ASSERT_EQ(saves.size(), 1u);
  EXPECT_EQ(saves.back().complete_inputs, 1u);
  EXPECT_EQ(saves.back().records, 0u);
  ASSERT_EQ(saves.back().inputs.size(), 2u);
  EXPECT_EQ(saves.back().inputs[1].name, "b");
  tracker.batch_done(t3, false);  // never acknowledged: the position stays before it for good
  tracker.batch_done(t4, true);
  EXPECT_EQ(saves.size(), 1u);
  EXPECT_FALSE(tracker.finished());
  EXPECT_EQ(tracker.checkpoint().records, 0u);
}

TEST(CliLoadCheckpoint, WrittenAtomicallyAndReadBack) {
  TempFile file("");
  const std::string path = file.path() + ".ckpt";
  LoadCheckpoint c;
  c.index = "reviews";
  c.input_count = 3;
  c.complete_inputs = 1;
  c.records = 1234;
  c.inputs.push_back({"a.csv", 100, 1700000000123456789, 100, 0xfedcba9876543210ULL});
  c.inputs.push_back({"<stdin>", -1, -1, 65536, 42});
  ASSERT_TRUE(write_checkpoint(path, c).ok());
  auto back = read_checkpoint(path);
  ASSERT_TRUE(back.ok() && back->has_value());
  const LoadCheckpoint& r = **back;
  EXPECT_EQ(r.index, "reviews");
  EXPECT_EQ(r.input_count, 3u);
  EXPECT_EQ(r.complete_inputs, 1u);
  EXPECT_EQ(r.records, 1234u);
  ASSERT_EQ(r.inputs.size(), 2u);
  EXPECT_EQ(identity_mismatch(r.inputs[0], c.inputs[0]), "");
  EXPECT_EQ(identity_mismatch(r.inputs[1], c.inputs[1]), "");
  EXPECT_NE(identity_mismatch(r.inputs[0], c.inputs[1]), "");
  EXPECT_EQ(access((path + ".tmp").c_str(), F_OK), -1);
  std::remove(path.c_str());
  auto missing = read_checkpoint(path);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

}  // namespace
}  // namespace quarry::cli

namespace quarry::cli {
namespace {

TEST(CliLoad, EmptyInputsLoadNothingWhateverTheirFormat) {
  TestBulkServer server([](const RecordedRequest& req, size_t) { return all_created(req); });
  TempFile empty("");
  TempFile blank("\n  \n\n");
  CapturedConsole console;
  LoadOptions o = fast_options(server.url(), console.file());
  o.files = {empty.path(), blank.path()};  // no --index needed: there are no documents
  auto summary = run_load(o);
  ASSERT_TRUE(summary.ok());
  EXPECT_TRUE(summary->ok()) << console.text();
  EXPECT_TRUE(server.requests().empty());
}

TEST(CliLoadConsole, FailuresAreGroupedByReasonWithoutTheDocumentsDetails) {
  LoadCounters counters;
  CapturedConsole out;
  LoadConsole::Options options;
  options.progress = false;
  LoadConsole console(counters, -1, options, out.file());
  const std::string parse = "document_parsing_exception: failed to parse field [votes] of type [long]";
  console.failure("a.csv:2", parse + " in document with id '1'. Preview of field's value: 'x'");
  console.failure("a.csv:9", parse + " in document with id '7'. Preview of field's value: 'y'");
  console.failure("a.csv:4", "CSV record has 2 fields, the header has 3");
  const auto reasons = console.failure_reasons();
  ASSERT_EQ(reasons.size(), 2u);
  EXPECT_EQ(reasons[0].reason, parse);
  EXPECT_EQ(reasons[0].count, 2u);
  EXPECT_EQ(reasons[0].first_at, "a.csv:2");
  EXPECT_EQ(reasons[1].count, 1u);
  EXPECT_NE(out.text().find("error: a.csv:9: " + parse + " in document with id '7'"),
            std::string::npos);
}

}  // namespace
}  // namespace quarry::cli
