// HTTP layer behaviour Elasticsearch clients rely on: the banner, X-Elastic-Product, parameter
// validation, error shapes, body size limit, HEAD, pretty / filter_path, vendor content types.
#include <gtest/gtest.h>

#include "harness.h"

using namespace qtest;

namespace {

class HttpTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new Quarryd(QuarrydOptions{"", {"--max-body-mb", "1"}});
    started_ = server_->start();
    if (started_) {
      auto& h = server_->http();
      h.put("/http-idx/_doc/1?refresh=true", R"({"a":1,"b":"two","nested":{"x":1,"y":2}})");
      h.put("/http-idx/_doc/2?refresh=true", R"({"a":2,"b":"three","nested":{"x":3,"y":4}})");
    }
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

  static Quarryd* server_;
  static bool started_;
};
Quarryd* HttpTest::server_ = nullptr;
bool HttpTest::started_ = false;

// The Elasticsearch error shape: {"error":{"root_cause":[{type,reason}],"type","reason"},"status"}.
void expect_error_shape(const HttpResponse& r, int status) {
  EXPECT_EQ(r.status, status) << describe(r);
  auto d = r.json();
  ASSERT_FALSE(d.HasParseError()) << r.body;
  EXPECT_EQ(jint(d, "status"), status) << r.body;
  const auto* rc = jpath(d, "error.root_cause");
  ASSERT_TRUE(rc && rc->IsArray() && rc->Size() >= 1) << r.body;
  EXPECT_FALSE(jstr(d, "error.root_cause.0.type").empty()) << r.body;
  EXPECT_TRUE(jhas(d, "error.root_cause.0.reason")) << r.body;
  EXPECT_FALSE(jstr(d, "error.type", "").empty()) << r.body;
  EXPECT_FALSE(jstr(d, "error.reason", "").empty()) << r.body;
  EXPECT_EQ(r.header("content-type").rfind("application/json", 0), 0u) << r.header("content-type");
}

}  // namespace

TEST_F(HttpTest, RootBanner) {
  auto r = http().get("/");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto d = r.json();
  ASSERT_FALSE(d.HasParseError()) << r.body;
  EXPECT_FALSE(jstr(d, "name", "").empty());
  EXPECT_FALSE(jstr(d, "cluster_name", "").empty());
  EXPECT_FALSE(jstr(d, "cluster_uuid", "").empty());
  // Official clients check the major version and the product header.
  EXPECT_EQ(jstr(d, "version.number").substr(0, 2), "8.") << r.body;
  EXPECT_EQ(jstr(d, "version.build_flavor"), "default");
  EXPECT_FALSE(jstr(d, "version.lucene_version", "").empty());
  EXPECT_FALSE(jstr(d, "version.minimum_wire_compatibility_version", "").empty());
  EXPECT_EQ(jstr(d, "tagline"), "You Know, for Search");
  EXPECT_EQ(r.header("X-Elastic-Product"), "Elasticsearch");
  EXPECT_EQ(r.header("content-type").rfind("application/json", 0), 0u);

  // The cluster uuid is stable across calls.
  EXPECT_EQ(jstr(http().get("/").json(), "cluster_uuid"), jstr(d, "cluster_uuid"));

  r = http().head("/");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
}

TEST_F(HttpTest, ElasticProductHeaderOnEveryResponse) {
  std::vector<HttpResponse> rs = {
      http().get("/http-idx/_doc/1"),               // 200
      http().get("/http-idx/_doc/missing"),         // 404 found:false
      http().get("/missing-index/_doc/1"),          // 404 error
      http().get("/http-idx/_doc/1?bogus=1"),       // 400
      http().head("/http-idx"),                     // HEAD
      http().post("/http-idx/_search", "{bad"),     // 400 parse
      http().get("/_cat/indices"),                  // text
  };
  for (const auto& r : rs) EXPECT_EQ(r.header("X-Elastic-Product"), "Elasticsearch") << describe(r);
}

TEST_F(HttpTest, UnknownParameterIs400NamingIt) {
  auto r = http().get("/http-idx/_doc/1?bogus_param=1");
  expect_error_shape(r, 400);
  EXPECT_EQ(jstr(r.json(), "error.type"), "illegal_argument_exception");
  EXPECT_NE(jstr(r.json(), "error.reason").find("[bogus_param]"), std::string::npos) << r.body;

  // A near miss gets a "did you mean" hint.
  r = http().put("/http-idx/_doc/9?refesh=true", R"({"a":9})");
  expect_error_shape(r, 400);
  std::string reason = jstr(r.json(), "error.reason");
  EXPECT_NE(reason.find("[refesh]"), std::string::npos) << reason;
  EXPECT_NE(reason.find("did you mean"), std::string::npos) << reason;
  EXPECT_NE(reason.find("refresh"), std::string::npos) << reason;
  EXPECT_EQ(http().get("/http-idx/_doc/9").status, 404) << "the rejected request must not write";

  // Several endpoints validate their parameters.
  for (const char* target : {"/http-idx/_search?sizee=1", "/_bulk?colour=red", "/_cat/indices?wat=1",
                             "/_cluster/health?nope=1", "/http-idx/_count?x=1", "/?y=2"}) {
    r = http().request(std::string(target).find("_bulk") != std::string::npos ? "POST" : "GET", target,
                       std::string(target).find("_bulk") != std::string::npos ? "{\"index\":{\"_index\":\"http-idx\"}}\n{}\n" : "",
                       {{"Content-Type", "application/x-ndjson"}});
    EXPECT_EQ(r.status, 400) << target << ": " << describe(r);
    EXPECT_NE(r.body.find("unrecognized parameter"), std::string::npos) << target << ": " << r.body;
  }
  // Global parameters are accepted everywhere.
  r = http().get("/http-idx/_doc/1?pretty&human=true&error_trace=false&filter_path=_id");
  EXPECT_EQ(r.status, 200) << describe(r);
}

TEST_F(HttpTest, InvalidParameterValueIs400) {
  auto r = http().post("/http-idx/_search?size=abc", "{}");
  expect_error_shape(r, 400);
  r = http().put("/http-idx/_doc/1?refresh=perhaps", "{}");
  expect_error_shape(r, 400);
}

TEST_F(HttpTest, MalformedJsonIs400WithErrorShape) {
  for (const char* body : {"{\"query\":", "{\"query\":{\"match_all\":{}}} trailing", "not json", "[1,2]",
                           "{\"query\":{\"match_all\":{}},}"}) {
    SCOPED_TRACE(body);
    auto r = http().post("/http-idx/_search", body);
    expect_error_shape(r, 400);
  }
  // On the other JSON endpoints as well.
  expect_error_shape(http().put("/http-new-index", "{\"settings\":"), 400);
  expect_error_shape(http().post("/_aliases", "{\"actions\":[}"), 400);
  expect_error_shape(http().post("/_mget", "{\"docs\":"), 400);
  expect_error_shape(http().post("/http-idx/_update/1", "{\"doc\":"), 400);
  auto r = http().put("/http-idx/_doc/1", "{\"a\":");
  expect_error_shape(r, 400);
  EXPECT_EQ(jstr(r.json(), "error.type"), "document_parsing_exception") << r.body;
  EXPECT_EQ(jint(http().get("/http-idx/_doc/1").json(), "_source.a"), 1) << "document unchanged";
  EXPECT_EQ(http().head("/http-new-index").status, 404);
}

TEST_F(HttpTest, BodyOverLimitIs413AndServerStaysUp) {
  // --max-body-mb 1: 1 MiB is the limit.
  std::string big = "{\"pad\":\"" + std::string(1024 * 1024 + 100, 'x') + "\"}";
  HttpClient c("127.0.0.1", server_->port());
  auto r = c.request("PUT", "/http-big/_doc/1", big);
  EXPECT_EQ(r.status, 413) << describe(r, 300);
  if (!r.body.empty()) {
    auto d = r.json();
    EXPECT_EQ(jint(d, "status"), 413) << r.body.substr(0, 300);
  }
  // Also for bulk.
  Ndjson b;
  std::string pad(1000, 'y');
  for (int i = 0; i < 1100; ++i) b.index("http-big", std::to_string(i), "{\"p\":\"" + pad + "\"}");
  HttpClient c2("127.0.0.1", server_->port());
  r = c2.bulk("/_bulk", b.str());
  EXPECT_EQ(r.status, 413) << describe(r, 300);

  // Nothing written, server alive, a body under the limit is fine.
  EXPECT_EQ(http().get("/").status, 200);
  EXPECT_EQ(http().get("/http-big/_doc/1").status, 404);
  std::string ok = "{\"pad\":\"" + std::string(900 * 1024, 'x') + "\"}";
  r = http().put("/http-big/_doc/2", ok);
  EXPECT_EQ(r.status, 201) << describe(r, 300);
}

TEST_F(HttpTest, HeadHasNoBody) {
  for (const char* target : {"/", "/http-idx", "/missing-idx", "/http-idx/_doc/1", "/http-idx/_doc/missing",
                             "/_alias/none"}) {
    auto r = http().head(target);
    EXPECT_TRUE(r.status == 200 || r.status == 404) << target << ": " << describe(r);
    EXPECT_TRUE(r.body.empty()) << target;
  }
  EXPECT_EQ(http().head("/http-idx").status, 200);
  EXPECT_EQ(http().head("/missing-idx").status, 404);
  EXPECT_EQ(http().head("/http-idx/_doc/1").status, 200);
  EXPECT_EQ(http().head("/http-idx/_doc/missing").status, 404);
  // The connection is still usable after HEAD responses (no stray body bytes).
  auto r = http().get("/http-idx/_doc/1");
  EXPECT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jint(r.json(), "_source.a"), 1);
}

TEST_F(HttpTest, PrettyOutput) {
  auto compact = http().get("/http-idx/_doc/1");
  auto pretty = http().get("/http-idx/_doc/1?pretty");
  ASSERT_EQ(pretty.status, 200) << describe(pretty);
  EXPECT_NE(pretty.body.find("\n  \""), std::string::npos) << pretty.body;
  EXPECT_EQ(compact.body.find('\n'), std::string::npos) << compact.body;
  // Same content.
  EXPECT_EQ(to_json(pretty.json()), to_json(compact.json()));
  // Errors are pretty too.
  auto err = http().get("/missing-index/_doc/1?pretty");
  EXPECT_EQ(err.status, 404);
  EXPECT_NE(err.body.find("\n  \"error\" : "), std::string::npos) << err.body;
  // pretty=false is compact.
  EXPECT_EQ(http().get("/http-idx/_doc/1?pretty=false").body.find('\n'), std::string::npos);
}

TEST_F(HttpTest, FilterPath) {
  auto r = http().get("/?filter_path=version.number,tagline");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto d = r.json();
  EXPECT_TRUE(jhas(d, "version.number")) << r.body;
  EXPECT_TRUE(jhas(d, "tagline")) << r.body;
  EXPECT_FALSE(jhas(d, "name")) << r.body;
  EXPECT_FALSE(jhas(d, "version.build_flavor")) << r.body;

  r = http().post("/http-idx/_search?filter_path=hits.hits._id,hits.total.value",
                  R"({"query":{"ids":{"values":["1"]}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  d = r.json();
  EXPECT_EQ(jstr(d, "hits.hits.0._id"), "1") << r.body;
  EXPECT_EQ(jint(d, "hits.total.value"), 1) << r.body;
  EXPECT_FALSE(jhas(d, "took")) << r.body;
  EXPECT_FALSE(jhas(d, "hits.hits.0._source")) << r.body;

  // Wildcards.
  r = http().post("/http-idx/_search?filter_path=hits.hits.*.nested.x", R"({"query":{"ids":{"values":["1"]}}})");
  d = r.json();
  EXPECT_EQ(jint(d, "hits.hits.0._source.nested.x"), 1) << r.body;
  EXPECT_FALSE(jhas(d, "hits.hits.0._source.nested.y")) << r.body;
  r = http().get("/?filter_path=**.number");
  EXPECT_TRUE(jhas(r.json(), "version.number")) << r.body;

  // Combined with pretty.
  r = http().get("/?filter_path=tagline&pretty");
  EXPECT_EQ(r.body.substr(0, 4), "{\n  ") << r.body;
  EXPECT_EQ(jstr(r.json(), "tagline"), "You Know, for Search");

  // Nothing matches: an empty object.
  r = http().get("/?filter_path=nothing.here");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(to_json(r.json()), "{}") << r.body;
}

TEST_F(HttpTest, VendorContentTypesAccepted) {
  const std::string vnd = "application/vnd.elasticsearch+json; compatible-with=8";
  auto r = http().request("PUT", "/http-vnd/_doc/1?refresh=true", R"({"v":1})",
                          {{"Content-Type", vnd}, {"Accept", vnd}});
  ASSERT_EQ(r.status, 201) << describe(r);
  EXPECT_NE(r.header("content-type").find("application/vnd.elasticsearch+json"), std::string::npos)
      << r.header("content-type");
  r = http().request("POST", "/http-vnd/_search", R"({"query":{"match_all":{}}})",
                     {{"Content-Type", vnd}, {"Accept", vnd}});
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jint(r.json(), "hits.total.value"), 1) << r.body;

  // The 7.x compatibility header (sent by 7.x clients in compatibility mode).
  r = http().request("GET", "/http-vnd/_doc/1", "",
                     {{"Accept", "application/vnd.elasticsearch+json;compatible-with=7"}});
  EXPECT_EQ(r.status, 200) << describe(r);

  // NDJSON vendor type for bulk.
  r = http().request("POST", "/_bulk", Ndjson().index("http-vnd", "2", "{}").str(),
                     {{"Content-Type", "application/vnd.elasticsearch+x-ndjson; compatible-with=8"}});
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_FALSE(jbool(r.json(), "errors", true)) << r.body;

  // Charset parameter on plain JSON.
  r = http().request("PUT", "/http-vnd/_doc/3", "{}", {{"Content-Type", "application/json; charset=UTF-8"}});
  EXPECT_EQ(r.status, 201) << describe(r);

  // Unsupported content type: 406.
  r = http().request("PUT", "/http-vnd/_doc/4", "{}", {{"Content-Type", "text/plain"}});
  EXPECT_EQ(r.status, 406) << describe(r);
  EXPECT_EQ(http().get("/http-vnd/_doc/4").status, 404);
}

TEST_F(HttpTest, UnknownRouteAndWrongMethod) {
  auto r = http().get("/_no_such_api/x/y");
  EXPECT_EQ(r.status, 400) << describe(r);
  EXPECT_NE(r.body.find("no handler found"), std::string::npos) << r.body;
  r = http().request("PATCH", "/http-idx");
  EXPECT_EQ(r.status, 405) << describe(r);
  EXPECT_NE(r.header("Allow").find("GET"), std::string::npos) << r.header("Allow");
}

TEST_F(HttpTest, KeepAliveServesManyRequestsOnOneConnection) {
  HttpClient c("127.0.0.1", server_->port());
  for (int i = 0; i < 200; ++i) {
    auto r = c.get("/http-idx/_doc/" + std::to_string(1 + i % 2));
    ASSERT_EQ(r.status, 200) << i << ": " << describe(r);
    ASSERT_NE(r.header("connection"), "close") << i;
  }
}
