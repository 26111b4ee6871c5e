// The review explorer's static files under /_ui/: every file of server/ui/ is served byte for byte
// from the binary with its content type, an ETag that revalidates to 304, no-cache, HEAD, the
// /_ui -> /_ui/ redirect, and Elasticsearch error JSON for what does not exist.
// (What the page does in a browser is tested by tests/e2e.)
#include <gtest/gtest.h>

#include <set>

#include "harness.h"

using namespace qtest;

namespace {

class UiTest : public ::testing::Test {
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
  HttpClient& http() { return server_->http(); }

  static Quarryd* server_;
  static bool started_;
};
Quarryd* UiTest::server_ = nullptr;
bool UiTest::started_ = false;

const fs::path kUiDir = fs::path(QUARRY_SOURCE_DIR) / "server" / "ui";

std::string expected_type(const fs::path& file) {
  std::string ext = file.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  return "image/svg+xml";
}

// The files the page is made of (the embedding script is build machinery, not served).
std::vector<fs::path> page_files() {
  static const std::set<std::string> kServed = {".html", ".js", ".css", ".svg"};
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(kUiDir)) {
    if (entry.is_regular_file() && kServed.count(entry.path().extension().string())) {
      out.push_back(entry.path());
    }
  }
  return out;
}

TEST_F(UiTest, EveryFileIsServedByteForByteWithItsContentType) {
  auto files = page_files();
  ASSERT_GE(files.size(), 3u);
  for (const fs::path& file : files) {
    std::string name = file.filename().string();
    auto r = http().get("/_ui/" + name);
    ASSERT_EQ(r.status, 200) << name << ": " << describe(r);
    EXPECT_EQ(r.header("content-type"), expected_type(file)) << name;
    EXPECT_EQ(r.body, read_file(file)) << name << " differs from the source file";
    EXPECT_EQ(r.header("cache-control"), "no-cache") << name;
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff") << name;
  }
}

TEST_F(UiTest, TheDirectoryIsTheIndexPage) {
  auto r = http().get("/_ui/");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(r.body, read_file(kUiDir / "index.html"));
  // Scripts only from this origin: review text can never run as code.
  EXPECT_NE(r.header("content-security-policy").find("script-src 'self'"), std::string::npos);
}

TEST_F(UiTest, WithoutTheSlashRedirects) {
  auto r = http().get("/_ui");
  EXPECT_EQ(r.status, 302) << describe(r);
  EXPECT_EQ(r.header("location"), "/_ui/");
}

TEST_F(UiTest, EtagRevalidatesToNotModified) {
  auto first = http().get("/_ui/app.js");
  ASSERT_EQ(first.status, 200);
  std::string etag = first.header("etag");
  ASSERT_GE(etag.size(), 3u);
  EXPECT_EQ(etag.front(), '"');
  EXPECT_EQ(etag.back(), '"');

  auto again = http().request("GET", "/_ui/app.js", "", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304) << describe(again);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(again.header("etag"), etag);

  auto other =
      http().request("GET", "/_ui/app.js", "", {{"If-None-Match", "\"0000000000000000\""}});
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(other.body, first.body);

  // Files differ, so do their tags.
  EXPECT_NE(http().get("/_ui/style.css").header("etag"), etag);
}

TEST_F(UiTest, HeadAnswersLikeGetWithoutBody) {
  auto r = http().head("/_ui/style.css");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.header("content-type"), "text/css; charset=utf-8");
  EXPECT_EQ(r.header("etag"), http().get("/_ui/style.css").header("etag"));
}

TEST_F(UiTest, UnknownFileIs404WithErrorJson) {
  auto r = http().get("/_ui/missing.js");
  EXPECT_TRUE(is_es_error(r, 404, "resource_not_found_exception")) << describe(r);
  EXPECT_NE(jstr(r.json(), "error.reason").find("missing.js"), std::string::npos);
  // The embedding script is not part of the page.
  EXPECT_EQ(http().get("/_ui/embed_ui.cmake").status, 404);
}

TEST_F(UiTest, OtherMethodsAndParametersAreRefused) {
  auto post = http().post("/_ui/app.js", "{}");
  EXPECT_EQ(post.status, 405) << describe(post);
  EXPECT_EQ(post.header("allow"), "GET");
  // The page keeps its state in the URL fragment; the server takes no parameters here.
  auto param = http().get("/_ui/?q=x");
  EXPECT_TRUE(is_es_error(param, 400, "illegal_argument_exception")) << describe(param);
}

}  // namespace
