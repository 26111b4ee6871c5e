// Tests of reading _bulk responses: per-item outcomes, retryable 429s, error descriptions.
#include <gtest/gtest.h>

#include "server/cli/bulk_response.h"

namespace quarry::cli {
namespace {

TEST(CliBulkResponse, ReadsEachItemInOrder) {
  auto r = parse_bulk_response(R"({"took":3,"errors":true,"items":[
    {"index":{"_index":"r","_id":"1","status":201,"result":"created"}},
    {"create":{"_index":"r","_id":"2","status":409,
               "error":{"type":"version_conflict_engine_exception","reason":"exists"}}},
    {"index":{"_index":"r","status":429,"error":{"type":"es_rejected_execution_exception",
               "reason":"queue full"}}},
    {"delete":{"_index":"r","_id":"9","status":404,"result":"not_found"}}]})");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 4u);
  EXPECT_FALSE((*r)[0].failed);
  EXPECT_TRUE((*r)[1].failed);
  EXPECT_FALSE((*r)[1].retryable());
  EXPECT_EQ((*r)[1].reason, "version_conflict_engine_exception: exists");
  EXPECT_TRUE((*r)[2].retryable());
  EXPECT_FALSE((*r)[3].failed);  // deleting a missing document is not an error
}

TEST(CliBulkResponse, RejectsWhatIsNotABulkResponse) {
  EXPECT_FALSE(parse_bulk_response("").ok());
  EXPECT_FALSE(parse_bulk_response("<html>").ok());
  EXPECT_FALSE(parse_bulk_response(R"({"acknowledged":true})").ok());
  auto odd = parse_bulk_response(R"({"items":[5]})");
  ASSERT_TRUE(odd.ok());
  EXPECT_TRUE((*odd)[0].failed);
}

TEST(CliBulkResponse, DescribesErrorBodies) {
  EXPECT_EQ(describe_error_body(
                R"({"error":{"type":"parsing_exception","reason":"bad"},"status":400})"),
            "parsing_exception: bad");
  EXPECT_EQ(describe_error_body("Too busy\n"), "Too busy ");
  EXPECT_EQ(describe_error_body(""), "(empty body)");
}

}  // namespace
}  // namespace quarry::cli
