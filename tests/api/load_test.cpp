// `quarry load` end to end against a real quarryd: a Kaggle-style CSV with multi-line quoted
// reviews typed from the review mapping (or inferred without one), Steam store review pages,
// malformed records reported at their line, --strict, and --resume after a Ctrl-C.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "harness.h"

using namespace qtest;

namespace {

constexpr const char* kHeader =
    ",app_id,app_name,review_id,language,review,timestamp_created,timestamp_updated,recommended,"
    "votes_helpful,votes_funny,weighted_vote_score,comment_count,steam_purchase,received_for_free,"
    "written_during_early_access,author.steamid,author.num_games_owned,author.num_reviews,"
    "author.playtime_forever,author.playtime_last_two_weeks,author.playtime_at_review,"
    "author.last_played";

// One CSV row in the Kaggle layout; `review` is written as it is (quote it yourself).
std::string csv_row(int row, int64_t review_id, const std::string& review, bool recommended,
                    const std::string& votes_funny = "0") {
  return std::to_string(row) + ",570,Dota 2," + std::to_string(review_id) + ",english," + review +
         ",1610000000,1610000500," + (recommended ? "True" : "False") + ",12," + votes_funny +
         ",0.5238095521926879,0,True,False,False,76561198000000123,250,17,9000,60,8000,1611000000";
}

struct LoadRun {
  int exit_code = 0;
  std::string out, err;
};

// Runs `quarry load ARGS...` to its end.
LoadRun quarry_load(const TempDir& tmp, const std::vector<std::string>& args) {
  static int runs = 0;
  const std::string tag = "load" + std::to_string(++runs);
  std::vector<std::string> argv = {QUARRY_CLI_PATH, "load", "--no-progress"};
  argv.insert(argv.end(), args.begin(), args.end());
  Process p(argv, tmp.path() / (tag + ".out"), tmp.path() / (tag + ".err"));
  LoadRun r;
  if (!p.wait(120s).has_value()) {
    r.exit_code = -1000;
    return r;
  }
  r.exit_code = p.exit_code();
  r.out = read_file(tmp.path() / (tag + ".out"));
  r.err = read_file(tmp.path() / (tag + ".err"));
  return r;
}

void write_file(const fs::path& p, const std::string& content) {
  std::ofstream f(p, std::ios::binary);
  f << content;
}

int64_t count_of(HttpClient& http, const std::string& index, const std::string& query = "") {
  auto r = query.empty() ? http.get("/" + index + "/_count")
                         : http.post("/" + index + "/_count", R"({"query":)" + query + "}");
  return jint(r.json(), "count", -1);
}

class LoadTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.start()) << server_.last_error(); }
  Quarryd server_;
  TempDir tmp_;
};

TEST_F(LoadTest, KaggleCsvWithMultiLineReviewsIsTypedFromTheReviewMapping) {
  auto& http = server_.http();
  auto r = http.put("/reviews", R"({"mappings":)" + review_template_mappings() + "}");
  ASSERT_EQ(r.status, 200) << describe(r);
  // CRLF line ends, a review over three lines with commas and doubled quotes, an empty cell.
  const std::string multi = "\"Great game, \"\"really\"\".\r\nSecond line\r\n\r\nLast, line\"";
  const std::string csv = std::string(kHeader) + "\r\n" +
                          csv_row(0, 1001, multi, true) + "\r\n" +
                          csv_row(1, 1002, "Crashes all the time", false, "") + "\r\n" +
                          csv_row(2, 1003, "\"10/10\"", true) + "\r\n";
  const fs::path file = tmp_.path() / "steam_reviews.csv";
  write_file(file, csv);
  LoadRun run = quarry_load(tmp_, {file.string(), "--url", server_.base_url(), "--index", "reviews",
                               "--id-field", "review_id", "--refresh"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("loaded 3 docs, 0 failed"), std::string::npos) << run.out;
  EXPECT_NE(run.err.find("typed from the mapping"), std::string::npos) << run.err;
  EXPECT_FALSE(fs::exists(file.string() + ".quarry-checkpoint"));

  r = http.get("/reviews/_doc/1001");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto doc = r.json();
  const rapidjson::Value& src = *jpath(doc, "_source");
  EXPECT_EQ(jstr(src, "review"), "Great game, \"really\".\r\nSecond line\r\n\r\nLast, line");
  EXPECT_FALSE(src.HasMember(""));  // the unnamed row-number column is skipped
  EXPECT_TRUE(jpath(src, "recommended")->IsBool());
  EXPECT_TRUE(jbool(src, "recommended"));
  EXPECT_TRUE(jpath(src, "votes_helpful")->IsInt64());
  EXPECT_EQ(jint(src, "votes_helpful"), 12);
  EXPECT_TRUE(jpath(src, "weighted_vote_score")->IsDouble());
  EXPECT_TRUE(jpath(src, "timestamp_created")->IsInt64());  // epoch_second dates stay numbers
  EXPECT_TRUE(jpath(src, "app_id")->IsInt64());
  EXPECT_EQ(jstr(src, "author.steamid"), "76561198000000123");  // keyword: a string
  EXPECT_EQ(jint(src, "author.playtime_forever"), 9000);
  EXPECT_EQ(jstr(src, "review_id"), "1001");

  r = http.get("/reviews/_doc/1002");
  doc = r.json();
  EXPECT_FALSE(jhas(doc, "_source.votes_funny")) << "empty cells are left out";
  EXPECT_FALSE(jbool(doc, "_source.recommended", true));

  // The index answers queries on the typed fields.
  EXPECT_EQ(count_of(http, "reviews", R"({"term":{"recommended":false}})"), 1);
  EXPECT_EQ(count_of(http, "reviews", R"({"range":{"author.playtime_forever":{"gte":9000}}})"), 3);
  EXPECT_EQ(count_of(http, "reviews", R"({"match_phrase":{"review":"second line"}})"), 1);
  EXPECT_EQ(count_of(http, "reviews",
                     R"({"range":{"timestamp_created":{"gte":1610000000,"lt":1610000001}}})"),
            3);
}

TEST_F(LoadTest, CsvIntoAnIndexWithoutMappingInfersTheTypes) {
  auto& http = server_.http();
  const fs::path file = tmp_.path() / "small.csv.gz";
  {
    // Written through gzip by a child process: the loader decompresses .csv.gz.
    const fs::path plain = tmp_.path() / "small.csv";
    write_file(plain, std::string(kHeader) + "\n" + csv_row(0, 7, "\"fine, really\"", true) + "\n");
    ASSERT_EQ(std::system(("gzip -k " + plain.string()).c_str()), 0);
    fs::remove(plain);
  }
  LoadRun run = quarry_load(tmp_, {file.string(), "--url", server_.base_url(), "--index", "inferred",
                               "--refresh"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  auto r = http.post("/inferred/_search", "{}");
  auto j = r.json();
  ASSERT_EQ(jint(j, "hits.total.value"), 1) << describe(r);
  const rapidjson::Value& src = *jpath(j, "hits.hits.0._source");
  EXPECT_TRUE(jpath(src, "recommended")->IsBool());
  EXPECT_TRUE(jpath(src, "review_id")->IsInt64());
  EXPECT_TRUE(jpath(src, "weighted_vote_score")->IsDouble());
  EXPECT_EQ(jstr(src, "review"), "fine, really");
  // Beyond 2^53 a JSON number would be rounded by JavaScript readers: it stays a string.
  EXPECT_EQ(jstr(src, "author.steamid"), "76561198000000123");
  r = http.get("/inferred/_mapping");
  EXPECT_EQ(jstr(r.json(), "inferred.mappings.properties.author.properties.num_games_owned.type"),
            "long");
  EXPECT_EQ(jstr(r.json(), "inferred.mappings.properties.recommended.type"), "boolean");
}

TEST_F(LoadTest, SeveralConnectionsIntoAMissingIndexLoseNothing) {
  // The first requests of a load all find the index missing and race to create it.
  const fs::path file = tmp_.path() / "generated.ndjson";
  {
    Process gen({QUARRY_CLI_PATH, "generate", "3000", "--seed", "5", "--out", file.string()},
                tmp_.path() / "gen.out", tmp_.path() / "gen.err");
    ASSERT_TRUE(gen.wait(120s).has_value());
    ASSERT_EQ(gen.exit_code(), 0);
  }
  for (const char* index : {"fresh1", "fresh2", "fresh3"}) {
    LoadRun run = quarry_load(tmp_, {file.string(), "--url", server_.base_url(), "--index", index,
                                     "--batch-size", "25", "--concurrency", "8", "--refresh"});
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    EXPECT_EQ(count_of(server_.http(), index), 3000);
  }
}

// A page as store.steampowered.com/appreviews/<appid>?json=1 answers it.
std::string steam_page(const std::vector<std::tuple<std::string, bool, std::string>>& reviews) {
  std::string out = R"({"success":1,"query_summary":{"num_reviews":)" +
                    std::to_string(reviews.size()) + R"(},"reviews":[)";
  bool first = true;
  for (const auto& [id, up, text] : reviews) {
    if (!first) out += ",";
    first = false;
    out += R"({"recommendationid":")" + id +
           R"(","author":{"steamid":"76561198011111111","num_games_owned":40,"num_reviews":5,)"
           R"("playtime_forever":1200,"playtime_last_two_weeks":30,"playtime_at_review":600,)"
           R"("last_played":1700000000},"language":"english","review":)" + jquote(text) +
           R"(,"timestamp_created":1690000000,"timestamp_updated":1690000100,"voted_up":)" +
           (up ? "true" : "false") +
           R"(,"votes_up":3,"votes_funny":0,"weighted_vote_score":"0.54545456171035767",)"
           R"("comment_count":1,"steam_purchase":true,"received_for_free":false,)"
           R"("written_during_early_access":false,"primarily_steam_deck":false})";
  }
  return out + R"(],"cursor":"AoJwq7X\/z4IDd\/qxBQ=="})";
}

TEST_F(LoadTest, SteamStoreReviewPagesBecomeReviewDocuments) {
  auto& http = server_.http();
  auto r = http.put("/reviews", R"({"mappings":)" + review_template_mappings() + "}");
  ASSERT_EQ(r.status, 200) << describe(r);
  const fs::path file = tmp_.path() / "appreviews_570_2023.json";
  // Two pages: one on a line, one pretty-printed after it.
  write_file(file, steam_page({{"140000001", true, "Still the best MOBA.\nTwo lines."},
                               {"140000002", false, "Matchmaking <b>ruins</b> it"}}) +
                       "\n{\n  \"success\": 1,\n  \"reviews\": " +
                       steam_page({{"140000003", true, "ok"}}).substr(
                           steam_page({{"140000003", true, "ok"}}).find('[')) +
                       "\n");
  LoadRun run = quarry_load(tmp_, {file.string(), "--url", server_.base_url(), "--index", "reviews",
                               "--id-field", "review_id", "--app-name", "Dota 2", "--refresh"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.err.find("read as appreviews"), std::string::npos) << run.err;
  EXPECT_EQ(count_of(http, "reviews"), 3);

  r = http.get("/reviews/_doc/140000002");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto doc = r.json();
  const rapidjson::Value& src = *jpath(doc, "_source");
  EXPECT_EQ(jint(src, "app_id"), 570);  // from the file name
  EXPECT_EQ(jstr(src, "app_name"), "Dota 2");
  EXPECT_FALSE(jbool(src, "recommended", true));
  EXPECT_EQ(jint(src, "votes_helpful"), 3);
  EXPECT_TRUE(jpath(src, "weighted_vote_score")->IsDouble());
  EXPECT_EQ(jstr(src, "author.steamid"), "76561198011111111");
  EXPECT_EQ(jint(src, "author.playtime_at_review"), 600);
  EXPECT_EQ(jstr(src, "review"), "Matchmaking <b>ruins</b> it");
  EXPECT_FALSE(jhas(src, "voted_up"));
  EXPECT_EQ(count_of(http, "reviews", R"({"term":{"app_name.keyword":"Dota 2"}})"), 3);
  EXPECT_EQ(count_of(http, "reviews", R"({"term":{"recommended":true}})"), 2);
}

TEST_F(LoadTest, MalformedRecordsAreReportedAtTheirLineAndStrictStopsAtTheFirst) {
  auto& http = server_.http();
  const fs::path file = tmp_.path() / "bad.csv";
  write_file(file, std::string(kHeader) + "\n" +
                       csv_row(0, 1, "\"first\nreview\"", true) + "\n" +  // lines 2-3
                       "1,570,Dota 2,2,english,too few fields\n" +         // line 4
                       csv_row(2, 3, "third", true) + "\n" +               // line 5
                       csv_row(3, 4, "\"quote\"x", true) + "\n" +          // line 6
                       csv_row(4, 5, "fifth", false) + "\n");
  LoadRun run = quarry_load(tmp_, {file.string(), "--url", server_.base_url(), "--index", "lenient",
                               "--id-field", "review_id", "--refresh"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.err.find(file.string() + ":4: CSV record has 6 fields, the header has 23"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find(file.string() + ":6: unexpected character after the closing quote"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.out.find("loaded 3 docs, 2 failed"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("failures by reason"), std::string::npos) << run.out;
  EXPECT_EQ(count_of(http, "lenient"), 3);

  run = quarry_load(tmp_, {file.string(), "--url", server_.base_url(), "--index", "strict",
                           "--id-field", "review_id", "--refresh", "--strict",
                           "--no-checkpoint"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.err.find(file.string() + ":4: CSV record has 6 fields"), std::string::npos);
  EXPECT_EQ(run.err.find(":6:"), std::string::npos) << "stopped before line 6: " << run.err;
  EXPECT_EQ(count_of(http, "strict"), 1);  // the record before the bad one
  EXPECT_EQ(http.get("/strict/_doc/3").status, 404);
}

// Writes `data` into a FIFO whose reader is `loader`; false if the loader ended first or the
// deadline passed.
bool feed(int fd, const std::string& data, Process& loader) {
  size_t done = 0;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN) return false;
    if (!loader.running() || std::chrono::steady_clock::now() > deadline) return false;
    pollfd p{fd, POLLOUT, 0};
    ::poll(&p, 1, 100);  // until the loader has read some
  }
  return true;
}

TEST_F(LoadTest, ResumesAfterCtrlCWithEveryRecordLoadedExactlyOnce) {
  auto& http = server_.http();
  auto r = http.put("/resumed", R"({"mappings":)" + review_template_mappings() + "}");
  ASSERT_EQ(r.status, 200) << describe(r);
  constexpr int kRecords = 6000;
  std::string csv = std::string(kHeader) + "\n";
  for (int i = 0; i < kRecords; ++i) {
    csv += csv_row(i, 500000 + i,
                   "\"Review " + std::to_string(i) +
                       ": a long enough text, with commas, \"\"quotes\"\" and\n" +
                       std::string(250, 'x') + "\nthree lines\"",
                   i % 3 != 0) +
           "\n";
  }
  ASSERT_GT(csv.size(), 2u << 20);
  // The input is a FIFO the test writes: the load can be stopped while it waits for data, at a
  // point the test knows, and resumed by writing the whole input again (as with stdin).
  const fs::path fifo = tmp_.path() / "reviews.csv";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string checkpoint = fifo.string() + ".quarry-checkpoint";
  const std::vector<std::string> argv = {QUARRY_CLI_PATH,  "load", fifo.string(), "--url",
                                         server_.base_url(), "--index", "resumed",
                                         "--batch-size", "100", "--concurrency", "3",
                                         "--no-progress"};
  int64_t acknowledged = 0;
  {
    Process loader(argv, tmp_.path() / "first.out", tmp_.path() / "first.err");
    // O_RDWR does not wait for the reader; CLOEXEC keeps the write end out of child processes.
    const int fd = ::open(fifo.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    // 1.6 MB: the loader reads 1 MB blocks, so it loads the first ~2,600 records and then waits.
    ASSERT_TRUE(feed(fd, csv.substr(0, 1600 << 10), loader)) << read_file(tmp_.path() / "first.err");
    // Wait for the checkpoint to count the first 2,000 records as acknowledged.
    ASSERT_TRUE(wait_until(
        [&] {
          auto c = parse_json(fs::exists(checkpoint) ? read_file(checkpoint) : "");
          acknowledged = jint(c, "records", 0);
          return acknowledged >= 2000;
        },
        60s))
        << read_file(tmp_.path() / "first.err");
    loader.signal(SIGINT);
    ASSERT_TRUE(wait_until(
        [&] { return read_file(tmp_.path() / "first.err").find("interrupted") != std::string::npos; },
        30s));
    ::close(fd);  // end of input: only the interruption may stop the loader here
    ASSERT_TRUE(loader.wait(60s).has_value());
    EXPECT_EQ(loader.exit_code(), 130) << read_file(tmp_.path() / "first.err");
    EXPECT_NE(read_file(tmp_.path() / "first.out").find("--resume"), std::string::npos);
  }
  ASSERT_TRUE(fs::exists(checkpoint));
  acknowledged = jint(parse_json(read_file(checkpoint)), "records", -1);
  ASSERT_GE(acknowledged, 2000);
  ASSERT_LT(acknowledged, kRecords);
  ASSERT_EQ(http.post("/resumed/_refresh").status, 200);
  EXPECT_EQ(count_of(http, "resumed"), acknowledged) << "exactly what the checkpoint counts";

  {
    std::vector<std::string> resume = argv;
    resume.push_back("--resume");
    resume.push_back("--refresh");
    Process loader(resume, tmp_.path() / "second.out", tmp_.path() / "second.err");
    const int fd = ::open(fifo.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(feed(fd, csv, loader)) << read_file(tmp_.path() / "second.err");
    ::close(fd);
    ASSERT_TRUE(loader.wait(120s).has_value());
    EXPECT_EQ(loader.exit_code(), 0) << read_file(tmp_.path() / "second.err");
    EXPECT_NE(read_file(tmp_.path() / "second.err")
                  .find("resuming after the " + std::to_string(acknowledged) + " records"),
              std::string::npos)
        << read_file(tmp_.path() / "second.err");
    EXPECT_NE(read_file(tmp_.path() / "second.out")
                  .find("loaded " + std::to_string(kRecords - acknowledged) + " docs, 0 failed"),
              std::string::npos)
        << read_file(tmp_.path() / "second.out");
  }
  EXPECT_FALSE(fs::exists(checkpoint)) << "removed once everything is loaded";
  // No --id-field: a record sent twice would be two documents.
  EXPECT_EQ(count_of(http, "resumed"), kRecords);
  r = http.post("/resumed/_search",
                R"({"size":0,"aggs":{"twice":{"terms":{"field":"review_id","min_doc_count":2,)"
                R"("size":10,"shard_size":100000}}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  // kRecords documents and no review_id twice: every record exactly once.
  auto j = r.json();
  EXPECT_EQ(jpath(j, "aggregations.twice.buckets")->Size(), 0u) << to_json(j);
}

}  // namespace
