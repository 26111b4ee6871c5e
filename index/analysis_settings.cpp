#include "index/analysis_settings.h"

#include <charconv>

namespace quarry::index {
namespace {

std::string_view param(const AnalysisParams& p, std::string_view key, std::string_view def = {}) {
  auto it = p.find(key);
  return it == p.end() ? def : std::string_view(it->second);
}

Result<bool> bool_param(const AnalysisParams& p, std::string_view key, bool def) {
  auto it = p.find(key);
  if (it == p.end()) return def;
  if (it->second == "true") return true;
  if (it->second == "false") return false;
  return Status::InvalidArgument("Failed to parse value [" + it->second + "] as only [true] or [false] are allowed.");
}

Result<long long> int_param(const AnalysisParams& p, std::string_view key, long long def) {
  auto it = p.find(key);
  if (it == p.end()) return def;
  long long v = 0;
  const std::string& s = it->second;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) {
    return Status::InvalidArgument("Failed to parse value [" + s + "] for setting [" + std::string(key) + "]");
  }
  return v;
}

Result<unsigned> max_token_length(const AnalysisParams& p) {
  auto v = int_param(p, "max_token_length", 255);
  if (!v.ok()) return v.status();
  if (*v <= 0 || *v > 1024 * 1024) {
    return Status::InvalidArgument("maxTokenLength must be greater than 0 and less than 1048576 passed: " +
                                   std::to_string(*v));
  }
  return static_cast<unsigned>(*v);
}

}  // namespace

Result<std::shared_ptr<const StopSet>> parse_stopwords(std::string_view value, bool ignore_case) {
  if (value.size() > 2 && value.front() == '_' && value.back() == '_' && value.find(',') == std::string_view::npos) {
    auto set = predefined_stopwords(value);
    if (!set) return Status::InvalidArgument("Quarry has no predefined stop word list [" + std::string(value) + "]");
    return set;
  }
  auto set = std::make_shared<StopSet>();
  size_t pos = 0;
  while (pos <= value.size()) {
    size_t comma = value.find(',', pos);
    if (comma == std::string_view::npos) comma = value.size();
    std::string word(value.substr(pos, comma - pos));
    if (ignore_case) {
      for (const Token& t : Analyzer(TokenizerSpec{TokenizerKind::kKeyword}, {FilterSpec{FilterKind::kLowercase}})
                                .analyze(word)) {
        word = t.term;
      }
    }
    if (!word.empty()) set->insert(std::move(word));
    pos = comma + 1;
  }
  return std::shared_ptr<const StopSet>(std::move(set));
}

std::optional<TokenizerSpec> builtin_tokenizer(std::string_view name) {
  if (name == "standard") return TokenizerSpec{TokenizerKind::kStandard};
  if (name == "letter") return TokenizerSpec{TokenizerKind::kLetter};
  if (name == "lowercase") return TokenizerSpec{TokenizerKind::kLowercase};
  if (name == "whitespace") return TokenizerSpec{TokenizerKind::kWhitespace};
  if (name == "keyword") return TokenizerSpec{TokenizerKind::kKeyword};
  return std::nullopt;
}

std::optional<FilterSpec> builtin_filter(std::string_view name) {
  AnalysisParams p{{"type", std::string(name)}};
  if (name != "lowercase" && name != "uppercase" && name != "stop" && name != "stemmer" && name != "snowball" &&
      name != "porter_stem" && name != "asciifolding" && name != "length" && name != "unique") {
    return std::nullopt;
  }
  auto f = filter_from_params(name, p);
  if (!f.ok()) return std::nullopt;
  return *f;
}

Result<TokenizerSpec> tokenizer_from_params(std::string_view name, const AnalysisParams& params) {
  std::string_view type = param(params, "type");
  if (type.empty()) {
    return Status::InvalidArgument("tokenizer [" + std::string(name) +
                                   "] must specify either an analyzer type, or a tokenizer");
  }
  auto spec = builtin_tokenizer(type);
  if (!spec) {
    return Status::InvalidArgument("Unknown tokenizer type [" + std::string(type) + "] for [" + std::string(name) + "]");
  }
  if (spec->kind != TokenizerKind::kKeyword) {
    auto len = max_token_length(params);
    if (!len.ok()) return len.status();
    spec->max_token_length = *len;
  }
  return *spec;
}

Result<FilterSpec> filter_from_params(std::string_view name, const AnalysisParams& params) {
  std::string_view type = param(params, "type");
  if (type.empty()) {
    return Status::InvalidArgument("filter [" + std::string(name) + "] must specify either an analyzer type, or a tokenizer");
  }
  FilterSpec f;
  if (type == "lowercase") {
    f.kind = FilterKind::kLowercase;
  } else if (type == "uppercase") {
    f.kind = FilterKind::kUppercase;
  } else if (type == "stop") {
    f.kind = FilterKind::kStop;
    auto ic = bool_param(params, "ignore_case", false);
    if (!ic.ok()) return ic.status();
    f.ignore_case = *ic;
    if (params.count("stopwords_path")) {
      return Status::InvalidArgument("[stopwords_path] is not supported by Quarry: list the [stopwords]");
    }
    auto words = parse_stopwords(param(params, "stopwords", "_english_"), f.ignore_case);
    if (!words.ok()) return words.status();
    f.stopwords = *words;
  } else if (type == "stemmer") {
    std::string_view lang = param(params, "language", param(params, "name", "english"));
    if (lang == "possessive_english") {
      f.kind = FilterKind::kPossessive;
    } else {
      f.kind = FilterKind::kStemmer;
      f.stemmer = stemmer_for_es_language(lang);
      if (f.stemmer < 0) {
        return Status::InvalidArgument("Unknown stemmer language [" + std::string(lang) + "] for [" + std::string(name) +
                                       "]: Quarry has the stemmers of Xapian");
      }
    }
  } else if (type == "snowball") {
    std::string_view lang = param(params, "language", "English");
    f.kind = FilterKind::kStemmer;
    f.stemmer = stemmer_for_snowball_language(lang);
    if (f.stemmer < 0) {
      return Status::InvalidArgument("Unknown snowball language [" + std::string(lang) + "] for [" + std::string(name) + "]");
    }
  } else if (type == "porter_stem") {
    f.kind = FilterKind::kStemmer;
    f.stemmer = stemmer_id("porter");
  } else if (type == "asciifolding") {
    f.kind = FilterKind::kAsciiFolding;
    auto po = bool_param(params, "preserve_original", false);
    if (!po.ok()) return po.status();
    if (*po) return Status::InvalidArgument("[preserve_original] of [asciifolding] is not supported by Quarry");
  } else if (type == "length") {
    f.kind = FilterKind::kLength;
    auto min = int_param(params, "min", 0);
    if (!min.ok()) return min.status();
    auto max = int_param(params, "max", 2147483647);
    if (!max.ok()) return max.status();
    if (*min < 0 || *max < 0) return Status::InvalidArgument("minimum length must be greater than or equal to zero");
    if (*min > *max) return Status::InvalidArgument("maximum length must not be greater than minimum length");
    f.min = static_cast<unsigned>(*min);
    f.max = static_cast<unsigned>(*max);
  } else if (type == "unique") {
    f.kind = FilterKind::kUnique;
    auto same = bool_param(params, "only_on_same_position", false);
    if (!same.ok()) return same.status();
    f.only_on_same_position = *same;
  } else {
    return Status::InvalidArgument("Unknown filter type [" + std::string(type) + "] for [" + std::string(name) + "]");
  }
  return f;
}

}  // namespace quarry::index
