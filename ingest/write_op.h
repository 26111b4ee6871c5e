// WriteOp: one resolved write as it travels through a shard's Redis stream, and the batch codec
// (many ops per stream entry, LZ4-compressed). Format in docs/storage-format.md ("Stream entries").
//
// By the time an op is a WriteOp, the primary has resolved everything: create/update became an
// index of a full _source, and the sequence number and version are assigned. Appliers only replay.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "index/status.h"

namespace quarry::ingest {

// kIndexNew: an index of a document the primary knows is absent from the shard and from every
// earlier stream entry, so the applier may add it without looking up its id.
enum class OpKind : uint8_t { kIndex = 1, kDelete = 2, kIndexNew = 3 };

struct WriteOp {
  OpKind kind = OpKind::kIndex;
  std::string id;
  std::string routing;
  int64_t seq_no = 0;
  int64_t version = 1;
  int64_t primary_term = 1;
  std::string source;  // kIndex / kIndexNew only
};

std::string encode_batch(const std::vector<WriteOp>& ops);
// Errors: kCorruption.
Status decode_batch(std::string_view blob, std::vector<WriteOp>* ops);

}  // namespace quarry::ingest
