// Tests of index/analysis.h: the built-in analyzers, positions and byte offsets.
#include "index/analysis.h"
#include "index/analyzer_set.h"

#include <gtest/gtest.h>

namespace quarry::index {
namespace {

std::vector<std::string> terms(std::string_view analyzer, std::string_view text) {
  std::vector<std::string> out;
  for (const Token& t : analyze(analyzer, text)) out.push_back(t.term);
  return out;
}

using V = std::vector<std::string>;

TEST(Analysis, StandardMatchesElasticsearchExample) {
  EXPECT_EQ(terms("standard", "The 2 QUICK Brown-Foxes jumped over the lazy dog's bone."),
            (V{"the", "2", "quick", "brown", "foxes", "jumped", "over", "the", "lazy", "dog's", "bone"}));
  EXPECT_EQ(terms("", "The 2 QUICK"), (V{"the", "2", "quick"}));  // "" = standard
}

TEST(Analysis, StandardKeepsNumbersApostrophesAndUnderscores) {
  EXPECT_EQ(terms("standard", "pi is 3.14, not 1,000!"), (V{"pi", "is", "3.14", "not", "1,000"}));
  EXPECT_EQ(terms("standard", "Don't stop"), (V{"don't", "stop"}));
  EXPECT_EQ(terms("standard", "I don\u2019t"), (V{"i", "don\u2019t"}));
  EXPECT_EQ(terms("standard", "snake_case 'quoted' end."), (V{"snake_case", "quoted", "end"}));
  EXPECT_EQ(terms("standard", "U.S.A. v2.0"), (V{"u.s.a", "v2.0"}));
  EXPECT_EQ(terms("standard", "--- ... !!!"), V{});
  EXPECT_EQ(terms("standard", ""), V{});
}

TEST(Analysis, StandardUnicode) {
  EXPECT_EQ(terms("standard", "ÉCOLE Straße ΑΘΗΝΑ"), (V{"école", "straße", "αθηνα"}));
  EXPECT_EQ(terms("standard", "我爱北京"), (V{"我", "爱", "北", "京"}));
  EXPECT_EQ(terms("standard", "カタカナ test"), (V{"カタカナ", "test"}));
  EXPECT_EQ(terms("standard", "cafe\u0301 ok"), (V{"cafe\u0301", "ok"}));  // combining accent stays
}

TEST(Analysis, PositionsAndByteOffsets) {
  auto tokens = analyze("standard", "Hello  wörld, again");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].term, "hello");
  EXPECT_EQ(tokens[0].position, 0u);
  EXPECT_EQ(tokens[0].start_offset, 0u);
  EXPECT_EQ(tokens[0].end_offset, 5u);
  EXPECT_EQ(tokens[1].term, "wörld");
  EXPECT_EQ(tokens[1].position, 1u);
  EXPECT_EQ(tokens[1].start_offset, 7u);
  EXPECT_EQ(tokens[1].end_offset, 13u);  // ö is two bytes
  EXPECT_EQ(tokens[2].position, 2u);
  EXPECT_EQ(tokens[2].start_offset, 15u);
}

TEST(Analysis, LongTokensAreSplitAt255Characters) {
  std::string text(300, 'a');
  auto tokens = analyze("standard", text + " b");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].term.size(), 255u);
  EXPECT_EQ(tokens[1].term.size(), 45u);
  EXPECT_EQ(tokens[1].position, 1u);
  EXPECT_EQ(tokens[1].start_offset, 255u);
  EXPECT_EQ(tokens[2].term, "b");
}

TEST(Analysis, SimpleWhitespaceKeyword) {
  EXPECT_EQ(terms("simple", "Don't stop-2 Believing"), (V{"don", "t", "stop", "believing"}));
  EXPECT_EQ(terms("whitespace", "Hello  World\tfoo-Bar\n"), (V{"Hello", "World", "foo-Bar"}));
  EXPECT_EQ(terms("keyword", "Hello World"), (V{"Hello World"}));
  EXPECT_EQ(terms("keyword", ""), V{});
}

TEST(Analysis, AnalyzeEachAgreesWithAnalyze) {
  const char* text = "The quick brown fox's 3.5 jumps; über alles";
  auto tokens = analyze("standard", text);
  std::vector<std::pair<std::string, unsigned>> seen;
  AnalyzerSet::builtin()->analyze_each("standard", text, [&](const std::string& term, unsigned pos, unsigned, unsigned) {
    seen.emplace_back(term, pos);
  });
  ASSERT_EQ(seen.size(), tokens.size());
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].first, tokens[i].term);
    EXPECT_EQ(seen[i].second, tokens[i].position);
  }
}

TEST(Analysis, InvalidUtf8NeverCrashes) {
  std::string bad = "\xff\xfe" "abc \xc3" "def\xe2\x82";
  auto t = terms("standard", bad);
  ASSERT_FALSE(t.empty());
  EXPECT_EQ(t[0], "abc");
  EXPECT_NO_THROW(terms("simple", bad));
  EXPECT_NO_THROW(terms("whitespace", bad));
}

TEST(Analysis, KnownAnalyzers) {
  for (const char* a : {"standard", "simple", "whitespace", "keyword"}) EXPECT_TRUE(is_known_analyzer(a)) << a;
  EXPECT_TRUE(is_known_analyzer("english"));
  EXPECT_FALSE(is_known_analyzer("nope"));
}

}  // namespace
}  // namespace quarry::index
