// Steam store review pages -> documents (see appreviews.h).
#include "server/cli/appreviews.h"

#include <charconv>
#include <cstdlib>

namespace quarry::cli {
namespace {

using rapidjson::Value;

// The data set's name of a review field; the Steam name when it keeps it.
std::string_view data_set_name(std::string_view steam_name) {
  if (steam_name == "recommendationid") return "review_id";
  if (steam_name == "voted_up") return "recommended";
  if (steam_name == "votes_up") return "votes_helpful";
  return steam_name;
}

// Digit strings that fit a JSON number exactly become integers (the data set's review_id is
// one); others stay strings.
void set_id_value(Value& out, const Value& in, rapidjson::Document::AllocatorType& a) {
  if (in.IsString()) {
    const std::string_view s(in.GetString(), in.GetStringLength());
    int64_t n = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), n);
    if (!s.empty() && s[0] != '0' && r.ec == std::errc() && r.ptr == s.data() + s.size() &&
        n > 0 && n <= (int64_t{1} << 53)) {
      out.SetInt64(n);
      return;
    }
  }
  out.CopyFrom(in, a);
}

// "0.523809552192687988" -> 0.5238...; numbers stay numbers; anything else is kept as it is.
void set_score_value(Value& out, const Value& in, rapidjson::Document::AllocatorType& a) {
  if (in.IsString()) {
    const std::string s(in.GetString(), in.GetStringLength());
    char* end = nullptr;
    const double d = std::strtod(s.c_str(), &end);
    if (!s.empty() && end == s.c_str() + s.size()) {
      out.SetDouble(d);
      return;
    }
  }
  out.CopyFrom(in, a);
}

}  // namespace

bool is_appreviews_page(const rapidjson::Value& page) {
  if (!page.IsObject()) return false;
  const auto reviews = page.FindMember("reviews");
  return reviews != page.MemberEnd() && reviews->value.IsArray();
}

bool convert_appreviews_page(const rapidjson::Value& page, const AppReviewsGame& game,
                             std::vector<AppReview>& reviews, std::string& error) {
  reviews.clear();
  if (!page.IsObject()) {
    error = "a review page must be a JSON object";
    return false;
  }
  const auto success = page.FindMember("success");
  if (success != page.MemberEnd() && !(success->value.IsInt() && success->value.GetInt() == 1)) {
    error = "the page reports a failed request (success is not 1)";
    return false;
  }
  if (!is_appreviews_page(page)) {
    error = "not a Steam review page: no \"reviews\" array";
    return false;
  }
  const Value& list = page["reviews"];
  reviews.reserve(list.Size());
  for (rapidjson::SizeType k = 0; k < list.Size(); ++k) {
    const Value& in = list[k];
    AppReview& r = reviews.emplace_back();
    if (!in.IsObject()) {
      r.error = "review " + std::to_string(k + 1) + " of the page is not a JSON object";
      continue;
    }
    auto& a = r.doc.GetAllocator();
    r.doc.SetObject();
    if (game.app_id) r.doc.AddMember("app_id", Value().SetInt64(*game.app_id), a);
    if (!game.app_name.empty()) {
      r.doc.AddMember("app_name", Value(game.app_name.c_str(), a), a);
    }
    for (const auto& m : in.GetObject()) {
      const std::string_view steam_name(m.name.GetString(), m.name.GetStringLength());
      const std::string_view name = data_set_name(steam_name);
      Value value;
      if (steam_name == "recommendationid") {
        set_id_value(value, m.value, a);
      } else if (steam_name == "weighted_vote_score") {
        set_score_value(value, m.value, a);
      } else {
        value.CopyFrom(m.value, a);
      }
      r.doc.AddMember(Value(name.data(), static_cast<rapidjson::SizeType>(name.size()), a),
                      value, a);
    }
  }
  return true;
}

std::optional<int64_t> app_id_from_file_name(std::string_view path) {
  const size_t slash = path.find_last_of('/');
  const std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  for (size_t i = 0; i < base.size(); ++i) {
    const bool starts = i == 0 || base[i - 1] == '_' || base[i - 1] == '-' || base[i - 1] == '.';
    if (!starts || base[i] < '0' || base[i] > '9') continue;
    size_t j = i;
    while (j < base.size() && base[j] >= '0' && base[j] <= '9') ++j;
    int64_t id = 0;
    const auto r = std::from_chars(base.data() + i, base.data() + j, id);
    if (r.ec == std::errc()) return id;
  }
  return std::nullopt;
}

}  // namespace quarry::cli
