// The highlighter's fragmenting and tagging, and parsing of the highlight clause.
#include <gtest/gtest.h>

#include "query/highlight.h"

using namespace quarry;
using namespace quarry::query;

TEST(HighlightTextTest, WholeFieldWithNumberOfFragmentsZero) {
  HighlightOptions o;
  o.number_of_fragments = 0;
  std::string text = "the quick brown fox";
  EXPECT_EQ(highlight_text(text, {{4, 9}, {16, 19}}, o), (std::vector<std::string>{"the <em>quick</em> brown <em>fox</em>"}));
  o.pre_tags = std::vector<std::string>{"<b>"};
  o.post_tags = std::vector<std::string>{"</b>"};
  EXPECT_EQ(highlight_text(text, {{0, 3}}, o), (std::vector<std::string>{"<b>the</b> quick brown fox"}));
}

TEST(HighlightTextTest, FragmentsAroundMatchesCutAtWords) {
  std::string text = "one two three four five six seven eight nine ten eleven twelve";
  HighlightOptions o;
  o.fragment_size = 14;
  auto frags = highlight_text(text, {{8, 13}, {49, 55}}, o);  // "three", "eleven"
  ASSERT_EQ(frags.size(), 2u);
  EXPECT_NE(frags[0].find("<em>three</em>"), std::string::npos) << frags[0];
  EXPECT_NE(frags[1].find("<em>eleven</em>"), std::string::npos) << frags[1];
  for (const auto& f : frags) {
    EXPECT_LE(f.size(), 14u + 9u + 2u) << f;  // fragment plus tags, word-aligned
    EXPECT_NE(f.front(), ' ');
    EXPECT_NE(f.back(), ' ');
  }
  o.number_of_fragments = 1;
  EXPECT_EQ(highlight_text(text, {{8, 13}, {49, 55}}, o).size(), 1u);
}

TEST(HighlightTextTest, OrderByScoreAndNoMatchSize) {
  std::string text = "aa bb cc dd ee ff gg hh ii jj kk ll mm nn aa bb";
  HighlightOptions o;
  o.fragment_size = 8;
  o.order = "score";
  // The second fragment holds two distinct matches: it comes first by score.
  auto frags = highlight_text(text, {{0, 2}, {42, 44}, {45, 47}}, o);
  ASSERT_EQ(frags.size(), 2u);
  EXPECT_EQ(frags[0], "nn <em>aa</em> <em>bb</em>");
  EXPECT_EQ(frags[1], "<em>aa</em> bb cc");
  HighlightOptions n;
  n.no_match_size = 7;
  EXPECT_EQ(highlight_text(text, {}, n), (std::vector<std::string>{"aa bb"}));
  EXPECT_TRUE(highlight_text(text, {}, HighlightOptions{}).empty());
}

TEST(HighlightTextTest, HtmlEncoder) {
  HighlightOptions o;
  o.number_of_fragments = 0;
  o.encoder = "html";
  EXPECT_EQ(highlight_text("a<b> x", {{5, 6}}, o), (std::vector<std::string>{"a&lt;b&gt; <em>x</em>"}));
}

TEST(HighlightParseTest, OptionsAndErrors) {
  json::Document d;
  ASSERT_TRUE(json::parse(R"({"pre_tags":["<x>"],"fields":{"title":{"fragment_size":50},"body*":{}},"order":"score"})", d).ok());
  HighlightSpec spec;
  ASSERT_TRUE(parse_highlight(d, &spec).ok());
  ASSERT_EQ(spec.fields.size(), 2u);
  EXPECT_EQ(spec.fields[0].name, "title");
  EXPECT_EQ(*spec.fields[0].options.fragment_size, 50);
  EXPECT_EQ(spec.defaults.pre_tags->front(), "<x>");
  ASSERT_TRUE(json::parse(R"({"fields":{"t":{"nope":1}}})", d).ok());
  HighlightSpec bad;
  EXPECT_FALSE(parse_highlight(d, &bad).ok());
}
