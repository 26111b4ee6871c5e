// The token stream behind Analyzer::run and AnalyzerSet::analyze_each: the tokenizer pushes byte
// spans; the stream copies each into one reused buffer, applies the filters in order and hands the
// survivors to `emit` with Lucene's position arithmetic (a token removed by stop or length leaves
// a gap; one removed by unique does not). Internal to index/: include only from .cpp files.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "index/analysis.h"

namespace quarry::index::detail {

template <typename Emit>
class TokenStream {
 public:
  TokenStream(const Analyzer& a, std::string_view text, Emit& emit)
      : filters_(a.filters()), text_(text), emit_(emit) {
    // Lowercasing (the lowercase tokenizer, or a first lowercase filter: the standard analyzer)
    // is fused with the copy for ASCII tokens, the common case.
    lowercase_ = a.tokenizer().kind == TokenizerKind::kLowercase;
    if (!lowercase_ && !filters_.empty() && filters_[0].kind == FilterKind::kLowercase) {
      lowercase_ = true;
      first_filter_ = 1;
    }
    if (filters_.size() <= kInlineFilters) {
      carried_ = small_;
      for (size_t i = 0; i < filters_.size(); ++i) small_[i] = 0;
    } else {
      big_.assign(filters_.size(), 0);
      carried_ = big_.data();
    }
  }

  void push(size_t start, size_t end, TokenType type) {
    unsigned inc = 1;
    if (lowercase_) {
      term_.resize(end - start);
      unsigned char high = 0;
      for (size_t i = 0; i < end - start; ++i) {
        char c = text_[start + i];
        high |= static_cast<unsigned char>(c);
        term_[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
      }
      if (high >= 0x80) (void)apply_filter(kLowercaseSpec, term_, scratch_);
    } else {
      term_.assign(text_.data() + start, end - start);
    }
    for (size_t i = first_filter_; i < filters_.size(); ++i) {
      const FilterSpec& f = filters_[i];
      FilterResult r = f.kind == FilterKind::kUnique ? unique(i, f) : apply_filter(f, term_, scratch_);
      if (r == FilterResult::kDropHole) {
        carried_[i] += inc;
        return;
      }
      if (r == FilterResult::kDrop) return;
      inc += carried_[i];
      carried_[i] = 0;
    }
    if (term_.empty()) return;
    position_ += static_cast<int>(inc);
    emit_(term_, static_cast<unsigned>(position_), static_cast<unsigned>(start), static_cast<unsigned>(end), type);
  }

 private:
  static inline const FilterSpec kLowercaseSpec{FilterKind::kLowercase};

  FilterResult unique(size_t i, const FilterSpec& f) {
    if (f.only_on_same_position) return FilterResult::kKeep;  // one token per position here
    if (!seen_) seen_ = std::make_unique<std::vector<std::unordered_set<std::string>>>(filters_.size());
    return (*seen_)[i].insert(term_).second ? FilterResult::kKeep : FilterResult::kDrop;
  }

  const std::vector<FilterSpec>& filters_;
  std::string_view text_;
  Emit& emit_;
  // Per filter: the position increments of the tokens it removed, owed to the next one it keeps.
  static constexpr size_t kInlineFilters = 16;
  unsigned small_[kInlineFilters];
  std::vector<unsigned> big_;
  unsigned* carried_;
  bool lowercase_ = false;
  size_t first_filter_ = 0;
  int position_ = -1;
  std::string term_;
  std::string scratch_;
  std::unique_ptr<std::vector<std::unordered_set<std::string>>> seen_;  // unique filters only
};

// Runs `a` over `text`: emit(term, position, start, end, type) per token.
template <typename Emit>
void run_analyzer(const Analyzer& a, std::string_view text, Emit& emit) {
  TokenStream<Emit> stream(a, text, emit);
  tokenize(a.tokenizer(), text, stream);
}

}  // namespace quarry::index::detail
