// _bulk response parsing (see bulk_response.h).
#include "server/cli/bulk_response.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace quarry::cli {
namespace {

std::string get_string(const rapidjson::Value& obj, const char* key) {
  if (!obj.IsObject()) return {};
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsString()) return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}

std::string describe_error(const rapidjson::Value& error) {
  if (error.IsString()) return {error.GetString(), error.GetStringLength()};
  std::string type = get_string(error, "type");
  std::string reason = get_string(error, "reason");
  if (type.empty() && reason.empty()) {
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    error.Accept(w);
    return sb.GetString();
  }
  if (type.empty()) return reason;
  return reason.empty() ? type : type + ": " + reason;
}

}  // namespace

Result<std::vector<BulkItemOutcome>> parse_bulk_response(std::string_view body) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return Status::Parsing("the bulk response is not a JSON object");
  }
  auto items = doc.FindMember("items");
  if (items == doc.MemberEnd() || !items->value.IsArray()) {
    return Status::Parsing("the bulk response has no items array");
  }
  std::vector<BulkItemOutcome> out;
  out.reserve(items->value.Size());
  for (const auto& entry : items->value.GetArray()) {
    BulkItemOutcome o;
    if (!entry.IsObject() || entry.MemberCount() != 1 || !entry.MemberBegin()->value.IsObject()) {
      o.failed = true;
      o.reason = "malformed item in the bulk response";
      out.push_back(std::move(o));
      continue;
    }
    const rapidjson::Value& result = entry.MemberBegin()->value;
    auto status = result.FindMember("status");
    if (status != result.MemberEnd() && status->value.IsInt()) o.status = status->value.GetInt();
    auto error = result.FindMember("error");
    if (error != result.MemberEnd() && !error->value.IsNull()) {
      o.failed = true;
      o.reason = describe_error(error->value);
    } else if (o.status >= 400 && o.status != 404) {
      o.failed = true;
      o.reason = "status " + std::to_string(o.status);
    }
    out.push_back(std::move(o));
  }
  return out;
}

std::string describe_error_body(std::string_view body) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
  if (!doc.HasParseError() && doc.IsObject()) {
    auto error = doc.FindMember("error");
    if (error != doc.MemberEnd()) return describe_error(error->value);
  }
  std::string text(body.substr(0, 200));
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text.empty() ? "(empty body)" : text;
}

}  // namespace quarry::cli
