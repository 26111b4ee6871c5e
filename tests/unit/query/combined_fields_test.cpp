// combined_fields: the listed text fields searched as one field (query/q_match.cpp).
#include <gtest/gtest.h>
#include <xapian.h>

#include <algorithm>
#include <map>
#include <memory>
#include <vector>

#include "index/document_mapper.h"
#include "index/json.h"
#include "index/mapping.h"
#include "query/q_sources.h"
#include "query/query_parser.h"
#include "query/query_limits.h"
#include "query/to_xapian.h"

namespace quarry::query {
namespace {

class CombinedFieldsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    json::Document m;
    ASSERT_TRUE(json::parse(R"({"properties":{"title":{"type":"text"},"body":{"type":"text"},
        "en":{"type":"text","analyzer":"english"},"tag":{"type":"keyword"}}})", m).ok());
    auto mapping = index::Mapping::from_es_json(m);
    ASSERT_TRUE(mapping.ok());
    mapping_ = std::make_unique<index::Mapping>(std::move(mapping).value());
    add("1", R"({"title":"fox","body":"dog"})");
    add("2", R"({"title":"dog","body":"fox fox"})");
    add("3", R"({"title":"cat","body":"cat"})");
  }
  void add(const std::string& id, const char* source) {
    json::Document doc;
    ASSERT_TRUE(json::parse(source, doc).ok());
    Xapian::Document xdoc;
    ASSERT_TRUE(index::DocumentMapper::index(*mapping_, doc, xdoc).ok());
    xdoc.set_data(id);
    db_.add_document(xdoc);
  }
  Result<QueryPtr> parse(const std::string& dsl) {
    json::Document d;
    EXPECT_TRUE(json::parse(dsl, d).ok()) << dsl;
    return parse_query(d);
  }
  Status error(const std::string& dsl) {
    auto node = parse(dsl);
    if (!node.ok()) return node.status();
    auto q = to_xapian(**node, *mapping_);
    return q.ok() ? Status::Ok() : q.status();
  }
  // Ids best first.
  std::vector<std::string> order(const std::string& dsl) {
    auto node = parse(dsl);
    EXPECT_TRUE(node.ok()) << node.status().message();
    if (!node.ok()) return {};
    auto q = to_xapian(**node, *mapping_);
    EXPECT_TRUE(q.ok()) << q.status().message();
    if (!q.ok()) return {};
    Xapian::Enquire enquire(db_);
    enquire.set_query(*q);
    std::unique_ptr<Xapian::Weight> w(new_inner_weight());
    enquire.set_weighting_scheme(*w);
    std::vector<std::string> out;
    Xapian::MSet m = enquire.get_mset(0, 10);
    for (auto it = m.begin(); it != m.end(); ++it) out.push_back(it.get_document().get_data());
    return out;
  }
  std::unique_ptr<index::Mapping> mapping_;
  Xapian::WritableDatabase db_{std::string(), Xapian::DB_BACKEND_INMEMORY};
};

TEST_F(CombinedFieldsTest, TermsAreFoundInAnyFieldAndScoredAsOneField) {
  // "fox" twice in doc 2 (body) beats once in doc 1 (title): frequencies add across fields.
  EXPECT_EQ(order(R"({"combined_fields":{"query":"fox","fields":["title","body"]}})"), (std::vector<std::string>{"2", "1"}));
  // A title boost of 3 counts the title's occurrence three times.
  EXPECT_EQ(order(R"({"combined_fields":{"query":"fox","fields":["title^3","body"]}})"), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(order(R"({"combined_fields":{"query":"fox","fields":["t*"]}})"), (std::vector<std::string>{"1"}));
}

TEST_F(CombinedFieldsTest, OperatorAndMinimumShouldMatch) {
  auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  EXPECT_EQ(sorted(order(R"({"combined_fields":{"query":"fox dog","fields":["title","body"],"operator":"and"}})")),
            (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(sorted(order(R"({"combined_fields":{"query":"fox cat","fields":["title","body"],"operator":"and"}})")),
            (std::vector<std::string>{}));
  EXPECT_EQ(sorted(order(R"({"combined_fields":{"query":"fox cat dog","fields":["title","body"],"minimum_should_match":2}})")),
            (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(sorted(order(R"({"combined_fields":{"query":"fox cat dog","fields":["title","body"]}})")),
            (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_TRUE(order(R"({"combined_fields":{"query":"fox","fields":["missing"]}})").empty());
}

TEST_F(CombinedFieldsTest, BadInputIsRejectedWithElasticsearchsMessages) {
  auto st = error(R"({"combined_fields":{"query":"fox","fields":["title^0.5","body"]}})");
  EXPECT_EQ(st.message(), "[combined_fields] requires field boosts to be >= 1.0");
  st = error(R"({"combined_fields":{"query":"fox","fields":["title","tag"]}})");
  EXPECT_EQ(st.message(), "Field [tag] of type [keyword] does not support [combined_fields] queries");
  st = error(R"({"combined_fields":{"query":"fox","fields":["title","en"]}})");
  EXPECT_EQ(st.message(), "All fields in [combined_fields] query must have the same search analyzer");
  st = error(R"({"combined_fields":{"query":"fox"}})");
  EXPECT_EQ(st.message(), "In [combined_fields] query, at least one field must be provided");
  st = error(R"({"combined_fields":{"fields":["title"]}})");
  EXPECT_EQ(st.code(), Code::kParsing);
  st = error(R"({"combined_fields":{"query":"fox","fields":["title"],"fuzziness":1}})");
  EXPECT_EQ(st.code(), Code::kParsing);
  EXPECT_NE(st.message().find("fuzziness"), std::string::npos) << st.message();
}

TEST(MaxTermsCountTest, TermsQueriesAtAnyDepthAreCounted) {
  json::Document d;
  ASSERT_TRUE(json::parse(R"({"bool":{"filter":[{"constant_score":{"filter":{"terms":{"tag":["a","b","c","d"]}}}}]}})", d).ok());
  auto node = parse_query(d);
  ASSERT_TRUE(node.ok());
  EXPECT_TRUE(check_index_limits(**node, {4, 10000}).ok());
  auto st = check_index_limits(**node, {3, 10000});
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_EQ(st.message(),
            "The number of terms [4] used in the Terms Query request has exceeded the allowed maximum of [3]. This "
            "maximum can be set by changing the [index.max_terms_count] index level setting.");
}

}  // namespace
}  // namespace quarry::query
