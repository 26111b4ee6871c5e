// t-digest: exact interpolation on small inputs, bounded rank error on large ones, merges that
// keep that bound, and the cdf as the inverse of quantile.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "query/aggs/tdigest.h"

using quarry::query::aggs::TDigest;

namespace {

// The rank (fraction of values <= v) of v among sorted values.
double rank_of(const std::vector<double>& sorted, double v) {
  return static_cast<double>(std::upper_bound(sorted.begin(), sorted.end(), v) - sorted.begin()) /
         static_cast<double>(sorted.size());
}

TEST(TDigest, SmallInputsInterpolateBetweenSortedValues) {
  TDigest d;
  for (double v : {151.0, 1.0, 101.0, 51.0}) d.add(v);
  EXPECT_DOUBLE_EQ(d.quantile(0.01), 2.5);
  EXPECT_DOUBLE_EQ(d.quantile(0.25), 38.5);
  EXPECT_DOUBLE_EQ(d.quantile(0.50), 76.0);
  EXPECT_DOUBLE_EQ(d.quantile(0.99), 149.5);
  EXPECT_DOUBLE_EQ(d.cdf(76.0), 0.5);
  EXPECT_DOUBLE_EQ(d.cdf(0), 0);
  EXPECT_DOUBLE_EQ(d.cdf(151), 1);
}

TEST(TDigest, EmptyIsNaNAndSingleValueIsThatValue) {
  TDigest d;
  EXPECT_TRUE(std::isnan(d.quantile(0.5)));
  d.add(7);
  EXPECT_EQ(d.quantile(0.01), 7);
  EXPECT_EQ(d.quantile(0.99), 7);
}

void expect_rank_error_below(const TDigest& d, const std::vector<double>& sorted, double bound) {
  for (double q : {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99}) {
    double v = d.quantile(q);
    EXPECT_NEAR(rank_of(sorted, v), q, bound) << "q " << q;
    double sorted_q = sorted[static_cast<size_t>(q * static_cast<double>(sorted.size() - 1))];
    EXPECT_NEAR(d.cdf(sorted_q), q, bound) << "cdf at q " << q;
  }
}

TEST(TDigest, LargeSkewedInputStaysWithinOnePercentRankAndSmall) {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> dist(3, 1.5);
  std::vector<double> values(100000);
  TDigest d;
  for (double& v : values) {
    v = dist(rng);
    d.add(v);
  }
  std::sort(values.begin(), values.end());
  expect_rank_error_below(d, values, 0.01);
  EXPECT_LT(d.centroids().size(), 400u);
  EXPECT_EQ(d.min(), values.front());
  EXPECT_EQ(d.max(), values.back());
}

TEST(TDigest, MergedShardsKeepTheBound) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> dist(-1000, 1000);
  std::vector<double> all;
  TDigest merged;
  for (int shard = 0; shard < 5; ++shard) {
    TDigest part;
    // Unequal, differently-shaped shards: the fourth one is all small values.
    int n = 300 + shard * 4000;
    for (int i = 0; i < n; ++i) {
      double v = shard == 3 ? dist(rng) / 100 : dist(rng);
      part.add(v);
      all.push_back(v);
    }
    merged.merge(part);
  }
  std::sort(all.begin(), all.end());
  EXPECT_EQ(merged.count(), static_cast<double>(all.size()));
  expect_rank_error_below(merged, all, 0.01);
}

TEST(TDigest, WeightedValuesAndCompressionBound) {
  TDigest d(10);
  for (int i = 0; i < 50000; ++i) d.add(i % 1000, 2);
  EXPECT_EQ(d.count(), 100000);
  EXPECT_NEAR(d.quantile(0.5), 500, 50);
  EXPECT_LT(d.centroids().size(), 60u);
}

}  // namespace
