// Input lines -> _bulk items (see bulk_input.h).
#include "server/cli/bulk_input.h"

#include <rapidjson/error/en.h>

#include <charconv>

#include "server/cli/json_text.h"

namespace quarry::cli {
namespace {

bool is_blank(std::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

// Parses `line` into `doc`; on failure fills `error` and returns false.
bool parse_line(std::string_view line, rapidjson::Document& doc, std::string& error) {
  // A reused Document keeps every parse's memory in its pool unless it is cleared.
  doc.SetNull();
  doc.GetAllocator().Clear();
  doc.Parse<rapidjson::kParseIterativeFlag>(line.data(), line.size());
  if (doc.HasParseError()) {
    error = std::string("malformed JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()) +
            " at offset " + std::to_string(doc.GetErrorOffset());
    return false;
  }
  return true;
}

enum class Action { kNone, kIndex, kCreate, kUpdate, kDelete };

Action action_of(const rapidjson::Value& v) {
  if (!v.IsObject() || v.MemberCount() != 1) return Action::kNone;
  const auto& m = *v.MemberBegin();
  if (!m.value.IsObject()) return Action::kNone;
  const std::string_view name(m.name.GetString(), m.name.GetStringLength());
  if (name == "index") return Action::kIndex;
  if (name == "create") return Action::kCreate;
  if (name == "update") return Action::kUpdate;
  if (name == "delete") return Action::kDelete;
  return Action::kNone;
}

// Finds a dotted path ("author.steamid") in an object; nullptr when absent.
const rapidjson::Value* find_path(const rapidjson::Value& root, std::string_view path) {
  const rapidjson::Value* v = &root;
  while (true) {
    if (!v->IsObject()) return nullptr;
    const size_t dot = path.find('.');
    const std::string_view key = path.substr(0, dot);
    auto it = v->FindMember(rapidjson::Value(rapidjson::StringRef(
        key.data(), static_cast<rapidjson::SizeType>(key.size()))));
    if (it == v->MemberEnd()) {
      // A key may itself contain dots ("author.steamid" as one flat key).
      auto whole = v->FindMember(rapidjson::Value(rapidjson::StringRef(
          path.data(), static_cast<rapidjson::SizeType>(path.size()))));
      return whole == v->MemberEnd() ? nullptr : &whole->value;
    }
    if (dot == std::string_view::npos) return &it->value;
    v = &it->value;
    path = path.substr(dot + 1);
  }
}

// The _id text of an id value: strings as they are, integers in decimal.
bool id_text(const rapidjson::Value& v, std::string& out) {
  if (v.IsString()) {
    out.assign(v.GetString(), v.GetStringLength());
    return !out.empty();
  }
  char buf[24];
  std::to_chars_result r{};
  if (v.IsInt64()) {
    r = std::to_chars(buf, buf + sizeof buf, v.GetInt64());
  } else if (v.IsUint64()) {
    r = std::to_chars(buf, buf + sizeof buf, v.GetUint64());
  } else {
    return false;
  }
  out.assign(buf, r.ptr);
  return true;
}

}  // namespace

bool document_id(const rapidjson::Value& doc, std::string_view id_field, std::string& id,
                 std::string& error) {
  const rapidjson::Value* v = find_path(doc, id_field);
  if (v == nullptr) {
    error = "document has no id field [" + std::string(id_field) + "]";
    return false;
  }
  if (!id_text(*v, id)) {
    error = "id field [" + std::string(id_field) + "] must be a non-empty string or an integer";
    return false;
  }
  return true;
}

void append_index_action(std::string& item, std::string_view index, std::string_view id) {
  item.append("{\"index\":{\"_index\":");
  append_json_string(item, index);
  if (!id.empty()) {
    item.append(",\"_id\":");
    append_json_string(item, id);
  }
  item.append("}}\n");
}

bool is_bulk_action_line(std::string_view line) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(line.data(), line.size());
  return !doc.HasParseError() && action_of(doc) != Action::kNone;
}

ItemAssembler::ItemAssembler(InputFormat format, std::string index, std::string id_field)
    : format_(format), index_(std::move(index)), id_field_(std::move(id_field)) {}

ItemAssembler::Outcome ItemAssembler::add_line(std::string_view line, std::string& item,
                                               std::string& error) {
  if (is_blank(line)) return Outcome::kSkipped;
  return format_ == InputFormat::kBulk ? add_bulk_line(line, item, error)
                                       : add_document(line, item, error);
}

ItemAssembler::Outcome ItemAssembler::add_document(std::string_view line, std::string& item,
                                                   std::string& error) {
  if (!parse_line(line, doc_, error)) return Outcome::kError;
  if (!doc_.IsObject()) {
    error = "a document must be a JSON object";
    return Outcome::kError;
  }
  std::string id;
  if (!id_field_.empty() && !document_id(doc_, id_field_, id, error)) return Outcome::kError;
  item.clear();
  item.reserve(line.size() + id.size() + index_.size() + 40);
  append_index_action(item, index_, id);
  item.append(line);
  item.push_back('\n');
  return Outcome::kItem;
}

ItemAssembler::Outcome ItemAssembler::add_bulk_line(std::string_view line, std::string& item,
                                                    std::string& error) {
  if (!pending_action_.empty()) {
    // This line is the source of the pending action.
    std::string action;
    action.swap(pending_action_);
    if (!parse_line(line, doc_, error)) return Outcome::kError;
    if (!doc_.IsObject()) {
      error = "a source line must be a JSON object";
      return Outcome::kError;
    }
    item.clear();
    item.append(action).push_back('\n');
    item.append(line).push_back('\n');
    return Outcome::kItem;
  }
  const bool parsed = parse_line(line, doc_, error);
  const Action action = parsed ? action_of(doc_) : Action::kNone;
  if (action == Action::kNone) {
    if (skip_orphan_source_) {
      // Most likely the source line of the bad action just reported: not a second failure.
      skip_orphan_source_ = false;
      return Outcome::kSkipped;
    }
    if (parsed) {
      error = "expected an action line ({\"index\"|\"create\"|\"update\"|\"delete\":{...}})";
    }
    skip_orphan_source_ = true;
    return Outcome::kError;
  }
  skip_orphan_source_ = false;
  if (action == Action::kDelete) {
    item.assign(line).push_back('\n');
    return Outcome::kItem;
  }
  pending_action_.assign(line);
  return Outcome::kNeedMore;
}

ItemAssembler::Outcome ItemAssembler::finish(std::string& error) {
  if (pending_action_.empty()) return Outcome::kSkipped;
  pending_action_.clear();
  error = "the last action has no source line";
  return Outcome::kError;
}

}  // namespace quarry::cli
