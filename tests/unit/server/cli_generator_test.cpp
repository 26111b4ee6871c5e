// Tests of `quarry generate`: determinism, field shapes and ranges, and that the text carries
// the verdict-specific vocabulary that makes full-text search on it meaningful.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <numeric>
#include <set>
#include <sstream>
#include <string>

#include "server/cli/game_catalog.h"
#include "server/cli/generate_command.h"
#include "server/cli/review_generator.h"

namespace quarry::cli {
namespace {

std::string generate(uint64_t seed, int n, int games = 150) {
  ReviewGenerator gen(seed, games);
  std::string out;
  for (int i = 0; i < n; ++i) gen.append_review(out);
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

int count_any(const std::string& text, std::initializer_list<const char*> words) {
  int n = 0;
  for (const char* w : words) {
    for (size_t at = text.find(w); at != std::string::npos; at = text.find(w, at + 1)) ++n;
  }
  return n;
}

TEST(CliGenerator, SameSeedSameBytesOtherSeedOtherBytes) {
  EXPECT_EQ(generate(7, 500), generate(7, 500));
  EXPECT_NE(generate(7, 500), generate(8, 500));
}

TEST(CliGenerator, OneJsonObjectPerLineWithTheSteamFields) {
  const std::vector<std::string> lines = lines_of(generate(1, 3000));
  ASSERT_EQ(lines.size(), 3000u);
  std::set<std::string> review_ids;
  for (const std::string& line : lines) {
    rapidjson::Document d;
    d.Parse(line.c_str());
    ASSERT_FALSE(d.HasParseError()) << line;
    ASSERT_TRUE(d.IsObject());
    ASSERT_TRUE(d["app_id"].IsInt64());
    EXPECT_GT(d["app_id"].GetInt64(), 0);
    ASSERT_TRUE(d["app_name"].IsString());
    EXPECT_GT(d["app_name"].GetStringLength(), 2u);
    ASSERT_TRUE(d["review_id"].IsString());
    const std::string id = d["review_id"].GetString();
    EXPECT_EQ(id.find_first_not_of("0123456789"), std::string::npos) << id;
    EXPECT_TRUE(review_ids.insert(id).second) << "duplicate review_id " << id;
    ASSERT_TRUE(d["language"].IsString());
    ASSERT_TRUE(d["review"].IsString());
    EXPECT_GT(d["review"].GetStringLength(), 0u);
    const int64_t created = d["timestamp_created"].GetInt64();
    const int64_t updated = d["timestamp_updated"].GetInt64();
    EXPECT_GE(created, kReviewsStart);
    EXPECT_LE(created, kReviewsEnd);
    EXPECT_GE(updated, created);
    EXPECT_LE(updated, kReviewsEnd);
    ASSERT_TRUE(d["recommended"].IsBool());
    EXPECT_GE(d["votes_helpful"].GetInt64(), 0);
    EXPECT_GE(d["votes_funny"].GetInt64(), 0);
    ASSERT_TRUE(d["weighted_vote_score"].IsNumber());
    EXPECT_GE(d["weighted_vote_score"].GetDouble(), 0.0);
    EXPECT_LE(d["weighted_vote_score"].GetDouble(), 1.0);
    EXPECT_GE(d["comment_count"].GetInt64(), 0);
    EXPECT_TRUE(d["steam_purchase"].IsBool());
    EXPECT_TRUE(d["received_for_free"].IsBool());
    EXPECT_TRUE(d["written_during_early_access"].IsBool());
    const rapidjson::Value& a = d["author"];
    ASSERT_TRUE(a.IsObject());
    ASSERT_TRUE(a["steamid"].IsString());
    const std::string steamid = a["steamid"].GetString();
    EXPECT_EQ(steamid.size(), 17u);
    EXPECT_EQ(steamid.rfind("7656119", 0), 0u) << steamid;
    EXPECT_GE(a["num_games_owned"].GetInt64(), 1);
    EXPECT_GE(a["num_reviews"].GetInt64(), 1);
    const int64_t forever = a["playtime_forever"].GetInt64();
    const int64_t at_review = a["playtime_at_review"].GetInt64();
    EXPECT_GT(at_review, 0);
    EXPECT_GE(forever, at_review);
    EXPECT_GE(a["playtime_last_two_weeks"].GetInt64(), 0);
    EXPECT_LE(a["playtime_last_two_weeks"].GetInt64(), forever);
    EXPECT_GE(a["last_played"].GetInt64(), created);
    EXPECT_LE(a["last_played"].GetInt64(), kReviewsEnd);
  }
}

TEST(CliGenerator, RealisticDistributions) {
  const std::vector<std::string> lines = lines_of(generate(3, 20000));
  std::map<std::string, int> per_game, per_language;
  int recommended = 0, zero_helpful = 0, max_helpful = 0;
  int pos = 0, neg = 0;
  double trouble[2] = {0, 0}, praise[2] = {0, 0}, words[2] = {0, 0};  // [0] negative, [1] positive
  std::vector<int64_t> english_words;
  for (const std::string& line : lines) {
    rapidjson::Document d;
    d.Parse(line.c_str());
    ++per_game[d["app_name"].GetString()];
    ++per_language[d["language"].GetString()];
    const int helpful = static_cast<int>(d["votes_helpful"].GetInt64());
    zero_helpful += helpful == 0;
    max_helpful = std::max(max_helpful, helpful);
    if (std::string(d["language"].GetString()) != "english") continue;
    const bool positive = d["recommended"].GetBool();
    (positive ? pos : neg)++;
    recommended += positive;
    const std::string text = d["review"].GetString();
    // Per word, so that long reviews do not count more than short ones.
    words[positive] += std::count(text.begin(), text.end(), ' ') + 1;
    trouble[positive] += count_any(text, {"rash", "bug", "Bug", "efund", "server", "Server", "price", "money", "expensive"});
    praise[positive] += count_any(text, {"story", "gameplay", "graphics", "friends"});
    if (positive) english_words.push_back(std::count(text.begin(), text.end(), ' ') + 1);
  }
  // A Zipf-like head: the first game of the catalogue is the most reviewed, by far.
  const std::string top = ReviewGenerator(3, 150).catalog().games()[0].name;
  for (const auto& [name, count] : per_game) EXPECT_LE(count, per_game[top]) << name;
  EXPECT_GT(per_game[top], 20000 / 20);
  EXPECT_GT(per_game.size(), 100u);
  // Mostly English, with the other big Steam languages present.
  EXPECT_GT(per_language["english"], 20000 * 0.35);
  EXPECT_LT(per_language["english"], 20000 * 0.6);
  EXPECT_GT(per_language["schinese"], 0);
  EXPECT_GT(per_language["russian"], 0);
  EXPECT_GT(per_language["german"], 0);
  // About 80% positive, long-tailed votes.
  const double positive_share = static_cast<double>(recommended) / (pos + neg);
  EXPECT_GT(positive_share, 0.7);
  EXPECT_LT(positive_share, 0.9);
  EXPECT_GT(zero_helpful, 20000 / 2);
  EXPECT_GT(max_helpful, 100);
  // Verdict-specific vocabulary, per word: complaints in negative reviews, praise in positive ones.
  const double trouble_neg = trouble[0] / words[0];
  const double trouble_pos = trouble[1] / words[1];
  const double praise_neg = praise[0] / words[0];
  const double praise_pos = praise[1] / words[1];
  EXPECT_GT(trouble_neg, 2 * trouble_pos);
  EXPECT_GT(praise_pos, 1.5 * praise_neg);
  // Lengths with the long tail of real reviews (real English Steam reviews: median 22 words,
  // mean 100, 90th percentile 275).
  std::sort(english_words.begin(), english_words.end());
  const double mean = std::accumulate(english_words.begin(), english_words.end(), 0.0) / english_words.size();
  EXPECT_LT(english_words[english_words.size() / 2], 45);
  EXPECT_GT(mean, 60);
  EXPECT_GT(english_words[english_words.size() * 9 / 10], 150);
}

TEST(CliGenerator, CatalogueIsAStablePrefixAcrossSizes) {
  GameCatalog small(10), large(200);
  ASSERT_EQ(small.games().size(), 10u);
  ASSERT_EQ(large.games().size(), 200u);
  for (size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(small.games()[i].name, large.games()[i].name);
    EXPECT_EQ(small.games()[i].app_id, large.games()[i].app_id);
  }
  std::set<int64_t> ids;
  std::set<std::string> names;
  for (const Game& g : large.games()) {
    EXPECT_TRUE(ids.insert(g.app_id).second);
    EXPECT_TRUE(names.insert(g.name).second);
  }
  EXPECT_EQ(GameCatalog(0).games().size(), 1u);  // clamped, never empty
}

TEST(CliGenerator, OnlyTheRequestedGamesAppear) {
  const std::vector<std::string> lines = lines_of(generate(5, 2000, 3));
  std::set<std::string> names;
  for (const std::string& line : lines) {
    rapidjson::Document d;
    d.Parse(line.c_str());
    names.insert(d["app_name"].GetString());
  }
  EXPECT_EQ(names.size(), 3u);
}

TEST(CliGenerator, WritesExactlyNLinesToAFile) {
  char path[] = "/tmp/quarry_cli_gen_XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  GenerateOptions options;
  options.count = 1234;
  options.seed = 9;
  options.out_path = path;
  ASSERT_TRUE(run_generate(options).ok());
  std::FILE* f = std::fopen(path, "rb");
  ASSERT_NE(f, nullptr);
  std::string content;
  char buf[65536];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) content.append(buf, n);
  std::fclose(f);
  std::remove(path);
  EXPECT_EQ(content, generate(9, 1234));
  options.out_path = "/nonexistent-dir/x.ndjson";
  EXPECT_EQ(run_generate(options).code(), Code::kIOError);
}

}  // namespace
}  // namespace quarry::cli
