#include "ingest/stream_log.h"

#include <hiredis/hiredis.h>

#include <charconv>

namespace quarry::ingest {

std::string stream_key(std::string_view index, int shard) {
  return "quarry:" + std::string(index) + ":" + std::to_string(shard);
}

static void split_id(std::string_view id, uint64_t* ms, uint64_t* seq) {
  *ms = 0;
  *seq = 0;
  auto dash = id.find('-');
  std::from_chars(id.data(), id.data() + (dash == std::string_view::npos ? id.size() : dash), *ms);
  if (dash != std::string_view::npos) std::from_chars(id.data() + dash + 1, id.data() + id.size(), *seq);
}

int compare_stream_ids(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return a.empty() == b.empty() ? 0 : (a.empty() ? -1 : 1);
  uint64_t am, as, bm, bs;
  split_id(a, &am, &as);
  split_id(b, &bm, &bs);
  if (am != bm) return am < bm ? -1 : 1;
  if (as != bs) return as < bs ? -1 : 1;
  return 0;
}

Result<std::string> stream_append(RedisConnection& conn, std::string_view key, std::string_view blob) {
  auto r = conn.command({"XADD", key, "*", "b", blob});
  if (!r.ok()) return r.status();
  if ((*r)->type != REDIS_REPLY_STRING) return Status::Internal("XADD returned no id");
  return std::string((*r)->str, (*r)->len);
}

Status stream_prepare_group(RedisConnection& conn, std::string_view key, std::string_view group,
                            std::string_view after_id) {
  std::string start = after_id.empty() ? "0" : std::string(after_id);
  auto r = conn.command({"XGROUP", "CREATE", key, group, start, "MKSTREAM"});
  if (r.ok()) return Status::Ok();
  if (r.status().code() != Code::kInternal || r.status().message().rfind("BUSYGROUP", 0) != 0) {
    return r.status();
  }
  auto s = conn.command({"XGROUP", "SETID", key, group, start});
  return s.ok() ? Status::Ok() : s.status();
}

Result<std::vector<StreamEntry>> stream_read_group(RedisConnection& conn, std::string_view key,
                                                   std::string_view group, std::string_view consumer,
                                                   int count, int block_ms) {
  std::string count_s = std::to_string(count), block_s = std::to_string(block_ms);
  auto r = conn.command({"XREADGROUP", "GROUP", group, consumer, "COUNT", count_s, "BLOCK", block_s,
                         "STREAMS", key, ">"});
  if (!r.ok()) return r.status();
  std::vector<StreamEntry> out;
  redisReply* reply = r->get();
  if (reply->type == REDIS_REPLY_NIL) return out;
  // [[key, [[id, [field, value, ...]], ...]]]
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements == 0) return out;
  redisReply* stream = reply->element[0];
  if (stream->type != REDIS_REPLY_ARRAY || stream->elements < 2) return out;
  redisReply* entries = stream->element[1];
  for (size_t i = 0; i < entries->elements; ++i) {
    redisReply* e = entries->element[i];
    if (e->type != REDIS_REPLY_ARRAY || e->elements < 2) continue;
    StreamEntry entry;
    entry.id.assign(e->element[0]->str, e->element[0]->len);
    redisReply* fields = e->element[1];
    for (size_t f = 0; f + 1 < fields->elements; f += 2) {
      if (std::string_view(fields->element[f]->str, fields->element[f]->len) == "b") {
        entry.blob.assign(fields->element[f + 1]->str, fields->element[f + 1]->len);
      }
    }
    out.push_back(std::move(entry));
  }
  return out;
}

Status stream_ack(RedisConnection& conn, std::string_view key, std::string_view group,
                  const std::vector<std::string>& ids) {
  if (ids.empty()) return Status::Ok();
  std::vector<std::string_view> argv = {"XACK", key, group};
  for (const auto& id : ids) argv.push_back(id);
  auto r = conn.command(argv);
  return r.ok() ? Status::Ok() : r.status();
}

Status stream_trim_below(RedisConnection& conn, std::string_view key, std::string_view min_id) {
  auto r = conn.command({"XTRIM", key, "MINID", min_id});
  return r.ok() ? Status::Ok() : r.status();
}

Status stream_delete(RedisConnection& conn, std::string_view key) {
  auto r = conn.command({"DEL", key});
  return r.ok() ? Status::Ok() : r.status();
}

}  // namespace quarry::ingest
