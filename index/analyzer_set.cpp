#include "index/analyzer_set.h"

#include "index/analysis_pipeline.h"

namespace quarry::index {
namespace {

constexpr std::string_view kAnalysisPrefix = "index.analysis.";

// Elasticsearch language analyzers that Xapian has a Snowball stemmer for (same names).
constexpr const char* kLanguageAnalyzers[] = {
    "arabic", "armenian", "basque", "catalan", "danish", "dutch", "finnish", "french", "german", "hungarian",
    "indonesian", "irish", "italian", "lithuanian", "norwegian", "portuguese", "romanian", "russian", "spanish",
    "swedish", "turkish"};

FilterSpec lowercase_filter() { return FilterSpec{FilterKind::kLowercase}; }

FilterSpec stop_filter(std::shared_ptr<const StopSet> words) {
  FilterSpec f{FilterKind::kStop};
  f.stopwords = std::move(words);
  return f;
}

FilterSpec stem_filter(int id) {
  FilterSpec f{FilterKind::kStemmer};
  f.stemmer = id;
  return f;
}

std::vector<std::string_view> split_commas(std::string_view s) {
  std::vector<std::string_view> out;
  if (s.empty()) return out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t comma = s.find(',', pos);
    if (comma == std::string_view::npos) comma = s.size();
    out.push_back(s.substr(pos, comma - pos));
    pos = comma + 1;
  }
  return out;
}

std::string_view param(const AnalysisParams& p, std::string_view key, std::string_view def = {}) {
  auto it = p.find(key);
  return it == p.end() ? def : std::string_view(it->second);
}

// The built-in analyzer of type `type` with the given parameters (`stopwords`, `max_token_length`);
// nullopt for an unknown type.
Result<std::optional<Analyzer>> typed_analyzer(std::string_view name, std::string_view type, const AnalysisParams& p) {
  auto stopwords = [&](std::string_view def) -> Result<std::shared_ptr<const StopSet>> {
    return parse_stopwords(param(p, "stopwords", def), false);
  };
  if (p.count("stopwords_path") || p.count("stem_exclusion")) {
    return Status::InvalidArgument("[" + std::string(p.count("stopwords_path") ? "stopwords_path" : "stem_exclusion") +
                                   "] of analyzer [" + std::string(name) + "] is not supported by Quarry");
  }
  if (type == "standard") {
    TokenizerSpec tok{TokenizerKind::kStandard};
    if (p.count("max_token_length")) {
      auto t = tokenizer_from_params(name, {{"type", "standard"}, {"max_token_length", std::string(param(p, "max_token_length"))}});
      if (!t.ok()) return t.status();
      tok = *t;
    }
    std::vector<FilterSpec> filters{lowercase_filter()};
    auto words = stopwords("_none_");
    if (!words.ok()) return words.status();
    if (!(*words)->empty()) filters.push_back(stop_filter(*words));
    return std::optional<Analyzer>(Analyzer(tok, std::move(filters)));
  }
  if (type == "simple") return std::optional<Analyzer>(Analyzer(TokenizerSpec{TokenizerKind::kLowercase}, {}));
  if (type == "whitespace") return std::optional<Analyzer>(Analyzer(TokenizerSpec{TokenizerKind::kWhitespace}, {}));
  if (type == "keyword") return std::optional<Analyzer>(Analyzer(TokenizerSpec{TokenizerKind::kKeyword}, {}));
  if (type == "stop") {
    auto words = stopwords("_english_");
    if (!words.ok()) return words.status();
    return std::optional<Analyzer>(Analyzer(TokenizerSpec{TokenizerKind::kLowercase}, {stop_filter(*words)}));
  }
  if (type == "english") {
    auto words = stopwords("_english_");
    if (!words.ok()) return words.status();
    std::vector<FilterSpec> filters{FilterSpec{FilterKind::kPossessive}, lowercase_filter()};
    if (!(*words)->empty()) filters.push_back(stop_filter(*words));
    filters.push_back(stem_filter(stemmer_id("porter")));
    return std::optional<Analyzer>(Analyzer(TokenizerSpec{}, std::move(filters)));
  }
  for (const char* lang : kLanguageAnalyzers) {
    if (type != lang) continue;
    int id = stemmer_id(lang);
    if (id < 0) break;
    std::string predefined = "_" + std::string(lang) + "_";
    auto words = stopwords(predefined_stopwords(predefined) ? std::string_view(predefined) : "_none_");
    if (!words.ok()) return words.status();
    std::vector<FilterSpec> filters{lowercase_filter()};
    if (!(*words)->empty()) filters.push_back(stop_filter(*words));
    filters.push_back(stem_filter(id));
    return std::optional<Analyzer>(Analyzer(TokenizerSpec{}, std::move(filters)));
  }
  return std::optional<Analyzer>();
}

}  // namespace

AnalyzerSet::AnalyzerSet() {
  for (const char* type : {"standard", "simple", "whitespace", "keyword", "stop", "english"}) {
    auto a = typed_analyzer(type, type, {});
    analyzers_.emplace(type, **a);
  }
  for (const char* lang : kLanguageAnalyzers) {
    auto a = typed_analyzer(lang, lang, {});
    if (a.ok() && *a) analyzers_.emplace(lang, **a);
  }
  analyzers_.emplace("default", analyzers_.at("standard"));
}

std::shared_ptr<const AnalyzerSet> AnalyzerSet::builtin() {
  static const std::shared_ptr<const AnalyzerSet> kBuiltin = std::make_shared<AnalyzerSet>();
  return kBuiltin;
}

Result<std::shared_ptr<const AnalyzerSet>> AnalyzerSet::from_settings(const std::map<std::string, std::string>& flat) {
  // component -> name -> parameters
  std::map<std::string, std::map<std::string, AnalysisParams, std::less<>>, std::less<>> defs;
  for (auto it = flat.lower_bound(std::string(kAnalysisPrefix)); it != flat.end(); ++it) {
    std::string_view key = it->first;
    if (key.substr(0, kAnalysisPrefix.size()) != kAnalysisPrefix) break;
    std::string_view rest = key.substr(kAnalysisPrefix.size());
    size_t d1 = rest.find('.');
    size_t d2 = d1 == std::string_view::npos ? d1 : rest.find('.', d1 + 1);
    if (d2 == std::string_view::npos) {
      return Status::InvalidArgument("unknown setting [" + it->first + "] please check that any required plugins are installed, or check the breaking changes documentation for removed settings");
    }
    std::string_view component = rest.substr(0, d1);
    if (component != "analyzer" && component != "tokenizer" && component != "filter") {
      if (component == "char_filter" || component == "normalizer") {
        return Status::InvalidArgument("[index.analysis." + std::string(component) + "] is not supported by Quarry");
      }
      return Status::InvalidArgument("unknown setting [" + it->first + "] please check that any required plugins are installed, or check the breaking changes documentation for removed settings");
    }
    defs[std::string(component)][std::string(rest.substr(d1 + 1, d2 - d1 - 1))][std::string(rest.substr(d2 + 1))] =
        it->second;
  }
  // Always a new set, even without analysis settings: a mapping holding builtin() is one not yet
  // attached to an index (see Mapping's analyzer checks).
  auto set = std::make_shared<AnalyzerSet>();
  for (const auto& [name, params] : defs["tokenizer"]) {
    auto t = tokenizer_from_params(name, params);
    if (!t.ok()) return t.status();
    set->tokenizers_[name] = *t;
  }
  for (const auto& [name, params] : defs["filter"]) {
    auto f = filter_from_params(name, params);
    if (!f.ok()) return f.status();
    set->filters_[name] = *f;
  }
  for (const auto& [name, params] : defs["analyzer"]) {
    std::string_view type = param(params, "type");
    if (type.empty() && !params.count("tokenizer")) {
      return Status::InvalidArgument("analyzer [" + name + "] must specify either an analyzer type, or a tokenizer");
    }
    if (type.empty() || type == "custom") {
      std::string_view tok_name = param(params, "tokenizer");
      if (tok_name.empty()) return Status::InvalidArgument("Custom Analyzer [" + name + "] must be configured with a tokenizer");
      ComponentRef tok{std::string(tok_name), {}};
      std::vector<ComponentRef> filters;
      for (std::string_view f : split_commas(param(params, "filter"))) filters.push_back(ComponentRef{std::string(f), {}});
      if (auto cf = split_commas(param(params, "char_filter")); !cf.empty()) {
        return Status::InvalidArgument("Custom Analyzer [" + name + "] failed to find char_filter under name [" +
                                       std::string(cf.front()) + "]");
      }
      auto chain = set->build_chain(tok, filters, false);
      if (!chain.ok()) {
        // Elasticsearch's wording for a custom analyzer's missing component.
        std::string msg = chain.status().message();
        for (std::string_view what : {"tokenizer", "filter"}) {
          std::string prefix = "failed to find " + std::string(what) + " under [";
          if (msg.rfind(prefix, 0) == 0) {
            return Status::InvalidArgument("Custom Analyzer [" + name + "] failed to find " + std::string(what) +
                                           " under name [" + msg.substr(prefix.size(), msg.size() - prefix.size() - 1) +
                                           "]");
          }
        }
        return chain.status();
      }
      int gap = kAnalyzerPositionIncrementGap;
      if (auto g = param(params, "position_increment_gap"); !g.empty()) {
        try {
          gap = std::stoi(std::string(g));
        } catch (const std::exception&) {
          return Status::InvalidArgument("Failed to parse value [" + std::string(g) +
                                         "] for setting [index.analysis.analyzer." + name + ".position_increment_gap]");
        }
        if (gap < 0) return Status::InvalidArgument("[position_increment_gap] must be positive, got [" + std::string(g) + "]");
      }
      set->analyzers_.insert_or_assign(name, Analyzer(chain->tokenizer(), chain->filters(), gap));
      continue;
    }
    auto a = typed_analyzer(name, type, params);
    if (!a.ok()) return a.status();
    if (!*a) return Status::InvalidArgument("Unknown analyzer type [" + std::string(type) + "] for [" + name + "]");
    set->analyzers_.insert_or_assign(name, **a);
  }
  return std::shared_ptr<const AnalyzerSet>(std::move(set));
}

bool AnalyzerSet::contains(std::string_view name) const { return name.empty() || analyzers_.count(name) > 0; }

const Analyzer* AnalyzerSet::find(std::string_view name) const {
  if (name.empty()) name = "standard";
  auto it = analyzers_.find(name);
  return it == analyzers_.end() ? nullptr : &it->second;
}

const Analyzer& AnalyzerSet::resolve(std::string_view name) const {
  const Analyzer* a = find(name);
  return a ? *a : analyzers_.at("standard");
}

std::vector<Token> AnalyzerSet::analyze(std::string_view name, std::string_view text) const {
  return resolve(name).analyze(text);
}

void AnalyzerSet::analyze_each(std::string_view name, std::string_view text,
                               const std::function<void(const std::string&, unsigned, unsigned, unsigned)>& emit) const {
  auto call = [&emit](const std::string& term, unsigned pos, unsigned start, unsigned end, TokenType) {
    emit(term, pos, start, end);
  };
  detail::run_analyzer(resolve(name), text, call);
}

Result<Analyzer> AnalyzerSet::build_chain(const ComponentRef& tokenizer, const std::vector<ComponentRef>& filters,
                                          bool global) const {
  const std::string scope = global ? "global " : "";
  TokenizerSpec tok;
  if (tokenizer.name.empty()) {
    auto t = tokenizer_from_params("_anonymous_tokenizer", tokenizer.inline_def);
    if (!t.ok()) return t.status();
    tok = *t;
  } else if (auto it = tokenizers_.find(tokenizer.name); it != tokenizers_.end()) {
    tok = it->second;
  } else if (auto b = builtin_tokenizer(tokenizer.name)) {
    tok = *b;
  } else {
    return Status::InvalidArgument("failed to find " + scope + "tokenizer under [" + tokenizer.name + "]");
  }
  std::vector<FilterSpec> specs;
  for (const auto& ref : filters) {
    if (ref.name.empty()) {
      auto f = filter_from_params("_anonymous_tokenfilter", ref.inline_def);
      if (!f.ok()) return f.status();
      specs.push_back(*f);
    } else if (auto it = filters_.find(ref.name); it != filters_.end()) {
      specs.push_back(it->second);
    } else if (auto b = builtin_filter(ref.name)) {
      specs.push_back(*b);
    } else {
      return Status::InvalidArgument("failed to find " + scope + "filter under [" + ref.name + "]");
    }
  }
  return Analyzer(tok, std::move(specs), 0);
}

std::vector<Token> analyze(std::string_view analyzer, std::string_view text) {
  return AnalyzerSet::builtin()->analyze(analyzer, text);
}

bool is_known_analyzer(std::string_view name) { return AnalyzerSet::builtin()->contains(name); }

}  // namespace quarry::index
