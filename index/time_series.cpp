#include "index/time_series.h"

#include <string_view>
#include <vector>

#include "index/dates.h"

namespace quarry::index {
namespace {

std::string setting(const std::map<std::string, std::string>& flat, const char* key) {
  auto it = flat.find(key);
  return it == flat.end() ? std::string() : it->second;
}

// Elasticsearch's Regex.simpleMatch: '*' matches any run of characters.
bool simple_match(std::string_view pattern, std::string_view text) {
  size_t star = pattern.find('*');
  if (star == std::string_view::npos) return pattern == text;
  if (text.substr(0, star) != pattern.substr(0, star)) return false;
  std::string_view rest = pattern.substr(star + 1);
  for (size_t i = star; i <= text.size(); ++i) {
    if (simple_match(rest, text.substr(i))) return true;
  }
  return false;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    std::string item = s.substr(start, comma - start);
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (!item.empty()) out.push_back(std::move(item));
    start = comma + 1;
  }
  return out;
}

}  // namespace

bool is_time_series_mode(const std::map<std::string, std::string>& flat_settings) {
  return setting(flat_settings, "index.mode") == "time_series";
}

Status validate_time_series_settings(const std::map<std::string, std::string>& flat, const Mapping* mapping) {
  std::string mode = setting(flat, "index.mode");
  if (!mode.empty() && mode != "standard" && mode != "time_series" && mode != "logsdb" && mode != "lookup") {
    return Status::InvalidArgument("[" + mode + "] is an invalid index mode, valid modes are: [standard, time_series, logsdb, lookup]");
  }
  const char* bounds[] = {"index.time_series.start_time", "index.time_series.end_time"};
  if (mode != "time_series") {
    for (const char* key : {"index.routing_path", "index.time_series.start_time", "index.time_series.end_time"}) {
      if (flat.count(key)) return Status::InvalidArgument(std::string("[") + key + "] requires [index.mode=time_series]");
    }
    return Status::Ok();
  }
  for (const char* key : {"index.routing_partition_size", "index.sort.field", "index.sort.order", "index.sort.mode",
                          "index.sort.missing"}) {
    if (flat.count(key)) return Status::InvalidArgument(std::string("[index.mode=time_series] is incompatible with [") + key + "]");
  }
  std::vector<std::string> routing_path = split_list(setting(flat, "index.routing_path"));
  if (routing_path.empty()) return Status::InvalidArgument("[index.mode=time_series] requires a non-empty [index.routing_path]");
  int64_t times[2] = {0, 0};
  bool given[2] = {false, false};
  for (int i = 0; i < 2; ++i) {
    auto it = flat.find(bounds[i]);
    if (it == flat.end()) continue;
    auto ms = DateFormat::default_format().parse(it->second);
    if (!ms) {
      return Status::InvalidArgument("failed to parse value [" + it->second + "] for setting [" + bounds[i] +
                                     "]: failed to parse date field [" + it->second +
                                     "] with format [strict_date_optional_time||epoch_millis]");
    }
    times[i] = *ms;
    given[i] = true;
  }
  if (given[0] && given[1] && times[1] <= times[0]) {
    return Status::InvalidArgument("[index.time_series.end_time] must be larger than [index.time_series.start_time]");
  }
  if (!mapping) return Status::Ok();
  const std::string why =
      "All fields that match routing_path must be configured with [time_series_dimension: true] or flattened "
      "fields with a list of dimensions in [time_series_dimensions] and without the [script] parameter. [";
  for (const auto& [path, f] : mapping->fields()) {
    bool matched = false;
    for (const auto& pattern : routing_path) matched = matched || simple_match(pattern, path);
    if (!matched) continue;
    if (f.type == FieldType::kObject) {
      // A pattern naming an object exactly is an error; a wildcard reaching into it is not.
      bool exact = false;
      for (const auto& pattern : routing_path) exact = exact || pattern == path;
      if (exact) return Status::InvalidArgument(why + path + "] was [object].");
      continue;
    }
    if (!f.time_series_dimension) return Status::InvalidArgument(why + path + "] was not a dimension.");
  }
  return Status::Ok();
}

}  // namespace quarry::index
