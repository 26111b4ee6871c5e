// The "review reader" scenario of the Query DSL issue on generated reviews: a word, restricted
// to one game, not recommended, most helpful first, highlighted, read page by page with
// search_after. Every page is checked against the truth computed here from the loaded documents.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "harness.h"

using namespace qtest;

namespace {

constexpr int kReviews = 3000;
constexpr int kPageSize = 7;

struct Review {
  std::string id;
  std::string app_name;
  bool recommended = false;
  int64_t votes = 0;
  std::set<std::string> words;  // lower-cased tokens of the review text
};

// Tokens as the standard analyzer makes them for this generator's plain English text.
std::set<std::string> words_of(const std::string& text) {
  std::set<std::string> out;
  std::string cur;
  for (char ch : text + " ") {
    unsigned char c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '\'') {
      cur += static_cast<char>(std::tolower(c));
    } else if (!cur.empty()) {
      out.insert(cur);
      cur.clear();
    }
  }
  return out;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST(ReviewReader, WordInOneGameNotRecommendedByHelpfulVotesPagedWithSearchAfter) {
  TempDir tmp;
  std::string file = (tmp.path() / "reviews.ndjson").string();
  {
    Process gen({QUARRY_CLI_PATH, "generate", std::to_string(kReviews), "--seed", "11", "--out", file},
                tmp.path() / "gen.out", tmp.path() / "gen.err");
    auto st = gen.wait(120s);
    ASSERT_TRUE(st.has_value()) << "quarry generate did not finish";
    ASSERT_EQ(gen.exit_code(), 0) << read_file(tmp.path() / "gen.err");
  }

  // The truth, and the bulk body (the review_id is the _id).
  std::vector<Review> reviews;
  Ndjson bulk;
  std::istringstream lines(read_file(file));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    auto d = parse_json(line);
    ASSERT_FALSE(d.HasParseError()) << line;
    Review r;
    r.id = jstr(d, "review_id");
    r.app_name = jstr(d, "app_name");
    r.recommended = jbool(d, "recommended");
    r.votes = jint(d, "votes_helpful", 0);
    r.words = words_of(jstr(d, "review", ""));
    bulk.index("reviews", r.id, line);
    reviews.push_back(std::move(r));
  }
  ASSERT_EQ(reviews.size(), static_cast<size_t>(kReviews));

  Quarryd server;
  ASSERT_TRUE(server.start()) << server.last_error();
  auto& http = server.http();
  std::string mapping = review_template_mappings();
  ASSERT_FALSE(mapping.empty()) << "scripts/steam_reviews_template.json has no template.mappings";
  auto r = http.put("/reviews", R"({"settings":{"number_of_shards":2,"number_of_replicas":0},"mappings":)" + mapping + "}");
  ASSERT_EQ(r.status, 200) << describe(r);
  r = http.bulk("/_bulk?refresh=true", bulk.str());
  ASSERT_EQ(r.status, 200) << describe(r, 500);
  ASSERT_FALSE(jbool(r.json(), "errors", true)) << describe(r, 2000);

  // The game with the most negative reviews, and a word that some (not all) of them use.
  std::map<std::string, std::vector<const Review*>> negative;
  for (const auto& rv : reviews) {
    if (!rv.recommended) negative[rv.app_name].push_back(&rv);
  }
  auto game = std::max_element(negative.begin(), negative.end(),
                               [](const auto& a, const auto& b) { return a.second.size() < b.second.size(); });
  ASSERT_GE(game->second.size(), 20u);
  std::map<std::string, int> df;
  for (const auto* rv : game->second) {
    for (const auto& w : rv->words) df[w]++;
  }
  std::string word;
  int best = 0;
  for (const auto& [w, n] : df) {
    // Enough for several pages, not in every review, a real word (not a stop word-ish filler).
    if (w.size() >= 4 && n >= 3 * kPageSize && n < static_cast<int>(game->second.size()) && n > best) {
      word = w;
      best = n;
    }
  }
  ASSERT_FALSE(word.empty()) << "no suitable word in " << game->first;

  // Expected: most helpful first, ties by review_id (the tiebreaker the request also uses).
  std::vector<const Review*> truth;
  for (const auto* rv : game->second) {
    if (rv->words.count(word)) truth.push_back(rv);
  }
  std::sort(truth.begin(), truth.end(), [](const Review* a, const Review* b) {
    return std::tie(b->votes, a->id) < std::tie(a->votes, b->id);
  });
  // The word also occurs elsewhere, so the game and recommended filters are both doing work.
  size_t everywhere = 0;
  for (const auto& rv : reviews) everywhere += rv.words.count(word);
  ASSERT_GT(everywhere, truth.size());

  ::testing::Test::RecordProperty("game", game->first);
  ::testing::Test::RecordProperty("word", word);
  ::testing::Test::RecordProperty("expected_hits", static_cast<int>(truth.size()));
  std::string query = R"({"bool":{"must":[{"match":{"review":)" + jquote(word) +
                      R"(}}],"filter":[{"term":{"app_name.keyword":)" + jquote(game->first) +
                      R"(}},{"term":{"recommended":false}}]}})";
  std::string after;
  std::set<std::string> seen;
  size_t position = 0;
  int pages = 0;
  for (;;) {
    std::string body = R"({"size":)" + std::to_string(kPageSize) + R"(,"query":)" + query +
                       R"(,"sort":[{"votes_helpful":"desc"},{"review_id":"asc"}],"highlight":{"fields":{"review":{}}})" +
                       (after.empty() ? "" : R"(,"search_after":)" + after) + "}";
    r = http.post("/reviews/_search", body);
    ASSERT_EQ(r.status, 200) << describe(r);
    auto j = r.json();
    EXPECT_EQ(jint(j, "hits.total.value"), static_cast<int64_t>(truth.size())) << "page " << pages;
    const auto& hits = *jpath(j, "hits.hits");
    if (hits.Size() == 0) break;
    ++pages;
    ASSERT_LE(hits.Size(), static_cast<rapidjson::SizeType>(kPageSize));
    for (const auto& h : hits.GetArray()) {
      ASSERT_LT(position, truth.size()) << "more hits than expected: " << to_json(h);
      const Review& want = *truth[position];
      std::string id = jstr(h, "_id");
      EXPECT_EQ(id, want.id) << "position " << position;
      EXPECT_TRUE(seen.insert(id).second) << "duplicate " << id;
      EXPECT_EQ(jint(h, "sort.0"), want.votes) << id;
      EXPECT_EQ(jstr(h, "sort.1"), want.id);
      EXPECT_EQ(jstr(h, "_source.app_name"), game->first);
      EXPECT_FALSE(jbool(h, "_source.recommended", true));
      const auto* fragments = jpath(h, "highlight.review");
      ASSERT_TRUE(fragments && fragments->IsArray() && fragments->Size() > 0) << to_json(h);
      bool tagged = false;
      for (const auto& f : fragments->GetArray()) {
        tagged |= lower(f.GetString()).find("<em>" + word + "</em>") != std::string::npos;
      }
      EXPECT_TRUE(tagged) << word << " not highlighted in " << to_json(*fragments);
      ++position;
    }
    after = to_json(hits[hits.Size() - 1]["sort"]);
    ASSERT_LT(pages, 1000);
  }
  EXPECT_EQ(position, truth.size());
  EXPECT_EQ(seen.size(), truth.size());
  EXPECT_EQ(pages, static_cast<int>((truth.size() + kPageSize - 1) / kPageSize));
}

}  // namespace
