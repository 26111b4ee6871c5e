// Reading a _bulk response: the outcome of each item, in request order.
//
// An item failed when it carries an "error" (a delete of a missing document answers 404
// without an error and counts as done, as in Elasticsearch). Items rejected with status 429
// are retryable. Free functions, no state.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "index/status.h"

namespace quarry::cli {

struct BulkItemOutcome {
  int status = 0;
  bool failed = false;
  std::string reason;  // "type: reason" of the error when failed

  bool retryable() const { return failed && status == 429; }
};

// Parses the response body of a bulk request. Parsing error if it is not a bulk response.
Result<std::vector<BulkItemOutcome>> parse_bulk_response(std::string_view body);

// A one-line description of an error response body ({"error":{"type","reason"}} or raw text).
std::string describe_error_body(std::string_view body);

}  // namespace quarry::cli
