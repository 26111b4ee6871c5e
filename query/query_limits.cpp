#include "query/query_limits.h"

#include <string>

namespace quarry::query {

Status check_max_terms_count(const QueryNode& node, int64_t max_terms) {
  if (node.kind == QueryKind::kTerms && static_cast<int64_t>(node.values.size()) > max_terms) {
    return Status::InvalidArgument("The number of terms [" + std::to_string(node.values.size()) +
                                   "] used in the Terms Query request has exceeded the allowed maximum of [" +
                                   std::to_string(max_terms) +
                                   "]. This maximum can be set by changing the [index.max_terms_count] index level setting.");
  }
  for (const auto* list : {&node.must, &node.should, &node.must_not, &node.filter, &node.queries}) {
    for (const auto& c : *list) QUARRY_RETURN_IF_ERROR(check_max_terms_count(*c, max_terms));
  }
  if (node.inner) QUARRY_RETURN_IF_ERROR(check_max_terms_count(*node.inner, max_terms));
  if (node.negative) QUARRY_RETURN_IF_ERROR(check_max_terms_count(*node.negative, max_terms));
  for (const auto& fn : node.functions) {
    if (fn.filter) QUARRY_RETURN_IF_ERROR(check_max_terms_count(*fn.filter, max_terms));
  }
  return Status::Ok();
}

}  // namespace quarry::query
