#include "query/aggs/tdigest.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <numbers>

namespace quarry::query::aggs {

TDigest::TDigest(double compression) : compression_(std::clamp(compression, 1.0, 10000.0)) {}

void TDigest::add(double v, double weight) {
  if (std::isnan(v) || !(weight > 0)) return;
  buffer_.push_back({v, weight});
  count_ += weight;
  min_ = std::min(min_, v);
  max_ = std::max(max_, v);
  if (weight != 1) exact_ = false;
  // Bound the buffer: in the exact phase it is the values themselves; afterwards ten times the
  // number of centroids keeps compression amortised (each compression sorts the buffer).
  size_t limit = exact_ ? kExactLimit + 1 : static_cast<size_t>(std::max(2000.0, 20 * compression_));
  if (buffer_.size() >= limit || (exact_ && count_ > static_cast<double>(kExactLimit))) compress();
}

void TDigest::merge(const TDigest& other) {
  if (other.empty()) return;
  other.compress();
  buffer_.insert(buffer_.end(), other.centroids_.begin(), other.centroids_.end());
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  exact_ = exact_ && other.exact_;
  compress();
}

void TDigest::compress() const {
  if (buffer_.empty()) return;
  auto by_mean = [](const Centroid& a, const Centroid& b) { return a.mean < b.mean; };
  // The centroids are sorted already: sort the buffer alone and merge the two runs.
  std::sort(buffer_.begin(), buffer_.end(), by_mean);
  std::vector<Centroid> all;
  all.reserve(centroids_.size() + buffer_.size());
  std::merge(centroids_.begin(), centroids_.end(), buffer_.begin(), buffer_.end(), std::back_inserter(all), by_mean);
  buffer_.clear();
  if (exact_ && count_ <= static_cast<double>(kExactLimit)) {
    centroids_ = std::move(all);
    return;
  }
  exact_ = false;
  // k1 scale function: a centroid may span at most one unit of k. k is increasing, so
  // "k(q) - k(q0) <= 1" is "q <= k^-1(k(q0) + 1)": one limit per emitted centroid instead of an
  // arcsine per candidate.
  const double n = count_;
  const double norm = compression_ / (2 * std::numbers::pi);
  auto k = [&](double q) { return norm * std::asin(std::clamp(2 * q - 1, -1.0, 1.0)); };
  auto q_limit = [&](double q0) {
    double k1 = k(q0) + 1;
    if (k1 >= norm * std::numbers::pi / 2) return std::numeric_limits<double>::infinity();
    return (std::sin(k1 / norm) + 1) / 2;
  };
  std::vector<Centroid> out;
  out.reserve(static_cast<size_t>(2 * compression_) + 8);
  double before = 0;  // weight of the centroids already emitted
  double limit = q_limit(0) * n;
  Centroid cur = all[0];
  for (size_t i = 1; i < all.size(); ++i) {
    const Centroid& x = all[i];
    if (before + cur.weight + x.weight <= limit) {
      double w = cur.weight + x.weight;
      cur.mean += (x.mean - cur.mean) * x.weight / w;
      cur.weight = w;
    } else {
      out.push_back(cur);
      before += cur.weight;
      limit = q_limit(before / n) * n;
      cur = x;
    }
  }
  out.push_back(cur);
  centroids_ = std::move(out);
}

std::vector<TDigest::Centroid> TDigest::centroids() const {
  compress();
  return centroids_;
}

double TDigest::quantile(double q) const {
  if (empty()) return std::numeric_limits<double>::quiet_NaN();
  compress();
  q = std::clamp(q, 0.0, 1.0);
  const auto& c = centroids_;
  if (c.size() == 1) return c[0].mean;
  if (exact_) {
    // Linear interpolation between the sorted values at rank q*(n-1).
    double pos = q * static_cast<double>(c.size() - 1);
    auto lo = static_cast<size_t>(std::floor(pos));
    if (lo + 1 >= c.size()) return c.back().mean;
    return c[lo].mean + (pos - static_cast<double>(lo)) * (c[lo + 1].mean - c[lo].mean);
  }
  const double n = count_;
  const double t = q * n;
  // Each centroid's weight is centred on its mean; min and max anchor the two ends.
  double first_half = c.front().weight / 2;
  if (t <= first_half) return min_ + (first_half > 0 ? t / first_half : 0) * (c.front().mean - min_);
  double last_half = c.back().weight / 2;
  if (t >= n - last_half) return max_ - (last_half > 0 ? (n - t) / last_half : 0) * (max_ - c.back().mean);
  double center = first_half;
  for (size_t i = 0; i + 1 < c.size(); ++i) {
    double next = center + (c[i].weight + c[i + 1].weight) / 2;
    if (t <= next) {
      double frac = next > center ? (t - center) / (next - center) : 0;
      return c[i].mean + frac * (c[i + 1].mean - c[i].mean);
    }
    center = next;
  }
  return c.back().mean;
}

double TDigest::cdf(double x) const {
  if (empty()) return std::numeric_limits<double>::quiet_NaN();
  compress();
  if (x < min_) return 0;
  if (x >= max_) return 1;
  const auto& c = centroids_;
  if (exact_) {
    // The inverse of quantile(): the interpolated rank of x among the sorted values.
    auto it = std::upper_bound(c.begin(), c.end(), x, [](double v, const Centroid& e) { return v < e.mean; });
    size_t i = static_cast<size_t>(it - c.begin()) - 1;  // c[i].mean <= x < c[i+1].mean (x < max)
    double pos = static_cast<double>(i) + (x - c[i].mean) / (c[i + 1].mean - c[i].mean);
    return pos / static_cast<double>(c.size() - 1);
  }
  const double n = count_;
  double first_half = c.front().weight / 2;
  if (x < c.front().mean) {
    double span = c.front().mean - min_;
    return (span > 0 ? (x - min_) / span * first_half : 0) / n;
  }
  double last_half = c.back().weight / 2;
  if (x >= c.back().mean) {
    double span = max_ - c.back().mean;
    return (n - (span > 0 ? (max_ - x) / span * last_half : 0)) / n;
  }
  double center = first_half;
  for (size_t i = 0; i + 1 < c.size(); ++i) {
    double next = center + (c[i].weight + c[i + 1].weight) / 2;
    if (x < c[i + 1].mean) {
      double span = c[i + 1].mean - c[i].mean;
      double frac = span > 0 ? (x - c[i].mean) / span : 1;
      return (center + frac * (next - center)) / n;
    }
    center = next;
  }
  return 1;
}

}  // namespace quarry::query::aggs
