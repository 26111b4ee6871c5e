// t-digest (Dunning's merging variant) for percentiles, percentile_ranks and
// median_absolute_deviation.
//
// Small inputs stay exact: up to kExactLimit values are kept as they are, and quantiles
// interpolate linearly between the sorted values at rank q*(n-1), which is what Elasticsearch's
// hybrid digest answers for small inputs. Past the limit the values become centroids whose sizes
// follow the k1 scale function k(q) = compression/(2*pi) * asin(2q-1): centroids are small at
// the tails and larger in the middle, so the rank error is smallest where percentiles are most
// often asked. Digests merge (shards, buckets) by re-compressing the union of their centroids.
//
// Memory is bounded by kExactLimit values, or about 2*compression centroids plus a buffer.
// Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace quarry::query::aggs {

class TDigest {
 public:
  static constexpr double kDefaultCompression = 100;
  static constexpr size_t kExactLimit = 1000;

  // `compression` is clamped to [1, 10000] (bounds memory; Elasticsearch accepts any >= 0).
  explicit TDigest(double compression = kDefaultCompression);

  void add(double v, double weight = 1);
  void merge(const TDigest& other);
  double count() const { return count_; }
  double compression() const { return compression_; }
  bool empty() const { return count_ == 0; }
  double min() const { return min_; }
  double max() const { return max_; }
  // q in [0, 1]. NaN when empty.
  double quantile(double q) const;
  // Fraction of values <= x, in [0, 1]. NaN when empty.
  double cdf(double x) const;

  struct Centroid {
    double mean;
    double weight;
  };
  // The digest's centroids, sorted by mean (values of weight 1 while exact).
  std::vector<Centroid> centroids() const;

 private:
  void compress() const;

  double compression_;
  double count_ = 0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
  // Lazily compressed: add() appends to buffer_; readers compress first (hence mutable).
  mutable std::vector<Centroid> centroids_;  // sorted by mean after compress()
  mutable std::vector<Centroid> buffer_;
  mutable bool exact_ = true;                // every value is its own weight-1 centroid
};

}  // namespace quarry::query::aggs
