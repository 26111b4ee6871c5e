// Status and Result<T>: the one error currency of the Quarry engine.
//
// Every fallible engine call returns a Status (or Result<T>). Codes are semantic: they say what
// went wrong in engine terms, never as an HTTP number. server/es_error.cpp owns the one table that
// maps a code to the Elasticsearch error type and HTTP status.
//
// Value types, freely copyable; no thread-safety concerns.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace quarry {

enum class Code {
  kOk = 0,
  kInvalidArgument,      // illegal_argument_exception
  kParsing,              // parsing_exception (malformed request)
  kXContentParse,        // x_content_parse_exception (a bad or unknown field of a parsed object)
  kActionValidation,     // action_request_validation_exception
  kDocumentParsing,      // document_parsing_exception: a value does not fit its field
  kMapperParsing,        // mapper_parsing_exception: a bad mapping definition
  kStrictDynamicMapping, // strict_dynamic_mapping_exception
  kInvalidIndexName,     // invalid_index_name_exception
  kIndexNotFound,        // index_not_found_exception
  kDocumentMissing,      // document_missing_exception (update of a missing document)
  kNotFound,             // resource_not_found_exception
  kAliasesNotFound,      // aliases_not_found_exception
  kAlreadyExists,        // resource_already_exists_exception
  kInvalidIndexTemplate, // invalid_index_template_exception
  kIndexTemplateMissing, // index_template_missing_exception
  kVersionConflict,      // version_conflict_engine_exception
  kIndexClosed,          // index_closed_exception
  kTooManyBuckets,       // too_many_buckets_exception (search.max_buckets)
  kAggregationExecution, // aggregation_execution_exception
  kQueryShard,           // query_shard_exception: a query this index cannot build
  kTooLarge,             // request body over the limit
  kOverloaded,           // es_rejected_execution_exception
  kUnavailable,          // a dependency (Redis) is unreachable
  kTimeout,              // a wait ran out of time
  kCorruption,           // stored data is not what we wrote
  kIOError,              // filesystem / Xapian I/O failure
  kInternal,             // a bug: should never reach a client
};

class Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
  static Status Parsing(std::string m) { return {Code::kParsing, std::move(m)}; }
  static Status XContentParse(std::string m) { return {Code::kXContentParse, std::move(m)}; }
  static Status DocumentParsing(std::string m) { return {Code::kDocumentParsing, std::move(m)}; }
  static Status MapperParsing(std::string m) { return {Code::kMapperParsing, std::move(m)}; }
  static Status IndexNotFound(const std::string& index) {
    Status s(Code::kIndexNotFound, "no such index [" + index + "]");
    return s.with("index", index).with("resource.type", "index_or_alias").with("resource.id", index);
  }
  static Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {Code::kAlreadyExists, std::move(m)}; }
  static Status VersionConflict(std::string m) { return {Code::kVersionConflict, std::move(m)}; }
  static Status Overloaded(std::string m) { return {Code::kOverloaded, std::move(m)}; }
  static Status Unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
  static Status Timeout(std::string m) { return {Code::kTimeout, std::move(m)}; }
  static Status Corruption(std::string m) { return {Code::kCorruption, std::move(m)}; }
  static Status IOError(std::string m) { return {Code::kIOError, std::move(m)}; }
  static Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // Extra key/value pairs that Elasticsearch puts beside "type" and "reason" in an error
  // (e.g. "index", "index_uuid", "shard", "resource.id").
  Status& with(std::string key, std::string value) & {
    details_.emplace_back(std::move(key), std::move(value));
    return *this;
  }
  Status&& with(std::string key, std::string value) && {
    details_.emplace_back(std::move(key), std::move(value));
    return std::move(*this);
  }
  const std::vector<std::pair<std::string, std::string>>& details() const { return details_; }

 private:
  Code code_ = Code::kOk;
  std::string message_;
  std::vector<std::pair<std::string, std::string>> details_;
};

// Either a value or a non-OK Status.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}              // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}       // NOLINT: implicit by design
  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &std::get<T>(v_); }
  const T* operator->() const { return &std::get<T>(v_); }
  T& operator*() & { return std::get<T>(v_); }

 private:
  std::variant<T, Status> v_;
};

#define QUARRY_RETURN_IF_ERROR(expr)         \
  do {                                       \
    ::quarry::Status _st = (expr);           \
    if (!_st.ok()) return _st;               \
  } while (0)

}  // namespace quarry
