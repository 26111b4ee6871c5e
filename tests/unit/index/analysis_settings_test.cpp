// Tests of AnalyzerSet::from_settings: custom analyzers, tokenizers and filters from an index's
// flattened index.analysis.* settings, and Elasticsearch's errors for bad definitions.
#include <gtest/gtest.h>

#include "index/analyzer_set.h"
#include "index/json.h"
#include "index/mapping.h"

namespace quarry::index {
namespace {

using V = std::vector<std::string>;
using Flat = std::map<std::string, std::string>;

V terms(const AnalyzerSet& set, std::string_view analyzer, std::string_view text) {
  V out;
  for (const Token& t : set.analyze(analyzer, text)) out.push_back(t.term);
  return out;
}

std::string error_of(const Flat& flat) {
  auto set = AnalyzerSet::from_settings(flat);
  if (set.ok()) return "<ok>";
  EXPECT_EQ(set.status().code(), Code::kInvalidArgument);
  return set.status().message();
}

TEST(AnalysisSettings, CustomAnalyzerWithCustomFilters) {
  // As the settings store {"analysis":{"analyzer":{"my":{...,"filter":["lowercase","asciifolding","my_stop"]}}}}.
  auto set = AnalyzerSet::from_settings({
      {"index.number_of_shards", "1"},
      {"index.analysis.analyzer.my.type", "custom"},
      {"index.analysis.analyzer.my.tokenizer", "standard"},
      {"index.analysis.analyzer.my.filter", "lowercase,asciifolding,my_stop,my_stem"},
      {"index.analysis.filter.my_stop.type", "stop"},
      {"index.analysis.filter.my_stop.stopwords", "a,the"},
      {"index.analysis.filter.my_stem.type", "stemmer"},
      {"index.analysis.filter.my_stem.language", "english"},
  });
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_TRUE((*set)->contains("my"));
  EXPECT_TRUE((*set)->contains("standard"));  // built-ins stay
  EXPECT_EQ(terms(**set, "my", "The Crème of a RUNNING club"), (V{"creme", "of", "run", "club"}));
  auto tokens = (*set)->analyze("my", "The end");
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].position, 1u);
}

TEST(AnalysisSettings, TypedAnalyzersWithParameters) {
  auto set = AnalyzerSet::from_settings({
      {"index.analysis.analyzer.std_stop.type", "standard"},
      {"index.analysis.analyzer.std_stop.stopwords", "_english_"},
      {"index.analysis.analyzer.std_short.type", "standard"},
      {"index.analysis.analyzer.std_short.max_token_length", "3"},
      {"index.analysis.analyzer.my_stop.type", "stop"},
      {"index.analysis.analyzer.my_stop.stopwords", "foo"},
      {"index.analysis.analyzer.en.type", "english"},
      {"index.analysis.analyzer.no_tok_type.tokenizer", "whitespace"},  // no type + tokenizer = custom
  });
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_EQ(terms(**set, "std_stop", "The Quick fox"), (V{"quick", "fox"}));
  EXPECT_EQ(terms(**set, "std_short", "Quick"), (V{"qui", "ck"}));
  EXPECT_EQ(terms(**set, "my_stop", "foo The bar"), (V{"the", "bar"}));
  EXPECT_EQ(terms(**set, "en", "runs"), (V{"run"}));
  EXPECT_EQ(terms(**set, "no_tok_type", "A b"), (V{"A", "b"}));
}

TEST(AnalysisSettings, CustomTokenizerAndCustomFilterShadowBuiltins) {
  auto set = AnalyzerSet::from_settings({
      {"index.analysis.tokenizer.ws.type", "whitespace"},
      {"index.analysis.filter.len.type", "length"},
      {"index.analysis.filter.len.min", "3"},
      {"index.analysis.analyzer.a.tokenizer", "ws"},
      {"index.analysis.analyzer.a.filter", "len,unique"},
  });
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_EQ(terms(**set, "a", "ab abc abc-d abc"), (V{"abc", "abc-d"}));
}

TEST(AnalysisSettings, ErrorsAsElasticsearch) {
  EXPECT_EQ(error_of({{"index.analysis.analyzer.my.tokenizer", "nope"}}),
            "Custom Analyzer [my] failed to find tokenizer under name [nope]");
  EXPECT_EQ(error_of({{"index.analysis.analyzer.my.tokenizer", "standard"}, {"index.analysis.analyzer.my.filter", "lowercase,nope"}}),
            "Custom Analyzer [my] failed to find filter under name [nope]");
  EXPECT_EQ(error_of({{"index.analysis.analyzer.my.type", "magic"}}), "Unknown analyzer type [magic] for [my]");
  EXPECT_EQ(error_of({{"index.analysis.analyzer.my.filter", "lowercase"}}),
            "analyzer [my] must specify either an analyzer type, or a tokenizer");
  EXPECT_EQ(error_of({{"index.analysis.analyzer.my.type", "custom"}}), "Custom Analyzer [my] must be configured with a tokenizer");
  EXPECT_EQ(error_of({{"index.analysis.filter.f.type", "magic"}}), "Unknown filter type [magic] for [f]");
  EXPECT_EQ(error_of({{"index.analysis.filter.f.stopwords", "a"}}),
            "filter [f] must specify either an analyzer type, or a tokenizer");
  EXPECT_EQ(error_of({{"index.analysis.tokenizer.t.type", "magic"}}), "Unknown tokenizer type [magic] for [t]");
  EXPECT_EQ(error_of({{"index.analysis.tokenizer.t.type", "standard"}, {"index.analysis.tokenizer.t.max_token_length", "0"}}),
            "maxTokenLength must be greater than 0 and less than 1048576 passed: 0");
  EXPECT_NE(error_of({{"index.analysis.filter.f.type", "stemmer"}, {"index.analysis.filter.f.language", "klingon"}}), "<ok>");
  EXPECT_NE(error_of({{"index.analysis.filter.f.type", "length"}, {"index.analysis.filter.f.min", "5"},
                      {"index.analysis.filter.f.max", "2"}}),
            "<ok>");
  EXPECT_NE(error_of({{"index.analysis.char_filter.c.type", "html_strip"}}), "<ok>");  // not supported: said, not ignored
}

TEST(AnalysisSettings, MappingChecksAnalyzerNamesOnceAttached) {
  auto set = AnalyzerSet::from_settings({{"index.analysis.analyzer.my.tokenizer", "whitespace"}});
  ASSERT_TRUE(set.ok());
  Mapping m;
  m.set_analyzers(*set);
  json::Document ok_doc;
  ok_doc.Parse(R"({"properties":{"t":{"type":"text","analyzer":"my","search_analyzer":"english"}}})");
  EXPECT_TRUE(m.merge_es_json(ok_doc).ok());
  json::Document bad_doc;
  bad_doc.Parse(R"({"properties":{"u":{"type":"text","analyzer":"other"}}})");
  Status st = m.merge_es_json(bad_doc);
  EXPECT_EQ(st.code(), Code::kMapperParsing);
  EXPECT_EQ(st.message(), "analyzer [other] has not been configured in mappings");
}

}  // namespace
}  // namespace quarry::index
