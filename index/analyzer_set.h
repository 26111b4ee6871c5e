// AnalyzerSet: the analyzers one index can use by name — Elasticsearch's built-ins plus the custom
// analyzers of the index's settings (index.analysis.*). Immutable once built: share it freely
// between threads (the Mapping of an index holds one, see Mapping::analyzers()).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "index/analysis.h"
#include "index/status.h"

namespace quarry::index {

class AnalyzerSet {
 public:
  // Only the built-in analyzers.
  static std::shared_ptr<const AnalyzerSet> builtin();

  bool contains(std::string_view name) const;
  // Tokens of `text` under analyzer `name` ("" = "standard").
  std::vector<Token> analyze(std::string_view name, std::string_view text) const;
  // emit(term, position, start_offset, end_offset) for each token, without building a vector.
  void analyze_each(std::string_view name, std::string_view text,
                    const std::function<void(const std::string&, unsigned, unsigned, unsigned)>& emit) const;
};

}  // namespace quarry::index
