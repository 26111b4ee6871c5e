#include "index/index_service.h"

namespace quarry::index {

IndexService::IndexService(std::string dir, IndexMetadata meta)
    : dir_(std::move(dir)), name_(meta.name), uuid_(meta.uuid), meta_(std::move(meta)) {
  for (int i = 0; i < meta_.settings.number_of_shards; ++i) {
    shards_.push_back(std::make_unique<Shard>(dir_ + "/" + std::to_string(i), i));
  }
}

Status IndexService::open() {
  for (auto& s : shards_) QUARRY_RETURN_IF_ERROR(s->open());
  return Status::Ok();
}

Status IndexService::persist() {
  IndexMetadata copy = metadata();
  rapidjson::StringBuffer buf;
  json::Writer w(buf);
  copy.write_meta_json(w);
  return write_file_atomically(dir_ + "/meta.json", std::string_view(buf.GetString(), buf.GetSize()));
}

IndexMetadata IndexService::metadata() const {
  std::lock_guard lock(mu_);
  return meta_;
}

std::shared_ptr<const Mapping> IndexService::mapping() const {
  std::lock_guard lock(mu_);
  return meta_.mapping;
}

int64_t IndexService::refresh_interval_ms() const {
  std::lock_guard lock(mu_);
  return meta_.settings.refresh_interval_ms;
}

Status IndexService::add_dynamic_fields(const std::vector<FieldMapping>& fields) {
  return update_metadata([&](IndexMetadata& m) {
    bool changed = false;
    auto next = std::make_shared<Mapping>(*m.mapping);
    for (const auto& f : fields) {
      if (next->find(f.path)) continue;  // another writer added it first
      next->add_field(f);
      changed = true;
    }
    if (changed) m.mapping = std::move(next);
    return Status::Ok();
  });
}

Status IndexService::put_mapping(const json::Value& mappings) {
  return update_metadata([&](IndexMetadata& m) {
    auto next = std::make_shared<Mapping>(*m.mapping);
    QUARRY_RETURN_IF_ERROR(next->merge_es_json(mappings));
    m.mapping = std::move(next);
    return Status::Ok();
  });
}

Status IndexService::update_metadata(const std::function<Status(IndexMetadata&)>& change) {
  std::lock_guard lock(mu_);
  IndexMetadata next = meta_;
  QUARRY_RETURN_IF_ERROR(change(next));
  rapidjson::StringBuffer buf;
  json::Writer w(buf);
  next.write_meta_json(w);
  QUARRY_RETURN_IF_ERROR(
      write_file_atomically(dir_ + "/meta.json", std::string_view(buf.GetString(), buf.GetSize())));
  meta_ = std::move(next);
  return Status::Ok();
}

}  // namespace quarry::index
