// Batching of bulk items (see bulk_batch.h).
#include "server/cli/bulk_batch.h"

#include <algorithm>

namespace quarry::cli {

std::string BulkBatch::body_of(const std::vector<size_t>& indexes) const {
  size_t bytes = 0;
  for (size_t i : indexes) bytes += items[i].length;
  std::string out;
  out.reserve(bytes);
  for (size_t i : indexes) out.append(body, items[i].offset, items[i].length);
  return out;
}

Batcher::Batcher(size_t max_docs, size_t max_bytes, Sink sink)
    : max_docs_(std::max<size_t>(1, max_docs)),
      max_bytes_(std::max<size_t>(1, max_bytes)),
      sink_(std::move(sink)) {}

void Batcher::begin_input(std::string source, std::string target, size_t input) {
  flush();
  current_.source = std::move(source);
  current_.target = std::move(target);
  current_.input = input;
}

void Batcher::add(std::string_view item, uint64_t line, uint64_t record) {
  if (!current_.items.empty() && current_.body.size() + item.size() > max_bytes_) flush();
  if (current_.body.empty()) current_.body.reserve(std::min(max_bytes_, size_t{1} << 20));
  current_.items.push_back({current_.body.size(), item.size(), line, record});
  current_.body.append(item);
  if (current_.items.size() >= max_docs_ || current_.body.size() >= max_bytes_) flush();
}

void Batcher::flush() {
  if (current_.items.empty()) return;
  BulkBatch next;
  next.source = current_.source;
  next.target = current_.target;
  next.input = current_.input;
  std::swap(next, current_);
  sink_(std::move(next));
}

}  // namespace quarry::cli
