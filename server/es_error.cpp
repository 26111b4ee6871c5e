#include "server/es_error.h"

#include <rapidjson/stringbuffer.h>

namespace quarry::server {

// The one table Code -> (Elasticsearch error type, HTTP status). Types and statuses follow the
// Elasticsearch exceptions of the same meaning; notes where Quarry had to choose:
//  - kTooLarge: Elasticsearch's Netty layer answers 413 with an empty body; Quarry sends the usual
//    error JSON so that clients can read the limit from the reason.
//  - kTimeout: ElasticsearchTimeoutException ("timeout_exception") reports 429 in current
//    Elasticsearch ("the closest thing to: your request took longer than you asked for").
//  - kUnavailable: a dependency (Redis) or shard copy is unreachable -> 503, as
//    unavailable_shards_exception.
EsErrorKind es_error_kind(Code code) {
  switch (code) {
    case Code::kOk: return {"exception", 200};
    case Code::kInvalidArgument: return {"illegal_argument_exception", 400};
    case Code::kParsing: return {"parsing_exception", 400};
    case Code::kXContentParse: return {"x_content_parse_exception", 400};
    case Code::kActionValidation: return {"action_request_validation_exception", 400};
    case Code::kDocumentParsing: return {"document_parsing_exception", 400};
    case Code::kMapperParsing: return {"mapper_parsing_exception", 400};
    case Code::kStrictDynamicMapping: return {"strict_dynamic_mapping_exception", 400};
    case Code::kInvalidIndexName: return {"invalid_index_name_exception", 400};
    case Code::kIndexNotFound: return {"index_not_found_exception", 404};
    case Code::kDocumentMissing: return {"document_missing_exception", 404};
    case Code::kNotFound: return {"resource_not_found_exception", 404};
    case Code::kAliasesNotFound: return {"aliases_not_found_exception", 404};
    case Code::kAlreadyExists: return {"resource_already_exists_exception", 400};
    case Code::kInvalidIndexTemplate: return {"invalid_index_template_exception", 400};
    case Code::kIndexTemplateMissing: return {"index_template_missing_exception", 404};
    case Code::kVersionConflict: return {"version_conflict_engine_exception", 409};
    case Code::kIndexClosed: return {"index_closed_exception", 400};
    case Code::kTooManyBuckets: return {"too_many_buckets_exception", 400};
    case Code::kAggregationExecution: return {"aggregation_execution_exception", 400};
    case Code::kQueryShard: return {"query_shard_exception", 400};
    case Code::kTooLarge: return {"content_too_long_exception", 413};
    case Code::kOverloaded: return {"es_rejected_execution_exception", 429};
    case Code::kUnavailable: return {"unavailable_shards_exception", 503};
    case Code::kTimeout: return {"timeout_exception", 429};
    case Code::kCorruption: return {"corrupt_index_exception", 500};
    case Code::kIOError: return {"i_o_exception", 500};
    case Code::kInternal: return {"exception", 500};
  }
  return {"exception", 500};
}

namespace {

void write_string(json::Writer& w, const std::string& s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// "type", "reason" and the details, without the surrounding braces.
void write_error_members(json::Writer& w, const Status& st) {
  w.Key("type");
  w.String(es_error_kind(st.code()).type);
  w.Key("reason");
  write_string(w, st.message());
  for (const auto& [key, value] : st.details()) {
    if (key == "type" || key == "reason") continue;  // never shadow the two fixed members
    w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    write_string(w, value);
  }
}

}  // namespace

void write_error_object(json::Writer& w, const Status& st) {
  w.StartObject();
  write_error_members(w, st);
  w.EndObject();
}

std::string error_json(const Status& st) {
  rapidjson::StringBuffer buf;
  json::Writer w(buf);
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("root_cause");
  w.StartArray();
  write_error_object(w, st);
  w.EndArray();
  write_error_members(w, st);
  w.EndObject();
  w.Key("status");
  w.Int(es_error_kind(st.code()).http_status);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

HttpResponse error_response(const Status& st) {
  return HttpResponse::json(es_error_kind(st.code()).http_status, error_json(st));
}

HttpResponse simple_error_response(int http_status, const std::string& message,
                                   bool include_status) {
  rapidjson::StringBuffer buf;
  json::Writer w(buf);
  w.StartObject();
  w.Key("error");
  write_string(w, message);
  if (include_status) {
    w.Key("status");
    w.Int(http_status);
  }
  w.EndObject();
  return HttpResponse::json(http_status, std::string(buf.GetString(), buf.GetSize()));
}

}  // namespace quarry::server
