// Building tokenizers and token filters from their Elasticsearch definitions, given as flat
// string parameters ({"type": "stop", "stopwords": "a,the"}: arrays arrive comma-joined, as the
// index settings store them). Used by AnalyzerSet for index.analysis.* and for the inline
// definitions of an _analyze request. Pure functions.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "index/analysis.h"
#include "index/status.h"

namespace quarry::index {

using AnalysisParams = std::map<std::string, std::string, std::less<>>;

// A tokenizer definition (`type` required). `name` is for error messages.
// Errors: kInvalidArgument ("Unknown tokenizer type [x] for [name]", bad max_token_length).
Result<TokenizerSpec> tokenizer_from_params(std::string_view name, const AnalysisParams& params);

// A token filter definition (`type` required). Errors: kInvalidArgument ("Unknown filter type
// [x] for [name]", unknown stemmer language, bad length bounds, unsupported options).
Result<FilterSpec> filter_from_params(std::string_view name, const AnalysisParams& params);

// "stopwords": "_english_" / "_none_" / "a,the". Errors: kInvalidArgument for an unknown
// predefined list.
Result<std::shared_ptr<const StopSet>> parse_stopwords(std::string_view value, bool ignore_case);

// The built-in tokenizers and filters by name ("standard", "lowercase", "stop", "porter_stem",
// ...), with their default parameters; nullopt if there is none of that name.
std::optional<TokenizerSpec> builtin_tokenizer(std::string_view name);
std::optional<FilterSpec> builtin_filter(std::string_view name);

}  // namespace quarry::index
