// Tests of the analysis chains: built-in analyzers beyond standard, each tokenizer and token
// filter, token types, positions (gaps left by stop/length, none by unique) and byte offsets.
#include <gtest/gtest.h>
#include <xapian.h>

#include "index/analysis.h"
#include "index/analyzer_set.h"

namespace quarry::index {
namespace {

using V = std::vector<std::string>;

// "term@position[start-end]" for each token: one string shows everything a test asserts.
V describe(const std::vector<Token>& tokens) {
  V out;
  for (const Token& t : tokens) {
    out.push_back(t.term + "@" + std::to_string(t.position) + "[" + std::to_string(t.start_offset) + "-" +
                  std::to_string(t.end_offset) + "]");
  }
  return out;
}

V terms(const std::vector<Token>& tokens) {
  V out;
  for (const Token& t : tokens) out.push_back(t.term);
  return out;
}

const AnalyzerSet& builtin() { return *AnalyzerSet::builtin(); }

// An ad hoc chain of built-in components, as _analyze builds one.
Analyzer chain(const std::string& tokenizer, const V& filters) {
  std::vector<ComponentRef> refs;
  for (const auto& f : filters) refs.push_back(ComponentRef{f, {}});
  auto a = builtin().build_chain(ComponentRef{tokenizer, {}}, refs, true);
  EXPECT_TRUE(a.ok()) << a.status().message();
  return a.ok() ? a.value() : Analyzer();
}

Analyzer inline_filter_chain(const std::string& tokenizer, const AnalysisParams& filter) {
  auto a = builtin().build_chain(ComponentRef{tokenizer, {}}, {ComponentRef{"", filter}}, true);
  EXPECT_TRUE(a.ok()) << a.status().message();
  return a.ok() ? a.value() : Analyzer();
}

TEST(BuiltinAnalyzers, StopAnalyzerLeavesPositionGaps) {
  EXPECT_EQ(describe(builtin().analyze("stop", "The QUICK brown-fox")),
            (V{"quick@1[4-9]", "brown@2[10-15]", "fox@3[16-19]"}));
}

TEST(BuiltinAnalyzers, EnglishRemovesPossessivesStopWordsAndStems) {
  EXPECT_EQ(describe(builtin().analyze("english", "The runners' dog's running quickly")),
            (V{"runner@1[4-11]", "dog@2[13-18]", "run@3[19-26]", "quickli@4[27-34]"}));
  // "runs" and "running" meet at the same stem: what makes a stemmed field match both.
  EXPECT_EQ(terms(builtin().analyze("english", "runs running")), (V{"run", "run"}));
}

TEST(BuiltinAnalyzers, LanguageAnalyzersStemWithXapian) {
  for (const char* lang : {"french", "german", "spanish", "russian", "italian", "portuguese", "dutch", "swedish"}) {
    ASSERT_TRUE(builtin().contains(lang)) << lang;
  }
  Xapian::Stem french("french");
  EXPECT_EQ(terms(builtin().analyze("french", "Chevaux MANGEAIENT")), (V{french("chevaux"), french("mangeaient")}));
  Xapian::Stem russian("russian");
  EXPECT_EQ(terms(builtin().analyze("russian", "Книги")), (V{russian("книги")}));
  EXPECT_FALSE(builtin().contains("klingon"));
}

TEST(BuiltinAnalyzers, SimpleWhitespaceKeywordKeepOffsets) {
  EXPECT_EQ(describe(builtin().analyze("simple", "It's 2FAST")), (V{"it@0[0-2]", "s@1[3-4]", "fast@2[6-10]"}));
  EXPECT_EQ(describe(builtin().analyze("whitespace", " Foo-Bar  baz")), (V{"Foo-Bar@0[1-8]", "baz@1[10-13]"}));
  EXPECT_EQ(describe(builtin().analyze("keyword", "New York")), (V{"New York@0[0-8]"}));
}

TEST(TokenTypes, StandardTokenizerTypesAsElasticsearch) {
  auto tokens = builtin().analyze("standard", "abc 123 3.14 x1 カタカナ 我 ひ 한국");
  std::vector<std::string> types;
  for (const auto& t : tokens) types.push_back(token_type_name(t.type));
  EXPECT_EQ(types, (V{"<ALPHANUM>", "<NUM>", "<NUM>", "<ALPHANUM>", "<KATAKANA>", "<IDEOGRAPHIC>", "<HIRAGANA>",
                      "<HANGUL>"}));
  EXPECT_STREQ(token_type_name(builtin().analyze("whitespace", "abc")[0].type), "word");
}

TEST(Tokenizers, EachTokenizer) {
  EXPECT_EQ(describe(chain("letter", {}).analyze("It's 2Fast")), (V{"It@0[0-2]", "s@1[3-4]", "Fast@2[6-10]"}));
  EXPECT_EQ(terms(chain("lowercase", {}).analyze("It's 2Fast")), (V{"it", "s", "fast"}));
  EXPECT_EQ(terms(chain("whitespace", {}).analyze("It's 2Fast")), (V{"It's", "2Fast"}));
  EXPECT_EQ(terms(chain("keyword", {"lowercase"}).analyze("Hello World")), (V{"hello world"}));
  EXPECT_EQ(terms(chain("standard", {}).analyze("Hello World")), (V{"Hello", "World"}));  // no lowercase of its own
}

TEST(Tokenizers, MaxTokenLengthSplits) {
  auto set = AnalyzerSet::from_settings({{"index.analysis.tokenizer.t5.type", "standard"},
                                          {"index.analysis.tokenizer.t5.max_token_length", "5"},
                                          {"index.analysis.analyzer.a.tokenizer", "t5"}});
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_EQ(describe((*set)->analyze("a", "abcdefghij xy")), (V{"abcde@0[0-5]", "fghij@1[5-10]", "xy@2[11-13]"}));
}

TEST(Filters, LowercaseUppercase) {
  EXPECT_EQ(terms(chain("whitespace", {"lowercase"}).analyze("ÉCOLE Straße ABC")), (V{"école", "straße", "abc"}));
  EXPECT_EQ(terms(chain("whitespace", {"uppercase"}).analyze("école abc")), (V{"ÉCOLE", "ABC"}));
}

TEST(Filters, StopDefaultEnglishAndCustomListWithGaps) {
  EXPECT_EQ(describe(chain("standard", {"lowercase", "stop"}).analyze("The fox and THE dog")),
            (V{"fox@1[4-7]", "dog@4[16-19]"}));
  auto custom = inline_filter_chain("whitespace", {{"type", "stop"}, {"stopwords", "foo,Bar"}});
  EXPECT_EQ(describe(custom.analyze("foo x Bar bar")), (V{"x@1[4-5]", "bar@3[10-13]"}));
  auto ignore_case = inline_filter_chain("whitespace", {{"type", "stop"}, {"stopwords", "Bar"}, {"ignore_case", "true"}});
  EXPECT_EQ(terms(ignore_case.analyze("BAR x bar")), (V{"x"}));
  auto none = inline_filter_chain("whitespace", {{"type", "stop"}, {"stopwords", "_none_"}});
  EXPECT_EQ(terms(none.analyze("the a")), (V{"the", "a"}));
}

TEST(Filters, StemmerSnowballPorterPossessive) {
  Xapian::Stem porter("porter"), english("english"), german("german");
  EXPECT_EQ(terms(chain("standard", {"porter_stem"}).analyze("running generously")),
            (V{porter("running"), porter("generously")}));
  EXPECT_EQ(terms(chain("standard", {"stemmer"}).analyze("generously")), (V{porter("generously")}));  // english = Porter
  EXPECT_EQ(terms(chain("standard", {"snowball"}).analyze("generously")), (V{english("generously")}));  // English = porter2
  EXPECT_EQ(terms(inline_filter_chain("standard", {{"type", "stemmer"}, {"language", "porter2"}}).analyze("generously")),
            (V{english("generously")}));
  EXPECT_EQ(terms(inline_filter_chain("standard", {{"type", "snowball"}, {"language", "German"}}).analyze("häuser")),
            (V{german("häuser")}));
  EXPECT_EQ(terms(inline_filter_chain("standard", {{"type", "stemmer"}, {"language", "possessive_english"}})
                      .analyze("John's dogs")),
            (V{"John", "dogs"}));
}

TEST(Filters, AsciiFolding) {
  EXPECT_EQ(terms(chain("whitespace", {"asciifolding"}).analyze("Crème Brûlée ÆON straße Łódź naïve")),
            (V{"Creme", "Brulee", "AEON", "strasse", "Lodz", "naive"}));
  EXPECT_EQ(terms(chain("whitespace", {"asciifolding"}).analyze("日本 ok")), (V{"日本", "ok"}));  // nothing to fold
}

TEST(Filters, LengthLeavesGaps) {
  auto a = inline_filter_chain("whitespace", {{"type", "length"}, {"min", "2"}, {"max", "4"}});
  EXPECT_EQ(describe(a.analyze("a bb ccc ddddd ee")), (V{"bb@1[2-4]", "ccc@2[5-8]", "ee@4[15-17]"}));
}

TEST(Filters, UniqueLeavesNoGaps) {
  EXPECT_EQ(describe(chain("whitespace", {"unique"}).analyze("a b a c b")), (V{"a@0[0-1]", "b@1[2-3]", "c@2[6-7]"}));
}

TEST(Filters, OrderMatters) {
  // Lowercase after stop: "The" is not a stop word yet; stop after lowercase removes it.
  EXPECT_EQ(terms(chain("whitespace", {"stop", "lowercase"}).analyze("The end")), (V{"the", "end"}));
  EXPECT_EQ(terms(chain("whitespace", {"lowercase", "stop"}).analyze("The end")), (V{"end"}));
}

TEST(AdHocChains, UnknownComponentsAreErrors) {
  auto t = builtin().build_chain(ComponentRef{"nope", {}}, {}, true);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(t.status().message(), "failed to find global tokenizer under [nope]");
  auto f = builtin().build_chain(ComponentRef{"standard", {}}, {ComponentRef{"nope", {}}}, false);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().message(), "failed to find filter under [nope]");
  auto bad_type = builtin().build_chain(ComponentRef{"standard", {}}, {ComponentRef{"", {{"type", "magic"}}}}, true);
  ASSERT_FALSE(bad_type.ok());
  EXPECT_EQ(bad_type.status().message(), "Unknown filter type [magic] for [_anonymous_tokenfilter]");
}

TEST(AnalyzeEach, AgreesWithAnalyzeForEveryBuiltin) {
  const char* text = "The Runners' 3.5 dogs; Über ALLES naïve 日本 don't";
  for (const char* name : {"standard", "simple", "whitespace", "keyword", "stop", "english", "french"}) {
    auto tokens = builtin().analyze(name, text);
    std::vector<Token> seen;
    builtin().analyze_each(name, text, [&](const std::string& term, unsigned pos, unsigned s, unsigned e) {
      seen.push_back(Token{term, pos, s, e});
    });
    EXPECT_EQ(describe(seen), describe(tokens)) << name;
  }
}

}  // namespace
}  // namespace quarry::index
