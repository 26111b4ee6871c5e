// Query DSL parsing: supported queries become the right tree; anything unknown is a parsing error
// that names it (never silently ignored).
#include <gtest/gtest.h>

#include "index/json.h"
#include "query/lucene_syntax.h"
#include "query/query_limits.h"
#include "query/query_parser.h"
#include "query/search_request.h"

namespace quarry::query {
namespace {

Result<QueryPtr> parse(const char* text) {
  json::Document doc;
  EXPECT_TRUE(json::parse(text, doc).ok()) << text;
  return parse_query(doc);
}

TEST(QueryParserTest, MatchShortAndLongForms) {
  auto q = parse(R"({"match":{"review":"great game"}})");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ((*q)->kind, QueryKind::kMatch);
  EXPECT_EQ((*q)->field, "review");
  EXPECT_EQ((*q)->text, "great game");
  EXPECT_FALSE((*q)->operator_and);

  q = parse(R"({"match":{"review":{"query":"great game","operator":"AND","boost":2}}})");
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE((*q)->operator_and);
  EXPECT_FLOAT_EQ((*q)->boost, 2.0f);
}

TEST(QueryParserTest, TermRendersScalarsCanonically) {
  auto q = parse(R"({"term":{"votes":{"value":12}}})");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ((*q)->kind, QueryKind::kTerm);
  EXPECT_EQ((*q)->text, "12");
  q = parse(R"({"term":{"recommended":true}})");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ((*q)->text, "true");
}

TEST(QueryParserTest, BoolNestsEveryClauseKind) {
  auto q = parse(R"({"bool":{"must":{"match":{"a":"x"}},"should":[{"term":{"b":"y"}},{"term":{"b":"z"}}],
                     "must_not":[{"ids":{"values":["1"]}}],"filter":[{"exists":{"field":"c"}}],
                     "minimum_should_match":1}})");
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ((*q)->must.size(), 1u);
  EXPECT_EQ((*q)->should.size(), 2u);
  EXPECT_EQ((*q)->must_not.size(), 1u);
  EXPECT_EQ((*q)->filter.size(), 1u);
  EXPECT_EQ(*(*q)->minimum_should_match, "1");
}

TEST(QueryParserTest, UnknownQueriesAndParametersAreNamed) {
  auto q = parse(R"({"no_such_query":{}})");
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().code(), Code::kParsing);
  EXPECT_EQ(q.status().message(), "unknown query [no_such_query]");

  q = parse(R"({"match":{"review":{"query":"x","fuzzyness":1}}})");
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().message(), "[match] query does not support [fuzzyness]");

  q = parse(R"({"term":{"a":"x","b":"y"}})");
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.status().message().find("multiple fields"), std::string::npos);

  q = parse(R"({"match":{"review":{"operator":"and"}}})");
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().message(), "No text specified for text query");
}

TEST(QueryParserTest, BoolPrefixMultiMatchRejectsSlopAndCutoffFrequencyByName) {
  auto q = parse(R"({"multi_match":{"query":"x","fields":["a","b"],"type":"bool_prefix","slop":1}})");
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().message(), "[slop] not allowed for type [bool_prefix]");
  q = parse(R"({"multi_match":{"query":"x","fields":["a"],"type":"bool_prefix","cutoff_frequency":0.001}})");
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().message(), "[cutoff_frequency] not allowed for type [bool_prefix]");
  q = parse(R"({"multi_match":{"query":"x","fields":["a"],"cutoff_frequency":0.001}})");
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().message(), "[multi_match] query does not support [cutoff_frequency]");
}

TEST(QueryParserTest, QueryStringRegexpsAndTheirLengthLimit) {
  LuceneOptions options;
  auto q = parse_lucene_query(R"(review:/gr[ae]at\/ish/^2 other)", options);
  ASSERT_TRUE(q.ok()) << q.status().message();
  const QueryNode* regexp = nullptr;
  for (const auto* list : {&(*q)->must, &(*q)->should}) {
    for (const auto& c : *list) {
      if (c->kind == QueryKind::kRegexp) regexp = c.get();
    }
  }
  ASSERT_NE(regexp, nullptr);
  EXPECT_EQ(regexp->field, "review");
  EXPECT_EQ(regexp->text, "gr[ae]at/ish");
  EXPECT_FLOAT_EQ(regexp->boost, 2.0f);

  EXPECT_FALSE(parse_lucene_query("/never closed", options).ok());

  auto long_one = parse_lucene_query("/" + std::string(1110, 'a') + "/", options);
  ASSERT_TRUE(long_one.ok());
  IndexLimits limits;
  auto st = check_index_limits(**long_one, limits);
  EXPECT_EQ(st.message(), "The length of regex [1110] used in the Regexp Query request has exceeded the allowed "
                          "maximum of [1000]. This maximum can be set by changing the [index.max_regex_length] index "
                          "level setting.");
  limits.max_regex_length = 2000;
  EXPECT_TRUE(check_index_limits(**long_one, limits).ok());
}

TEST(SearchRequestTest, BodyFieldsAndUnknownKeys) {
  json::Document doc;
  ASSERT_TRUE(json::parse(R"({"query":{"match_all":{}},"from":5,"size":20,"track_total_hits":true,
                               "_source":{"includes":["a.*"],"excludes":["a.secret"]}})", doc).ok());
  SearchRequest sr;
  ASSERT_TRUE(parse_search_body(doc, &sr).ok());
  EXPECT_EQ(sr.from, 5);
  EXPECT_EQ(sr.size, 20);
  EXPECT_EQ(sr.track_total_hits, -1);
  EXPECT_EQ(sr.source.includes, std::vector<std::string>{"a.*"});

  ASSERT_TRUE(json::parse(R"({"aggs":{"g":{"terms":{"field":"game"}}},"post_filter":{"term":{"game":"x"}}})", doc).ok());
  SearchRequest with_aggs;
  ASSERT_TRUE(parse_search_body(doc, &with_aggs).ok());
  ASSERT_TRUE(with_aggs.aggs);
  EXPECT_EQ(with_aggs.aggs->size(), 1u);
  EXPECT_TRUE(with_aggs.post_filter);

  ASSERT_TRUE(json::parse(R"({"aggs":{}, "aggregations":{}})", doc).ok());
  SearchRequest twice;
  EXPECT_EQ(parse_search_body(doc, &twice).code(), Code::kParsing);

  ASSERT_TRUE(json::parse(R"({"no_such_key":{}})", doc).ok());
  SearchRequest unknown;
  Status st = parse_search_body(doc, &unknown);
  EXPECT_EQ(st.code(), Code::kParsing);
  EXPECT_NE(st.message().find("no_such_key"), std::string::npos) << st.message();
}

TEST(SearchRequestTest, SourceFilteringKeepsOnlyWhatIsAsked) {
  SourceFilter f;
  f.includes = {"author.*", "review"};
  f.excludes = {"author.steamid"};
  std::string out = filter_source(R"({"review":"ok","app_id":1,"author":{"steamid":"7","playtime":5}})", f);
  EXPECT_EQ(out, R"({"review":"ok","author":{"playtime":5}})");
  SourceFilter none;
  std::string raw = R"({ "b" : 1,"a":2 })";
  EXPECT_EQ(filter_source(raw, none), raw) << "unfiltered sources stay byte-for-byte";
}

}  // namespace
}  // namespace quarry::query
