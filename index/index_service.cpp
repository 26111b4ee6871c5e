#include "index/index_service.h"

#include <set>

namespace quarry::index {

namespace {

// The index.analysis.* settings, which define the index's analyzers.
std::map<std::string, std::string> analysis_settings(const IndexSettings& s) {
  std::map<std::string, std::string> out;
  for (auto it = s.flat.lower_bound("index.analysis."); it != s.flat.end() && it->first.rfind("index.analysis.", 0) == 0; ++it) {
    out.insert(*it);
  }
  return out;
}

// Gives `meta`'s mapping the AnalyzerSet of its analysis settings, and checks that every
// analyzer a field names exists in it. Errors: kInvalidArgument (bad analysis settings),
// kMapperParsing ("analyzer [x] has not been configured in mappings").
Status attach_analyzers(IndexMetadata& meta) {
  auto set = AnalyzerSet::from_settings(meta.settings.flat);
  if (!set.ok()) return set.status();
  for (const auto& [path, f] : meta.mapping->fields()) {
    for (const std::string* name : {&f.analyzer, &f.search_analyzer}) {
      if (!name->empty() && !(*set)->contains(*name)) {
        return Status::MapperParsing("analyzer [" + *name + "] has not been configured in mappings");
      }
    }
  }
  auto mapping = std::make_shared<Mapping>(*meta.mapping);
  mapping->set_analyzers(*set);
  meta.mapping = std::move(mapping);
  return Status::Ok();
}

}  // namespace

IndexService::IndexService(std::string dir, IndexMetadata meta)
    : dir_(std::move(dir)), name_(meta.name), uuid_(meta.uuid), meta_(std::move(meta)) {
  for (int i = 0; i < meta_.settings.number_of_shards; ++i) {
    shards_.push_back(std::make_unique<Shard>(dir_ + "/" + std::to_string(i), i));
  }
}

Status IndexService::open() {
  {
    std::lock_guard lock(mu_);
    QUARRY_RETURN_IF_ERROR(attach_analyzers(meta_));
  }
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
  if (auto before = analysis_settings(meta_.settings), after = analysis_settings(next.settings); before != after) {
    if (!meta_.closed) {
      std::set<std::string> changed;
      for (const auto& [k, v] : before) {
        if (auto o = after.find(k); o == after.end() || o->second != v) changed.insert(k);
      }
      for (const auto& [k, v] : after) {
        if (auto o = before.find(k); o == before.end() || o->second != v) changed.insert(k);
      }
      std::string keys;
      for (const auto& k : changed) keys += (keys.empty() ? "" : ", ") + k;
      return Status::InvalidArgument("Can't update non dynamic settings [[" + keys + "]] for open indices [[" + name_ +
                                     "/" + uuid_ + "]]");
    }
    QUARRY_RETURN_IF_ERROR(attach_analyzers(next));
  }
  rapidjson::StringBuffer buf;
  json::Writer w(buf);
  next.write_meta_json(w);
  QUARRY_RETURN_IF_ERROR(
      write_file_atomically(dir_ + "/meta.json", std::string_view(buf.GetString(), buf.GetSize())));
  meta_ = std::move(next);
  return Status::Ok();
}

}  // namespace quarry::index
