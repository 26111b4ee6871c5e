// Index management: create / delete / exists / get with settings and mappings, name validation,
// mapping updates and conflicts, typed values, dynamic: strict, aliases, _cat/indices,
// _cluster/health, and index metadata surviving a restart.
#include <gtest/gtest.h>

#include <sstream>

#include "harness.h"

using namespace qtest;

namespace {

class IndicesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new Quarryd();
    started_ = server_->start();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(started_) << server_->last_error(); }
  void TearDown() override {
    if (started_ && !server_->running()) ADD_FAILURE() << "quarryd died during this test:\n" << server_->logs();
  }
  HttpClient& http() { return server_->http(); }

  int64_t count(const std::string& target, const std::string& query = R"({"query":{"match_all":{}}})") {
    auto r = http().post("/" + target + "/_count", query);
    return r.status == 200 ? jint(r.json(), "count") : -1000 - r.status;
  }
  std::vector<std::string> search_ids(const std::string& target, const std::string& query = R"({"query":{"match_all":{}}})") {
    auto r = http().post("/" + target + "/_search?size=100", query);
    std::vector<std::string> ids;
    auto d = r.json();
    const auto* hits = jpath(d, "hits.hits");
    if (hits && hits->IsArray())
      for (const auto& h : hits->GetArray()) ids.push_back(jstr(h, "_id"));
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  static Quarryd* server_;
  static bool started_;
};
Quarryd* IndicesTest::server_ = nullptr;
bool IndicesTest::started_ = false;

const char* kCreateBody = R"({
  "settings": {"number_of_shards": 3, "number_of_replicas": 0, "refresh_interval": "5s"},
  "mappings": {
    "properties": {
      "title":   {"type": "text", "fields": {"raw": {"type": "keyword"}}},
      "votes":   {"type": "integer"},
      "score":   {"type": "double"},
      "created": {"type": "date"},
      "ok":      {"type": "boolean"},
      "lang":    {"type": "keyword"},
      "author":  {"properties": {"name": {"type": "keyword"}, "hours": {"type": "long"}}}
    }
  }
})";

}  // namespace

TEST_F(IndicesTest, CreateGetExistsDelete) {
  auto r = http().put("/reviews", kCreateBody);
  ASSERT_EQ(r.status, 200) << describe(r);
  auto d = r.json();
  EXPECT_TRUE(jbool(d, "acknowledged"));
  EXPECT_TRUE(jbool(d, "shards_acknowledged"));
  EXPECT_EQ(jstr(d, "index"), "reviews");

  EXPECT_EQ(http().head("/reviews").status, 200);

  r = http().get("/reviews");
  ASSERT_EQ(r.status, 200) << describe(r);
  d = r.json();
  EXPECT_EQ(jstr(d, "reviews.settings.index.number_of_shards"), "3") << r.body;
  EXPECT_EQ(jstr(d, "reviews.settings.index.number_of_replicas"), "0") << r.body;
  EXPECT_EQ(jstr(d, "reviews.settings.index.refresh_interval"), "5s") << r.body;
  EXPECT_EQ(jstr(d, "reviews.settings.index.provided_name"), "reviews") << r.body;
  EXPECT_FALSE(jstr(d, "reviews.settings.index.uuid").empty());
  EXPECT_TRUE(jhas(d, "reviews.settings.index.creation_date")) << r.body;
  EXPECT_EQ(jstr(d, "reviews.mappings.properties.title.type"), "text") << r.body;
  EXPECT_EQ(jstr(d, "reviews.mappings.properties.title.fields.raw.type"), "keyword") << r.body;
  EXPECT_EQ(jstr(d, "reviews.mappings.properties.votes.type"), "integer") << r.body;
  EXPECT_EQ(jstr(d, "reviews.mappings.properties.created.type"), "date") << r.body;
  EXPECT_EQ(jstr(d, "reviews.mappings.properties.author.properties.hours.type"), "long") << r.body;
  EXPECT_TRUE(jhas(d, "reviews.aliases")) << r.body;

  r = http().get("/reviews/_settings");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jstr(r.json(), "reviews.settings.index.number_of_shards"), "3") << r.body;
  r = http().get("/reviews/_mapping");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jstr(r.json(), "reviews.mappings.properties.lang.type"), "keyword") << r.body;

  // Creating it again: 400 resource_already_exists_exception.
  r = http().put("/reviews", "{}");
  EXPECT_TRUE(is_es_error(r, 400, "resource_already_exists_exception")) << describe(r);

  // Data goes in; delete removes index and data; a new index of the same name starts empty.
  ASSERT_EQ(http().put("/reviews/_doc/1?refresh=true", R"({"title":"x","votes":1})").status, 201);
  EXPECT_EQ(count("reviews"), 1);
  r = http().del("/reviews");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_TRUE(jbool(r.json(), "acknowledged"));
  EXPECT_EQ(http().head("/reviews").status, 404);
  r = http().get("/reviews");
  EXPECT_TRUE(is_es_error(r, 404, "index_not_found_exception")) << describe(r);
  r = http().del("/reviews");
  EXPECT_TRUE(is_es_error(r, 404, "index_not_found_exception")) << describe(r);
  r = http().get("/reviews/_doc/1");
  EXPECT_EQ(r.status, 404) << describe(r);

  ASSERT_EQ(http().put("/reviews", R"({"settings":{"number_of_shards":2}})").status, 200);
  EXPECT_EQ(count("reviews"), 0);
  EXPECT_EQ(http().get("/reviews/_doc/1").status, 404) << "old data must not come back";
  ASSERT_EQ(http().put("/reviews/_doc/1", R"({"title":"new"})").status, 201)
      << "the id must not conflict with the deleted index's version map";
}

TEST_F(IndicesTest, DefaultsWhenCreatedWithoutBody) {
  auto r = http().put("/plain", "");
  ASSERT_EQ(r.status, 200) << describe(r);
  r = http().get("/plain/_settings");
  auto d = r.json();
  EXPECT_EQ(jstr(d, "plain.settings.index.number_of_shards"), "1") << r.body;
  EXPECT_EQ(jstr(d, "plain.settings.index.number_of_replicas"), "1") << r.body;
}

TEST_F(IndicesTest, InvalidIndexNamesAre400) {
  const char* bad[] = {"Upper", "_leading", "-dash", "+plus", "has%20space", "star*", "q%3Fmark",
                       "comma,x", "hash%23", "colon:x", "pipe%7Cx", "back%5Cslash", ".", ".."};
  for (const char* name : bad) {
    auto r = http().put(std::string("/") + name, "{}");
    EXPECT_TRUE(is_es_error(r, 400, "invalid_index_name_exception")) << name << ": " << describe(r);
  }
  auto r = http().put("/" + std::string(256, 'a'), "{}");
  EXPECT_TRUE(is_es_error(r, 400, "invalid_index_name_exception")) << describe(r, 200);
  // Auto-creation applies the same rules.
  r = http().put("/BadName/_doc/1", "{}");
  EXPECT_TRUE(is_es_error(r, 400, "invalid_index_name_exception")) << describe(r);
  r = http().bulk("/_bulk", Ndjson().index("BadName", "1", "{}").str());
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jstr(r.json(), "items.0.index.error.type"), "invalid_index_name_exception") << r.body;

  // Names that are fine.
  for (const char* name : {"ok-name_1", "a.b", "x+y", "%C3%A9t%C3%A9"}) {
    r = http().put(std::string("/") + name, "{}");
    EXPECT_EQ(r.status, 200) << name << ": " << describe(r);
  }
  r = http().put("/" + std::string(255, 'b'), "{}");
  EXPECT_EQ(r.status, 200) << describe(r, 200);
}

TEST_F(IndicesTest, InvalidSettingsAndMappingsAre400) {
  auto r = http().put("/badsettings", R"({"settings":{"number_of_shards":0}})");
  EXPECT_EQ(r.status, 400) << describe(r);
  EXPECT_EQ(jstr(r.json(), "error.type"), "illegal_argument_exception") << describe(r);
  r = http().put("/badsettings", R"({"settings":{"index":{"no_such_setting":1}}})");
  EXPECT_EQ(r.status, 400) << describe(r);
  r = http().put("/badsettings", R"({"mappings":{"properties":{"f":{"type":"no_such_type"}}}})");
  EXPECT_EQ(r.status, 400) << describe(r);
  EXPECT_EQ(jstr(r.json(), "error.type"), "mapper_parsing_exception") << describe(r);
  r = http().put("/badsettings", R"({"settings": )");
  EXPECT_EQ(r.status, 400) << describe(r);
  EXPECT_EQ(http().head("/badsettings").status, 404) << "a rejected create must not leave an index";
}

TEST_F(IndicesTest, MappingUpdateAndConflict) {
  ASSERT_EQ(http().put("/mapconf", R"({"mappings":{"properties":{"n":{"type":"integer"}}}})").status, 200);
  // Adding a field is fine.
  auto r = http().put("/mapconf/_mapping", R"({"properties":{"added":{"type":"keyword"}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_TRUE(jbool(r.json(), "acknowledged"));
  r = http().get("/mapconf/_mapping");
  EXPECT_EQ(jstr(r.json(), "mapconf.mappings.properties.added.type"), "keyword") << r.body;
  EXPECT_EQ(jstr(r.json(), "mapconf.mappings.properties.n.type"), "integer") << r.body;

  // Changing a field's type is not.
  r = http().put("/mapconf/_mapping", R"({"properties":{"n":{"type":"keyword"}}})");
  EXPECT_TRUE(is_es_error(r, 400, "illegal_argument_exception")) << describe(r);
  EXPECT_NE(r.body.find("[n]"), std::string::npos) << r.body;
  r = http().get("/mapconf/_mapping");
  EXPECT_EQ(jstr(r.json(), "mapconf.mappings.properties.n.type"), "integer") << "unchanged: " << r.body;

  // A dynamically mapped field then sent as an object conflicts too (per document).
  ASSERT_EQ(http().put("/mapconf/_doc/1", R"({"dyn":"text"})").status, 201);
  r = http().put("/mapconf/_doc/2", R"({"dyn":{"inner":1}})");
  EXPECT_TRUE(is_es_error(r, 400, "document_parsing_exception")) << describe(r);
}

TEST_F(IndicesTest, ValueNotFittingItsTypeIs400) {
  ASSERT_EQ(http().put("/typed", kCreateBody).status, 200);
  struct Case {
    const char* source;
    const char* field;
  };
  const Case cases[] = {
      {R"({"votes":"many"})", "votes"},
      {R"({"votes":1.5e40})", "votes"},
      {R"({"votes":4294967296})", "votes"},  // out of range for integer
      {R"({"score":"high"})", "score"},
      {R"({"created":"not a date"})", "created"},
      {R"({"ok":"maybe"})", "ok"},
      {R"({"author":{"hours":"lots"}})", "author.hours"},
      {R"({"author":"just a string"})", "author"},
  };
  int i = 0;
  for (const auto& c : cases) {
    std::string id = "bad" + std::to_string(i++);
    auto r = http().put("/typed/_doc/" + id, c.source);
    EXPECT_TRUE(is_es_error(r, 400, "document_parsing_exception")) << c.source << ": " << describe(r);
    EXPECT_NE(r.body.find(c.field), std::string::npos) << "the reason names the field: " << r.body;
    EXPECT_EQ(http().get("/typed/_doc/" + id).status, 404) << c.source;
  }
  // Values that do fit (with Elasticsearch's coercion of numeric strings and dates).
  auto r = http().put("/typed/_doc/good",
                      R"({"votes":"42","score":1,"created":"2024-05-01T10:00:00Z","ok":"true","author":{"hours":3}})");
  EXPECT_EQ(r.status, 201) << describe(r);
  r = http().put("/typed/_doc/good2", R"({"created":1714557600000,"ok":false})");
  EXPECT_EQ(r.status, 201) << describe(r);
}

TEST_F(IndicesTest, DynamicStrictRejectsUnknownFields) {
  ASSERT_EQ(http().put("/strict", R"({"mappings":{"dynamic":"strict","properties":{"a":{"type":"keyword"},
      "obj":{"properties":{"x":{"type":"long"}}}}}})").status,
            200);
  EXPECT_EQ(http().put("/strict/_doc/1", R"({"a":"ok","obj":{"x":1}})").status, 201);
  auto r = http().put("/strict/_doc/2", R"({"a":"ok","b":"unknown"})");
  EXPECT_TRUE(is_es_error(r, 400, "strict_dynamic_mapping_exception")) << describe(r);
  EXPECT_NE(r.body.find("[b]"), std::string::npos) << r.body;
  r = http().put("/strict/_doc/3", R"({"obj":{"y":2}})");
  EXPECT_TRUE(is_es_error(r, 400, "strict_dynamic_mapping_exception")) << describe(r);
  EXPECT_EQ(http().get("/strict/_doc/2").status, 404);
  EXPECT_EQ(http().get("/strict/_doc/3").status, 404);
  // The mapping did not grow.
  r = http().get("/strict/_mapping");
  EXPECT_FALSE(jhas(r.json(), "strict.mappings.properties.b")) << r.body;

  // In bulk the item fails alone.
  r = http().bulk("/_bulk", Ndjson().index("strict", "4", R"({"zzz":1})").index("strict", "5", R"({"a":"x"})").str());
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jstr(r.json(), "items.0.index.error.type"), "strict_dynamic_mapping_exception") << r.body;
  EXPECT_EQ(jint(r.json(), "items.1.index.status"), 201) << r.body;

  // dynamic: false keeps unknown fields in _source without indexing them.
  ASSERT_EQ(http().put("/nodyn", R"({"mappings":{"dynamic":false,"properties":{"a":{"type":"keyword"}}}})").status, 200);
  EXPECT_EQ(http().put("/nodyn/_doc/1?refresh=true", R"({"a":"x","extra":"kept"})").status, 201);
  EXPECT_EQ(jstr(http().get("/nodyn/_doc/1").json(), "_source.extra"), "kept");
  r = http().get("/nodyn/_mapping");
  EXPECT_FALSE(jhas(r.json(), "nodyn.mappings.properties.extra")) << r.body;
  EXPECT_EQ(count("nodyn", R"({"query":{"match":{"extra":"kept"}}})"), 0);
}

TEST_F(IndicesTest, AliasesAddRemoveFilterAndWriteIndex) {
  ASSERT_EQ(http().put("/logs-1", R"({"mappings":{"properties":{"color":{"type":"keyword"}}}})").status, 200);
  ASSERT_EQ(http().put("/logs-2", R"({"mappings":{"properties":{"color":{"type":"keyword"}}}})").status, 200);
  ASSERT_EQ(http().bulk("/_bulk?refresh=true", Ndjson()
                                                   .index("logs-1", "r1", R"({"color":"red"})")
                                                   .index("logs-1", "b1", R"({"color":"blue"})")
                                                   .index("logs-2", "r2", R"({"color":"red"})")
                                                   .str())
                .status,
            200);

  auto r = http().post("/_aliases", R"({"actions":[
      {"add":{"index":"logs-1","alias":"logs"}},
      {"add":{"index":"logs-2","alias":"logs"}},
      {"add":{"index":"logs-1","alias":"logs-red","filter":{"term":{"color":"red"}}}}]})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_TRUE(jbool(r.json(), "acknowledged"));

  // Search through the alias spans both indices; the filtered alias applies its filter.
  EXPECT_EQ(search_ids("logs"), (std::vector<std::string>{"b1", "r1", "r2"}));
  EXPECT_EQ(count("logs"), 3);
  EXPECT_EQ(search_ids("logs-red"), (std::vector<std::string>{"r1"}));
  EXPECT_EQ(count("logs-red"), 1);
  EXPECT_EQ(search_ids("logs-red", R"({"query":{"term":{"color":"blue"}}})"), std::vector<std::string>{});
  r = http().post("/logs/_search", R"({"query":{"ids":{"values":["r2"]}}})");
  EXPECT_EQ(jstr(r.json(), "hits.hits.0._index"), "logs-2") << "hits name the concrete index: " << r.body;

  // GET /_alias
  r = http().get("/_alias/logs");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_TRUE(jhas(r.json(), "logs-1.aliases.logs")) << r.body;
  EXPECT_TRUE(jhas(r.json(), "logs-2.aliases.logs")) << r.body;
  r = http().get("/logs-1/_alias");
  EXPECT_TRUE(jhas(r.json(), "logs-1.aliases.logs-red.filter")) << r.body;
  EXPECT_EQ(http().head("/_alias/logs").status, 200);
  EXPECT_EQ(http().head("/_alias/nope").status, 404);

  // Writing through an alias with two indices and no write index: 400.
  r = http().put("/logs/_doc/w1", R"({"color":"green"})");
  EXPECT_TRUE(is_es_error(r, 400, "illegal_argument_exception")) << describe(r);

  // Make logs-2 the write index: writes through the alias land there.
  r = http().post("/_aliases", R"({"actions":[{"add":{"index":"logs-2","alias":"logs","is_write_index":true}}]})");
  ASSERT_EQ(r.status, 200) << describe(r);
  r = http().put("/logs/_doc/w1?refresh=true", R"({"color":"green"})");
  ASSERT_EQ(r.status, 201) << describe(r);
  EXPECT_EQ(jstr(r.json(), "_index"), "logs-2") << r.body;
  EXPECT_EQ(http().get("/logs-2/_doc/w1").status, 200);
  EXPECT_EQ(http().get("/logs-1/_doc/w1").status, 404);
  r = http().bulk("/_bulk", Ndjson().index("logs", "w2", R"({"color":"green"})").str());
  EXPECT_EQ(jstr(r.json(), "items.0.index._index"), "logs-2") << r.body;
  r = http().get("/_alias/logs");
  EXPECT_TRUE(jbool(r.json(), "logs-2.aliases.logs.is_write_index")) << r.body;
  // Update and delete through the alias too.
  r = http().post("/logs/_update/w1", R"({"doc":{"n":1}})");
  EXPECT_EQ(r.status, 200) << describe(r);
  r = http().del("/logs/_doc/w2");
  EXPECT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(http().get("/logs-2/_doc/w2").status, 404);

  // An alias of a single index accepts writes and GETs without being marked.
  ASSERT_EQ(http().post("/_aliases", R"({"actions":[{"add":{"index":"logs-1","alias":"only-one"}}]})").status, 200);
  r = http().put("/only-one/_doc/s1", R"({"color":"x"})");
  ASSERT_EQ(r.status, 201) << describe(r);
  EXPECT_EQ(jstr(r.json(), "_index"), "logs-1");
  r = http().get("/only-one/_doc/s1");
  EXPECT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jstr(r.json(), "_index"), "logs-1") << r.body;

  // Remove (and remove + add atomically).
  r = http().post("/_aliases", R"({"actions":[
      {"remove":{"index":"logs-1","alias":"logs-red"}},
      {"remove":{"index":"logs-1","alias":"logs"}},
      {"add":{"index":"logs-2","alias":"logs-red","filter":{"term":{"color":"red"}}}}]})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(search_ids("logs-red"), (std::vector<std::string>{"r2"}));
  EXPECT_EQ(count("logs"), 2) << "logs now only covers logs-2 (r2, w1)";

  // Removing an alias that does not exist: 404 aliases_not_found_exception, nothing changed.
  r = http().post("/_aliases", R"({"actions":[{"remove":{"index":"logs-1","alias":"nope"}}]})");
  EXPECT_EQ(r.status, 404) << describe(r);
  EXPECT_EQ(jstr(r.json(), "error.type"), "aliases_not_found_exception") << describe(r);
  // Adding to a missing index: 404.
  r = http().post("/_aliases", R"({"actions":[{"add":{"index":"missing-index","alias":"x"}}]})");
  EXPECT_TRUE(is_es_error(r, 404, "index_not_found_exception")) << describe(r);

  // Deleting the index drops its aliases.
  ASSERT_EQ(http().del("/logs-2").status, 200);
  EXPECT_EQ(http().head("/_alias/logs-red").status, 404);
  r = http().post("/logs-red/_search", "{}");
  EXPECT_TRUE(is_es_error(r, 404, "index_not_found_exception")) << describe(r);
}

TEST_F(IndicesTest, AliasesDeclaredAtCreation) {
  auto r = http().put("/with-alias", R"({"aliases":{"wa":{},"wa-filtered":{"filter":{"term":{"k":"a"}}}},
      "mappings":{"properties":{"k":{"type":"keyword"}}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  ASSERT_EQ(http().bulk("/_bulk?refresh=true", Ndjson().index("wa", "1", R"({"k":"a"})").index("wa", "2", R"({"k":"b"})").str()).status, 200);
  EXPECT_EQ(count("wa"), 2);
  EXPECT_EQ(count("wa-filtered"), 1);
  r = http().get("/with-alias");
  EXPECT_TRUE(jhas(r.json(), "with-alias.aliases.wa")) << r.body;
}

TEST_F(IndicesTest, CatIndicesTextAndJson) {
  ASSERT_EQ(http().put("/cat-a", R"({"settings":{"number_of_shards":2,"number_of_replicas":0}})").status, 200);
  Ndjson b;
  for (int i = 0; i < 7; ++i) b.index("cat-a", std::to_string(i), "{}");
  ASSERT_EQ(http().bulk("/_bulk?refresh=true", b.str()).status, 200);

  // Text with a header line.
  auto r = http().get("/_cat/indices?v");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.header("content-type").rfind("text/plain", 0), 0u) << r.header("content-type");
  std::istringstream lines(r.body);
  std::string header;
  std::getline(lines, header);
  std::vector<std::string> cols;
  {
    std::istringstream h(header);
    for (std::string c; h >> c;) cols.push_back(c);
  }
  ASSERT_GE(cols.size(), 7u) << header;
  EXPECT_EQ(cols[0], "health");
  EXPECT_EQ(cols[1], "status");
  EXPECT_EQ(cols[2], "index");
  auto col = [&](const std::string& name) {
    return static_cast<size_t>(std::find(cols.begin(), cols.end(), name) - cols.begin());
  };
  ASSERT_LT(col("docs.count"), cols.size()) << header;
  ASSERT_LT(col("pri"), cols.size()) << header;
  bool found = false;
  for (std::string line; std::getline(lines, line);) {
    std::istringstream l(line);
    std::vector<std::string> f;
    for (std::string c; l >> c;) f.push_back(c);
    if (f.size() == cols.size() && f[col("index")] == "cat-a") {
      found = true;
      EXPECT_EQ(f[col("health")], "green") << line;
      EXPECT_EQ(f[col("status")], "open") << line;
      EXPECT_EQ(f[col("pri")], "2") << line;
      EXPECT_EQ(f[col("rep")], "0") << line;
      EXPECT_EQ(f[col("docs.count")], "7") << line;
    }
  }
  EXPECT_TRUE(found) << r.body;

  // Without ?v: no header.
  r = http().get("/_cat/indices/cat-a");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.body.find("health"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("cat-a"), std::string::npos) << r.body;

  // JSON: an array of objects with string values; path filter.
  r = http().get("/_cat/indices/cat-a?format=json");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.header("content-type").rfind("application/json", 0), 0u) << r.header("content-type");
  auto d = r.json();
  ASSERT_TRUE(d.IsArray()) << r.body;
  ASSERT_EQ(d.Size(), 1u) << r.body;
  EXPECT_EQ(jstr(d, "0.index"), "cat-a");
  auto it = d[0].FindMember("docs.count");
  ASSERT_NE(it, d[0].MemberEnd()) << r.body;
  EXPECT_STREQ(it->value.GetString(), "7");
  EXPECT_STREQ(d[0]["pri"].GetString(), "2");
  EXPECT_STREQ(d[0]["health"].GetString(), "green");

  // Column selection with h=.
  r = http().get("/_cat/indices/cat-a?h=index,docs.count");
  ASSERT_EQ(r.status, 200) << describe(r);
  std::istringstream one(r.body);
  std::string a, c, extra;
  one >> a >> c;
  EXPECT_EQ(a, "cat-a") << r.body;
  EXPECT_EQ(c, "7") << r.body;
  EXPECT_FALSE(one >> extra) << r.body;

  r = http().get("/_cat/indices/no-such-index-here");
  EXPECT_TRUE(is_es_error(r, 404, "index_not_found_exception")) << describe(r);
}

TEST_F(IndicesTest, ClusterHealth) {
  ASSERT_EQ(http().put("/health-green", R"({"settings":{"number_of_shards":3,"number_of_replicas":0}})").status, 200);
  ASSERT_EQ(http().put("/health-yellow", R"({"settings":{"number_of_shards":2,"number_of_replicas":1}})").status, 200);

  auto r = http().get("/_cluster/health/health-green");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto d = r.json();
  EXPECT_EQ(jstr(d, "status"), "green") << r.body;
  EXPECT_EQ(jint(d, "active_primary_shards"), 3) << r.body;
  EXPECT_EQ(jint(d, "active_shards"), 3) << r.body;
  EXPECT_EQ(jint(d, "unassigned_shards"), 0) << r.body;
  EXPECT_EQ(jint(d, "number_of_nodes"), 1) << r.body;
  EXPECT_FALSE(jbool(d, "timed_out", true));
  EXPECT_FALSE(jstr(d, "cluster_name").empty());

  // One node cannot hold replicas: yellow, replicas unassigned.
  r = http().get("/_cluster/health/health-yellow");
  d = r.json();
  EXPECT_EQ(jstr(d, "status"), "yellow") << r.body;
  EXPECT_EQ(jint(d, "active_primary_shards"), 2) << r.body;
  EXPECT_EQ(jint(d, "unassigned_shards"), 2) << r.body;

  // The whole cluster is as bad as its worst index.
  r = http().get("/_cluster/health");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jstr(r.json(), "status"), "yellow") << r.body;
  EXPECT_GE(jint(r.json(), "active_primary_shards"), 5) << r.body;

  // wait_for_status that is already met returns at once.
  r = http().get("/_cluster/health/health-green?wait_for_status=green&timeout=5s");
  EXPECT_EQ(r.status, 200) << describe(r);
  EXPECT_FALSE(jbool(r.json(), "timed_out", true)) << r.body;
  // level=indices lists each index.
  r = http().get("/_cluster/health?level=indices");
  EXPECT_EQ(jstr(r.json(), "indices.health-green.status"), "green") << r.body;
}

// Index metadata (settings, mappings incl. dynamically added fields, aliases) and data survive a
// clean restart: SIGTERM, then a new quarryd on the same data dir and Redis.
static void check_metadata_survives_restart(bool own_redis) {
  std::unique_ptr<RedisServer> redis;
  QuarrydOptions opts;
  if (own_redis) {
    redis = std::make_unique<RedisServer>();
    ASSERT_TRUE(redis->start());
    opts.redis_url = redis->url();
  }
  Quarryd q(opts);
  ASSERT_TRUE(q.start()) << q.last_error();
  {
    auto& http = q.http();
    ASSERT_EQ(http.put("/persist", kCreateBody).status, 200);
    ASSERT_EQ(http.put("/persist-strict", R"({"mappings":{"dynamic":"strict","properties":{"a":{"type":"keyword"}}}})").status, 200);
    ASSERT_EQ(http.post("/_aliases", R"({"actions":[{"add":{"index":"persist","alias":"p-alias","is_write_index":true}},
        {"add":{"index":"persist","alias":"p-red","filter":{"term":{"lang":"red"}}}}]})").status, 200);
    Ndjson b;
    for (int i = 0; i < 20; ++i)
      b.index("persist", std::to_string(i), R"({"title":"doc","lang":")" + std::string(i % 2 ? "red" : "blue") + R"(","dyn_added":"x"})");
    auto r = http.bulk("/_bulk", b.str());
    ASSERT_EQ(r.status, 200) << describe(r);
    ASSERT_FALSE(jbool(r.json(), "errors", true)) << r.body;
  }
  auto before = q.http().get("/persist").json();
  ASSERT_EQ(q.stop(), 0) << q.logs();

  ASSERT_TRUE(q.start()) << q.last_error();
  auto& http = q.http();
  auto r = http.get("/persist");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto after = r.json();
  EXPECT_EQ(to_json(before), to_json(after)) << "index metadata changed across the restart";
  EXPECT_EQ(jstr(after, "persist.settings.index.number_of_shards"), "3");
  EXPECT_EQ(jstr(after, "persist.mappings.properties.dyn_added.type"), "text") << r.body;
  EXPECT_TRUE(jbool(after, "persist.aliases.p-alias.is_write_index")) << r.body;

  // Everything written before the SIGTERM is searchable (no refresh was requested).
  r = http.post("/persist/_count", "{}");
  EXPECT_EQ(jint(r.json(), "count"), 20) << describe(r);
  r = http.post("/p-red/_count", "{}");
  EXPECT_EQ(jint(r.json(), "count"), 10) << describe(r);
  // The alias still routes writes; strictness is still enforced.
  r = http.put("/p-alias/_doc/new", R"({"title":"after restart"})");
  EXPECT_EQ(r.status, 201) << describe(r);
  EXPECT_EQ(jstr(r.json(), "_index"), "persist");
  r = http.put("/persist-strict/_doc/1", R"({"zzz":1})");
  EXPECT_TRUE(is_es_error(r, 400, "strict_dynamic_mapping_exception")) << describe(r);
  // Versions continue from where they were.
  r = http.put("/persist/_doc/1", R"({"title":"again"})");
  EXPECT_EQ(jint(r.json(), "_version"), 2) << describe(r);
  // A deleted index stays deleted.
  ASSERT_EQ(http.del("/persist-strict").status, 200);
  ASSERT_EQ(q.stop(), 0) << q.logs();
  ASSERT_TRUE(q.start()) << q.last_error();
  EXPECT_EQ(q.http().head("/persist-strict").status, 404);
  EXPECT_EQ(q.http().head("/persist").status, 200);
}

TEST(IndicesRestartTest, MetadataSurvivesRestartWithPrivateRedis) { check_metadata_survives_restart(false); }
TEST(IndicesRestartTest, MetadataSurvivesRestartWithExternalRedis) { check_metadata_survives_restart(true); }
