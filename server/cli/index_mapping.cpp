// Reading an index's field types (see index_mapping.h).
#include "server/cli/index_mapping.h"

#include <rapidjson/document.h>

#include <cctype>

namespace quarry::cli {
namespace {

void collect(const rapidjson::Value& properties, const std::string& prefix, FieldTypes& out) {
  if (!properties.IsObject()) return;
  for (const auto& m : properties.GetObject()) {
    const std::string path = prefix + std::string(m.name.GetString(), m.name.GetStringLength());
    if (!m.value.IsObject()) continue;
    const auto type = m.value.FindMember("type");
    if (type != m.value.MemberEnd() && type->value.IsString()) {
      FieldType& f = out[path];
      f.type = type->value.GetString();
      const auto format = m.value.FindMember("format");
      if (format != m.value.MemberEnd() && format->value.IsString()) {
        f.format = format->value.GetString();
      }
    }
    const auto sub = m.value.FindMember("properties");
    if (sub != m.value.MemberEnd()) collect(sub->value, path + ".", out);
  }
}

const rapidjson::Value* member(const rapidjson::Value& v, const char* name) {
  if (!v.IsObject()) return nullptr;
  const auto it = v.FindMember(name);
  return it == v.MemberEnd() ? nullptr : &it->value;
}

std::string encode_segment(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace

std::optional<FieldTypes> parse_field_types(std::string_view body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  const rapidjson::Value* mappings = nullptr;
  if (const auto* t = member(doc, "template")) {
    mappings = member(*t, "mappings");
  } else if (member(doc, "properties") != nullptr) {
    mappings = &doc;
  } else if (doc.MemberCount() > 0) {
    // {"<index>":{"mappings":{...}}}: an alias or pattern may name several; the first decides.
    mappings = member(doc.MemberBegin()->value, "mappings");
  }
  if (mappings == nullptr) return std::nullopt;
  FieldTypes out;
  if (const auto* p = member(*mappings, "properties")) collect(*p, "", out);
  return out;
}

std::optional<FieldTypes> fetch_field_types(HttpClient& client, const std::string& index,
                                            std::string& note) {
  Result<HttpReply> reply = client.request("GET", "/" + encode_segment(index) + "/_mapping", "",
                                           "");
  if (reply.ok() && reply->status == 200) {
    auto types = parse_field_types(reply->body);
    if (types) note = "CSV values typed from the mapping of index [" + index + "]";
    return types;
  }
  if (!reply.ok() || reply->status != 404) {
    note = "could not read the mapping of [" + index + "]; CSV value types are inferred";
    return std::nullopt;
  }
  reply = client.request("POST", "/_index_template/_simulate_index/" + encode_segment(index), "",
                         "");
  if (reply.ok() && reply->status == 200) {
    auto types = parse_field_types(reply->body);
    if (types && !types->empty()) {
      note = "CSV values typed from the index template that will create [" + index + "]";
      return types;
    }
  }
  note = "index [" + index + "] has no mapping yet; CSV value types are inferred";
  return std::nullopt;
}

}  // namespace quarry::cli
