// Every query type of the Query DSL against a real in-memory Xapian index built by the document
// mapper: the documents found, and where it matters the order / scores Elasticsearch gives.
#include <gtest/gtest.h>
#include <xapian.h>

#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include "index/document_mapper.h"
#include "index/json.h"
#include "index/mapping.h"
#include "query/q_common.h"
#include "query/q_sources.h"
#include "query/query_parser.h"
#include "query/to_xapian.h"

namespace quarry::query {
namespace {

using Ids = std::set<std::string>;

class QueriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    json::Document m;
    ASSERT_TRUE(json::parse(R"({"properties":{
        "review":{"type":"text"},"title":{"type":"text"},
        "app_name":{"type":"text","fields":{"keyword":{"type":"keyword"}}},
        "game":{"type":"keyword"},"votes":{"type":"long"},"score":{"type":"double"},
        "recommended":{"type":"boolean"},"created":{"type":"date"},
        "day":{"type":"date","format":"yyyy-MM-dd"}}})", m).ok());
    auto mapping = index::Mapping::from_es_json(m);
    ASSERT_TRUE(mapping.ok()) << mapping.status().message();
    mapping_ = std::make_unique<index::Mapping>(std::move(mapping).value());
    add("1", R"({"review":"Great game, great story","title":"A masterpiece","app_name":"Portal 2","game":"Portal",
                 "votes":10,"score":0.5,"recommended":true,"created":"2020-01-02T10:00:00Z","day":"2020-01-02"})");
    add("2", R"({"review":"Crashes on start. Refund!","title":"Broken","app_name":"Portal","game":"Portal",
                 "votes":0,"score":1.0,"recommended":false,"created":"2020-01-31T23:59:59Z","day":"2020-01-31"})");
    add("3", R"({"review":"Great fun with friends","title":"Fun story","app_name":"Dota 2","game":"Dota",
                 "votes":3,"recommended":true,"created":"2020-02-01T00:00:00Z","day":"2020-02-01"})");
    add("4", R"({"review":"the story is quick and the fox jumped over the lazy dog","game":"Fox",
                 "votes":250,"score":2.5,"created":"2021-06-15T12:00:00Z"})");
  }

  void add(const std::string& id, const char* source) {
    json::Document doc;
    ASSERT_TRUE(json::parse(source, doc).ok());
    Xapian::Document xdoc;
    ASSERT_TRUE(index::DocumentMapper::index(*mapping_, doc, xdoc).ok());
    xdoc.add_boolean_term(index::kIdPrefix + id);
    xdoc.set_data(id);
    db_.add_document(xdoc);
  }

  Result<Xapian::Query> build(const std::string& dsl) {
    json::Document doc;
    EXPECT_TRUE(json::parse(dsl, doc).ok()) << dsl;
    auto node = parse_query(doc);
    if (!node.ok()) return node.status();
    try {
      return to_xapian(**node, *mapping_);
    } catch (const Xapian::Error& e) {
      ADD_FAILURE() << dsl << ": " << e.get_description();
      return Status::Internal(e.get_description());
    }
  }

  // Hits best first with their scores.
  std::vector<std::pair<std::string, double>> ranked(const std::string& dsl) {
    auto q = build(dsl);
    EXPECT_TRUE(q.ok()) << dsl << ": " << q.status().message();
    if (!q.ok()) return {};
    Xapian::Enquire enquire(db_);
    enquire.set_query(*q);
    std::unique_ptr<Xapian::Weight> weight(new_inner_weight());
    enquire.set_weighting_scheme(*weight);
    std::vector<std::pair<std::string, double>> out;
    Xapian::MSet mset;
    try {
      mset = enquire.get_mset(0, 100);
    } catch (const Xapian::Error& e) {
      ADD_FAILURE() << dsl << ": " << e.get_description();
    }
    for (auto it = mset.begin(); it != mset.end(); ++it) out.emplace_back(it.get_document().get_data(), it.get_weight());
    return out;
  }

  Ids run(const std::string& dsl) {
    Ids ids;
    for (auto& [id, s] : ranked(dsl)) ids.insert(id);
    return ids;
  }

  std::vector<std::string> order(const std::string& dsl) {
    std::vector<std::string> ids;
    for (auto& [id, s] : ranked(dsl)) ids.push_back(id);
    return ids;
  }

  std::map<std::string, double> scores(const std::string& dsl) {
    std::map<std::string, double> m;
    for (auto& [id, s] : ranked(dsl)) m[id] = s;
    return m;
  }

  Status error(const std::string& dsl) {
    try {
      auto q = build(dsl);
      return q.ok() ? Status::Ok() : q.status();
    } catch (const Xapian::Error& e) {
      return Status::Internal(e.get_description());
    }
  }
  Status unused(const std::string& dsl) {
    auto q = build(dsl);
    return q.ok() ? Status::Ok() : q.status();
  }

  std::unique_ptr<index::Mapping> mapping_;
  Xapian::WritableDatabase db_{std::string(), Xapian::DB_BACKEND_INMEMORY};
};

TEST(MinimumShouldMatch, AllForms) {
  EXPECT_EQ(min_should_match("3", 5).value(), 3);
  EXPECT_EQ(min_should_match("-2", 5).value(), 3);
  EXPECT_EQ(min_should_match("75%", 4).value(), 3);
  EXPECT_EQ(min_should_match("75%", 5).value(), 3);    // 3.75 rounds down
  EXPECT_EQ(min_should_match("-25%", 5).value(), 4);   // 1.25 missing rounds down -> 4 required
  EXPECT_EQ(min_should_match("3<90%", 3).value(), 3);  // at or below 3: all
  EXPECT_EQ(min_should_match("3<90%", 10).value(), 9);
  EXPECT_EQ(min_should_match("2<-25% 9<-3", 2).value(), 2);
  EXPECT_EQ(min_should_match("2<-25% 9<-3", 8).value(), 6);
  EXPECT_EQ(min_should_match("2<-25% 9<-3", 12).value(), 9);
  EXPECT_EQ(min_should_match("-7", 5).value(), 0);
  EXPECT_FALSE(min_should_match("abc", 5).ok());
  EXPECT_FALSE(min_should_match("3<", 5).ok());
}

TEST_F(QueriesTest, MatchOperatorAndMinimumShouldMatch) {
  EXPECT_EQ(run(R"({"match":{"review":"great story"}})"), (Ids{"1", "3", "4"}));
  EXPECT_EQ(run(R"({"match":{"review":{"query":"great story","operator":"and"}}})"), (Ids{"1"}));
  EXPECT_EQ(run(R"({"match":{"review":{"query":"great story fun friends","minimum_should_match":3}}})"), (Ids{"3"}));
  EXPECT_EQ(run(R"({"match":{"review":{"query":"great story fun friends","minimum_should_match":"50%"}}})"),
            (Ids{"1", "3"}));
  EXPECT_EQ(run(R"({"match":{"review":{"query":"great story fun","minimum_should_match":"-1"}}})"), (Ids{"1", "3"}));
  EXPECT_EQ(run(R"({"match":{"review":{"query":"great story fun friends","minimum_should_match":"2<75%"}}})"),
            (Ids{"3"}));
  EXPECT_EQ(run(R"({"match":{"review":{"query":"great","minimum_should_match":"2<75%"}}})"), (Ids{"1", "3"}));
  // More documents with both words rank above those with one.
  EXPECT_EQ(order(R"({"match":{"review":"great story"}})").front(), "1");
}

TEST_F(QueriesTest, MatchFuzzinessAnalyzerZeroTermsLenientBoost) {
  EXPECT_EQ(run(R"({"match":{"review":{"query":"gret","fuzziness":"AUTO"}}})"), (Ids{"1", "3"}));
  EXPECT_EQ(run(R"({"match":{"review":{"query":"grat","fuzziness":1}}})"), (Ids{"1", "3"}));
  EXPECT_EQ(run(R"({"match":{"review":{"query":"gr","fuzziness":"AUTO"}}})"), Ids{}) << "2 chars: exact only";
  EXPECT_EQ(run(R"({"match":{"review":{"query":"rgeat","fuzziness":1}}})"), (Ids{"1", "3"})) << "transposition";
  EXPECT_EQ(run(R"({"match":{"review":{"query":"rgeat","fuzziness":1,"fuzzy_transpositions":false}}})"), Ids{});
  EXPECT_EQ(run(R"({"match":{"review":{"query":"freat","fuzziness":1,"prefix_length":1}}})"), Ids{});
  EXPECT_EQ(run(R"({"match":{"review":{"query":"Great Game","analyzer":"keyword"}}})"), Ids{});
  EXPECT_EQ(run(R"({"match":{"review":{"query":"...","zero_terms_query":"all"}}})"), (Ids{"1", "2", "3", "4"}));
  EXPECT_EQ(run(R"({"match":{"review":{"query":"..."}}})"), Ids{});
  EXPECT_FALSE(error(R"({"match":{"votes":"many"}})").ok());
  EXPECT_EQ(run(R"({"match":{"votes":{"query":"many","lenient":true}}})"), Ids{});
  EXPECT_EQ(run(R"({"match":{"votes":"10"}})"), (Ids{"1"}));
  auto plain = scores(R"({"match":{"review":"refund"}})");
  auto boosted = scores(R"({"match":{"review":{"query":"refund","boost":3}}})");
  EXPECT_NEAR(boosted["2"], 3 * plain["2"], 1e-9);
  EXPECT_EQ(error(R"({"match":{"review":{"query":"x","cutoff_frequency":0.1}}})").code(), Code::kParsing);
  EXPECT_EQ(error(R"({"match":{"review":{"query":"x","analyzer":"nope"}}})").code(), Code::kInvalidArgument);
}

TEST_F(QueriesTest, MatchPhraseAndPrefixes) {
  EXPECT_EQ(run(R"({"match_phrase":{"review":"great story"}})"), (Ids{"1"}));
  EXPECT_EQ(run(R"({"match_phrase":{"review":"story great"}})"), Ids{});
  EXPECT_EQ(run(R"({"match_phrase":{"review":"quick fox"}})"), Ids{});
  EXPECT_EQ(run(R"({"match_phrase":{"review":{"query":"quick fox","slop":3}}})"), (Ids{"4"}));
  EXPECT_EQ(run(R"({"match_phrase":{"review":{"query":"jumped fox","slop":2}}})"), (Ids{"4"}));
  EXPECT_EQ(run(R"({"match_phrase_prefix":{"review":"great sto"}})"), (Ids{"1"}));
  EXPECT_EQ(run(R"({"match_phrase_prefix":{"review":"cras"}})"), (Ids{"2"}));
  EXPECT_EQ(run(R"({"match_bool_prefix":{"review":"friends gre"}})"), (Ids{"1", "3"}));
  EXPECT_EQ(run(R"({"match_bool_prefix":{"review":{"query":"friends gre","operator":"and"}}})"), (Ids{"3"}));
  EXPECT_EQ(error(R"({"match_phrase":{"review":{"query":"x","operator":"and"}}})").code(), Code::kParsing);
}

TEST_F(QueriesTest, MultiMatchTypes) {
  EXPECT_EQ(run(R"({"multi_match":{"query":"story","fields":["review","title"]}})"), (Ids{"1", "3", "4"}));
  EXPECT_EQ(run(R"({"multi_match":{"query":"portal","fields":["app_*"]}})"), (Ids{"1", "2"}));
  EXPECT_EQ(run(R"({"multi_match":{"query":"fun","fields":["*"]}})"), (Ids{"3"}));
  // best_fields = max; most_fields = sum; tie_breaker in between.
  auto best = scores(R"({"multi_match":{"query":"story","fields":["review","title"]}})");
  auto most = scores(R"({"multi_match":{"query":"story","fields":["review","title"],"type":"most_fields"}})");
  auto tie = scores(R"({"multi_match":{"query":"story","fields":["review","title"],"tie_breaker":0.5}})");
  auto review = scores(R"({"match":{"review":"story"}})");
  auto title = scores(R"({"match":{"title":"story"}})");
  EXPECT_NEAR(best["3"], std::max(review["3"], title["3"]), 1e-9);
  EXPECT_NEAR(most["3"], review["3"] + title["3"], 1e-9);
  EXPECT_NEAR(tie["3"], std::max(review["3"], title["3"]) + 0.5 * std::min(review["3"], title["3"]), 1e-9);
  auto boosted = scores(R"({"multi_match":{"query":"story","fields":["review","title^4"]}})");
  EXPECT_NEAR(boosted["3"], std::max(review["3"], 4 * title["3"]), 1e-9);
  EXPECT_EQ(run(R"({"multi_match":{"query":"great story","fields":["review","title"],"type":"phrase"}})"), (Ids{"1"}));
  EXPECT_EQ(run(R"({"multi_match":{"query":"fun sto","fields":["title"],"type":"phrase_prefix"}})"), (Ids{"3"}));
  EXPECT_EQ(run(R"({"multi_match":{"query":"masterp","fields":["review","title"],"type":"bool_prefix"}})"), (Ids{"1"}));
  // cross_fields: every word in some field.
  EXPECT_EQ(run(R"({"multi_match":{"query":"masterpiece great","fields":["review","title"],"type":"cross_fields","operator":"and"}})"),
            (Ids{"1"}));
  EXPECT_EQ(run(R"({"multi_match":{"query":"masterpiece great","fields":["review","title"],"operator":"and"}})"), Ids{});
  EXPECT_EQ(error(R"({"multi_match":{"query":"x","type":"nope"}})").code(), Code::kParsing);
  EXPECT_EQ(error(R"({"multi_match":{"query":"x","type":"phrase","fuzziness":1}})").code(), Code::kParsing);
}

TEST_F(QueriesTest, RangeNumbersDatesKeywords) {
  EXPECT_EQ(run(R"({"range":{"votes":{"gte":3}}})"), (Ids{"1", "3", "4"}));
  EXPECT_EQ(run(R"({"range":{"votes":{"gt":3,"lte":250}}})"), (Ids{"1", "4"}));
  EXPECT_EQ(run(R"({"range":{"votes":{"lt":3}}})"), (Ids{"2"}));
  EXPECT_EQ(run(R"({"range":{"votes":{"gt":2.5,"lt":10.5}}})"), (Ids{"1", "3"}));
  EXPECT_EQ(run(R"({"range":{"score":{"gt":0.5}}})"), (Ids{"2", "4"}));
  EXPECT_EQ(run(R"({"range":{"votes":{"from":0,"to":3,"include_upper":false}}})"), (Ids{"2"}));
  EXPECT_EQ(run(R"({"range":{"created":{"gte":"2020-01-01","lt":"2020-02-01"}}})"), (Ids{"1", "2"}));
  EXPECT_EQ(run(R"({"range":{"created":{"lte":"2020-01-31||/d"}}})"), (Ids{"1", "2"})) << "lte rounds up";
  EXPECT_EQ(run(R"({"range":{"created":{"gt":"2020-01-31||/d"}}})"), (Ids{"3", "4"})) << "gt rounds up";
  EXPECT_EQ(run(R"({"range":{"created":{"gte":"2020-01-31||/M","lt":"2020-01-31||+1M/M"}}})"), (Ids{"1", "2"}));
  EXPECT_EQ(run(R"({"range":{"created":{"gte":"now-1000d/d"}}})"), Ids{}) << "all older than 1000 days";
  EXPECT_EQ(run(R"({"range":{"created":{"lt":"now"}}})"), (Ids{"1", "2", "3", "4"}));
  EXPECT_EQ(run(R"({"range":{"created":{"gte":"01/02/2020","lte":"01/02/2020","format":"dd/MM/yyyy"}}})"), (Ids{"3"}))
      << "the date is read as 2020-02-01T00:00 both sides";
  EXPECT_EQ(run(R"({"range":{"created":{"gte":"01/02/2020","lte":"01/02/2020||/d","format":"dd/MM/yyyy"}}})"),
            (Ids{"3"}));
  // 2020-02-01T00:00Z is 2020-01-31T19:00 in -05:00: in January there.
  EXPECT_EQ(run(R"({"range":{"created":{"gte":"2020-01-31","lte":"2020-01-31||/d","time_zone":"-05:00"}}})"),
            (Ids{"2", "3"}));
  EXPECT_EQ(run(R"({"range":{"day":{"gte":"2020-01-31"}}})"), (Ids{"2", "3"}));
  EXPECT_EQ(run(R"({"range":{"game":{"gte":"Dota","lt":"Portal"}}})"), (Ids{"3", "4"}));
  EXPECT_EQ(run(R"({"range":{"game":{"gt":"Dota"}}})"), (Ids{"1", "2", "4"}));
  EXPECT_EQ(run(R"({"range":{"votes":{}}})"), (Ids{"1", "2", "3", "4"}));
  EXPECT_FALSE(error(R"({"range":{"votes":{"gte":"abc"}}})").ok());
  EXPECT_EQ(error(R"({"range":{"created":{"gte":"garbage"}}})").code(), Code::kParsing);
  EXPECT_EQ(error(R"({"range":{"votes":{"gte":1,"foo":2}}})").code(), Code::kParsing);
  // Constant score = boost.
  auto s = scores(R"({"range":{"votes":{"gte":3,"boost":2}}})");
  EXPECT_DOUBLE_EQ(s["1"], 2.0);
}

TEST_F(QueriesTest, PrefixWildcardRegexpFuzzy) {
  EXPECT_EQ(run(R"({"prefix":{"review":"cra"}})"), (Ids{"2"}));
  EXPECT_EQ(run(R"({"prefix":{"game":{"value":"Po"}}})"), (Ids{"1", "2"}));
  EXPECT_EQ(run(R"({"prefix":{"game":{"value":"po","case_insensitive":true}}})"), (Ids{"1", "2"}));
  EXPECT_EQ(run(R"({"wildcard":{"game":"P*l"}})"), (Ids{"1", "2"}));
  EXPECT_EQ(run(R"({"wildcard":{"game":"?ota"}})"), (Ids{"3"}));
  EXPECT_EQ(run(R"({"wildcard":{"review":{"value":"*ash*"}}})"), (Ids{"2"}));
  EXPECT_EQ(run(R"({"wildcard":{"game":{"wildcard":"*O*","case_insensitive":true}}})"), (Ids{"1", "2", "3", "4"}));
  EXPECT_EQ(run(R"({"regexp":{"game":"P.*"}})"), (Ids{"1", "2"}));
  EXPECT_EQ(run(R"({"regexp":{"review":"gr[a-e]+t"}})"), (Ids{"1", "3"}));
  EXPECT_EQ(run(R"j({"regexp":{"game":"(Dota|Fox)"}})j"), (Ids{"3", "4"}));
  EXPECT_EQ(error(R"({"regexp":{"game":"~x"}})").code(), Code::kParsing);
  EXPECT_EQ(error(R"({"regexp":{"game":"(unclosed"}})").code(), Code::kInvalidArgument);
  EXPECT_EQ(run(R"({"fuzzy":{"game":"Portl"}})"), (Ids{"1", "2"}));
  EXPECT_EQ(run(R"({"fuzzy":{"review":{"value":"frends","fuzziness":1}}})"), (Ids{"3"}));
  EXPECT_EQ(error(R"({"prefix":{"votes":"1"}})").code(), Code::kInvalidArgument);
  auto s = scores(R"({"wildcard":{"game":{"value":"P*","boost":3}}})");
  EXPECT_DOUBLE_EQ(s["1"], 3.0);
}

TEST_F(QueriesTest, BoolMinimumShouldMatch) {
  const char* three = R"({"term":{"game":"Portal"}},{"match":{"review":"great"}},{"term":{"recommended":true}})";
  EXPECT_EQ(run(std::string(R"({"bool":{"should":[)") + three + R"(],"minimum_should_match":2}})"), (Ids{"1", "3"}));
  EXPECT_EQ(run(std::string(R"({"bool":{"should":[)") + three + R"(],"minimum_should_match":3}})"), (Ids{"1"}));
  EXPECT_EQ(run(std::string(R"({"bool":{"should":[)") + three + R"(],"minimum_should_match":"-1"}})"), (Ids{"1", "3"}));
  EXPECT_EQ(run(std::string(R"({"bool":{"should":[)") + three + R"(],"minimum_should_match":4}})"), Ids{});
  EXPECT_EQ(run(std::string(R"({"bool":{"must":{"exists":{"field":"votes"}},"should":[)") + three + R"(]}})"),
            (Ids{"1", "2", "3", "4"})) << "with must, shoulds are optional";
  EXPECT_EQ(run(std::string(R"({"bool":{"filter":{"exists":{"field":"votes"}},"should":[)") + three +
                R"(],"minimum_should_match":1}})"),
            (Ids{"1", "2", "3"}));
  // The score of a k-of-n match is the sum of the clauses that match.
  auto msm = scores(std::string(R"({"bool":{"should":[)") + three + R"(],"minimum_should_match":2}})");
  auto any = scores(std::string(R"({"bool":{"should":[)") + three + R"(]}})");
  EXPECT_NEAR(msm["1"], any["1"], 1e-9);
  // Many clauses: counted at match time.
  std::string many = R"({"bool":{"minimum_should_match":4,"should":[)";
  for (const char* w : {"great", "game", "story", "fun", "with", "friends", "the", "fox", "crashes", "refund"}) {
    many += std::string(R"({"match":{"review":")") + w + R"("}},)";
  }
  many.back() = ']';
  many += "}}";
  EXPECT_EQ(run(many), (Ids{"3"}));
  auto many_scores = scores(many);
  auto many_any = scores(std::string(many).replace(many.find("\"minimum_should_match\":4,"), 25, ""));
  EXPECT_NEAR(many_scores["3"], many_any["3"], 1e-9);
  // match with many words and a percentage goes the same way.
  EXPECT_EQ(run(R"({"match":{"review":{"query":"the story is quick and the fox jumped over a dog","minimum_should_match":"90%"}}})"),
            (Ids{"4"}));
}

TEST_F(QueriesTest, FilterContextDoesNotScore) {
  auto plain = scores(R"({"match":{"review":"great"}})");
  auto filtered = scores(R"({"bool":{"must":{"match":{"review":"great"}},"filter":{"match":{"review":"story"}}}})");
  ASSERT_EQ(filtered.size(), 1u);
  EXPECT_NEAR(filtered["1"], plain["1"], 1e-9);
  auto not_scored = scores(R"({"bool":{"must":{"match":{"review":"great"}},"must_not":{"match":{"review":"story"}}}})");
  EXPECT_NEAR(not_scored["3"], plain["3"], 1e-9);
  auto only_filter = scores(R"({"bool":{"filter":{"match":{"review":"great"}}}})");
  EXPECT_DOUBLE_EQ(only_filter["1"], 0.0);
}

TEST_F(QueriesTest, ConstantScoreBoostingDisMax) {
  auto cs = scores(R"({"constant_score":{"filter":{"match":{"review":"great"}},"boost":1.5}})");
  EXPECT_EQ(cs.size(), 2u);
  EXPECT_DOUBLE_EQ(cs["1"], 1.5);
  EXPECT_DOUBLE_EQ(cs["3"], 1.5);
  auto plain = scores(R"({"match":{"review":"great"}})");
  auto b = scores(R"({"boosting":{"positive":{"match":{"review":"great"}},"negative":{"term":{"game":"Dota"}},"negative_boost":0.2}})");
  EXPECT_NEAR(b["1"], plain["1"], 1e-9);
  EXPECT_NEAR(b["3"], 0.2 * plain["3"], 1e-6);
  EXPECT_EQ(error(R"({"boosting":{"positive":{"match_all":{}},"negative":{"match_all":{}}}})").code(), Code::kParsing);
  auto a = scores(R"({"match":{"review":"story"}})");
  auto t = scores(R"({"match":{"title":"story"}})");
  auto dm = scores(R"({"dis_max":{"queries":[{"match":{"review":"story"}},{"match":{"title":"story"}}],"tie_breaker":0.7}})");
  EXPECT_NEAR(dm["3"], std::max(a["3"], t["3"]) + 0.7 * std::min(a["3"], t["3"]), 1e-9);
  EXPECT_NEAR(dm["1"], a["1"], 1e-9);
  EXPECT_EQ(run(R"({"constant_score":{"filter":{"term":{"game":"Fox"}}}})"), (Ids{"4"}));
}

TEST_F(QueriesTest, FunctionScoreHelpfulReviewsFirst) {
  // Same text relevance, more helpful votes first.
  auto text = scores(R"({"match":{"review":"great story"}})");
  auto helpful = scores(R"({"function_score":{"query":{"match":{"review":"great story"}},
      "field_value_factor":{"field":"votes","modifier":"log1p","missing":0},"boost_mode":"multiply"}})");
  ASSERT_EQ(helpful.size(), 3u);
  EXPECT_NEAR(helpful["1"], text["1"] * std::log10(11.0), 1e-6);
  EXPECT_NEAR(helpful["3"], text["3"] * std::log10(4.0), 1e-6);
  EXPECT_NEAR(helpful["4"], text["4"] * std::log10(251.0), 1e-6);
  auto plain = scores(R"({"match":{"review":"great"}})");
  auto fs = scores(R"({"function_score":{"query":{"match":{"review":"great"}},
      "field_value_factor":{"field":"votes","factor":2,"modifier":"sqrt"}}})");
  EXPECT_NEAR(fs["1"], plain["1"] * std::sqrt(20.0), 1e-6);
  auto rep = scores(R"({"function_score":{"query":{"match_all":{}},"field_value_factor":{"field":"votes","missing":1},"boost_mode":"replace"}})");
  EXPECT_DOUBLE_EQ(rep["4"], 250.0);
  EXPECT_DOUBLE_EQ(rep["2"], 0.0);
  auto w = scores(R"({"function_score":{"query":{"match_all":{}},"functions":[
      {"filter":{"term":{"game":"Portal"}},"weight":3},{"filter":{"term":{"recommended":true}},"weight":5}],
      "score_mode":"sum","boost_mode":"replace"}})");
  EXPECT_DOUBLE_EQ(w["1"], 8.0);
  EXPECT_DOUBLE_EQ(w["2"], 3.0);
  EXPECT_DOUBLE_EQ(w["3"], 5.0);
  EXPECT_DOUBLE_EQ(w["4"], 1.0) << "no function applies: 1";
  auto capped = scores(R"({"function_score":{"query":{"match_all":{}},"functions":[
      {"filter":{"term":{"game":"Portal"}},"weight":3},{"filter":{"term":{"recommended":true}},"weight":5}],
      "score_mode":"multiply","boost_mode":"replace","max_boost":10}})");
  EXPECT_DOUBLE_EQ(capped["1"], 10.0);
  EXPECT_EQ(run(R"({"function_score":{"query":{"match_all":{}},"field_value_factor":{"field":"votes","missing":0},
      "boost_mode":"replace","min_score":5}})"), (Ids{"1", "4"}));
  EXPECT_EQ(error(R"({"function_score":{"random_score":{}}})").code(), Code::kParsing);
  EXPECT_EQ(error(R"({"function_score":{"field_value_factor":{"field":"votes","modifier":"cube"}}})").code(),
            Code::kParsing);
}

}  // namespace
}  // namespace quarry::query

namespace quarry::query {
namespace {

TEST_F(QueriesTest, QueryStringSyntax) {
  auto qs = [&](const std::string& q, const std::string& extra = "") {
    return run(R"({"query_string":{"query":")" + q + "\"" + extra + "}}");
  };
  EXPECT_EQ(qs("review:great"), (Ids{"1", "3"}));
  EXPECT_EQ(qs("review:great AND review:story"), (Ids{"1"}));
  EXPECT_EQ(qs("review:great OR review:refund"), (Ids{"1", "2", "3"}));
  EXPECT_EQ(qs("review:great AND NOT game:Dota"), (Ids{"1"}));
  EXPECT_EQ(qs("+review:great -game:Dota"), (Ids{"1"}));
  EXPECT_EQ(qs("review:(great story)", R"(,"default_operator":"AND")"), (Ids{"1"}));
  EXPECT_EQ(qs("great story", R"(,"default_field":"review","default_operator":"AND")"), (Ids{"1"}));
  EXPECT_EQ(qs("(great OR refund) AND game:Portal", R"(,"default_field":"review")"), (Ids{"1", "2"}));
  EXPECT_EQ(qs(R"(review:\"great story\")"), (Ids{"1"}));
  EXPECT_EQ(qs(R"(review:\"story great\")"), Ids{});
  EXPECT_EQ(qs(R"(review:\"quick fox\"~3)"), (Ids{"4"}));
  EXPECT_EQ(qs("review:gre*"), (Ids{"1", "3"}));
  EXPECT_EQ(qs("game:P?rt*"), (Ids{"1", "2"}));
  EXPECT_EQ(qs("review:gret~"), (Ids{"1", "3"}));
  EXPECT_EQ(qs("votes:[3 TO 10]"), (Ids{"1", "3"}));
  EXPECT_EQ(qs("votes:{3 TO 10]"), (Ids{"1"}));
  EXPECT_EQ(qs("votes:[10 TO *]"), (Ids{"1", "4"}));
  EXPECT_EQ(qs("votes:>=10"), (Ids{"1", "4"}));
  EXPECT_EQ(qs("votes:<3"), (Ids{"2"}));
  EXPECT_EQ(qs("created:[2020-01-01 TO 2020-01-31]"), (Ids{"1"}));
  EXPECT_EQ(qs("_exists_:score"), (Ids{"1", "2", "4"}));
  EXPECT_EQ(qs("NOT _exists_:score"), (Ids{"3"}));
  EXPECT_EQ(qs("story", R"(,"fields":["review","title"])"), (Ids{"1", "3", "4"}));
  EXPECT_EQ(qs("fun"), (Ids{"3"})) << "default field * searches every field";
  EXPECT_EQ(qs("portal", R"(,"fields":["app_*"])"), (Ids{"1", "2"}));
  auto plain = scores(R"({"query_string":{"query":"review:refund"}})");
  auto boosted = scores(R"({"query_string":{"query":"review:refund^2"}})");
  EXPECT_NEAR(boosted["2"], 2 * plain["2"], 1e-6);
  EXPECT_EQ(error(R"({"query_string":{"query":"review:(great"}})").code(), Code::kParsing);
  EXPECT_EQ(error(R"({"query_string":{"query":"votes:[1 TO"}})").code(), Code::kParsing);
  EXPECT_EQ(error(R"({"query_string":{"query":"x","quote_field_suffix":".exact"}})").code(), Code::kParsing);
  EXPECT_FALSE(error(R"({"query_string":{"query":"votes:abc"}})").ok());
  EXPECT_EQ(qs("votes:abc", R"(,"lenient":true)"), Ids{});
}

TEST_F(QueriesTest, SimpleQueryStringSyntax) {
  auto sqs = [&](const std::string& q, const std::string& extra = "") {
    return run(R"({"simple_query_string":{"query":")" + q + "\"" + extra + "}}");
  };
  EXPECT_EQ(sqs("great + story", R"(,"fields":["review"])"), (Ids{"1"}));
  EXPECT_EQ(sqs("great | refund", R"(,"fields":["review"])"), (Ids{"1", "2", "3"}));
  EXPECT_EQ(sqs("great -friends", R"(,"fields":["review"],"default_operator":"and")"), (Ids{"1"}));
  EXPECT_EQ(sqs(R"(\"great story\")", R"(,"fields":["review"])"), (Ids{"1"}));
  EXPECT_EQ(sqs("cras*", R"(,"fields":["review"])"), (Ids{"2"}));
  EXPECT_EQ(sqs("frends~1", R"(,"fields":["review"])"), (Ids{"3"}));
  EXPECT_EQ(sqs("(great", R"(,"fields":["review"])"), (Ids{"1", "3"})) << "never a syntax error";
  EXPECT_EQ(sqs("great story fun", R"(,"fields":["review"],"minimum_should_match":2)"), (Ids{"1", "3"}));
}

}  // namespace
}  // namespace quarry::query

namespace quarry::query {
namespace {

// Long terms lists take another path (a union of postings read at match time, not an OP_OR):
// same hits, same constant score.
TEST_F(QueriesTest, TermsWithThousandsOfValues) {
  std::string values = R"("Portal","Fox")";
  for (int i = 0; i < 3000; ++i) values += ",\"absent" + std::to_string(i) + "\"";
  auto s = scores(R"({"terms":{"game":[)" + values + R"(],"boost":2}})");
  EXPECT_EQ(s.size(), 3u);
  for (const auto& id : {"1", "2", "4"}) EXPECT_NEAR(s[id], 2.0, 1e-9) << id;
  EXPECT_EQ(run(R"({"bool":{"must_not":{"terms":{"game":[)" + values + R"(]}}}})"), (Ids{"3"}));
}

}  // namespace
}  // namespace quarry::query
