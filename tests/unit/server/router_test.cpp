#include "server/router.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "server/http_server.h"  // parse_target

namespace quarry::server {
namespace {

HttpRequest request(std::string method, std::string target) {
  HttpRequest r;
  r.method = std::move(method);
  EXPECT_TRUE(parse_target(target, r).ok());
  return r;
}

Handler reply(std::string body) {
  return [body](HttpRequest& req) {
    std::string out = body;
    for (const auto& [k, v] : req.path_params) out += " " + k + "=" + v;
    return HttpResponse::json(200, out);
  };
}

std::string header(const HttpResponse& res, const std::string& name) {
  for (const auto& [k, v] : res.headers) {
    if (k == name) return v;
  }
  return "<none>";
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.add("GET", "/", reply("root"));
    router_.add("GET", "/{index}", reply("get_index"));
    router_.add("PUT", "/{index}", reply("create_index"));
    router_.add("GET", "/_search", reply("search_all"), {"q", "size"});
    router_.add("POST", "/_search", reply("search_all"), {"q", "size"});
    router_.add("GET", "/{index}/_search", reply("search"), {"q", "size", "from"});
    router_.add("GET", "/{index}/{type}/{id}", reply("typed"));
    router_.add("GET", "/{index}/_doc/{id}", reply("get_doc"), {"refresh", "routing"});
    router_.add("GET", "/_cat/indices", reply("cat"), {"format", "v"});
    router_.add("GET", "/boom", [](HttpRequest&) -> HttpResponse {
      throw std::runtime_error("kaput");
    });
  }
  Router router_;
};

TEST_F(RouterTest, LiteralSegmentsBeatCaptures) {
  HttpRequest a = request("GET", "/_search");
  EXPECT_EQ(router_.dispatch(a).body, "search_all");
  HttpRequest b = request("GET", "/reviews");
  EXPECT_EQ(router_.dispatch(b).body, "get_index index=reviews");
  HttpRequest c = request("GET", "/reviews/_doc/7");
  EXPECT_EQ(router_.dispatch(c).body, "get_doc id=7 index=reviews");
  HttpRequest d = request("GET", "/reviews/other/7");
  EXPECT_EQ(router_.dispatch(d).body, "typed id=7 index=reviews type=other");
  HttpRequest e = request("GET", "/");
  EXPECT_EQ(router_.dispatch(e).body, "root");
}

TEST_F(RouterTest, UnderscoreSegmentFallsBackToCapture) {
  HttpRequest r = request("GET", "/_unknown_api");
  EXPECT_EQ(router_.dispatch(r).body, "get_index index=_unknown_api");
}

TEST_F(RouterTest, CapturesAreDecodedAndTrailingSlashIgnored) {
  HttpRequest r = request("GET", "/my%20index/_doc/a%2Fb/");
  EXPECT_EQ(router_.dispatch(r).body, "get_doc id=a/b index=my index");
}

TEST_F(RouterTest, UnknownPathIsNoHandlerFound) {
  HttpRequest r = request("GET", "/a/b/c/d?x=1");
  HttpResponse res = router_.dispatch(r);
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(res.body, R"({"error":"no handler found for uri [/a/b/c/d?x=1] and method [GET]"})");
}

TEST_F(RouterTest, KnownPathWithOtherMethodIs405) {
  HttpRequest r = request("DELETE", "/_search");
  HttpResponse res = router_.dispatch(r);
  EXPECT_EQ(res.status, 405);
  EXPECT_EQ(res.body,
            R"({"error":"Incorrect HTTP method for uri [/_search] and method [DELETE], )"
            R"(allowed: [GET, PUT, POST]","status":405})");
  EXPECT_EQ(header(res, "Allow"), "GET,PUT,POST");
}

TEST_F(RouterTest, OptionsListsMethods) {
  HttpRequest r = request("OPTIONS", "/reviews");
  HttpResponse res = router_.dispatch(r);
  EXPECT_EQ(res.status, 200);
  EXPECT_TRUE(res.body.empty());
  EXPECT_EQ(header(res, "Allow"), "GET,PUT");
}

TEST_F(RouterTest, UnknownParameterIs400WithElasticsearchReason) {
  HttpRequest r = request("GET", "/reviews/_doc/1?foo=bar");
  HttpResponse res = router_.dispatch(r);
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find(R"("type":"illegal_argument_exception")"), std::string::npos);
  EXPECT_NE(res.body.find(
                R"("reason":"request [/reviews/_doc/1] contains unrecognized parameter: [foo]")"),
            std::string::npos)
      << res.body;
}

TEST_F(RouterTest, SeveralUnknownParametersAreSortedAndSuggested) {
  HttpRequest r = request("GET", "/reviews/_search?sizee=1&zzz=2&q=x");
  HttpResponse res = router_.dispatch(r);
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("request [/reviews/_search] contains unrecognized parameters: "
                          "[sizee] -> did you mean [size]?, [zzz]"),
            std::string::npos)
      << res.body;
}

TEST_F(RouterTest, GlobalParametersAlwaysAccepted) {
  HttpRequest r = request("GET", "/reviews?pretty&human=true&error_trace=true&filter_path=a");
  EXPECT_EQ(router_.dispatch(r).status, 200);
  HttpRequest f = request("GET", "/reviews?format=json");
  EXPECT_EQ(router_.dispatch(f).status, 400) << "format is only for routes that list it";
  HttpRequest c = request("GET", "/_cat/indices?format=json&v");
  EXPECT_EQ(router_.dispatch(c).status, 200);
}

TEST_F(RouterTest, HeadIsServedByGetWithoutBody) {
  HttpRequest r = request("HEAD", "/reviews");
  HttpResponse res = router_.dispatch(r);
  EXPECT_EQ(res.status, 200);
  EXPECT_TRUE(res.body.empty());
  HttpRequest missing = request("HEAD", "/x/y/z/w");
  EXPECT_EQ(router_.dispatch(missing).status, 400);
}

TEST_F(RouterTest, HandlerExceptionBecomes500) {
  HttpRequest r = request("GET", "/boom");
  HttpResponse res = router_.dispatch(r);
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(res.body,
            R"({"error":{"root_cause":[{"type":"exception","reason":"kaput"}],)"
            R"("type":"exception","reason":"kaput"},"status":500})");
}

TEST(ParseTargetTest, SplitsAndDecodes) {
  HttpRequest r;
  ASSERT_TRUE(parse_target("/a%20b/_doc/x%2Fy?q=hello+world&refresh&routing=a%2Bb&", r).ok());
  EXPECT_EQ(r.uri, "/a%20b/_doc/x%2Fy?q=hello+world&refresh&routing=a%2Bb&");
  EXPECT_EQ(r.path, "/a b/_doc/x/y");
  EXPECT_EQ(r.segments, (std::vector<std::string>{"a b", "_doc", "x/y"}));
  EXPECT_EQ(r.params.size(), 3u);
  EXPECT_EQ(r.params["q"], "hello world");
  EXPECT_EQ(r.params["refresh"], "");
  EXPECT_EQ(r.params["routing"], "a+b");
}

TEST(ParseTargetTest, RootAndBadEscapes) {
  HttpRequest r;
  ASSERT_TRUE(parse_target("/", r).ok());
  EXPECT_EQ(r.path, "/");
  EXPECT_TRUE(r.segments.empty());
  Status bad = parse_target("/abc%zz", r);
  EXPECT_EQ(bad.code(), Code::kInvalidArgument);
  EXPECT_EQ(bad.message(), "invalid escape sequence `%zz' at index 4 of: /abc%zz");
  EXPECT_EQ(parse_target("/x?a=%4", r).message(), "unterminated escape sequence at end of string: %4");
}

}  // namespace
}  // namespace quarry::server
