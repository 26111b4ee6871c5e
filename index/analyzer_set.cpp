#include "index/analyzer_set.h"

namespace quarry::index {

std::shared_ptr<const AnalyzerSet> AnalyzerSet::builtin() {
  static const std::shared_ptr<const AnalyzerSet> kBuiltin = std::make_shared<AnalyzerSet>();
  return kBuiltin;
}

bool AnalyzerSet::contains(std::string_view name) const { return name.empty() || is_known_analyzer(name); }

std::vector<Token> AnalyzerSet::analyze(std::string_view name, std::string_view text) const {
  return index::analyze(name, text);
}

void AnalyzerSet::analyze_each(std::string_view name, std::string_view text,
                               const std::function<void(const std::string&, unsigned, unsigned, unsigned)>& emit) const {
  analyze_each_with_offsets(name, text, [&](const std::string& term, unsigned pos, unsigned start, unsigned end) {
    emit(term, pos, start, end);
  });
}

}  // namespace quarry::index
