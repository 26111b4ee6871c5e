// index.max_terms_count: a terms query with more values than the index allows is a 400 with
// Elasticsearch's message (default 65536); the setting is validated and can be changed.
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

}  // namespace
