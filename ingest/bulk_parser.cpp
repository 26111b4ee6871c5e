#include "ingest/bulk_parser.h"

#include "index/json.h"

namespace quarry::ingest {

Status validate_doc_id(std::string_view id) {
  if (id.size() > kMaxIdBytes) {
    return Status(Code::kActionValidation,
                  "Validation Failed: 1: id [" + std::string(id) + "] is too long, must be no longer than 512 bytes but was: " +
                      std::to_string(id.size()) + ";");
  }
  return Status::Ok();
}

namespace {

std::string line_error(size_t line, const std::string& what) {
  return "Malformed action/metadata line [" + std::to_string(line) + "], " + what;
}

Result<int64_t> int_member(const json::Value& v, const char* name, size_t line) {
  if (v.IsInt64()) return v.GetInt64();
  if (v.IsString()) {
    try {
      size_t used = 0;
      std::string s(json::view(v));
      long long n = std::stoll(s, &used);
      if (used == s.size()) return static_cast<int64_t>(n);
    } catch (const std::exception&) {
    }
  }
  return Status::Parsing(line_error(line, std::string("[") + name + "] must be a number"));
}

}  // namespace

Result<std::vector<BulkItem>> parse_bulk(std::string_view body, const BulkDefaults& defaults) {
  std::vector<BulkItem> items;
  size_t pos = 0, line_no = 0;
  auto next_line = [&](std::string_view* out) -> bool {
    while (pos < body.size()) {
      size_t nl = body.find('\n', pos);
      size_t end = nl == std::string_view::npos ? body.size() : nl;
      std::string_view line = body.substr(pos, end - pos);
      pos = nl == std::string_view::npos ? body.size() : nl + 1;
      ++line_no;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      bool blank = line.find_first_not_of(" \t") == std::string_view::npos;
      if (!blank) {
        *out = line;
        return true;
      }
    }
    return false;
  };

  std::string_view line;
  while (next_line(&line)) {
    size_t action_line = line_no;
    json::Document action;
    action.Parse(line.data(), line.size());
    if (action.HasParseError() || !action.IsObject()) {
      return Status::Parsing(line_error(action_line, "expected START_OBJECT but found [" +
                                                         std::string(action.HasParseError() ? "malformed JSON" : json::type_name(action)) + "]"));
    }
    if (action.MemberCount() == 0) {
      return Status::InvalidArgument(line_error(action_line, "expected FIELD_NAME but found [END_OBJECT]"));
    }
    if (action.MemberCount() != 1 || !action.MemberBegin()->value.IsObject()) {
      return Status::InvalidArgument(line_error(action_line, "expected START_OBJECT but found [" +
                                                                 std::string(json::type_name(action.MemberBegin()->value)) + "]"));
    }
    std::string verb(json::view(action.MemberBegin()->name));
    BulkItem item;
    if (verb == "index") item.action = BulkAction::kIndex;
    else if (verb == "create") item.action = BulkAction::kCreate;
    else if (verb == "update") item.action = BulkAction::kUpdate;
    else if (verb == "delete") item.action = BulkAction::kDelete;
    else {
      return Status::InvalidArgument(line_error(
          action_line, "expected field [create], [delete], [index] or [update] but found [" + verb + "]"));
    }
    item.index = defaults.index;
    item.routing = defaults.routing;
    item.require_alias = defaults.require_alias;
    const json::Value& meta = action.MemberBegin()->value;
    for (auto it = meta.MemberBegin(); it != meta.MemberEnd(); ++it) {
      std::string key(json::view(it->name));
      const json::Value& v = it->value;
      if (key == "_index") {
        if (!v.IsString()) return Status::Parsing(line_error(action_line, "[_index] must be a string"));
        item.index = json::view(v);
      } else if (key == "_id") {
        if (v.IsString()) item.id = json::view(v);
        else if (v.IsNumber()) item.id = json::to_string(v);
        else if (!v.IsNull()) return Status::Parsing(line_error(action_line, "[_id] must be a string"));
        if (v.IsString() && item.id.empty()) {
          item.error = Status::InvalidArgument("if _id is specified it must not be empty");
        }
      } else if (key == "routing" || key == "_routing") {
        if (v.IsString()) item.routing = json::view(v);
        else if (v.IsNumber()) item.routing = json::to_string(v);
      } else if (key == "if_seq_no") {
        auto n = int_member(v, "if_seq_no", action_line);
        if (!n.ok()) return n.status();
        item.if_seq_no = *n;
      } else if (key == "if_primary_term") {
        auto n = int_member(v, "if_primary_term", action_line);
        if (!n.ok()) return n.status();
        item.if_primary_term = *n;
      } else if (key == "version" || key == "_version") {
        auto n = int_member(v, "version", action_line);
        if (!n.ok()) return n.status();
        item.version = *n;
      } else if (key == "version_type" || key == "_version_type") {
        std::string t = v.IsString() ? std::string(json::view(v)) : "";
        if (t == "external") item.version_type = VersionType::kExternal;
        else if (t == "external_gte") item.version_type = VersionType::kExternalGte;
        else if (t == "internal") item.version_type = VersionType::kInternal;
        else return Status::InvalidArgument("No version type match [" + t + "]");
      } else if (key == "retry_on_conflict" || key == "_retry_on_conflict") {
        auto n = int_member(v, "retry_on_conflict", action_line);
        if (!n.ok()) return n.status();
        item.retry_on_conflict = static_cast<int>(*n);
      } else if (key == "op_type") {
        std::string t = v.IsString() ? std::string(json::view(v)) : "";
        if (t == "create") item.action = BulkAction::kCreate;
        else if (t != "index") return Status::InvalidArgument("opType must be 'create' or 'index', found: [" + t + "]");
      } else if (key == "require_alias") {
        item.require_alias = v.IsBool() ? v.GetBool() : (v.IsString() && json::view(v) == "true");
      } else if (key == "pipeline") {
        if (!v.IsString() || json::view(v) != "_none") {
          item.error = Status::InvalidArgument(
              "ingest pipelines are not supported: remove [pipeline] from the bulk item");
        }
      } else if (key == "dynamic_templates" || key == "list_executed_pipelines" || key == "require_data_stream") {
        // Accepted and ignored: they change nothing for indices without those features.
      } else {
        return Status::InvalidArgument("Action/metadata line [" + std::to_string(action_line) +
                                       "] contains an unknown parameter [" + key + "]");
      }
    }
    if (item.index.empty()) {
      return Status(Code::kActionValidation, "Validation Failed: 1: index is missing;");
    }
    if (item.error.ok() && !item.id.empty()) item.error = validate_doc_id(item.id);
    if (item.action != BulkAction::kDelete) {
      std::string_view source;
      if (!next_line(&source)) {
        // Elasticsearch's bulk parser stops at an action that has no source line after it, so a
        // body whose last line is an index/create/update action is accepted and that action is
        // dropped (the conformance kit's date_histogram setup relies on this). A body whose
        // last line lacks its newline is still refused.
        if (body.back() != '\n') {
          return Status::InvalidArgument("The bulk request must be terminated by a newline [\\n]");
        }
        break;
      }
      item.source.assign(source);
      if (item.action == BulkAction::kUpdate && item.id.empty() && item.error.ok()) {
        item.error = Status(Code::kActionValidation, "Validation Failed: 1: id is missing;");
      }
    } else if (item.id.empty() && item.error.ok()) {
      item.error = Status(Code::kActionValidation, "Validation Failed: 1: id is missing;");
    }
    items.push_back(std::move(item));
  }
  if (items.empty()) {
    return Status(Code::kActionValidation, "Validation Failed: 1: no requests added;");
  }
  if (!body.empty() && body.back() != '\n') {
    return Status::InvalidArgument("The bulk request must be terminated by a newline [\\n]");
  }
  return items;
}

}  // namespace quarry::ingest
