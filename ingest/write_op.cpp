#include "ingest/write_op.h"

#include "index/stored_document.h"

namespace quarry::ingest {

using index::get_bytes;
using index::get_varint;
using index::put_bytes;
using index::put_varint;

namespace {
constexpr char kBatchFormat = 1;
}

std::string encode_batch(const std::vector<WriteOp>& ops) {
  std::string raw;
  size_t estimate = 16;
  for (const auto& op : ops) estimate += op.id.size() + op.source.size() + 32;
  raw.reserve(estimate);
  put_varint(raw, ops.size());
  for (const auto& op : ops) {
    raw.push_back(static_cast<char>(op.kind));
    put_bytes(raw, op.id);
    put_bytes(raw, op.routing);
    put_varint(raw, static_cast<uint64_t>(op.seq_no));
    put_varint(raw, static_cast<uint64_t>(op.version));
    put_varint(raw, static_cast<uint64_t>(op.primary_term));
    put_bytes(raw, op.kind != OpKind::kDelete ? std::string_view(op.source) : std::string_view());
  }
  std::string out(1, kBatchFormat);
  out += index::lz4_compress(raw);
  return out;
}

Status decode_batch(std::string_view blob, std::vector<WriteOp>* ops) {
  if (blob.empty() || blob[0] != kBatchFormat) return Status::Corruption("unknown stream batch format");
  std::string raw;
  QUARRY_RETURN_IF_ERROR(index::lz4_decompress(blob.substr(1), &raw));
  std::string_view in(raw);
  uint64_t n;
  if (!get_varint(in, &n)) return Status::Corruption("stream batch is truncated");
  ops->clear();
  // Each op takes at least 7 bytes: a corrupt count must not drive the allocation.
  if (n > in.size() / 7) return Status::Corruption("stream batch has an impossible op count");
  ops->reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    if (in.empty()) return Status::Corruption("stream batch is truncated");
    WriteOp op;
    op.kind = static_cast<OpKind>(in[0]);
    in.remove_prefix(1);
    if (op.kind != OpKind::kIndex && op.kind != OpKind::kDelete && op.kind != OpKind::kIndexNew) {
      return Status::Corruption("stream batch has an unknown op kind");
    }
    std::string_view id, routing, source;
    uint64_t seq, version, term;
    if (!get_bytes(in, &id) || !get_bytes(in, &routing) || !get_varint(in, &seq) ||
        !get_varint(in, &version) || !get_varint(in, &term) || !get_bytes(in, &source)) {
      return Status::Corruption("stream batch is truncated");
    }
    op.id.assign(id);
    op.routing.assign(routing);
    op.seq_no = static_cast<int64_t>(seq);
    op.version = static_cast<int64_t>(version);
    op.primary_term = static_cast<int64_t>(term);
    op.source.assign(source);
    ops->push_back(std::move(op));
  }
  return Status::Ok();
}

}  // namespace quarry::ingest
