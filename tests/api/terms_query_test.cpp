// terms queries at scale: index.max_terms_count (a terms query with more values than the index
// allows is a 400 with Elasticsearch's message, default 65536; the setting is validated and can
// be changed) and terms lookup (the values of another document's field).
#include <gtest/gtest.h>

#include "harness.h"

using namespace qtest;

namespace {

std::string terms_query(int n) {
  std::string values;
  for (int i = 0; i < n; ++i) values += (i ? ",\"" : "\"") + std::string("v") + std::to_string(i) + "\"";
  return R"({"query":{"bool":{"filter":[{"terms":{"tag":[)" + values + "]}}]}}}";
}

TEST(MaxTermsCount, LimitFromTheIndexSettingAndTheDefault) {
  Quarryd server;
  ASSERT_TRUE(server.start()) << server.last_error();
  auto& h = server.http();
  auto r = h.put("/small", R"({"settings":{"index.max_terms_count":3},"mappings":{"properties":{"tag":{"type":"keyword"}}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  r = h.put("/big", R"({"mappings":{"properties":{"tag":{"type":"keyword"}}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  r = h.bulk("/_bulk?refresh=true", Ndjson().index("small", "1", R"({"tag":"v2"})").index("big", "1", R"({"tag":"v2"})").str());
  ASSERT_EQ(r.status, 200) << describe(r);

  r = h.post("/small/_search", terms_query(3));
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jint(r.json(), "hits.total.value"), 1);
  r = h.post("/small/_search", terms_query(4));
  EXPECT_TRUE(is_es_error(r, 400, "illegal_argument_exception")) << describe(r);
  EXPECT_NE(r.body.find("The number of terms [4] used in the Terms Query request has exceeded the allowed maximum of [3]. "
                        "This maximum can be set by changing the [index.max_terms_count] index level setting."),
            std::string::npos)
      << r.body;
  r = h.post("/small/_count", terms_query(4));
  EXPECT_EQ(r.status, 400) << describe(r);

  // The default, 65536.
  r = h.post("/big/_search", terms_query(65536));
  ASSERT_EQ(r.status, 200) << describe(r, 300);
  r = h.post("/big/_search", terms_query(65537));
  EXPECT_TRUE(is_es_error(r, 400, "illegal_argument_exception")) << describe(r, 300);
  EXPECT_NE(r.body.find("allowed maximum of [65536]"), std::string::npos);

  // A dynamic setting, validated.
  r = h.put("/small/_settings", R"({"index":{"max_terms_count":5}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  r = h.post("/small/_search", terms_query(4));
  EXPECT_EQ(r.status, 200) << describe(r);
  r = h.put("/small/_settings", R"({"index":{"max_terms_count":"lots"}})");
  EXPECT_EQ(r.status, 400) << describe(r);
}

TEST(TermsLookup, ValuesComeFromAnotherDocumentAndCountAgainstTheLimit) {
  Quarryd server;
  ASSERT_TRUE(server.start()) << server.last_error();
  auto& h = server.http();
  auto r = h.put("/users", R"({"settings":{"index.max_terms_count":2,"number_of_shards":2},
      "mappings":{"properties":{"user":{"type":"keyword"},"followers":{"type":"keyword"}}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  Ndjson b;
  b.index("users", "u1", R"({"user":"u1","followers":["u2","u3"]})");
  b.index("users", "u2", R"({"user":"u2","followers":["u1","u3","u4"]})");
  b.index("users", "u3", R"({"user":"u3","followers":["u1"]})");
  b.index("users", "u4", R"({"user":"u4","followers":["u3"]})");
  b.line(R"({"index":{"_index":"users","_id":"r1","routing":"x"}})");
  b.line(R"({"user":"r1","profile":{"follows":["u4"]}})");
  r = h.bulk("/_bulk?refresh=true", b.str());
  ASSERT_EQ(r.status, 200) << describe(r);
  ASSERT_FALSE(jbool(r.json(), "errors", true)) << r.body;

  auto ids = [&](const std::string& body) {
    auto res = h.post("/users/_search?sort=user", body);
    EXPECT_EQ(res.status, 200) << describe(res);
    std::vector<std::string> out;
    const auto* hits = jpath(res.json(), "hits.hits");
    if (hits) for (const auto& hit : hits->GetArray()) out.push_back(hit["_id"].GetString());
    return out;
  };
  EXPECT_EQ(ids(R"({"query":{"terms":{"user":{"index":"users","id":"u1","path":"followers"}}}})"),
            (std::vector<std::string>{"u2", "u3"}));
  // Nested path and routing; inside a bool.
  EXPECT_EQ(ids(R"({"query":{"bool":{"filter":{"terms":{"user":{"index":"users","id":"r1","routing":"x","path":"profile.follows"}}}}}})"),
            (std::vector<std::string>{"u4"}));
  // A missing document: no values, no hits.
  EXPECT_TRUE(ids(R"({"query":{"terms":{"user":{"index":"users","id":"nobody","path":"followers"}}}})").empty());
  // Three looked-up values against a limit of two.
  r = h.post("/users/_search", R"({"query":{"terms":{"user":{"index":"users","id":"u2","path":"followers"}}}})");
  EXPECT_TRUE(is_es_error(r, 400, "illegal_argument_exception")) << describe(r);
  r = h.post("/users/_search", R"({"query":{"terms":{"user":{"index":"users","id":"u2"}}}})");
  EXPECT_TRUE(is_es_error(r, 400, "parsing_exception")) << describe(r);
  EXPECT_NE(r.body.find("requires specifying the path"), std::string::npos) << r.body;
  r = h.post("/users/_search", R"({"query":{"terms":{"user":{"index":"nope","id":"u2","path":"followers"}}}})");
  EXPECT_TRUE(is_es_error(r, 404, "index_not_found_exception")) << describe(r);
}

}  // namespace
