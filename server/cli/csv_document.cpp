// CSV record -> JSON document (see csv_document.h).
#include "server/cli/csv_document.h"

#include <algorithm>
#include <cstdint>

#include "server/cli/json_text.h"

namespace quarry::cli {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Whether `s` is a JSON number; `integral` says whether it has no fraction or exponent.
bool is_json_number(std::string_view s, bool& integral) {
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  if (i >= s.size() || !is_digit(s[i])) return false;
  if (s[i] == '0') {
    ++i;
  } else {
    while (i < s.size() && is_digit(s[i])) ++i;
  }
  integral = true;
  if (i < s.size() && s[i] == '.') {
    integral = false;
    ++i;
    if (i >= s.size() || !is_digit(s[i])) return false;
    while (i < s.size() && is_digit(s[i])) ++i;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    integral = false;
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (i >= s.size() || !is_digit(s[i])) return false;
    while (i < s.size() && is_digit(s[i])) ++i;
  }
  return i == s.size();
}

// A JSON integer whose magnitude has at most `max_digits` digits and is <= `max`.
bool integer_within(std::string_view s, uint64_t max) {
  bool integral = false;
  if (!is_json_number(s, integral) || !integral) return false;
  const std::string_view digits = s[0] == '-' ? s.substr(1) : s;
  if (digits.size() > 19) return false;
  uint64_t v = 0;
  for (char c : digits) v = v * 10 + static_cast<uint64_t>(c - '0');
  return v <= max;
}

constexpr uint64_t kMaxInt64 = 9223372036854775807ULL;
constexpr uint64_t kMaxExactDouble = 9007199254740992ULL;  // 2^53

// True/False as Python and pandas write them, true/false as JSON does, and 1/0.
int boolean_of(std::string_view s, bool allow_digits) {
  if (s == "True" || s == "true" || (allow_digits && s == "1")) return 1;
  if (s == "False" || s == "false" || (allow_digits && s == "0")) return 0;
  return -1;
}

}  // namespace

CsvDocumentBuilder::Kind CsvDocumentBuilder::kind_of(const FieldType& t) {
  const std::string& s = t.type;
  if (s == "long" || s == "integer" || s == "short" || s == "byte" || s == "unsigned_long") {
    return Kind::kInteger;
  }
  if (s == "double" || s == "float" || s == "half_float" || s == "scaled_float") {
    return Kind::kNumber;
  }
  if (s == "boolean") return Kind::kBoolean;
  if (s == "date" || s == "date_nanos") return Kind::kDate;
  return Kind::kString;
}

Result<CsvDocumentBuilder> CsvDocumentBuilder::create(const std::vector<std::string>& header,
                                                      const FieldTypes* types) {
  CsvDocumentBuilder b;
  b.names_ = header;
  for (size_t col = 0; col < header.size(); ++col) {
    const std::string& name = header[col];
    if (name.find_first_not_of(" \t") == std::string::npos) continue;  // unnamed: skipped
    Node* node = &b.root_;
    size_t start = 0;
    for (;;) {
      const size_t dot = name.find('.', start);
      const std::string part = name.substr(start, dot == std::string::npos ? dot : dot - start);
      if (part.empty()) {
        return Status::InvalidArgument("CSV column [" + name + "] has an empty name part");
      }
      const bool leaf = dot == std::string::npos;
      auto it = std::find_if(node->children.begin(), node->children.end(),
                             [&](const Node& n) { return n.name == part; });
      if (it == node->children.end()) {
        node->children.push_back(Node{part, -1, Kind::kInfer, {}});
        it = node->children.end() - 1;
      } else if (leaf || it->column >= 0) {
        return Status::InvalidArgument(
            it->column >= 0 && leaf
                ? "CSV column [" + name + "] appears twice"
                : "CSV column [" + name + "] is both a value and an object of other columns");
      }
      node = &*it;
      if (leaf) {
        node->column = static_cast<int>(col);
        if (types != nullptr) {
          const auto t = types->find(name);
          if (t != types->end()) node->kind = kind_of(t->second);
        }
        break;
      }
      start = dot + 1;
    }
  }
  return b;
}

int CsvDocumentBuilder::column(std::string_view name) const {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return static_cast<int>(i);
  }
  return -1;
}

bool CsvDocumentBuilder::has_value(const Node& node, const std::vector<std::string>& fields) const {
  if (node.column >= 0) return !fields[static_cast<size_t>(node.column)].empty();
  return std::any_of(node.children.begin(), node.children.end(),
                     [&](const Node& c) { return has_value(c, fields); });
}

void CsvDocumentBuilder::append_object(const Node& node, const std::vector<std::string>& fields,
                                       std::string& out) const {
  out.push_back('{');
  bool first = true;
  for (const Node& child : node.children) {
    if (!has_value(child, fields)) continue;  // empty cells (and objects of them) are left out
    if (!first) out.push_back(',');
    first = false;
    append_json_string(out, child.name);
    out.push_back(':');
    if (child.column >= 0) {
      append_value(child.kind, fields[static_cast<size_t>(child.column)], out);
    } else {
      append_object(child, fields, out);
    }
  }
  out.push_back('}');
}

void CsvDocumentBuilder::append_value(Kind kind, std::string_view cell, std::string& out) {
  bool integral = false;
  switch (kind) {
    case Kind::kInteger:
      if (integer_within(cell, kMaxInt64)) return void(out.append(cell));
      break;
    case Kind::kNumber:
    case Kind::kDate:
      if (is_json_number(cell, integral)) return void(out.append(cell));
      break;
    case Kind::kBoolean:
      if (const int b = boolean_of(cell, true); b >= 0) return void(out.append(b ? "true" : "false"));
      break;
    case Kind::kString: break;
    case Kind::kInfer:
      if (integer_within(cell, kMaxExactDouble)) return void(out.append(cell));
      if (is_json_number(cell, integral) && !integral) return void(out.append(cell));
      if (const int b = boolean_of(cell, false); b >= 0) {
        return void(out.append(b ? "true" : "false"));
      }
      break;
  }
  append_json_string(out, cell);
}

bool CsvDocumentBuilder::build(const std::vector<std::string>& fields, std::string& json,
                               std::string& error) const {
  if (fields.size() != names_.size()) {
    error = "CSV record has " + std::to_string(fields.size()) + " fields, the header has " +
            std::to_string(names_.size());
    return false;
  }
  json.clear();
  append_object(root_, fields, json);
  return true;
}

}  // namespace quarry::cli
