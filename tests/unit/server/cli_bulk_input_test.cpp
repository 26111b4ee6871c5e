// Tests of input-format detection and of turning input lines into _bulk items.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>

#include "server/cli/bulk_input.h"

namespace quarry::cli {
namespace {

using Outcome = ItemAssembler::Outcome;

TEST(CliBulkInput, DetectsBulkFilesFromTheirFirstActionLine) {
  EXPECT_EQ(detect_input_format(R"({"index":{"_index":"reviews","_id":"1"}})"), InputFormat::kBulk);
  EXPECT_EQ(detect_input_format(R"({"index":{}})"), InputFormat::kBulk);
  EXPECT_EQ(detect_input_format(R"({ "create" : { "_id": 7 } })"), InputFormat::kBulk);
  EXPECT_EQ(detect_input_format(R"({"delete":{"_id":"1"}})"), InputFormat::kBulk);
  EXPECT_EQ(detect_input_format(R"({"update":{"_id":"1"}})"), InputFormat::kBulk);
}

TEST(CliBulkInput, EverythingElseIsADocumentsFile) {
  EXPECT_EQ(detect_input_format(R"({"app_id":10,"review":"good"})"), InputFormat::kDocuments);
  // A document that happens to have an "index" field is still a document.
  EXPECT_EQ(detect_input_format(R"({"index":3})"), InputFormat::kDocuments);
  EXPECT_EQ(detect_input_format(R"({"index":{},"extra":1})"), InputFormat::kDocuments);
  EXPECT_EQ(detect_input_format(R"({"upsert":{}})"), InputFormat::kDocuments);
  EXPECT_EQ(detect_input_format("not json"), InputFormat::kDocuments);
  EXPECT_EQ(detect_input_format(""), InputFormat::kDocuments);
}

TEST(CliBulkInput, DocumentsBecomeIndexActionsIntoTheIndex) {
  ItemAssembler a(InputFormat::kDocuments, "reviews", "");
  std::string item, error;
  ASSERT_EQ(a.add_line(R"({"a":1})", item, error), Outcome::kItem);
  EXPECT_EQ(item, "{\"index\":{\"_index\":\"reviews\"}}\n{\"a\":1}\n");
}

TEST(CliBulkInput, IdsComeFromTheIdFieldIncludingDottedPathsAndNumbers) {
  std::string item, error;
  ItemAssembler by_string(InputFormat::kDocuments, "r", "review_id");
  ASSERT_EQ(by_string.add_line(R"({"review_id":"a\"b","x":1})", item, error), Outcome::kItem);
  EXPECT_EQ(item.substr(0, item.find('\n')), R"({"index":{"_index":"r","_id":"a\"b"}})");

  ItemAssembler by_number(InputFormat::kDocuments, "r", "review_id");
  ASSERT_EQ(by_number.add_line(R"({"review_id":7740972})", item, error), Outcome::kItem);
  EXPECT_EQ(item.substr(0, item.find('\n')), R"({"index":{"_index":"r","_id":"7740972"}})");

  ItemAssembler nested(InputFormat::kDocuments, "r", "author.steamid");
  ASSERT_EQ(nested.add_line(R"({"author":{"steamid":"765"}})", item, error), Outcome::kItem);
  EXPECT_NE(item.find(R"("_id":"765")"), std::string::npos);
}

TEST(CliBulkInput, BadDocumentsAreErrorsThatNameTheProblem) {
  std::string item, error;
  ItemAssembler a(InputFormat::kDocuments, "r", "id");
  EXPECT_EQ(a.add_line(R"({"id":1)", item, error), Outcome::kError);
  EXPECT_NE(error.find("malformed JSON"), std::string::npos) << error;
  EXPECT_EQ(a.add_line(R"([1,2])", item, error), Outcome::kError);
  EXPECT_EQ(a.add_line(R"({"other":1})", item, error), Outcome::kError);
  EXPECT_NE(error.find("[id]"), std::string::npos) << error;
  EXPECT_EQ(a.add_line(R"({"id":{"x":1}})", item, error), Outcome::kError);
  EXPECT_EQ(a.add_line(R"({"id":1} trailing)", item, error), Outcome::kError);
  EXPECT_EQ(a.add_line(std::string(1000000, '['), item, error), Outcome::kError);  // no stack overflow
  EXPECT_EQ(a.add_line(std::string("\xff\xfe\0garbage", 10), item, error), Outcome::kError);
  EXPECT_EQ(a.add_line("   ", item, error), Outcome::kSkipped);
  EXPECT_EQ(a.add_line(R"({"id":2})", item, error), Outcome::kItem);  // recovers
}

TEST(CliBulkInput, BulkLinesAreSentAsTheyAre) {
  ItemAssembler a(InputFormat::kBulk, "", "");
  std::string item, error;
  const std::string action = R"({ "index" : { "_index" : "x", "_id" : "1" } })";
  const std::string source = R"({"field":"value"})";
  ASSERT_EQ(a.add_line(action, item, error), Outcome::kNeedMore);
  ASSERT_EQ(a.add_line(source, item, error), Outcome::kItem);
  EXPECT_EQ(item, action + "\n" + source + "\n");
  ASSERT_EQ(a.add_line(R"({"delete":{"_id":"2"}})", item, error), Outcome::kItem);
  EXPECT_EQ(item, "{\"delete\":{\"_id\":\"2\"}}\n");
  ASSERT_EQ(a.add_line(R"({"update":{"_id":"3"}})", item, error), Outcome::kNeedMore);
  ASSERT_EQ(a.add_line(R"({"doc":{"f":1}})", item, error), Outcome::kItem);
  EXPECT_EQ(a.finish(error), Outcome::kSkipped);
}

TEST(CliBulkInput, ABadActionFailsOnceAndItsSourceLineIsSkipped) {
  ItemAssembler a(InputFormat::kBulk, "", "");
  std::string item, error;
  EXPECT_EQ(a.add_line(R"({"index":{"_id":"1"})", item, error), Outcome::kError);
  EXPECT_EQ(a.add_line(R"({"field":1})", item, error), Outcome::kSkipped);
  EXPECT_EQ(a.add_line(R"({"index":{"_id":"2"}})", item, error), Outcome::kNeedMore);
  EXPECT_EQ(a.add_line(R"({"field":2})", item, error), Outcome::kItem);
}

TEST(CliBulkInput, ABadSourceLineAndAMissingOneAreErrors) {
  ItemAssembler a(InputFormat::kBulk, "", "");
  std::string item, error;
  EXPECT_EQ(a.add_line(R"({"index":{}})", item, error), Outcome::kNeedMore);
  EXPECT_EQ(a.add_line(R"({"field":)", item, error), Outcome::kError);
  EXPECT_EQ(a.add_line(R"({"create":{}})", item, error), Outcome::kNeedMore);
  EXPECT_EQ(a.finish(error), Outcome::kError);
  EXPECT_NE(error.find("no source"), std::string::npos);
}

}  // namespace
}  // namespace quarry::cli
