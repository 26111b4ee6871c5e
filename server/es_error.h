// The one place where an engine Status becomes the Elasticsearch error JSON and HTTP status:
//   {"error":{"root_cause":[{"type":..,"reason":..,<details>}],"type":..,"reason":..,<details>},
//    "status":N}
// The table Code -> (type, status) lives in es_error.cpp. Handlers never hand-write errors.
// Free functions over values: safe from any thread.
#pragma once

#include <string>

#include "index/json.h"
#include "index/status.h"
#include "server/http_types.h"

namespace quarry::server {

struct EsErrorKind {
  const char* type;  // e.g. "index_not_found_exception"
  int http_status;   // e.g. 404
};

EsErrorKind es_error_kind(Code code);

// Writes the inner error object ({"type":..,"reason":..,...}) — also used for bulk item errors.
void write_error_object(json::Writer& w, const Status& st);

// The full error response.
HttpResponse error_response(const Status& st);

// The full error document as a string (the body of error_response()).
std::string error_json(const Status& st);

// Elasticsearch's "simple" error shape used by its REST dispatcher itself (not by actions):
// {"error":"<message>","status":N}, or {"error":"<message>"} when include_status is false
// ("no handler found for uri ..." has no status member). Used for 400 no-handler, 405 and 406.
HttpResponse simple_error_response(int http_status, const std::string& message,
                                   bool include_status = true);

}  // namespace quarry::server
