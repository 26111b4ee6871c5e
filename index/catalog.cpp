#include "index/catalog.h"

#include <chrono>
#include <filesystem>
#include <random>
#include <set>

#include "index/date_math_name.h"

namespace quarry::index {

namespace fs = std::filesystem;

bool wildcard_match(std::string_view p, std::string_view t) {
  size_t pi = 0, ti = 0, star = std::string_view::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (pi < p.size() && p[pi] == t[ti]) {
      ++pi;
      ++ti;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

Catalog::Catalog(std::string data_dir) : data_dir_(std::move(data_dir)) {}

std::string Catalog::new_uuid() {
  // 22 url-safe characters, like Elasticsearch's UUIDs.
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::random_device rd;
  std::mt19937_64 rng(rd() ^ std::chrono::steady_clock::now().time_since_epoch().count());
  std::string out;
  for (int i = 0; i < 22; ++i) out.push_back(kAlphabet[rng() % 64]);
  return out;
}

Status Catalog::load() {
  std::error_code ec;
  fs::path root = fs::path(data_dir_) / "indices";
  fs::create_directories(root, ec);
  if (ec) return Status::IOError("cannot create " + root.string() + ": " + ec.message());
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    if (!entry.is_directory()) continue;
    fs::path meta_path = entry.path() / "meta.json";
    if (!fs::exists(meta_path)) {
      // A create that crashed before its metadata was written: nothing was acknowledged.
      fs::remove_all(entry.path(), ec);
      continue;
    }
    auto text = read_file(meta_path.string());
    if (!text.ok()) return text.status();
    json::Document doc;
    QUARRY_RETURN_IF_ERROR(json::parse(*text, doc));
    auto meta = IndexMetadata::from_meta_json(doc);
    if (!meta.ok()) return meta.status();
    auto service = std::make_shared<IndexService>(entry.path().string(), std::move(meta).value());
    QUARRY_RETURN_IF_ERROR(service->open());
    std::lock_guard lock(mu_);
    indices_[service->name()] = service;
  }
  return Status::Ok();
}

Result<std::shared_ptr<IndexService>> Catalog::create(IndexMetadata meta) {
  std::lock_guard lock(mu_);
  if (indices_.count(meta.name)) {
    return Status::AlreadyExists("index [" + meta.name + "/" + indices_[meta.name]->uuid() +
                                 "] already exists")
        .with("index", meta.name)
        .with("index_uuid", indices_[meta.name]->uuid());
  }
  for (const auto& [n, idx] : indices_) {
    if (idx->metadata().aliases.count(meta.name)) {
      return Status(Code::kInvalidIndexName,
                    "Invalid index name [" + meta.name + "], an alias with the same name already exists")
          .with("index", meta.name)
          .with("index_uuid", "_na_");
    }
  }
  std::string dir = (fs::path(data_dir_) / "indices" / meta.uuid).string();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create " + dir + ": " + ec.message());
  auto service = std::make_shared<IndexService>(dir, std::move(meta));
  Status st = service->open();
  if (st.ok()) st = service->persist();
  if (!st.ok()) {
    fs::remove_all(dir, ec);
    return st;
  }
  indices_[service->name()] = service;
  return service;
}

Result<std::shared_ptr<IndexService>> Catalog::detach(const std::string& name) {
  std::lock_guard lock(mu_);
  auto it = indices_.find(name);
  if (it == indices_.end()) return Status::IndexNotFound(name);
  auto service = it->second;
  indices_.erase(it);
  return service;
}

void Catalog::destroy_files(const IndexService& index) {
  std::error_code ec;
  // Remove meta.json first so a crash half-way leaves a directory load() cleans up.
  fs::remove(fs::path(index.dir()) / "meta.json", ec);
  fs::remove_all(index.dir(), ec);
}

std::shared_ptr<IndexService> Catalog::find(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = indices_.find(name);
  return it == indices_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<IndexService>> Catalog::all() const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<IndexService>> out;
  for (const auto& [n, s] : indices_) out.push_back(s);
  return out;
}

bool Catalog::alias_exists(const std::string& name) const {
  for (const auto& idx : all()) {
    if (idx->metadata().aliases.count(name)) return true;
  }
  return false;
}

static std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    std::string part = s.substr(start, comma - start);
    if (!part.empty()) out.push_back(part);
    start = comma + 1;
  }
  return out;
}

Result<std::vector<ResolvedIndex>> Catalog::resolve(const std::string& expression,
                                                    const ResolveOptions& options) const {
  auto indices = all();
  std::map<std::string, IndexMetadata> metas;
  for (const auto& idx : indices) metas.emplace(idx->name(), idx->metadata());

  std::vector<std::string> order;                          // concrete names in first-seen order
  std::map<std::string, std::vector<std::string>> via;     // name -> aliases it came through
  std::set<std::string> chosen;
  auto add = [&](const std::string& name, const std::string& alias) {
    if (!chosen.count(name)) {
      chosen.insert(name);
      order.push_back(name);
    }
    if (!alias.empty()) via[name].push_back(alias);
  };
  auto visible = [&](const IndexMetadata& m) {
    bool hidden = m.settings.flat.count("index.hidden") && m.settings.flat.at("index.hidden") == "true";
    if (hidden && !options.expand_hidden) return false;
    return m.closed ? options.expand_closed : options.expand_open;
  };

  std::vector<std::string> parts = split_commas(expression);
  int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  for (auto& part : parts) {
    auto resolved = resolve_date_math_name(part, now_ms);
    if (resolved.ok()) part = *resolved;
  }
  bool all_expr = parts.empty() || (parts.size() == 1 && (parts[0] == "_all" || parts[0] == "*"));
  bool wildcard_seen = all_expr;
  if (all_expr) {
    for (const auto& [n, m] : metas) {
      if (visible(m)) add(n, "");
    }
  } else {
    for (size_t i = 0; i < parts.size(); ++i) {
      std::string part = parts[i];
      bool exclude = part[0] == '-' && wildcard_seen;
      if (exclude) part = part.substr(1);
      bool has_wildcard = part.find('*') != std::string::npos;
      if (exclude) {
        for (auto it = order.begin(); it != order.end();) {
          if (wildcard_match(part, *it)) {
            chosen.erase(*it);
            it = order.erase(it);
          } else {
            ++it;
          }
        }
        continue;
      }
      if (has_wildcard) {
        wildcard_seen = true;
        for (const auto& [n, m] : metas) {
          if (wildcard_match(part, n) && visible(m)) add(n, "");
        }
        for (const auto& [n, m] : metas) {
          for (const auto& [alias, am] : m.aliases) {
            if (wildcard_match(part, alias) && !m.closed) add(n, alias);
          }
        }
        continue;
      }
      if (metas.count(part)) {
        add(part, "");
        continue;
      }
      bool alias_found = false;
      for (const auto& [n, m] : metas) {
        if (m.aliases.count(part)) {
          add(n, part);
          alias_found = true;
        }
      }
      if (!alias_found && !options.ignore_unavailable) return Status::IndexNotFound(part);
    }
  }
  if (order.empty() && !options.allow_no_indices) {
    return Status::IndexNotFound(expression.empty() ? "_all" : expression);
  }
  std::vector<ResolvedIndex> out;
  for (const auto& name : order) {
    for (const auto& idx : indices) {
      if (idx->name() == name) out.push_back({idx, via[name]});
    }
  }
  return out;
}

Result<std::shared_ptr<IndexService>> Catalog::resolve_write(const std::string& name) const {
  if (auto idx = find(name)) return idx;
  std::vector<std::shared_ptr<IndexService>> targets;
  std::shared_ptr<IndexService> write_index;
  for (const auto& idx : all()) {
    auto meta = idx->metadata();
    auto it = meta.aliases.find(name);
    if (it == meta.aliases.end()) continue;
    targets.push_back(idx);
    if (it->second.is_write_index.value_or(false)) write_index = idx;
  }
  if (targets.empty()) return Status::IndexNotFound(name);
  if (write_index) return write_index;
  if (targets.size() == 1) {
    auto meta = targets[0]->metadata();
    if (meta.aliases.at(name).is_write_index.value_or(true)) return targets[0];
  }
  return Status::InvalidArgument(
      "no write index is defined for alias [" + name +
      "]. The write index may be explicitly disabled using is_write_index=false or the alias "
      "points to multiple indices without one being designated as a write index");
}

}  // namespace quarry::index
