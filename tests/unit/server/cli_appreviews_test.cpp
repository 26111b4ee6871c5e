// Tests of the Steam store review pages path of `quarry load`: cutting concatenated or
// pretty-printed pages out of an input, converting reviews to the data set's field names, the
// app id from the file name, and bad pages reported at their line.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "server/cli/appreviews.h"
#include "server/cli/input_reader.h"
#include "server/cli/item_reader.h"
#include "server/cli/json_value_reader.h"

namespace quarry::cli {
namespace {

class TempInput {
 public:
  explicit TempInput(const std::string& content, const std::string& name = "appreviews_570.json") {
    char templ[] = "/tmp/quarry_cli_pages_XXXXXX";
    dir_ = mkdtemp(templ);
    path_ = dir_ + "/" + name;
    std::FILE* f = std::fopen(path_.c_str(), "wb");
    std::fwrite(content.data(), 1, content.size(), f);
    std::fclose(f);
  }
  ~TempInput() {
    std::remove(path_.c_str());
    rmdir(dir_.c_str());
  }
  const std::string& path() const { return path_; }
  std::unique_ptr<InputReader> open() const { return std::move(InputReader::open(path_)).value(); }

 private:
  std::string dir_, path_;
};

// A review as the store answers it (weighted_vote_score and ids are strings there).
std::string steam_review(const std::string& id, bool up, const std::string& text) {
  return R"({"recommendationid":")" + id +
         R"(","author":{"steamid":"76561198000000001","num_games_owned":12,"num_reviews":3,)"
         R"("playtime_forever":600,"playtime_last_two_weeks":0,"playtime_at_review":420,)"
         R"("last_played":1700000000},"language":"english","review":")" + text +
         R"(","timestamp_created":1690000000,"timestamp_updated":1690000500,"voted_up":)" +
         (up ? "true" : "false") +
         R"(,"votes_up":7,"votes_funny":1,"weighted_vote_score":"0.523809552192687988",)"
         R"("comment_count":2,"steam_purchase":true,"received_for_free":false,)"
         R"("written_during_early_access":false,"primarily_steam_deck":false})";
}

std::string page(const std::string& reviews) {
  return R"({"success":1,"query_summary":{"num_reviews":2,"review_score":8,)"
         R"("review_score_desc":"Very Positive","total_positive":10,"total_negative":2,)"
         R"("total_reviews":12},"reviews":[)" + reviews + R"(],"cursor":"AoJ4\/+ab"})";
}

std::string to_json(const rapidjson::Value& v) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  v.Accept(w);
  return b.GetString();
}

TEST(CliAppReviews, ConvertsReviewsToTheDataSetFields) {
  rapidjson::Document d;
  d.Parse(page(steam_review("151829046", true, "Great \\\"game\\\"\\nTwo lines") + "," +
               steam_review("99999999999999999999", false, "bad"))
              .c_str());
  ASSERT_FALSE(d.HasParseError());
  std::vector<AppReview> reviews;
  std::string error;
  ASSERT_TRUE(convert_appreviews_page(d, {570, "Dota 2"}, reviews, error)) << error;
  ASSERT_EQ(reviews.size(), 2u);
  const rapidjson::Value& r = reviews[0].doc;
  EXPECT_EQ(r["app_id"].GetInt64(), 570);
  EXPECT_STREQ(r["app_name"].GetString(), "Dota 2");
  EXPECT_EQ(r["review_id"].GetInt64(), 151829046);
  EXPECT_TRUE(r["recommended"].GetBool());
  EXPECT_EQ(r["votes_helpful"].GetInt(), 7);
  EXPECT_DOUBLE_EQ(r["weighted_vote_score"].GetDouble(), 0.523809552192687988);
  EXPECT_STREQ(r["review"].GetString(), "Great \"game\"\nTwo lines");
  EXPECT_STREQ(r["author"]["steamid"].GetString(), "76561198000000001");
  EXPECT_EQ(r["author"]["playtime_at_review"].GetInt(), 420);
  EXPECT_EQ(r["timestamp_created"].GetInt64(), 1690000000);
  EXPECT_TRUE(r["steam_purchase"].GetBool());
  EXPECT_FALSE(r.HasMember("voted_up"));
  EXPECT_FALSE(r.HasMember("votes_up"));
  EXPECT_FALSE(r.HasMember("recommendationid"));
  EXPECT_TRUE(r.HasMember("primarily_steam_deck"));  // fields the data set lacks are kept
  // An id too large for a JSON number to hold exactly stays a string.
  EXPECT_STREQ(reviews[1].doc["review_id"].GetString(), "99999999999999999999");
  EXPECT_FALSE(reviews[1].doc["recommended"].GetBool());

  d.Parse(R"({"success":2})");
  EXPECT_FALSE(convert_appreviews_page(d, {}, reviews, error));
  d.Parse(R"({"success":1,"query_summary":{}})");
  EXPECT_FALSE(convert_appreviews_page(d, {}, reviews, error));
  d.Parse(R"({"success":1,"reviews":[1]})");
  ASSERT_TRUE(convert_appreviews_page(d, {}, reviews, error));
  EXPECT_FALSE(reviews[0].error.empty());
}

TEST(CliAppReviews, AppIdFromTheFileName) {
  EXPECT_EQ(app_id_from_file_name("/data/appreviews_570.json"), 570);
  EXPECT_EQ(app_id_from_file_name("570-page2.json.gz"), 570);
  EXPECT_EQ(app_id_from_file_name("dir_1/reviews.1091500.p3.json"), 1091500);
  EXPECT_EQ(app_id_from_file_name("page2x.json"), std::nullopt);
  EXPECT_EQ(app_id_from_file_name("reviews.json"), std::nullopt);
}

TEST(CliJsonValueReader, ConcatenatedPrettyPrintedAndOnePerLine) {
  TempInput file("{\"a\":\"}{\\\"\"}{\"b\":[1,{}]}\n\n{\n  \"c\": 3\n}\nnot json\n{\"d\":4}\n{\"e\":");
  auto input = file.open();
  JsonValueReader reader(*input);
  std::string text, error;
  ASSERT_EQ(reader.next(text, error), JsonValueReader::Next::kValue);
  EXPECT_EQ(text, "{\"a\":\"}{\\\"\"}");
  ASSERT_EQ(reader.next(text, error), JsonValueReader::Next::kValue);
  EXPECT_EQ(text, "{\"b\":[1,{}]}");
  ASSERT_EQ(reader.next(text, error), JsonValueReader::Next::kValue);
  EXPECT_EQ(text, "{\n  \"c\": 3\n}");
  EXPECT_EQ(reader.value_line(), 3u);
  ASSERT_EQ(reader.next(text, error), JsonValueReader::Next::kBad);
  EXPECT_EQ(reader.value_line(), 6u);
  ASSERT_EQ(reader.next(text, error), JsonValueReader::Next::kValue);
  EXPECT_EQ(text, "{\"d\":4}");
  EXPECT_EQ(reader.value_line(), 7u);
  ASSERT_EQ(reader.next(text, error), JsonValueReader::Next::kBad);
  EXPECT_EQ(reader.value_line(), 8u);
  EXPECT_EQ(reader.next(text, error), JsonValueReader::Next::kEnd);
}

TEST(CliAppReviewsItems, PagesOfAFileBecomeItemsOneReviewPerRecord) {
  TempInput file(page(steam_review("1", true, "one") + "," + steam_review("2", false, "two")) +
                 "\n{\"success\":1,\"reviews\":[}\n" + page(steam_review("3", true, "three")) +
                 "\n");
  auto input = file.open();
  ItemReaderOptions o;
  o.index = "reviews";
  o.id_field = "review_id";
  o.game.app_id = app_id_from_file_name(file.path());
  auto reader = make_item_reader(LoadFormat::kAppReviews, *input, o);
  ASSERT_TRUE(reader.ok());
  std::string item, error;
  uint64_t line = 0;
  ASSERT_EQ((*reader)->next(item, line, error), ItemReader::Next::kItem);
  EXPECT_EQ(item.substr(0, item.find('\n')), R"({"index":{"_index":"reviews","_id":"1"}})");
  rapidjson::Document doc;
  doc.Parse(item.c_str() + item.find('\n') + 1);
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_EQ(doc["app_id"].GetInt(), 570);
  EXPECT_EQ(to_json(doc["recommended"]), "true");
  ASSERT_EQ((*reader)->next(item, line, error), ItemReader::Next::kItem);
  EXPECT_EQ(line, 1u);
  ASSERT_EQ((*reader)->next(item, line, error), ItemReader::Next::kBadRecord);
  EXPECT_EQ(line, 2u);
  EXPECT_NE(error.find("malformed JSON"), std::string::npos);
  ASSERT_EQ((*reader)->next(item, line, error), ItemReader::Next::kItem);
  EXPECT_EQ(line, 3u);
  EXPECT_NE(item.find("\"_id\":\"3\""), std::string::npos);
  EXPECT_EQ((*reader)->next(item, line, error), ItemReader::Next::kEnd);
}

}  // namespace
}  // namespace quarry::cli
