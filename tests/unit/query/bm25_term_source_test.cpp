// BM25 from the shard's in-memory document lengths (query/bm25_term_source.h, index/doc_lengths.h):
// a match or phrase scores exactly what Xapian's own EsBm25Weight gives, on a shard reader (table)
// and outside one (per-document lookups); the table follows new revisions; sources are built only
// inside a TermSourcesScope.
#include <gtest/gtest.h>
#include <xapian.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "index/doc_lengths.h"
#include "index/document_mapper.h"
#include "index/json.h"
#include "index/mapping.h"
#include "index/shard.h"
#include "query/bm25_term_source.h"
#include "query/q_sources.h"
#include "query/query_parser.h"
#include "query/to_xapian.h"

namespace quarry::query {
namespace {

using Scores = std::map<Xapian::docid, double>;

Scores run(const Xapian::Database& db, const Xapian::Query& q) {
  Scores out;
  for (const auto& [did, w] : run_scored(db, q)) out[did] = w;
  return out;
}

class Bm25TermSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "quarry-bm25-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    json::Document m;
    ASSERT_TRUE(json::parse(R"({"properties":{"body":{"type":"text"}}})", m).ok());
    auto mapping = index::Mapping::from_es_json(m);
    ASSERT_TRUE(mapping.ok());
    mapping_ = std::make_unique<index::Mapping>(std::move(mapping).value());
    prefix_ = mapping_->find("body")->prefix;
    shard_ = std::make_unique<index::Shard>(dir_ + "/shard-0", 0);
    ASSERT_TRUE(shard_->open().ok());
  }
  void TearDown() override {
    shard_.reset();
    std::filesystem::remove_all(dir_);
  }
  void add(const std::string& id, const std::string& text) {
    json::Document doc;
    ASSERT_TRUE(json::parse(R"({"body":")" + text + R"("})", doc).ok());
    Xapian::Document xdoc;
    ASSERT_TRUE(index::DocumentMapper::index(*mapping_, doc, xdoc).ok());
    shard_->put(id, xdoc);
  }
  void commit() {
    ++commits_;
    ASSERT_TRUE(shard_->commit("0-" + std::to_string(commits_), commits_).ok());
    shard_->refresh();
  }
  // The same match through Xapian's weighting and through the posting source.
  void expect_same_scores(const Xapian::Database& db, const std::string& word) {
    Scores plain = run(db, Xapian::Query(prefix_ + word));
    TermSourcesScope sources;
    Xapian::Query q = scored_term(prefix_ + word);
    ASSERT_NE(q.get_description().find("BM25("), std::string::npos) << q.get_description();
    Scores sourced = run(db, q);
    ASSERT_FALSE(plain.empty()) << word;
    ASSERT_EQ(plain.size(), sourced.size()) << word;
    for (const auto& [did, w] : plain) EXPECT_DOUBLE_EQ(sourced[did], w) << word << " doc " << did;
  }

  std::string dir_;
  std::string prefix_;
  int commits_ = 0;
  std::unique_ptr<index::Mapping> mapping_;
  std::unique_ptr<index::Shard> shard_;
};

TEST_F(Bm25TermSourceTest, ScoresEqualXapiansWeightingWithAndWithoutTheTable) {
  add("a", "the quick brown fox");
  add("b", "fox fox fox");
  add("c", "a lazy dog sleeps in the sun while the fox hunts");
  add("d", "nothing to see here");
  commit();
  bool had_table = false;
  ASSERT_TRUE(shard_->with_reader([&](Xapian::Database& db) {
    had_table = index::doc_lengths_of_active_reader(db) != nullptr;
    for (const char* w : {"fox", "the", "sun"}) expect_same_scores(db, w);
  }).ok());
  EXPECT_TRUE(had_table);
  // Outside Shard::with_reader there is no table: Xapian's lengths document by document.
  Xapian::Database plain(dir_ + "/shard-0");
  EXPECT_EQ(index::doc_lengths_of_active_reader(plain), nullptr);
  for (const char* w : {"fox", "the", "sun"}) expect_same_scores(plain, w);
}

TEST_F(Bm25TermSourceTest, PhraseScoresAreTheSumOfItsTermsLikeXapians) {
  add("a", "the quick brown fox jumps");
  add("b", "brown fox brown fox and more brown fox words here");
  add("c", "fox brown is not the phrase");
  commit();
  ASSERT_TRUE(shard_->with_reader([&](Xapian::Database& db) {
    std::vector<Xapian::Query> parts{Xapian::Query(prefix_ + "brown"), Xapian::Query(prefix_ + "fox")};
    Xapian::Query phrase(Xapian::Query::OP_PHRASE, parts.begin(), parts.end(), 2);
    Scores plain = run(db, phrase);
    TermSourcesScope sources;
    Scores sourced = run(db, scored_phrase(phrase, {prefix_ + "brown", prefix_ + "fox"}));
    ASSERT_EQ(plain.size(), 2u);
    ASSERT_EQ(sourced.size(), 2u);
    for (const auto& [did, w] : plain) EXPECT_DOUBLE_EQ(sourced[did], w);
  }).ok());
}

TEST_F(Bm25TermSourceTest, TheTableFollowsNewRevisions) {
  add("a", "fox");
  commit();
  ASSERT_TRUE(shard_->with_reader([&](Xapian::Database& db) { expect_same_scores(db, "fox"); }).ok());
  // A longer document replaces "a" and a new one arrives: lengths and docids change.
  add("a", "fox and a much longer text than before");
  add("b", "fox fox");
  commit();
  ASSERT_TRUE(shard_->with_reader([&](Xapian::Database& db) {
    auto table = index::doc_lengths_of_active_reader(db);
    ASSERT_NE(table, nullptr);
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
      EXPECT_EQ(table->at(*it), db.get_doclength(*it));
    }
    expect_same_scores(db, "fox");
  }).ok());
}

// The top hits' weights of `q` when the matcher may prune, as search_shard runs it: it counts
// only `check` matches, then asks for documents that can still enter the top `k` (Xapian passes
// that minimum weight to a source unscaled by OP_SCALE_WEIGHT, so a boosted source must not
// compare its own unboosted weight with it).
std::vector<double> top_weights(const Xapian::Database& db, const Xapian::Query& q, Xapian::doccount k,
                                Xapian::doccount check) {
  PruningScope pruning(sources_unscaled(q));
  Xapian::Enquire enquire(db);
  enquire.set_query(q);
  std::unique_ptr<Xapian::Weight> w(new_inner_weight());
  enquire.set_weighting_scheme(*w);
  std::vector<double> out;
  Xapian::MSet mset = enquire.get_mset(0, k, check);
  for (auto it = mset.begin(); it != mset.end(); ++it) out.push_back(it.get_weight());
  return out;
}

TEST_F(Bm25TermSourceTest, PrunedTopHitsEqualXapiansUnderBoostsAndCompounds) {
  // Lengths and repetitions vary so that the top weights are spread and most matches can be
  // passed over once the top hits are known.
  unsigned seed = 7;
  auto rnd = [&](unsigned n) {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) % n;
  };
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    for (unsigned r = 1 + rnd(4); r > 0; --r) text += "fox ";
    if (rnd(3) == 0) text += "dog ";
    for (unsigned f = rnd(40); f > 0; --f) text += "word" + std::to_string(rnd(50)) + " ";
    add("d" + std::to_string(i), text);
  }
  commit();
  ASSERT_TRUE(shard_->with_reader([&](Xapian::Database& db) {
    const std::string fox = prefix_ + "fox", dog = prefix_ + "dog";
    auto build = [&](bool sources, double boost, int shape) {
      std::optional<TermSourcesScope> scope;
      if (sources) scope.emplace();
      Xapian::Query f = scored_term(fox), d = scored_term(dog);
      Xapian::Query q = shape == 0 ? f
                        : shape == 1 ? Xapian::Query(Xapian::Query::OP_OR, f, d)
                                     : Xapian::Query(Xapian::Query::OP_AND, f, d);
      return boost == 1.0 ? q : Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q, boost);
    };
    {
      TermSourcesScope scope;
      EXPECT_TRUE(sources_unscaled(build(true, 1.0, 1)));
      EXPECT_FALSE(sources_unscaled(build(true, 3.0, 1)));
      EXPECT_FALSE(sources_unscaled(build(true, 0.0, 0)));
      // A scale factor over Xapian's own terms (a phrase's zero weight) does not matter.
      Xapian::Query zero(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(fox), 0.0);
      EXPECT_TRUE(sources_unscaled(Xapian::Query(Xapian::Query::OP_AND, zero, scored_term(dog))));
    }
    for (double boost : {1.0, 3.0, 0.5}) {
      for (int shape : {0, 1, 2}) {
        for (Xapian::doccount check : {5u, 100u}) {
          auto plain = top_weights(db, build(false, boost, shape), 5, check);
          auto sourced = top_weights(db, build(true, boost, shape), 5, check);
          ASSERT_EQ(plain.size(), 5u);
          ASSERT_EQ(sourced.size(), plain.size()) << "boost " << boost << " shape " << shape;
          for (size_t i = 0; i < plain.size(); ++i) {
            EXPECT_DOUBLE_EQ(sourced[i], plain[i]) << "boost " << boost << " shape " << shape << " check " << check
                                                   << " rank " << i;
          }
        }
      }
    }
  }).ok());
}

// index_phrases: an exact phrase on a field with shingles finds the same documents with the same
// scores as on the same text without them, and the two-word one reads no positions at all.
TEST(IndexPhrasesTest, ShinglesFindWhatPositionsFindWithTheSameScores) {
  json::Document m;
  ASSERT_TRUE(json::parse(R"({"properties":{"fast":{"type":"text","index_phrases":true},"slow":{"type":"text"}}})", m).ok());
  auto mapping = index::Mapping::from_es_json(m);
  ASSERT_TRUE(mapping.ok()) << mapping.status().message();
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  const char* texts[] = {R"("the game is great fun")", R"("fun is the game, great game")", R"("great game")",
                         R"(["great", "game is"])", R"("game great game great game")", R"("is fun")",
                         R"("fun fun fun")", R"("nothing here")"};
  for (const char* t : texts) {
    json::Document doc;
    ASSERT_TRUE(json::parse(std::string(R"({"fast":)") + t + R"(,"slow":)" + t + "}", doc).ok()) << t;
    Xapian::Document xdoc;
    ASSERT_TRUE(index::DocumentMapper::index(*mapping, doc, xdoc).ok());
    db.add_document(xdoc);
  }
  db.commit();
  auto build = [&](const std::string& field, const std::string& phrase, int slop) {
    json::Document dsl;
    std::string text = R"({"match_phrase":{")" + field + R"(":{"query":")" + phrase + R"(","slop":)" +
                       std::to_string(slop) + "}}}";
    EXPECT_TRUE(json::parse(text, dsl).ok()) << text;
    auto node = parse_query(dsl);
    EXPECT_TRUE(node.ok()) << text;
    auto q = to_xapian(**node, *mapping);
    EXPECT_TRUE(q.ok()) << text;
    return q.ok() ? *q : Xapian::Query();
  };
  TermSourcesScope sources;
  for (const char* phrase : {"great game", "game great", "game is", "fun is the game", "great game great",
                             "fun fun", "is fun", "game is great fun", "nothing here", "absent words"}) {
    for (int slop : {0, 1}) {
      Xapian::Query fast = build("fast", phrase, slop);
      Scores with = run(db, fast);
      Scores without = run(db, build("slow", phrase, slop));
      ASSERT_EQ(with.size(), without.size()) << phrase << " slop " << slop;
      for (const auto& [did, w] : without) EXPECT_DOUBLE_EQ(with[did], w) << phrase << " slop " << slop << " doc " << did;
      // Shingles serve exact phrases only; a two-word one needs no positional check.
      std::string d = fast.get_description();
      bool two_words = std::string(phrase).find(' ') == std::string(phrase).rfind(' ');
      EXPECT_EQ(d.find("XP") != std::string::npos, slop == 0) << d;
      EXPECT_EQ(d.find("PHRASE") == std::string::npos, slop == 0 && two_words) << d;
    }
  }
  EXPECT_EQ(run(db, build("fast", "great game", 0)).size(), 3u);  // never across array values
  EXPECT_EQ(run(db, build("fast", "fun is the game", 0)).size(), 1u);

  // A field persisted with index_phrases by a Quarry that did not index the pairs (its meta has
  // no "phrase_shingles"): its documents have none, so phrases check positions and still match.
  rapidjson::StringBuffer buf;
  json::Writer w(buf);
  mapping->write_meta_json(w);
  std::string meta = buf.GetString();
  size_t at = meta.find(R"(,"phrase_shingles":true)");
  ASSERT_NE(at, std::string::npos) << meta;
  meta.erase(at, std::string(R"(,"phrase_shingles":true)").size());
  json::Document old_meta;
  ASSERT_TRUE(json::parse(meta, old_meta).ok());
  auto old = index::Mapping::from_meta_json(old_meta);
  ASSERT_TRUE(old.ok()) << old.status().message();
  EXPECT_TRUE(old->find("fast")->index_phrases);
  EXPECT_FALSE(old->find("fast")->phrase_shingles);
  mapping = std::move(old);
  // Nor does the indexer add pairs there, so that old and new documents agree.
  json::Document later;
  ASSERT_TRUE(json::parse(R"({"fast":"great game"})", later).ok());
  Xapian::Document later_doc;
  ASSERT_TRUE(index::DocumentMapper::index(*mapping, later, later_doc).ok());
  for (auto t = later_doc.termlist_begin(); t != later_doc.termlist_end(); ++t) EXPECT_NE((*t).rfind("XP", 0), 0u) << *t;
  Xapian::Query positional = build("fast", "great game", 0);
  EXPECT_NE(positional.get_description().find("PHRASE"), std::string::npos) << positional.get_description();
  EXPECT_EQ(run(db, positional).size(), 3u);
}

TEST(TermSourcesScopeTest, OnlyATermSourceCountsAsOne) {
  TermSourcesScope sources;
  EXPECT_TRUE(is_term_source(scored_term("Xbody:fox")));
  EXPECT_FALSE(is_term_source(Xapian::Query("Xbody:fox")));
  std::vector<Xapian::Query> words{Xapian::Query("Xbody:a"), Xapian::Query("Xbody:b")};
  Xapian::Query phrase(Xapian::Query::OP_PHRASE, words.begin(), words.end(), 2);
  EXPECT_FALSE(is_term_source(scored_phrase(phrase, {"Xbody:a", "Xbody:b"})));
  EXPECT_FALSE(is_term_source(Xapian::Query((new Xapian::FixedWeightPostingSource(1.0))->release())));
}

TEST(TermSourcesScopeTest, SourcesOnlyInsideTheScopeAndItNests) {
  EXPECT_EQ(scored_term("Xbody:fox").get_description(), Xapian::Query("Xbody:fox").get_description());
  {
    TermSourcesScope outer;
    {
      TermSourcesScope inner;
      EXPECT_NE(scored_term("Xbody:fox").get_description().find("BM25("), std::string::npos);
    }
    EXPECT_NE(scored_term("Xbody:fox").get_description().find("BM25("), std::string::npos);
  }
  EXPECT_EQ(scored_term("Xbody:fox").get_description().find("BM25("), std::string::npos);
}

}  // namespace
}  // namespace quarry::query
