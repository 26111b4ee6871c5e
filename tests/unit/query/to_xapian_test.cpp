// QueryNode -> Xapian::Query against a real in-memory index built by the document mapper: each
// query type finds exactly the documents it should.
#include <gtest/gtest.h>
#include <xapian.h>

#include <set>

#include "index/document_mapper.h"
#include "index/json.h"
#include "index/mapping.h"
#include "query/query_parser.h"
#include "query/to_xapian.h"

namespace quarry::query {
namespace {

class ToXapianTest : public ::testing::Test {
 protected:
  void SetUp() override {
    json::Document m;
    ASSERT_TRUE(json::parse(R"({"properties":{"review":{"type":"text"},"game":{"type":"keyword"},
        "votes":{"type":"long"},"score":{"type":"double"},"recommended":{"type":"boolean"},
        "created":{"type":"date","format":"yyyy-MM-dd"}}})", m).ok());
    auto mapping = index::Mapping::from_es_json(m);
    ASSERT_TRUE(mapping.ok()) << mapping.status().message();
    mapping_ = std::make_unique<index::Mapping>(std::move(mapping).value());
    add("1", R"({"review":"Great game, great story","game":"Portal","votes":10,"score":0.5,"recommended":true,"created":"2020-01-02"})");
    add("2", R"({"review":"Crashes on start. Refund!","game":"Portal","votes":0,"score":1.0,"recommended":false})");
    add("3", R"({"review":"Great fun with friends","game":"Dota","votes":3,"recommended":true})");
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

  std::set<std::string> run(const char* dsl) {
    json::Document doc;
    EXPECT_TRUE(json::parse(dsl, doc).ok());
    auto node = parse_query(doc);
    EXPECT_TRUE(node.ok()) << node.status().message();
    if (!node.ok()) return {};
    auto q = to_xapian(**node, *mapping_);
    EXPECT_TRUE(q.ok()) << q.status().message();
    if (!q.ok()) return {};
    Xapian::Enquire enquire(db_);
    enquire.set_query(*q);
    std::set<std::string> ids;
    Xapian::MSet mset = enquire.get_mset(0, 100);
    for (auto it = mset.begin(); it != mset.end(); ++it) ids.insert(it.get_document().get_data());
    return ids;
  }

  std::unique_ptr<index::Mapping> mapping_;
  Xapian::WritableDatabase db_{std::string(), Xapian::DB_BACKEND_INMEMORY};
};

using Ids = std::set<std::string>;

TEST_F(ToXapianTest, MatchAnalysesTheText) {
  EXPECT_EQ(run(R"({"match":{"review":"GREAT"}})"), (Ids{"1", "3"}));
  EXPECT_EQ(run(R"({"match":{"review":"great refund"}})"), (Ids{"1", "2", "3"}));
  EXPECT_EQ(run(R"({"match":{"review":{"query":"great story","operator":"and"}}})"), (Ids{"1"}));
  EXPECT_EQ(run(R"({"match":{"missing_field":"great"}})"), Ids{});
}

TEST_F(ToXapianTest, TermMatchesExactValuesPerType) {
  EXPECT_EQ(run(R"({"term":{"game":"Portal"}})"), (Ids{"1", "2"}));
  EXPECT_EQ(run(R"({"term":{"game":"portal"}})"), Ids{}) << "keyword terms are exact";
  EXPECT_EQ(run(R"({"term":{"votes":10}})"), (Ids{"1"}));
  EXPECT_EQ(run(R"({"term":{"votes":"10"}})"), (Ids{"1"}));
  EXPECT_EQ(run(R"({"term":{"score":1}})"), (Ids{"2"}));
  EXPECT_EQ(run(R"({"term":{"recommended":false}})"), (Ids{"2"}));
  EXPECT_EQ(run(R"({"term":{"created":"2020-01-02"}})"), (Ids{"1"}));
}

TEST_F(ToXapianTest, TermsIdsExistsAndBool) {
  EXPECT_EQ(run(R"({"terms":{"game":["Dota","Nope"]}})"), (Ids{"3"}));
  EXPECT_EQ(run(R"({"ids":{"values":["2","3"]}})"), (Ids{"2", "3"}));
  EXPECT_EQ(run(R"({"exists":{"field":"score"}})"), (Ids{"1", "2"}));
  EXPECT_EQ(run(R"({"bool":{"must":[{"match":{"review":"great"}}],"must_not":[{"term":{"game":"Dota"}}]}})"),
            (Ids{"1"}));
  EXPECT_EQ(run(R"({"bool":{"filter":[{"term":{"recommended":true}}]}})"), (Ids{"1", "3"}));
  EXPECT_EQ(run(R"({"bool":{"should":[{"term":{"game":"Dota"}},{"term":{"votes":0}}]}})"), (Ids{"2", "3"}));
  EXPECT_EQ(run(R"({"bool":{"must_not":[{"term":{"game":"Portal"}}]}})"), (Ids{"3"}));
  EXPECT_EQ(run(R"({"match_all":{}})"), (Ids{"1", "2", "3"}));
  EXPECT_EQ(run(R"({"match_none":{}})"), Ids{});
}

TEST_F(ToXapianTest, ValuesThatCannotFitTheFieldAreErrors) {
  json::Document doc;
  ASSERT_TRUE(json::parse(R"({"term":{"votes":"many"}})", doc).ok());
  auto node = parse_query(doc);
  ASSERT_TRUE(node.ok());
  auto q = to_xapian(**node, *mapping_);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace quarry::query
