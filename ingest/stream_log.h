// StreamLog: the Redis stream commands of the ingest log, one stream per shard
// (key "quarry:<index>:<shard>"), each entry one LZ4 batch of WriteOps in field "b".
// Stateless functions over a caller-owned RedisConnection (see its threading rules).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "index/status.h"
#include "ingest/redis_connection.h"

namespace quarry::ingest {

std::string stream_key(std::string_view index, int shard);

struct StreamEntry {
  std::string id;    // "<ms>-<seq>"
  std::string blob;  // the encoded batch
};

// -1, 0, 1 comparing two stream ids numerically ("" sorts first).
int compare_stream_ids(std::string_view a, std::string_view b);

// XADD key * b <blob>; returns the entry id.
Result<std::string> stream_append(RedisConnection& conn, std::string_view key, std::string_view blob);

// Creates the consumer group (and the stream) if missing, and positions the group's delivery
// cursor at `after_id` ("0" = from the beginning) so delivery resumes after what is committed.
Status stream_prepare_group(RedisConnection& conn, std::string_view key, std::string_view group,
                            std::string_view after_id);

// XREADGROUP GROUP g c COUNT n BLOCK ms STREAMS key >. Empty vector on timeout.
Result<std::vector<StreamEntry>> stream_read_group(RedisConnection& conn, std::string_view key,
                                                   std::string_view group, std::string_view consumer,
                                                   int count, int block_ms);

Status stream_ack(RedisConnection& conn, std::string_view key, std::string_view group,
                  const std::vector<std::string>& ids);

// XTRIM key MINID <id>: drops entries strictly older than `min_id`.
Status stream_trim_below(RedisConnection& conn, std::string_view key, std::string_view min_id);

Status stream_delete(RedisConnection& conn, std::string_view key);

}  // namespace quarry::ingest
