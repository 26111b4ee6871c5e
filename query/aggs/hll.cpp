#include "query/aggs/hll.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

namespace quarry::query::aggs {

namespace {

// MurmurHash3's 64-bit finalizer: spreads every input bit over the whole word.
uint64_t fmix64(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

// Elasticsearch: entries = threshold / 0.75 load factor, precision = ceil(log2(entries * 4)).
int precision_for(int64_t threshold) {
  double entries = std::ceil(static_cast<double>(std::max<int64_t>(threshold, 1)) / 0.75);
  int p = static_cast<int>(std::ceil(std::log2(entries * 4)));
  return std::clamp(p, 4, 18);
}

}  // namespace

HyperLogLog::HyperLogLog(int64_t precision_threshold)
    : threshold_(std::clamp<int64_t>(precision_threshold, 0, kMaxThreshold)), precision_(precision_for(threshold_)) {}

uint64_t HyperLogLog::hash_bytes(std::string_view bytes) {
  // FNV-1a over the bytes, then the Murmur finalizer for avalanche (FNV alone is weak in the
  // high bits that pick the register).
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ULL;
  return fmix64(h ^ bytes.size());
}

uint64_t HyperLogLog::hash_number(double v) {
  if (v == 0) v = 0;  // -0.0 and 0.0 are one value
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return fmix64(bits + 0x9e3779b97f4a7c15ULL);
}

void HyperLogLog::add_hash(uint64_t h) {
  if (registers_.empty()) {
    set_.insert(h);
    if (static_cast<int64_t>(set_.size()) > threshold_) to_registers();
    return;
  }
  add_to_registers(h);
}

void HyperLogLog::add_to_registers(uint64_t h) {
  uint64_t index = h >> (64 - precision_);
  uint64_t rest = (h << precision_) | (uint64_t{1} << (precision_ - 1));  // guard bit bounds the rank
  auto rank = static_cast<uint8_t>(std::countl_zero(rest) + 1);
  uint8_t& r = registers_[index];
  if (rank > r) r = rank;
}

void HyperLogLog::to_registers() {
  registers_.assign(size_t{1} << precision_, 0);
  for (uint64_t h : set_) add_to_registers(h);
  set_.clear();
  set_.rehash(0);
}

void HyperLogLog::merge(const HyperLogLog& other) {
  if (other.registers_.empty()) {
    for (uint64_t h : other.set_) add_hash(h);
    return;
  }
  if (registers_.empty()) to_registers();
  // Partials of one definition share one threshold, hence one precision (checked by the caller's
  // construction; registers of another size would not line up).
  if (other.registers_.size() != registers_.size()) return;
  for (size_t i = 0; i < registers_.size(); ++i) registers_[i] = std::max(registers_[i], other.registers_[i]);
}

uint64_t HyperLogLog::cardinality() const {
  if (registers_.empty()) return set_.size();
  const double m = static_cast<double>(registers_.size());
  double sum = 0;
  size_t zeros = 0;
  for (uint8_t r : registers_) {
    sum += std::ldexp(1.0, -static_cast<int>(r));
    zeros += r == 0;
  }
  double alpha = precision_ == 4 ? 0.673 : precision_ == 5 ? 0.697 : precision_ == 6 ? 0.709 : 0.7213 / (1 + 1.079 / m);
  double estimate = alpha * m * m / sum;
  // Small range: linear counting is far more accurate than the raw estimate (HyperLogLog's
  // original 2.5m rule); 64-bit hashes make the large-range correction unnecessary.
  if (estimate <= 2.5 * m && zeros > 0) estimate = m * std::log(m / static_cast<double>(zeros));
  return static_cast<uint64_t>(std::llround(estimate));
}

}  // namespace quarry::query::aggs
