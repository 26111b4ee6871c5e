// Analysis: text -> tokens, as Elasticsearch analyzers do. For now the built-in "standard"
// analyzer (Unicode word segmentation, lowercase, max token length 255), plus "keyword",
// "whitespace" and "simple". Stateless and thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace quarry::index {

struct Token {
  std::string term;
  unsigned position;      // 0-based token position
  unsigned start_offset;  // byte offsets into the input
  unsigned end_offset;
};

// Tokenises `text` with the named analyzer ("" = "standard"). Unknown names fall back to standard;
// callers validate analyzer names at mapping time with is_known_analyzer.
std::vector<Token> analyze(std::string_view analyzer, std::string_view text);

// Calls `emit(term, position)` for each token without building a vector (the indexing hot path).
template <typename F>
void analyze_each(std::string_view analyzer, std::string_view text, F&& emit);

bool is_known_analyzer(std::string_view name);

// Like analyze_each, with byte offsets: `emit(term, position, start_offset, end_offset)`.
// `term` is a `const std::string&` valid only during the call.
template <typename F>
void analyze_each_with_offsets(std::string_view analyzer, std::string_view text, F&& emit);

namespace detail {
// The non-template tokeniser behind analyze_each: calls sink(ctx, ...) per token, reusing one
// term buffer for the whole text.
using TokenSink = void (*)(void* ctx, const std::string& term, unsigned position,
                           unsigned start_offset, unsigned end_offset);
void analyze_into(std::string_view analyzer, std::string_view text, TokenSink sink, void* ctx);
}  // namespace detail

}  // namespace quarry::index

#include "index/analysis_inl.h"
