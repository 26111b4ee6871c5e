// Template bodies of analysis.h: thin adapters over detail::analyze_into, so the tokeniser itself
// is compiled once and the per-token cost is one indirect call (no allocation per token).
#pragma once

#include <string>
#include <type_traits>

namespace quarry::index {

template <typename F>
void analyze_each(std::string_view analyzer, std::string_view text, F&& emit) {
  using Fn = std::remove_reference_t<F>;
  detail::analyze_into(
      analyzer, text,
      [](void* ctx, const std::string& term, unsigned position, unsigned, unsigned) {
        (*static_cast<Fn*>(ctx))(term, position);
      },
      const_cast<void*>(static_cast<const void*>(&emit)));
}

template <typename F>
void analyze_each_with_offsets(std::string_view analyzer, std::string_view text, F&& emit) {
  using Fn = std::remove_reference_t<F>;
  detail::analyze_into(
      analyzer, text,
      [](void* ctx, const std::string& term, unsigned position, unsigned start, unsigned end) {
        (*static_cast<Fn*>(ctx))(term, position, start, end);
      },
      const_cast<void*>(static_cast<const void*>(&emit)));
}

}  // namespace quarry::index
