// HyperLogLog++ distinct-value counting for the cardinality aggregation.
//
// Below `precision_threshold` distinct values the sketch is exact: it keeps the set of 64-bit
// value hashes (Elasticsearch's "linear counting" phase). Past it, the hashes move into 2^p
// one-byte registers (p from the threshold as Elasticsearch derives it, 4..18), and the count is
// an estimate (about 1.04/sqrt(2^p) relative error). Sketches of the same threshold merge exactly
// (set union, or register max), so shards can be combined in any order.
//
// Memory is bounded: the exact set never holds more than the threshold (<= 40000 entries), and
// the registers are at most 2^18 bytes. Not thread-safe; one per collector / partial.
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace quarry::query::aggs {

class HyperLogLog {
 public:
  static constexpr int64_t kDefaultThreshold = 3000;
  static constexpr int64_t kMaxThreshold = 40000;

  // `precision_threshold` is clamped to [0, kMaxThreshold].
  explicit HyperLogLog(int64_t precision_threshold = kDefaultThreshold);

  // Hashes for the value kinds the aggregation sees (mixed, well-distributed 64 bits).
  static uint64_t hash_bytes(std::string_view bytes);
  static uint64_t hash_number(double v);

  void add_hash(uint64_t h);
  void merge(const HyperLogLog& other);
  // Exact while in the set phase; an estimate afterwards.
  uint64_t cardinality() const;
  bool exact() const { return registers_.empty(); }
  int precision() const { return precision_; }

 private:
  void to_registers();
  void add_to_registers(uint64_t h);

  int64_t threshold_;
  int precision_;
  std::unordered_set<uint64_t> set_;
  std::vector<uint8_t> registers_;  // empty while exact
};

}  // namespace quarry::query::aggs
