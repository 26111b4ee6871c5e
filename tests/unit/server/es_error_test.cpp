#include "server/es_error.h"

#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>

namespace quarry::server {
namespace {

TEST(EsErrorTest, IndexNotFoundIsTheElasticsearchDocument) {
  HttpResponse res = error_response(Status::IndexNotFound("foo"));
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(res.content_type, "application/json");
  EXPECT_EQ(res.body,
            R"({"error":{"root_cause":[{"type":"index_not_found_exception","reason":"no such index [foo]",)"
            R"("index":"foo","resource.type":"index_or_alias","resource.id":"foo"}],)"
            R"("type":"index_not_found_exception","reason":"no such index [foo]",)"
            R"("index":"foo","resource.type":"index_or_alias","resource.id":"foo"},"status":404})");
}

TEST(EsErrorTest, TableMatchesElasticsearchTypesAndStatuses) {
  struct Row {
    Code code;
    std::string type;
    int status;
  };
  const Row rows[] = {
      {Code::kInvalidArgument, "illegal_argument_exception", 400},
      {Code::kParsing, "parsing_exception", 400},
      {Code::kActionValidation, "action_request_validation_exception", 400},
      {Code::kDocumentParsing, "document_parsing_exception", 400},
      {Code::kMapperParsing, "mapper_parsing_exception", 400},
      {Code::kStrictDynamicMapping, "strict_dynamic_mapping_exception", 400},
      {Code::kInvalidIndexName, "invalid_index_name_exception", 400},
      {Code::kIndexNotFound, "index_not_found_exception", 404},
      {Code::kDocumentMissing, "document_missing_exception", 404},
      {Code::kNotFound, "resource_not_found_exception", 404},
      {Code::kAlreadyExists, "resource_already_exists_exception", 400},
      {Code::kVersionConflict, "version_conflict_engine_exception", 409},
      {Code::kIndexClosed, "index_closed_exception", 400},
      {Code::kTooLarge, "content_too_long_exception", 413},
      {Code::kOverloaded, "es_rejected_execution_exception", 429},
      {Code::kUnavailable, "unavailable_shards_exception", 503},
      {Code::kTimeout, "timeout_exception", 429},
      {Code::kCorruption, "corrupt_index_exception", 500},
      {Code::kIOError, "i_o_exception", 500},
      {Code::kInternal, "exception", 500},
  };
  for (const Row& r : rows) {
    EsErrorKind kind = es_error_kind(r.code);
    EXPECT_EQ(kind.type, r.type);
    EXPECT_EQ(kind.http_status, r.status) << r.type;
    EXPECT_EQ(error_response(Status(r.code, "x")).status, r.status) << r.type;
  }
}

TEST(EsErrorTest, InnerObjectForBulkItems) {
  rapidjson::StringBuffer buf;
  json::Writer w(buf);
  write_error_object(w, Status::VersionConflict("[1]: version conflict").with("shard", "0"));
  EXPECT_EQ(std::string(buf.GetString()),
            R"({"type":"version_conflict_engine_exception","reason":"[1]: version conflict",)"
            R"("shard":"0"})");
}

TEST(EsErrorTest, ReasonIsEscaped) {
  HttpResponse res = error_response(Status::Parsing("bad \"quote\"\n"));
  EXPECT_NE(res.body.find(R"("reason":"bad \"quote\"\n")"), std::string::npos) << res.body;
  json::Document doc;
  EXPECT_TRUE(json::parse(res.body, doc).ok());
}

TEST(EsErrorTest, SimpleErrorShape) {
  EXPECT_EQ(simple_error_response(405, "nope").body, R"({"error":"nope","status":405})");
  HttpResponse no_status = simple_error_response(400, "no handler", false);
  EXPECT_EQ(no_status.status, 400);
  EXPECT_EQ(no_status.body, R"({"error":"no handler"})");
}

}  // namespace
}  // namespace quarry::server
