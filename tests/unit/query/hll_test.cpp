// HyperLogLog++: exact below the threshold, within a few standard errors above it, and merges
// that equal the sketch of the union.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "query/aggs/hll.h"

using quarry::query::aggs::HyperLogLog;

namespace {

TEST(HyperLogLog, ExactBelowThresholdCountingDuplicatesOnce) {
  HyperLogLog h(100);
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 100; ++i) h.add_hash(HyperLogLog::hash_number(i));
  }
  EXPECT_TRUE(h.exact());
  EXPECT_EQ(h.cardinality(), 100u);
}

TEST(HyperLogLog, NegativeZeroIsZero) {
  HyperLogLog h;
  h.add_hash(HyperLogLog::hash_number(0.0));
  h.add_hash(HyperLogLog::hash_number(-0.0));
  EXPECT_EQ(h.cardinality(), 1u);
}

TEST(HyperLogLog, EstimateAboveThresholdWithinTwoPercent) {
  for (int64_t threshold : {100, 3000}) {
    for (int n : {5000, 20000, 200000}) {
      HyperLogLog h(threshold);
      for (int i = 0; i < n; ++i) h.add_hash(HyperLogLog::hash_bytes("user-" + std::to_string(i)));
      EXPECT_FALSE(h.exact());
      // Relative standard error is 1.04/sqrt(2^p); allow about three of them.
      double tolerance = 3 * 1.04 / std::sqrt(std::ldexp(1.0, h.precision()));
      EXPECT_NEAR(static_cast<double>(h.cardinality()), n, n * tolerance) << "threshold " << threshold << " n " << n;
    }
  }
}

TEST(HyperLogLog, MergeEqualsUnionInBothPhases) {
  HyperLogLog a(1000), b(1000), whole(1000);
  for (int i = 0; i < 800; ++i) {
    a.add_hash(HyperLogLog::hash_number(i));
    whole.add_hash(HyperLogLog::hash_number(i));
  }
  for (int i = 400; i < 1200; ++i) {
    b.add_hash(HyperLogLog::hash_number(i));
    whole.add_hash(HyperLogLog::hash_number(i));
  }
  ASSERT_TRUE(a.exact());
  ASSERT_TRUE(b.exact());
  HyperLogLog merged = a;
  merged.merge(b);  // the union (1200) passes the threshold: registers from then on
  EXPECT_FALSE(merged.exact());
  EXPECT_EQ(merged.cardinality(), whole.cardinality());
  EXPECT_NEAR(static_cast<double>(merged.cardinality()), 1200, 1200 * 0.03);

  HyperLogLog small_a(3000), small_b(3000);
  for (int i = 0; i < 50; ++i) small_a.add_hash(HyperLogLog::hash_bytes(std::to_string(i)));
  for (int i = 25; i < 75; ++i) small_b.add_hash(HyperLogLog::hash_bytes(std::to_string(i)));
  small_a.merge(small_b);
  EXPECT_TRUE(small_a.exact());
  EXPECT_EQ(small_a.cardinality(), 75u);
}

TEST(HyperLogLog, ZeroThresholdStillCounts) {
  HyperLogLog h(0);
  for (int i = 0; i < 10; ++i) h.add_hash(HyperLogLog::hash_number(i));
  EXPECT_NEAR(static_cast<double>(h.cardinality()), 10, 1);
}

}  // namespace
