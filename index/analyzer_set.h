// AnalyzerSet: the analyzers one index can use by name — Elasticsearch's built-ins plus the custom
// analyzers, tokenizers and filters of the index's settings (index.analysis.*). Immutable once
// built: share it freely between threads (the Mapping of an index holds one, see
// Mapping::analyzers()).
//
// Built-in analyzers: standard (the default), simple, whitespace, keyword, stop, english (possessive
// removal, lowercase, English stop words, Porter stemming — Lucene's EnglishAnalyzer) and one per
// Elasticsearch language analyzer that Xapian has a stemmer for (french, german, spanish, russian,
// ...: standard tokenizer, lowercase, Snowball stemmer; stop words only where we list them).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "index/analysis.h"
#include "index/analysis_settings.h"
#include "index/status.h"

namespace quarry::index {

// A tokenizer or filter in an _analyze request: a name, or an inline definition.
struct ComponentRef {
  std::string name;         // by name (empty for an inline definition)
  AnalysisParams inline_def;  // {"type": "stop", "stopwords": "a,the"} (arrays comma-joined)
};

class AnalyzerSet {
 public:
  AnalyzerSet();  // the built-ins only; prefer builtin()

  // Only the built-in analyzers.
  static std::shared_ptr<const AnalyzerSet> builtin();

  // The built-ins plus the analysis components of an index's flattened settings
  // ("index.analysis.analyzer.my.tokenizer" -> "standard", "index.analysis.analyzer.my.filter" ->
  // "lowercase,my_stop", ...); other keys are ignored. Always a new set, never builtin().
  // Errors: kInvalidArgument with Elasticsearch's messages ("Custom Analyzer [my] failed to find
  // tokenizer under name [x]", "Unknown filter type [x] for [f]", ...).
  static Result<std::shared_ptr<const AnalyzerSet>> from_settings(const std::map<std::string, std::string>& flat);

  bool contains(std::string_view name) const;
  // The analyzer called `name` ("" = standard); nullptr if there is none.
  const Analyzer* find(std::string_view name) const;
  // Tokens of `text` under analyzer `name` ("" = "standard"; an unknown name analyses as standard:
  // names are validated when mappings and queries are parsed).
  std::vector<Token> analyze(std::string_view name, std::string_view text) const;
  // emit(term, position, start_offset, end_offset) for each token, without building a vector. The
  // indexing hot path: one std::function call per token, no allocation per token.
  void analyze_each(std::string_view name, std::string_view text,
                    const std::function<void(const std::string&, unsigned, unsigned, unsigned)>& emit) const;

  // An ad hoc chain, as _analyze's "tokenizer" / "filter" build one: names resolve against this
  // index's custom components, then the built-ins. `global` (no index in the request) picks
  // Elasticsearch's wording for unknown names ("failed to find global tokenizer under [x]").
  // The chain's position_increment_gap is 0, as Elasticsearch's.
  Result<Analyzer> build_chain(const ComponentRef& tokenizer, const std::vector<ComponentRef>& filters,
                               bool global) const;

 private:
  const Analyzer& resolve(std::string_view name) const;

  std::map<std::string, Analyzer, std::less<>> analyzers_;  // built-ins and custom ones
  std::map<std::string, TokenizerSpec, std::less<>> tokenizers_;  // custom only
  std::map<std::string, FilterSpec, std::less<>> filters_;        // custom only
};

}  // namespace quarry::index
