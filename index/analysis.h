// Analysis: text -> tokens, as Elasticsearch analyzers produce them. An Analyzer is one chain —
// a tokenizer (index/tokenizers.h) and token filters (index/token_filters.h) — and reports each
// token's text, position, byte offsets and type. The built-in analyzers of Elasticsearch
// (standard, simple, whitespace, keyword, stop, english and the other language analyzers Xapian
// has stemmers for) and the custom analyzers of an index live in an AnalyzerSet
// (index/analyzer_set.h), which is what the engine resolves analyzer names against.
//
// Analyzer is an immutable value: run it from any number of threads at once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "index/token_filters.h"
#include "index/tokenizers.h"

namespace quarry::index {

struct Token {
  std::string term;
  unsigned position;      // 0-based token position (filters such as stop leave gaps)
  unsigned start_offset;  // byte offsets into the input
  unsigned end_offset;
  TokenType type = TokenType::kAlphanum;
};

// Elasticsearch's position_increment_gap for analyzers (and text fields): the positions between
// two values of one multi-valued text.
inline constexpr int kAnalyzerPositionIncrementGap = 100;

namespace detail {
// The non-template form of a token callback: sink(ctx, ...) per token. `term` is valid only
// during the call (one buffer is reused for the whole text).
using TokenSink = void (*)(void* ctx, const std::string& term, unsigned position, unsigned start_offset,
                           unsigned end_offset, TokenType type);
}  // namespace detail

class Analyzer {
 public:
  Analyzer() = default;  // the standard analyzer: standard tokenizer + lowercase
  Analyzer(TokenizerSpec tokenizer, std::vector<FilterSpec> filters,
           int position_increment_gap = kAnalyzerPositionIncrementGap);

  const TokenizerSpec& tokenizer() const { return tokenizer_; }
  const std::vector<FilterSpec>& filters() const { return filters_; }
  int position_increment_gap() const { return position_increment_gap_; }

  // Calls sink(ctx, term, position, start, end, type) per token, in order. No allocation per
  // token once the per-call buffers have grown (stemming allocates for terms over 15 bytes).
  void run(std::string_view text, detail::TokenSink sink, void* ctx) const;
  std::vector<Token> analyze(std::string_view text) const;

 private:
  TokenizerSpec tokenizer_;
  std::vector<FilterSpec> filters_ = {FilterSpec{FilterKind::kLowercase}};
  int position_increment_gap_ = kAnalyzerPositionIncrementGap;
};

// Tokens of `text` under the built-in analyzer `analyzer` ("" = "standard"; unknown names fall
// back to standard). Engine code resolves names against its index's AnalyzerSet instead
// (Mapping::analyzers()); this is a shorthand for tests and tools.
std::vector<Token> analyze(std::string_view analyzer, std::string_view text);

// Whether `name` is a built-in analyzer ("" counts as standard).
bool is_known_analyzer(std::string_view name);

}  // namespace quarry::index
