// include / exclude of terms-like aggregations (terms, significant_terms, significant_text): a
// regular expression, lists of exact values, or a partition {"partition": p, "num_partitions": n}
// that splits the terms by hash the way Elasticsearch does (murmur3 of the term text, seed 31),
// so partitions hold the same terms.
// Immutable after parsing; safe to share across shard threads.
#pragma once

#include <cstdint>
#include <optional>
#include <regex>
#include <set>
#include <string>

#include "index/json.h"
#include "index/mapping.h"
#include "index/status.h"

namespace quarry::query::aggs {

struct TermFilter {
  std::optional<std::regex> include_re, exclude_re;
  std::set<std::string> include_set, exclude_set;
  bool has_include_set = false;
  int64_t partition = -1, num_partitions = 0;
  // Set by for_field() on numeric, date and boolean fields: the lists as numbers of that field.
  bool numbers_resolved = false;
  std::set<double> include_nums, exclude_nums;

  // A copy whose value lists also match keys of `f` by value ("2016-05-03" on a date field).
  TermFilter for_field(const index::FieldMapping* f) const;
  // `text`: the term (or the key as text); `number`: the key of a numeric field.
  bool accepts(const std::string& text, std::optional<double> number = std::nullopt) const;
  bool empty() const {
    return !include_re && !exclude_re && !has_include_set && exclude_set.empty() && num_partitions == 0;
  }
  bool has_regex() const { return include_re || exclude_re; }
};

// Parses one of "include" (include = true) / "exclude" into `f`. `agg` names the aggregation
// type in errors. Errors: kParsing.
Status parse_filter_part(const json::Value& v, bool include, const std::string& agg, TermFilter* f);

// Elasticsearch's partition of a term (exposed for tests).
int64_t string_partition(const std::string& term, int64_t num_partitions);

}  // namespace quarry::query::aggs
