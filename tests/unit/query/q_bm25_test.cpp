// Elasticsearch's BM25 (query/q_bm25.h): a score worked out by hand on a tiny index equals what
// a search gives, and the weighting's upper bound never falls below an actual score.
#include <gtest/gtest.h>
#include <xapian.h>

#include <cmath>
#include <memory>

#include "index/document_mapper.h"
#include "index/json.h"
#include "index/mapping.h"
#include "query/q_bm25.h"
#include "query/q_sources.h"
#include "query/query_parser.h"
#include "query/to_xapian.h"

namespace quarry::query {
namespace {

class Bm25Test : public ::testing::Test {
 protected:
  void SetUp() override {
    json::Document m;
    ASSERT_TRUE(json::parse(R"({"properties":{"body":{"type":"text"}}})", m).ok());
    auto mapping = index::Mapping::from_es_json(m);
    ASSERT_TRUE(mapping.ok());
    mapping_ = std::make_unique<index::Mapping>(std::move(mapping).value());
    add("a", "the quick brown fox");              // 4 tokens
    add("b", "fox fox fox");                       // 3 tokens
    add("c", "a lazy dog sleeps in the sun");      // 7 tokens
  }
  void add(const std::string& id, const std::string& text) {
    json::Document doc;
    ASSERT_TRUE(json::parse(R"({"body":")" + text + R"("})", doc).ok());
    Xapian::Document xdoc;
    ASSERT_TRUE(index::DocumentMapper::index(*mapping_, doc, xdoc).ok());
    xdoc.set_data(id);
    db_.add_document(xdoc);
  }
  std::map<std::string, double> scores(const std::string& dsl) {
    json::Document d;
    EXPECT_TRUE(json::parse(dsl, d).ok());
    auto node = parse_query(d);
    EXPECT_TRUE(node.ok());
    auto q = to_xapian(**node, *mapping_);
    EXPECT_TRUE(q.ok());
    Xapian::Enquire enquire(db_);
    enquire.set_query(*q);
    std::unique_ptr<Xapian::Weight> w(new_inner_weight());
    enquire.set_weighting_scheme(*w);
    std::map<std::string, double> out;
    Xapian::MSet m = enquire.get_mset(0, 10);
    for (auto it = m.begin(); it != m.end(); ++it) out[it.get_document().get_data()] = it.get_weight();
    return out;
  }
  std::unique_ptr<index::Mapping> mapping_;
  Xapian::WritableDatabase db_{std::string(), Xapian::DB_BACKEND_INMEMORY};
};

TEST_F(Bm25Test, ScoreComputedByHandEqualsTheSearchScore) {
  // "fox": n = 2 of N = 3 documents; avgdl = (4 + 3 + 7) / 3.
  double idf = std::log(1 + (3 - 2 + 0.5) / (2 + 0.5));
  double avgdl = 14.0 / 3.0;
  double tf_a = 1 / (1 + 1.2 * (1 - 0.75 + 0.75 * 4 / avgdl));
  double tf_b = 3 / (3 + 1.2 * (1 - 0.75 + 0.75 * 3 / avgdl));
  auto s = scores(R"({"match":{"body":"fox"}})");
  ASSERT_EQ(s.size(), 2u);
  // Elasticsearch's boost detail is (k1 + 1) * query boost = 2.2.
  EXPECT_NEAR(s["a"], 2.2 * idf * tf_a, 1e-9);
  EXPECT_NEAR(s["b"], 2.2 * idf * tf_b, 1e-9);
  EXPECT_NEAR(bm25_score(1, 3, 2, 3, 3, avgdl), s["b"], 1e-12);

  // A boost multiplies; two terms add.
  auto boosted = scores(R"({"match":{"body":{"query":"fox","boost":2.5}}})");
  EXPECT_NEAR(boosted["a"], 2.5 * s["a"], 1e-9);
  double idf_the = std::log(1 + (3 - 2 + 0.5) / (2 + 0.5));
  double tf_the_a = tf_a;  // "the" occurs once in a, as "fox" does
  auto two = scores(R"({"match":{"body":"fox the"}})");
  EXPECT_NEAR(two["a"], 2.2 * idf * tf_a + 2.2 * idf_the * tf_the_a, 1e-9);
  EXPECT_NEAR(two["c"], 2.2 * idf_the * (1 / (1 + 1.2 * (1 - 0.75 + 0.75 * 7 / avgdl))), 1e-9);
}

TEST_F(Bm25Test, RareTermsWeighMoreAndRepeatedTermsSaturate) {
  EXPECT_GT(bm25_idf(100, 1), bm25_idf(100, 50));
  EXPECT_GT(bm25_idf(100, 100), 0);  // never negative, unlike classic BM25
  EXPECT_LT(bm25_tf(100, 100, 100), 1.0);
  EXPECT_NEAR(bm25_tf(1, 10, 10), 1 / 2.2, 1e-12);
}

}  // namespace
}  // namespace quarry::query
