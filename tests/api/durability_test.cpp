// Durability of acknowledged writes:
//  (a) SIGKILL quarryd in the middle of a stream of bulk requests, restart on the same data dir
//      (its private Redis survives and is adopted; or an external Redis given with --redis);
//  (b) restart Redis under a running quarryd: writes in the outage fail cleanly (429/503 with an
//      Elasticsearch error body), quarryd recovers by itself;
//  (c) SIGTERM right after acknowledged writes without a refresh.
// In every case each acknowledged id must be present exactly once after the restart. Writes that
// were in flight but not acknowledged MAY be present; nothing may be duplicated.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "harness.h"

using namespace qtest;

namespace {

constexpr int kBatchDocs = 200;   // new ids per bulk request
constexpr int kRewrites = 20;     // ids of the previous batch written again (new "batch" value)
constexpr int kMaxBatches = 30;   // keeps every run well under the 10000 result window

// A thread that sends bulk requests with explicit ids continuously and records exactly which
// writes were acknowledged (item status 200/201 and no error in a 200 response).
class Writer {
 public:
  Writer(int port, std::string index, bool server_may_die)
      : port_(port), index_(std::move(index)), server_may_die_(server_may_die) {}
  ~Writer() { stop(); }

  void start() { thread_ = std::thread([this] { run(); }); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

  int acked_batches() const { return acked_batches_.load(); }
  int responses() const { return responses_.load(); }
  int failed_responses() const { return failed_responses_.load(); }
  std::map<std::string, int> acked() {
    std::lock_guard lock(mu_);
    return acked_;
  }
  std::vector<std::string> violations() {
    std::lock_guard lock(mu_);
    return violations_;
  }
  int transport_errors() const { return transport_errors_.load(); }

 private:
  static std::string id(int batch, int j) {
    std::string s = "b";
    s += std::to_string(batch);
    s += '-';
    s += std::to_string(j);
    return s;
  }

  void violation(const std::string& what) {
    std::lock_guard lock(mu_);
    if (violations_.size() < 20) violations_.push_back(what);
  }

  void run() {
    HttpClient http("127.0.0.1", port_);
    for (int batch = 0; !stop_ && acked_batches_ < kMaxBatches; ++batch) {
      Ndjson b;
      std::vector<std::string> ids;
      std::string pad(100, 'p');
      for (int j = 0; j < kBatchDocs; ++j) {
        ids.push_back(id(batch, j));
        b.index(index_, ids.back(), R"({"batch":)" + std::to_string(batch) + R"(,"j":)" + std::to_string(j) +
                                        R"(,"pad":")" + pad + R"("})");
      }
      for (int j = 0; batch > 0 && j < kRewrites; ++j) {
        ids.push_back(id(batch - 1, j));
        b.index(index_, ids.back(), R"({"batch":)" + std::to_string(batch) + R"(,"j":)" + std::to_string(j) +
                                        R"(,"rewrite":true})");
      }
      auto r = http.request("POST", "/_bulk", b.str(), {{"Content-Type", "application/x-ndjson"}}, 30s);
      if (r.status == 0) {
        transport_errors_++;
        if (server_may_die_) return;  // quarryd was killed: stop writing
        violation("transport error (quarryd must keep answering): " + r.error);
        std::this_thread::sleep_for(50ms);
        continue;
      }
      responses_++;
      if (r.status == 429 || r.status == 503) {
        // The whole request was refused: an Elasticsearch error body is required.
        failed_responses_++;
        auto d = r.json();
        if (d.HasParseError() || jint(d, "status") != r.status || jstr(d, "error.type", "").empty())
          violation("refusal without an Elasticsearch error body: " + describe(r, 500));
        std::this_thread::sleep_for(20ms);
        continue;
      }
      if (r.status != 200) {
        violation("unexpected status: " + describe(r, 500));
        continue;
      }
      auto d = r.json();
      const auto* items = jpath(d, "items");
      if (d.HasParseError() || !items || !items->IsArray() || items->Size() != ids.size()) {
        violation("malformed bulk response: " + describe(r, 500));
        continue;
      }
      bool all_ok = true;
      std::lock_guard lock(mu_);
      for (rapidjson::SizeType i = 0; i < items->Size(); ++i) {
        const auto& item = (*items)[i]["index"];
        int status = static_cast<int>(jint(item, "status"));
        if ((status == 200 || status == 201) && !jhas(item, "error")) {
          if (jstr(item, "_id") != ids[i]) {
            violations_.push_back("item " + std::to_string(i) + " answers for another id: " + to_json(item));
            continue;
          }
          auto& best = acked_[ids[i]];
          best = std::max(best, batch);
        } else {
          all_ok = false;
          if ((status != 429 && status != 503) || jstr(item, "error.type", "").empty())
            if (violations_.size() < 20) violations_.push_back("unexpected item failure: " + to_json(item));
        }
      }
      if (all_ok) acked_batches_++;
      else {
        failed_responses_++;
        std::this_thread::sleep_for(20ms);
      }
    }
  }

  const int port_;
  const std::string index_;
  const bool server_may_die_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> acked_batches_{0}, responses_{0}, failed_responses_{0}, transport_errors_{0};
  std::mutex mu_;
  std::map<std::string, int> acked_;  // id -> highest batch acknowledged for it
  std::vector<std::string> violations_;
};

// Refreshes and checks: every acknowledged id is present exactly once, with a version at least as
// new as the last acknowledged write of it, and the index holds no duplicates.
void verify_acked_present(HttpClient& http, const std::string& index, const std::map<std::string, int>& acked) {
  ASSERT_FALSE(acked.empty());
  HttpResponse r;
  ASSERT_TRUE(wait_until([&] { return (r = http.post("/" + index + "/_refresh")).status == 200; }, 30s)) << describe(r);

  r = http.post("/" + index + "/_count", R"({"query":{"match_all":{}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  int64_t count = jint(r.json(), "count");
  ASSERT_GE(count, static_cast<int64_t>(acked.size())) << "acknowledged documents are missing";
  ASSERT_LE(count, 10000);

  r = http.post("/" + index + "/_search", R"({"query":{"match_all":{}},"size":10000})");
  ASSERT_EQ(r.status, 200) << describe(r, 500);
  auto d = r.json();
  EXPECT_EQ(jint(d, "hits.total.value"), count) << "_search and _count disagree";
  const auto* hits = jpath(d, "hits.hits");
  ASSERT_TRUE(hits && hits->IsArray());
  std::map<std::string, int64_t> present;  // id -> stored batch
  std::vector<std::string> duplicates;
  for (const auto& h : hits->GetArray()) {
    std::string id = jstr(h, "_id");
    if (!present.emplace(id, jint(h, "_source.batch")).second) duplicates.push_back(id);
  }
  EXPECT_TRUE(duplicates.empty()) << duplicates.size() << " duplicated ids, e.g. " << duplicates.front();
  EXPECT_EQ(static_cast<int64_t>(hits->Size()), count) << "hits returned != count";
  EXPECT_EQ(static_cast<int64_t>(present.size()), count) << "count != number of distinct ids present";

  std::vector<std::string> missing, stale;
  for (const auto& [id, batch] : acked) {
    auto it = present.find(id);
    if (it == present.end()) missing.push_back(id);
    else if (it->second < batch) stale.push_back(id + " (stored batch " + std::to_string(it->second) +
                                                 " < acknowledged " + std::to_string(batch) + ")");
  }
  EXPECT_TRUE(missing.empty()) << missing.size() << " of " << acked.size()
                               << " acknowledged ids missing, e.g. " << missing.front();
  EXPECT_TRUE(stale.empty()) << stale.size() << " acknowledged overwrites lost, e.g. " << stale.front();

  // _mget agrees (realtime path) for a sample of the acknowledged ids.
  std::string body = R"({"ids":[)";
  int n = 0;
  for (auto it = acked.begin(); it != acked.end() && n < 500; ++it, ++n) body += (n ? "," : "") + jquote(it->first);
  body += "]}";
  r = http.post("/" + index + "/_mget", body);
  ASSERT_EQ(r.status, 200) << describe(r, 500);
  auto m = r.json();
  int not_found = 0;
  for (const auto& doc : jpath(m, "docs")->GetArray())
    if (!jbool(doc, "found")) ++not_found;
  EXPECT_EQ(not_found, 0) << "_mget misses acknowledged ids";
}

pid_t read_pid(const fs::path& pidfile) {
  try {
    return static_cast<pid_t>(std::stol(read_file(pidfile)));
  } catch (...) {
    return -1;
  }
}

bool pid_alive(pid_t pid) { return pid > 0 && kill(pid, 0) == 0; }

// (a) SIGKILL quarryd mid-stream.
void sigkill_mid_stream(bool external_redis) {
  std::unique_ptr<RedisServer> redis;
  QuarrydOptions opts;
  if (external_redis) {
    redis = std::make_unique<RedisServer>();
    ASSERT_TRUE(redis->start());
    opts.redis_url = redis->url();
  }
  Quarryd q(opts);
  ASSERT_TRUE(q.start()) << q.last_error();
  ASSERT_EQ(q.http().put("/dur", R"({"settings":{"number_of_shards":2}})").status, 200);
  pid_t redis_pid = external_redis ? -1 : read_pid(q.data_dir() / "redis" / "redis.pid");

  Writer writer(q.port(), "dur", /*server_may_die=*/true);
  writer.start();
  ASSERT_TRUE(wait_until([&] { return writer.acked_batches() >= 4; }, 60s))
      << "writer made no progress: " << writer.acked_batches() << " " << q.logs();
  q.kill9();  // while the writer keeps sending
  writer.stop();
  auto acked = writer.acked();
  EXPECT_TRUE(writer.violations().empty()) << writer.violations().front();

  if (!external_redis) {
    EXPECT_TRUE(pid_alive(redis_pid)) << "the private Redis should survive a quarryd crash";
  }
  ASSERT_TRUE(q.start()) << q.last_error();
  if (!external_redis) {
    EXPECT_EQ(read_pid(q.data_dir() / "redis" / "redis.pid"), redis_pid)
        << "the surviving private Redis should be adopted, not replaced";
  }
  verify_acked_present(q.http(), "dur", acked);

  // And the index keeps working: writes, versions continue.
  auto r = q.http().put("/dur/_doc/b0-0", R"({"batch":1000})");
  EXPECT_EQ(r.status, 200) << describe(r);
  EXPECT_GE(jint(r.json(), "_version"), 2) << describe(r);
}

// (b) Redis goes away and comes back while quarryd runs.
void redis_restart_under_load(bool external_redis) {
  std::unique_ptr<RedisServer> redis;
  QuarrydOptions opts;
  if (external_redis) {
    redis = std::make_unique<RedisServer>();
    ASSERT_TRUE(redis->start());
    opts.redis_url = redis->url();
  }
  Quarryd q(opts);
  ASSERT_TRUE(q.start()) << q.last_error();
  ASSERT_EQ(q.http().put("/dur", R"({"settings":{"number_of_shards":2}})").status, 200);

  Writer writer(q.port(), "dur", /*server_may_die=*/false);
  writer.start();
  ASSERT_TRUE(wait_until([&] { return writer.acked_batches() >= 3; }, 60s)) << q.logs();

  int failed_before = writer.failed_responses();
  if (external_redis) {
    ASSERT_TRUE(redis->shutdown());
    // Writes during the outage are answered (refused), not hung or crashed.
    EXPECT_TRUE(wait_until([&] { return writer.failed_responses() >= failed_before + 3; }, 30s))
        << "no refused writes observed during the Redis outage";
    EXPECT_TRUE(q.running()) << q.logs();
    ASSERT_TRUE(redis->start());
  } else {
    pid_t old_pid = read_pid(q.data_dir() / "redis" / "redis.pid");
    ASSERT_TRUE(pid_alive(old_pid));
    redis_command(q.private_redis_url(), {"SHUTDOWN"});
    ASSERT_TRUE(wait_until([&] { return !pid_alive(old_pid); }, 15s));
    // The supervisor starts it again with its data.
    ASSERT_TRUE(wait_until(
        [&] {
          pid_t p = read_pid(q.data_dir() / "redis" / "redis.pid");
          return p != old_pid && pid_alive(p) && redis_command(q.private_redis_url(), {"PING"}, 1s).text == "PONG";
        },
        30s))
        << "the private Redis was not restarted: " << q.logs();
  }
  // quarryd recovers by itself: more batches get acknowledged.
  int acked_at_restart = writer.acked_batches();
  EXPECT_TRUE(wait_until([&] { return writer.acked_batches() >= acked_at_restart + 3; }, 60s))
      << "writes did not recover after Redis came back; " << q.logs();
  writer.stop();
  EXPECT_TRUE(q.running()) << q.logs();
  auto violations = writer.violations();
  EXPECT_TRUE(violations.empty()) << violations.size() << " bad responses, first: " << violations.front();

  verify_acked_present(q.http(), "dur", writer.acked());

  // Still true after a clean restart of quarryd.
  auto acked = writer.acked();
  ASSERT_EQ(q.stop(), 0) << q.logs();
  ASSERT_TRUE(q.start()) << q.last_error();
  verify_acked_present(q.http(), "dur", acked);
}

}  // namespace

TEST(DurabilityTest, SigkillQuarrydWithPrivateRedisLosesNoAcknowledgedWrite) { sigkill_mid_stream(false); }
TEST(DurabilityTest, SigkillQuarrydWithExternalRedisLosesNoAcknowledgedWrite) { sigkill_mid_stream(true); }
TEST(DurabilityTest, ExternalRedisRestartWhileQuarrydRuns) { redis_restart_under_load(true); }
TEST(DurabilityTest, PrivateRedisRestartWhileQuarrydRuns) { redis_restart_under_load(false); }

// (c) SIGTERM right after acknowledged writes, no refresh requested (and the index never refreshes
// by itself): after a restart everything is searchable and GETtable.
TEST(DurabilityTest, SigtermAfterUnrefreshedWritesKeepsEverything) {
  Quarryd q;
  ASSERT_TRUE(q.start()) << q.last_error();
  auto& http = q.http();
  ASSERT_EQ(http.put("/term", R"({"settings":{"number_of_shards":3,"refresh_interval":"-1"}})").status, 200);
  Ndjson b;
  for (int i = 0; i < 1000; ++i) b.index("term", std::to_string(i), R"({"n":)" + std::to_string(i) + "}");
  auto r = http.bulk("/_bulk", b.str());
  ASSERT_EQ(r.status, 200) << describe(r, 500);
  ASSERT_FALSE(jbool(r.json(), "errors", true));
  ASSERT_EQ(http.del("/term/_doc/0").status, 200);
  ASSERT_EQ(http.post("/term/_update/1", R"({"doc":{"updated":true}})").status, 200);
  ASSERT_EQ(http.put("/term/_doc/extra", R"({"n":-1})").status, 201);
  r = http.post("/term/_count", "{}");
  ASSERT_EQ(jint(r.json(), "count"), 0) << "precondition: nothing refreshed yet";
  pid_t redis_pid = read_pid(q.data_dir() / "redis" / "redis.pid");

  ASSERT_EQ(q.stop(), 0) << "SIGTERM must exit 0; " << q.logs();
  EXPECT_TRUE(wait_until([&] { return !pid_alive(redis_pid); }, 10s)) << "quarryd must stop the Redis it started";

  ASSERT_TRUE(q.start()) << q.last_error();
  r = q.http().post("/term/_count", "{}");  // no _refresh
  EXPECT_EQ(jint(r.json(), "count"), 1000) << describe(r);
  EXPECT_EQ(q.http().get("/term/_doc/0").status, 404);
  EXPECT_TRUE(jbool(q.http().get("/term/_doc/1").json(), "_source.updated"));
  r = q.http().post("/term/_search", R"({"query":{"term":{"n":-1}}})");
  EXPECT_EQ(jstr(r.json(), "hits.hits.0._id"), "extra") << describe(r);
}

// The SIGTERM contract is "apply and commit what is buffered": after it the index alone holds every
// acknowledged write, even if the Redis data is then lost. An external Redis is left running.
TEST(DurabilityTest, SigtermCommitsBufferedWritesIntoTheIndex) {
  RedisServer redis;
  ASSERT_TRUE(redis.start());
  Quarryd q(QuarrydOptions{redis.url(), {}});
  ASSERT_TRUE(q.start()) << q.last_error();
  ASSERT_EQ(q.http().put("/term2", R"({"settings":{"number_of_shards":2,"refresh_interval":"-1"}})").status, 200);
  Ndjson b;
  for (int i = 0; i < 500; ++i) b.index("term2", std::to_string(i), R"({"n":)" + std::to_string(i) + "}");
  auto r = q.http().bulk("/_bulk", b.str());
  ASSERT_EQ(r.status, 200) << describe(r, 500);
  ASSERT_FALSE(jbool(r.json(), "errors", true));

  ASSERT_EQ(q.stop(), 0) << q.logs();
  auto ping = redis.command({"PING"});
  EXPECT_EQ(ping.text, "PONG") << "quarryd must not stop an external Redis";
  ASSERT_EQ(redis.command({"FLUSHALL"}).text, "OK");

  ASSERT_TRUE(q.start()) << q.last_error();
  r = q.http().post("/term2/_count", "{}");
  EXPECT_EQ(jint(r.json(), "count"), 500) << describe(r) << "\n" << q.logs();
  // And it accepts writes again on the emptied Redis.
  r = q.http().put("/term2/_doc/new?refresh=true", R"({"n":1})");
  EXPECT_EQ(r.status, 201) << describe(r);
  EXPECT_EQ(jint(q.http().post("/term2/_count", "{}").json(), "count"), 501);
}
