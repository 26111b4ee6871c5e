// Shared pieces of the numeric metric aggregations (agg_metrics_*.cpp).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

namespace quarry::query::aggs {

// count / sum / min / max / sum of squares of a stream of values; merges exactly.
struct StatsAccumulator {
  uint64_t count = 0;
  double sum = 0;
  double sum_of_squares = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();

  void add(double v);
  void merge(const StatsAccumulator& o);
  double avg() const;  // NaN when empty
  double min_or_inf() const { return min; }
  double max_or_inf() const { return max; }
  // "count", "sum", "min", "max", "avg"; nullopt for other names.
  std::optional<double> stat(std::string_view name) const;
};

}  // namespace quarry::query::aggs
