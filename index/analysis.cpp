#include "index/analysis.h"

#include "index/analysis_pipeline.h"

namespace quarry::index {

Analyzer::Analyzer(TokenizerSpec tokenizer, std::vector<FilterSpec> filters, int position_increment_gap)
    : tokenizer_(tokenizer), filters_(std::move(filters)), position_increment_gap_(position_increment_gap) {}

void Analyzer::run(std::string_view text, detail::TokenSink sink, void* ctx) const {
  auto emit = [&](const std::string& term, unsigned pos, unsigned start, unsigned end, TokenType type) {
    sink(ctx, term, pos, start, end, type);
  };
  detail::run_analyzer(*this, text, emit);
}

std::vector<Token> Analyzer::analyze(std::string_view text) const {
  std::vector<Token> tokens;
  auto emit = [&](const std::string& term, unsigned pos, unsigned start, unsigned end, TokenType type) {
    tokens.push_back(Token{term, pos, start, end, type});
  };
  detail::run_analyzer(*this, text, emit);
  return tokens;
}

}  // namespace quarry::index
