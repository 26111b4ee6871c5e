#include "index/index_metadata.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace quarry::index {

namespace {

// Flattens {"index":{"number_of_shards":1}} and {"number_of_shards":"1"} alike into
// "index.number_of_shards" -> "1" (with `normalize`, keys always get the "index." prefix).
Status flatten(const json::Value& v, const std::string& prefix, std::map<std::string, std::string>* out,
               bool normalize = false) {
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    std::string key = prefix.empty() ? std::string(json::view(it->name))
                                     : prefix + "." + std::string(json::view(it->name));
    const auto& val = it->value;
    if (val.IsObject()) {
      QUARRY_RETURN_IF_ERROR(flatten(val, key, out, normalize));
      continue;
    }
    if (normalize && key.rfind("index.", 0) != 0) key = "index." + key;
    if (val.IsString()) {
      (*out)[key] = std::string(json::view(val));
    } else if (val.IsNull()) {
      out->erase(key);
    } else if (val.IsArray()) {
      std::string joined;
      for (const auto& e : val.GetArray()) {
        if (!joined.empty()) joined += ",";
        joined += e.IsString() ? std::string(json::view(e)) : json::to_string(e);
      }
      (*out)[key] = joined;
    } else {
      (*out)[key] = json::to_string(val);
    }
  }
  return Status::Ok();
}

Result<int> parse_int_setting(const std::string& key, const std::string& value, int min) {
  try {
    size_t used = 0;
    long long v = std::stoll(value, &used);
    if (used != value.size()) throw std::invalid_argument(value);
    if (v < min) {
      return Status::InvalidArgument("Failed to parse value [" + value + "] for setting [" + key +
                                     "] must be >= " + std::to_string(min));
    }
    return static_cast<int>(v);
  } catch (const std::exception&) {
    return Status::InvalidArgument("Failed to parse value [" + value + "] for setting [" + key + "]");
  }
}

// Elasticsearch's index settings (exact names, or groups ending in '.'), so that a typo is a 400
// instead of a silently ignored setting.
bool is_known_setting(const std::string& key) {
  static const char* const kKnown[] = {
      "index.number_of_shards", "index.number_of_replicas", "index.refresh_interval", "index.max_result_window",
      "index.hidden", "index.auto_expand_replicas", "index.codec", "index.priority", "index.gc_deletes",
      "index.default_pipeline", "index.final_pipeline", "index.mode", "index.number_of_routing_shards",
      "index.routing_partition_size", "index.load_fixed_bitset_filters_eagerly", "index.max_ngram_diff",
      "index.max_shingle_diff", "index.max_inner_result_window", "index.max_rescore_window",
      "index.max_docvalue_fields_search", "index.max_script_fields", "index.max_terms_count",
      "index.max_regex_length", "index.max_refresh_listeners", "index.max_slices_per_scroll",
      "index.max_adjacency_matrix_filters", "index.routing_path", "index.look_ahead_time",
      "index.look_back_time", "index.check_on_startup", "index.soft_deletes.enabled",
      "index.soft_deletes.retention_lease.period", "index.analysis.", "index.blocks.", "index.mapping.",
      "index.routing.", "index.search.", "index.sort.", "index.similarity.", "index.translog.",
      "index.merge.", "index.store.", "index.query.", "index.highlight.", "index.queries.", "index.shard.",
      "index.write.", "index.lifecycle.", "index.unassigned.", "index.indexing.", "index.requests.",
      "index.time_series.", "index.version.", "index.uuid", "index.creation_date", "index.provided_name",
      "index.frozen", "index.format", "index.default_allocation."};
  for (const char* k : kKnown) {
    std::string_view known(k);
    if (known.back() == '.' ? key.rfind(known, 0) == 0 : key == known) return true;
  }
  return false;
}

}  // namespace

Result<int64_t> parse_time_value(std::string_view text, std::string_view setting_name) {
  std::string t(text);
  if (t == "-1") return int64_t(-1);
  static const std::pair<const char*, int64_t> kUnits[] = {
      {"nanos", 0}, {"micros", 0}, {"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", 86400000}};
  for (const auto& [suffix, factor] : kUnits) {
    size_t n = std::strlen(suffix);
    if (t.size() > n && t.compare(t.size() - n, n, suffix) == 0) {
      std::string num = t.substr(0, t.size() - n);
      try {
        size_t used = 0;
        double v = std::stod(num, &used);
        if (used != num.size() || v < 0) break;
        return static_cast<int64_t>(v * factor);
      } catch (const std::exception&) {
        break;
      }
    }
  }
  return Status::InvalidArgument("failed to parse setting [" + std::string(setting_name) +
                                 "] with value [" + t +
                                 "] as a time value: unit is missing or unrecognized");
}

Status flatten_settings(const json::Value& settings, std::map<std::string, std::string>* out) {
  if (!settings.IsObject()) return Status::InvalidArgument("settings must be an object");
  return flatten(settings, "", out, /*normalize=*/true);
}

Status parse_alias_definition(const json::Value& av, AliasMetadata* am) {
  if (!av.IsObject()) return Status::Parsing("[" + am->name + "] alias definition must be an object");
  if (av.HasMember("filter")) am->filter_json = json::to_string(av["filter"]);
  if (av.HasMember("routing") && av["routing"].IsString()) am->index_routing = am->search_routing = json::view(av["routing"]);
  if (av.HasMember("index_routing") && av["index_routing"].IsString()) am->index_routing = json::view(av["index_routing"]);
  if (av.HasMember("search_routing") && av["search_routing"].IsString()) am->search_routing = json::view(av["search_routing"]);
  auto flag = [&](const char* key) -> std::optional<bool> {
    if (!av.HasMember(key)) return std::nullopt;
    const json::Value& b = av[key];
    if (b.IsBool()) return b.GetBool();
    if (b.IsString()) return json::view(b) == "true";
    return std::nullopt;
  };
  am->is_write_index = flag("is_write_index");
  am->is_hidden = flag("is_hidden");
  return Status::Ok();
}

Status parse_index_settings(const json::Value& settings, IndexSettings* out, bool creating) {
  if (!settings.IsObject()) return Status::InvalidArgument("settings must be an object");
  std::map<std::string, std::string> flat;
  QUARRY_RETURN_IF_ERROR(flatten(settings, "", &flat));
  IndexSettings next = *out;
  for (auto& [raw_key, value] : flat) {
    std::string key = raw_key.rfind("index.", 0) == 0 ? raw_key : "index." + raw_key;
    if (key == "index.number_of_shards") {
      if (!creating) {
        return Status::InvalidArgument(
            "Can't update non dynamic settings [[index.number_of_shards]] for open indices");
      }
      auto v = parse_int_setting(key, value, 1);
      if (!v.ok()) return v.status();
      if (*v > 1024) {
        return Status::InvalidArgument("Failed to parse value [" + value +
                                       "] for setting [index.number_of_shards] must be <= 1024");
      }
      next.number_of_shards = *v;
    } else if (key == "index.number_of_replicas") {
      auto v = parse_int_setting(key, value, 0);
      if (!v.ok()) return v.status();
      next.number_of_replicas = *v;
    } else if (key == "index.refresh_interval") {
      auto v = parse_time_value(value, key);
      if (!v.ok()) return v.status();
      next.refresh_interval_ms = *v;
    } else if (key == "index.max_result_window") {
      auto v = parse_int_setting(key, value, 1);
      if (!v.ok()) return v.status();
      next.max_result_window = *v;
    } else if (key == "index.max_terms_count") {
      // Read by every search (query/query_limits.h): only a valid number is kept.
      auto v = parse_int_setting(key, value, 1);
      if (!v.ok()) return v.status();
    } else if (key == "index.soft_deletes.enabled" && value == "false") {
      return Status::InvalidArgument(
          "Creating indices with soft-deletes disabled is no longer supported. Please do not specify a value "
          "for setting [index.soft_deletes.enabled].");
    } else if (key == "index.uuid" || key == "index.creation_date" || key == "index.provided_name" ||
               key.rfind("index.version.", 0) == 0) {
      // Private settings that Elasticsearch sets itself.
      return Status::InvalidArgument("private index setting [" + key + "] can not be set explicitly");
    } else if (!is_known_setting(key)) {
      return Status::InvalidArgument("unknown setting [" + key +
                                     "] please check that any required plugins are installed, or check the "
                                     "breaking changes documentation for removed settings");
    }
    // Other known index.* settings (analysis, blocks, ...) are kept and echoed; later work reads them.
    next.flat[key] = value;
  }
  // Analysis settings must build (unknown tokenizer / filter / analyzer types are a 400 here).
  auto analyzers = AnalyzerSet::from_settings(next.flat);
  if (!analyzers.ok()) return analyzers.status();
  *out = std::move(next);
  return Status::Ok();
}

Status validate_index_name(std::string_view name) {
  std::string n(name);
  auto bad = [&](const std::string& why) {
    return Status(Code::kInvalidIndexName, "Invalid index name [" + n + "], " + why)
        .with("index", n)
        .with("index_uuid", "_na_");
  };
  if (n.empty()) return bad("must not be empty");
  for (char c : n) {
    if (c >= 'A' && c <= 'Z') return bad("must be lowercase");
  }
  static const char kInvalid[] = "\\/*?\"<>| ,#";
  for (char c : n) {
    if (std::strchr(kInvalid, c) && c != '\0') {
      return bad("must not contain the following characters [ , \", *, \\, <, |, ,, >, /, ?]");
    }
  }
  if (n.find(':') != std::string::npos) return bad("must not contain ':'");
  if (n[0] == '-' || n[0] == '_' || n[0] == '+') return bad("must not start with '_', '-', or '+'");
  if (n == "." || n == "..") return bad("must not be '.' or '..'");
  if (n.size() > 255) return bad("index name is too long, (" + std::to_string(n.size()) + " > 255)");
  return Status::Ok();
}

void IndexMetadata::write_meta_json(json::Writer& w) const {
  w.StartObject();
  w.Key("name"); w.String(name.c_str());
  w.Key("uuid"); w.String(uuid.c_str());
  w.Key("creation_date"); w.Int64(creation_date_ms);
  w.Key("closed"); w.Bool(closed);
  w.Key("number_of_shards"); w.Int(settings.number_of_shards);
  w.Key("number_of_replicas"); w.Int(settings.number_of_replicas);
  w.Key("refresh_interval_ms"); w.Int64(settings.refresh_interval_ms);
  w.Key("max_result_window"); w.Int(settings.max_result_window);
  w.Key("settings");
  w.StartObject();
  for (const auto& [k, v] : settings.flat) {
    w.Key(k.c_str());
    w.String(v.c_str());
  }
  w.EndObject();
  w.Key("mapping");
  mapping->write_meta_json(w);
  w.Key("aliases");
  w.StartArray();
  for (const auto& [n, a] : aliases) {
    w.StartObject();
    w.Key("name"); w.String(a.name.c_str());
    w.Key("filter"); w.String(a.filter_json.c_str());
    w.Key("index_routing"); w.String(a.index_routing.c_str());
    w.Key("search_routing"); w.String(a.search_routing.c_str());
    if (a.is_write_index) { w.Key("is_write_index"); w.Bool(*a.is_write_index); }
    if (a.is_hidden) { w.Key("is_hidden"); w.Bool(*a.is_hidden); }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

Result<IndexMetadata> IndexMetadata::from_meta_json(const json::Value& v) {
  if (!v.IsObject() || !v.HasMember("name") || !v.HasMember("mapping")) {
    return Status::Corruption("index metadata is incomplete");
  }
  IndexMetadata m;
  m.name = json::view(v["name"]);
  m.uuid = json::view(v["uuid"]);
  m.creation_date_ms = v["creation_date"].GetInt64();
  m.closed = v.HasMember("closed") && v["closed"].GetBool();
  m.settings.number_of_shards = v["number_of_shards"].GetInt();
  m.settings.number_of_replicas = v["number_of_replicas"].GetInt();
  m.settings.refresh_interval_ms = v["refresh_interval_ms"].GetInt64();
  m.settings.max_result_window = v["max_result_window"].GetInt();
  for (auto it = v["settings"].MemberBegin(); it != v["settings"].MemberEnd(); ++it) {
    m.settings.flat[std::string(json::view(it->name))] = std::string(json::view(it->value));
  }
  auto mapping = Mapping::from_meta_json(v["mapping"]);
  if (!mapping.ok()) return mapping.status();
  m.mapping = std::make_shared<Mapping>(std::move(mapping).value());
  for (const auto& a : v["aliases"].GetArray()) {
    AliasMetadata am;
    am.name = json::view(a["name"]);
    am.filter_json = json::view(a["filter"]);
    am.index_routing = json::view(a["index_routing"]);
    am.search_routing = json::view(a["search_routing"]);
    if (a.HasMember("is_write_index")) am.is_write_index = a["is_write_index"].GetBool();
    if (a.HasMember("is_hidden")) am.is_hidden = a["is_hidden"].GetBool();
    m.aliases[am.name] = am;
  }
  return m;
}

Status write_file_atomically(const std::string& path, std::string_view contents) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError("cannot write " + tmp + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return Status::IOError("cannot write " + tmp + ": " + std::strerror(errno));
    }
    done += n;
  }
  ::fsync(fd);
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status::IOError("cannot rename " + tmp + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace quarry::index
