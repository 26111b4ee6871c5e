// Reading and writing `quarry load` checkpoints (see load_checkpoint.h).
#include "server/cli/load_checkpoint.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace quarry::cli {
namespace {

std::string hex64(uint64_t v) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, v);
  return buf;
}

bool get_u64(const rapidjson::Value& obj, const char* name, uint64_t& out) {
  const auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || !it->value.IsUint64()) return false;
  out = it->value.GetUint64();
  return true;
}

bool get_i64(const rapidjson::Value& obj, const char* name, int64_t& out) {
  const auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || !it->value.IsInt64()) return false;
  out = it->value.GetInt64();
  return true;
}

}  // namespace

InputIdentity identify_input(const InputReader& input, std::string_view head) {
  InputIdentity id;
  id.name = input.name();
  id.size = input.size();
  id.mtime_ns = input.mtime_ns();
  id.head_bytes = head.size();
  id.head_hash = XXH64(head.data(), head.size(), 0);
  return id;
}

std::string identity_mismatch(const InputIdentity& then, const InputIdentity& now) {
  if (then.size != now.size) {
    return "its size was " + std::to_string(then.size) + " bytes and is now " +
           std::to_string(now.size);
  }
  if (then.mtime_ns != now.mtime_ns) return "it was modified since";
  if (then.head_bytes != now.head_bytes || then.head_hash != now.head_hash) {
    return "its first bytes differ";
  }
  return "";
}

Status write_checkpoint(const std::string& path, const LoadCheckpoint& c) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("quarry_load_checkpoint");
  w.Int(1);
  w.Key("index");
  w.String(c.index.c_str(), static_cast<rapidjson::SizeType>(c.index.size()));
  w.Key("input_count");
  w.Uint64(c.input_count);
  w.Key("complete_inputs");
  w.Uint64(c.complete_inputs);
  w.Key("records");
  w.Uint64(c.records);
  w.Key("inputs");
  w.StartArray();
  for (const InputIdentity& in : c.inputs) {
    w.StartObject();
    w.Key("name");
    w.String(in.name.c_str(), static_cast<rapidjson::SizeType>(in.name.size()));
    w.Key("size");
    w.Int64(in.size);
    w.Key("mtime_ns");
    w.Int64(in.mtime_ns);
    w.Key("head_bytes");
    w.Uint64(in.head_bytes);
    w.Key("head_xxh64");
    const std::string hash = hex64(in.head_hash);
    w.String(hash.c_str(), static_cast<rapidjson::SizeType>(hash.size()));
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();

  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) return Status::IOError("cannot write " + tmp + ": " + std::strerror(errno));
  const bool written = std::fwrite(buffer.GetString(), 1, buffer.GetSize(), f) == buffer.GetSize() &&
                       std::fputc('\n', f) != EOF;
  if (std::fclose(f) != 0 || !written) {
    std::remove(tmp.c_str());
    return Status::IOError("cannot write " + tmp + ": " + std::strerror(errno));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    std::remove(tmp.c_str());
    return Status::IOError("cannot replace " + path + ": " + std::strerror(err));
  }
  return Status::Ok();
}

Result<std::optional<LoadCheckpoint>> read_checkpoint(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    if (errno == ENOENT) return std::optional<LoadCheckpoint>();
    return Status::IOError("cannot read " + path + ": " + std::strerror(errno));
  }
  std::string text;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
  std::fclose(f);
  const Status bad = Status::Corruption(path + " is not a quarry load checkpoint");
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("quarry_load_checkpoint")) return bad;
  LoadCheckpoint c;
  const auto index = d.FindMember("index");
  if (index == d.MemberEnd() || !index->value.IsString()) return bad;
  c.index = index->value.GetString();
  if (!get_u64(d, "input_count", c.input_count) ||
      !get_u64(d, "complete_inputs", c.complete_inputs) || !get_u64(d, "records", c.records)) {
    return bad;
  }
  const auto inputs = d.FindMember("inputs");
  if (inputs == d.MemberEnd() || !inputs->value.IsArray()) return bad;
  for (const auto& v : inputs->value.GetArray()) {
    if (!v.IsObject() || !v.HasMember("name") || !v["name"].IsString()) return bad;
    InputIdentity in;
    in.name = v["name"].GetString();
    const auto hash = v.FindMember("head_xxh64");
    if (!get_i64(v, "size", in.size) || !get_i64(v, "mtime_ns", in.mtime_ns) ||
        !get_u64(v, "head_bytes", in.head_bytes) || hash == v.MemberEnd() ||
        !hash->value.IsString()) {
      return bad;
    }
    in.head_hash = std::strtoull(hash->value.GetString(), nullptr, 16);
    c.inputs.push_back(std::move(in));
  }
  return std::optional<LoadCheckpoint>(std::move(c));
}

}  // namespace quarry::cli
