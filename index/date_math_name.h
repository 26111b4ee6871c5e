// Date math in index and alias names, as Elasticsearch resolves them:
//   <logs-{now/d}>                      -> logs-2026.11.22
//   <logs-{now/M{yyyy.MM}}>             -> logs-2026.11
//   <logs_{2022-12-31||/d{yyyy-MM-dd}}> -> logs_2022-12-31
// A name not wrapped in <...> is returned unchanged. Pure function.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "index/status.h"

namespace quarry::index {

// Errors: kInvalidArgument (ES: "invalid date math expression [...]").
Result<std::string> resolve_date_math_name(std::string_view name, int64_t now_ms);

// Applies date math such as "now-1d/d" or "2022-12-31||+1M/M" to epoch millis.
Result<int64_t> eval_date_math(std::string_view expr, int64_t now_ms);

}  // namespace quarry::index
