#include "server/response_format.h"

#include <gtest/gtest.h>

namespace quarry::server {
namespace {

std::string filtered(std::string_view json, std::string_view fp) {
  Result<std::string> r = filter_json(json, fp);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? r.value() : std::string();
}

std::string header(const HttpResponse& res, const std::string& name) {
  for (const auto& [k, v] : res.headers) {
    if (k == name) return v;
  }
  return "<none>";
}

TEST(PrettyTest, MatchesElasticsearchLayout) {
  Result<std::string> p =
      pretty_json(R"({"name":"q","version":{"number":"8.0.0"},"tags":["a",1],"e":{},"l":[]})");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.value(),
            "{\n"
            "  \"name\" : \"q\",\n"
            "  \"version\" : {\n"
            "    \"number\" : \"8.0.0\"\n"
            "  },\n"
            "  \"tags\" : [\n"
            "    \"a\",\n"
            "    1\n"
            "  ],\n"
            "  \"e\" : { },\n"
            "  \"l\" : [ ]\n"
            "}\n");
}

TEST(PrettyTest, KeepsNumbersAndEscapesExactly) {
  Result<std::string> p =
      pretty_json(R"([18446744073709551616,1.0,-0.5e-10,"tab\there \"q\" \u0001 é"])");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.value(),
            "[\n  18446744073709551616,\n  1.0,\n  -0.5e-10,\n  \"tab\\there \\\"q\\\" \\u0001 é\"\n]\n");
  EXPECT_FALSE(pretty_json("{bad").ok());
}

const char* kSearch =
    R"({"took":3,"hits":{"total":{"value":2},"hits":[{"_id":"1","_source":{"a":1}},)"
    R"({"_id":"2","_source":{"a":2}}]},"aggregations":{"by_app":{"buckets":[]},"avg_x":{"value":1}}})";

TEST(FilterPathTest, ArraysAreTransparent) {
  EXPECT_EQ(filtered(kSearch, "hits.hits._id"), R"({"hits":{"hits":[{"_id":"1"},{"_id":"2"}]}})");
}

TEST(FilterPathTest, SeveralPathsAndWholeSubtrees) {
  EXPECT_EQ(filtered(kSearch, "took,hits.total"), R"({"took":3,"hits":{"total":{"value":2}}})");
}

TEST(FilterPathTest, Wildcards) {
  EXPECT_EQ(filtered(kSearch, "hits.hits.*.a"),
            R"({"hits":{"hits":[{"_source":{"a":1}},{"_source":{"a":2}}]}})");
  EXPECT_EQ(filtered(kSearch, "aggregations.*.value"), R"({"aggregations":{"avg_x":{"value":1}}})");
  EXPECT_EQ(filtered(kSearch, "aggregations.by_*"),
            R"({"aggregations":{"by_app":{"buckets":[]}}})");
  EXPECT_EQ(filtered(kSearch, "**.value"),
            R"({"hits":{"total":{"value":2}},"aggregations":{"avg_x":{"value":1}}})");
  EXPECT_EQ(filtered(kSearch, "hits.**._id"), R"({"hits":{"hits":[{"_id":"1"},{"_id":"2"}]}})");
}

TEST(FilterPathTest, Exclusions) {
  EXPECT_EQ(filtered(kSearch, "-hits.hits._source,-aggregations"),
            R"({"took":3,"hits":{"total":{"value":2},"hits":[{"_id":"1"},{"_id":"2"}]}})");
  EXPECT_EQ(filtered(kSearch, "hits,-hits.hits._source,-hits.total"),
            R"({"hits":{"hits":[{"_id":"1"},{"_id":"2"}]}})");
}

TEST(FilterPathTest, NoMatchGivesEmptyObject) {
  EXPECT_EQ(filtered(kSearch, "nothing.here"), "{}");
  EXPECT_EQ(filtered(R"({"hits":{"hits":[]}})", "hits.hits._id"), "{}");
}

TEST(FilterPathTest, DottedKeysMatch) {
  EXPECT_EQ(filtered(R"({"resource.type":"index","x":1})", "resource.type"),
            R"({"resource.type":"index"})");
}

TEST(FilterPathTest, FilteredAndPretty) {
  Result<std::string> r = filter_json(kSearch, "took", true);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), "{\n  \"took\" : 3\n}\n");
}

TEST(FinalizeTest, AddsProductHeaderAndAppliesParams) {
  HttpRequest req;
  req.params["pretty"] = "";
  req.params["filter_path"] = "took";
  HttpResponse res = HttpResponse::json(200, kSearch);
  finalize_response(req, res);
  EXPECT_EQ(res.body, "{\n  \"took\" : 3\n}\n");
  EXPECT_EQ(res.content_type, "application/json");
  EXPECT_EQ(header(res, "X-Elastic-Product"), "Elasticsearch");
}

TEST(FinalizeTest, ErrorsAreNotFiltered) {
  HttpRequest req;
  req.params["filter_path"] = "took";
  const std::string error = R"({"error":{"type":"x","reason":"y"},"status":404})";
  HttpResponse res = HttpResponse::json(404, error);
  finalize_response(req, res);
  EXPECT_EQ(res.body, error);
}

TEST(FinalizeTest, NonJsonBodiesPassThrough) {
  HttpRequest req;
  req.params["pretty"] = "true";
  HttpResponse res;
  res.content_type = "text/plain; charset=UTF-8";
  res.body = "green open reviews\n";
  finalize_response(req, res);
  EXPECT_EQ(res.body, "green open reviews\n");
  EXPECT_EQ(res.content_type, "text/plain; charset=UTF-8");
  EXPECT_EQ(header(res, "X-Elastic-Product"), "Elasticsearch");
}

TEST(FinalizeTest, VendorMediaTypeIsEchoed) {
  HttpRequest req;
  req.headers["accept"] = "application/vnd.elasticsearch+json; compatible-with=8";
  HttpResponse res = HttpResponse::json(200, "{}");
  finalize_response(req, res);
  EXPECT_EQ(res.content_type, "application/vnd.elasticsearch+json;compatible-with=8");

  HttpRequest ct_only;
  ct_only.headers["content-type"] = "application/vnd.elasticsearch+x-ndjson;compatible-with=7";
  EXPECT_EQ(json_response_content_type(ct_only),
            "application/vnd.elasticsearch+json;compatible-with=7");
  HttpRequest plain;
  plain.headers["accept"] = "application/json";
  EXPECT_EQ(json_response_content_type(plain), "application/json");
}

TEST(ContentTypeTest, AcceptedAndRejected) {
  HttpRequest req;
  req.body = "{}";
  EXPECT_FALSE(check_content_type(req).has_value()) << "missing header is accepted";
  for (const char* ok : {"application/json", "application/json; charset=UTF-8",
                         "application/x-ndjson",
                         "application/vnd.elasticsearch+json;compatible-with=8",
                         "application/vnd.elasticsearch+x-ndjson; compatible-with=8"}) {
    req.headers["content-type"] = ok;
    EXPECT_FALSE(check_content_type(req).has_value()) << ok;
  }
  req.headers["content-type"] = "text/plain";
  std::optional<HttpResponse> rejected = check_content_type(req);
  ASSERT_TRUE(rejected.has_value());
  EXPECT_EQ(rejected->status, 406);
  EXPECT_EQ(rejected->body,
            R"({"error":"Content-Type header [text/plain] is not supported","status":406})");
  req.body.clear();
  EXPECT_FALSE(check_content_type(req).has_value()) << "no body, nothing to check";
}

}  // namespace
}  // namespace quarry::server
