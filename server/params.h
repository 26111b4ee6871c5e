// Typed readers of Elasticsearch query-string parameters, for handlers. Each returns the value or
// a kInvalidArgument Status whose reason is the one Elasticsearch gives for the same mistake, so
// a handler can `return error_response(r.status())`.
//
//   bool:     absent -> default; "" or "true" -> true; "false" -> false; else
//             "Failed to parse value [x] as only [true] or [false] are allowed."
//   int/long: decimal; else "Failed to parse int parameter [size] with value [x]"
//   time:     "<n>nanos|micros|ms|s|m|h|d", "-1" (no limit) or "0" -> milliseconds; else
//             "failed to parse setting [timeout] with value [x] as a time value: ..."
//   lists:    comma separated, each item trimmed, empty items dropped.
//
// Free functions over values: safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "index/status.h"
#include "server/http_types.h"

namespace quarry::server {

Result<bool> parse_bool(std::string_view value);
Result<bool> bool_param(const HttpRequest& req, const std::string& name, bool def);

Result<std::int64_t> int_param(const HttpRequest& req, const std::string& name, std::int64_t def);
Result<std::int64_t> long_param(const HttpRequest& req, const std::string& name,
                                std::int64_t def);

// A time value in milliseconds ("-1" gives -1). `setting` names the parameter in errors.
Result<std::int64_t> parse_time_ms(std::string_view value, std::string_view setting);
Result<std::int64_t> time_param_ms(const HttpRequest& req, const std::string& name,
                                   std::int64_t def_ms);

std::vector<std::string> split_list(std::string_view value);
// The list in parameter `name`; empty when absent.
std::vector<std::string> list_param(const HttpRequest& req, const std::string& name);

}  // namespace quarry::server
