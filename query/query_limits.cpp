#include "query/query_limits.h"

#include <string>

namespace quarry::query {

Status check_index_limits(const QueryNode& node, const IndexLimits& limits) {
  const int64_t max_terms = limits.max_terms_count;
  if (node.kind == QueryKind::kIds && static_cast<int64_t>(node.values.size()) > limits.max_result_window) {
    return Status(Code::kQueryShard, "failed to create query: Too many ids specified, allowed max result window is [" +
                                         std::to_string(limits.max_result_window) + "]");
  }
  if (node.kind == QueryKind::kRegexp && static_cast<int64_t>(node.text.size()) > limits.max_regex_length) {
    return Status::InvalidArgument("The length of regex [" + std::to_string(node.text.size()) +
                                   "] used in the Regexp Query request has exceeded the allowed maximum of [" +
                                   std::to_string(limits.max_regex_length) +
                                   "]. This maximum can be set by changing the [index.max_regex_length] index level setting.");
  }
  if (node.kind == QueryKind::kTerms && static_cast<int64_t>(node.values.size()) > max_terms) {
    return Status::InvalidArgument("The number of terms [" + std::to_string(node.values.size()) +
                                   "] used in the Terms Query request has exceeded the allowed maximum of [" +
                                   std::to_string(max_terms) +
                                   "]. This maximum can be set by changing the [index.max_terms_count] index level setting.");
  }
  for (const auto* list : {&node.must, &node.should, &node.must_not, &node.filter, &node.queries}) {
    for (const auto& c : *list) QUARRY_RETURN_IF_ERROR(check_index_limits(*c, limits));
  }
  if (node.inner) QUARRY_RETURN_IF_ERROR(check_index_limits(*node.inner, limits));
  if (node.negative) QUARRY_RETURN_IF_ERROR(check_index_limits(*node.negative, limits));
  for (const auto& fn : node.functions) {
    if (fn.filter) QUARRY_RETURN_IF_ERROR(check_index_limits(*fn.filter, limits));
  }
  return Status::Ok();
}

}  // namespace quarry::query
