// The one place where an engine Status becomes the Elasticsearch error JSON and HTTP status:
//   {"error":{"root_cause":[{"type":..,"reason":..,<details>}],"type":..,"reason":..,<details>},
//    "status":N}
// The table Code -> (type, status) lives in es_error.cpp. Handlers never hand-write errors.
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

}  // namespace quarry::server
