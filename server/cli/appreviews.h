// Steam store review pages -> review documents with the field names of the public Steam reviews
// data set (the same as the CSV and the review index template).
//
// A page is the JSON that store.steampowered.com/appreviews/<appid>?json=1 answers:
//   {"success":1,"query_summary":{...},"reviews":[{...}],"cursor":"..."}
// Each review becomes a document: recommendationid -> review_id, voted_up -> recommended,
// votes_up -> votes_helpful, weighted_vote_score (a decimal string) -> a number; author.*,
// language, review, timestamps, votes_funny, comment_count, steam_purchase, received_for_free,
// written_during_early_access and any other fields are kept as they are. The page does not
// name its game: app_id and app_name come from the caller (--app-id / --app-name, or the
// digits in the file name). Free functions, no state.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace quarry::cli {

struct AppReviewsGame {
  std::optional<int64_t> app_id;
  std::string app_name;  // "" = not set
};

// One review of a page: `doc` is the document, or `error` says why the review was not usable.
struct AppReview {
  rapidjson::Document doc;
  std::string error;
};

// True when `page` looks like an appreviews page (an object with a "reviews" array).
bool is_appreviews_page(const rapidjson::Value& page);

// The reviews of one page, in order. False and `error` when the page as a whole is unusable
// (success is not 1, or there is no "reviews" array).
bool convert_appreviews_page(const rapidjson::Value& page, const AppReviewsGame& game,
                             std::vector<AppReview>& reviews, std::string& error);

// The app id in a saved page's file name: the first run of digits that starts the base name or
// follows '_', '-' or '.' ("appreviews_570.json", "570-page2.json.gz"). nullopt when none.
std::optional<int64_t> app_id_from_file_name(std::string_view path);

}  // namespace quarry::cli
