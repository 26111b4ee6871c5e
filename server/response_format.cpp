#include "server/response_format.h"

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <utility>
#include <vector>

#include "server/es_error.h"

namespace quarry::server {

namespace {

// ---------------------------------------------------------------------------------------------
// A minimal JSON tree that keeps numbers as their original text, so that re-serialising a body
// for ?pretty or ?filter_path never changes a number (no double round trip, no int64 overflow).

struct Node {
  enum class Kind : std::uint8_t { kNull, kFalse, kTrue, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  std::string text;                // number text or decoded string
  std::vector<std::string> keys;   // kObject: keys[i] names children[i]
  std::vector<Node> children;      // kArray and kObject
};

class TreeBuilder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, TreeBuilder> {
 public:
  Node root;

  bool Null() { return scalar(Node::Kind::kNull, {}); }
  bool Bool(bool b) { return scalar(b ? Node::Kind::kTrue : Node::Kind::kFalse, {}); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    return scalar(Node::Kind::kNumber, std::string_view(s, n));
  }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    return scalar(Node::Kind::kString, std::string_view(s, n));
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    key_.assign(s, n);
    return true;
  }
  bool StartObject() { return open(Node::Kind::kObject); }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool StartArray() { return open(Node::Kind::kArray); }
  bool EndArray(rapidjson::SizeType) { return close(); }

 private:
  // Children are appended only to the innermost open container, so the pointers on the stack
  // (into their parents' vectors) stay valid while they are on the stack.
  Node& add() {
    if (stack_.empty()) return root;
    Node* parent = stack_.back();
    if (parent->kind == Node::Kind::kObject) parent->keys.push_back(std::move(key_));
    parent->children.emplace_back();
    return parent->children.back();
  }
  bool scalar(Node::Kind kind, std::string_view text) {
    Node& n = add();
    n.kind = kind;
    n.text.assign(text);
    return true;
  }
  bool open(Node::Kind kind) {
    Node& n = add();
    n.kind = kind;
    stack_.push_back(&n);
    return true;
  }
  bool close() {
    stack_.pop_back();
    return true;
  }

  std::vector<Node*> stack_;
  std::string key_;
};

Result<Node> parse_tree(std::string_view json) {
  TreeBuilder builder;
  rapidjson::Reader reader;
  rapidjson::MemoryStream stream(json.data(), json.size());
  rapidjson::ParseResult ok = reader.Parse<rapidjson::kParseNumbersAsStringsFlag>(stream, builder);
  if (!ok) {
    return Status::Parsing("response body is not valid JSON at offset " +
                           std::to_string(ok.Offset()));
  }
  return std::move(builder.root);
}

void write_string(std::string& out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out += kHex[(c >> 4) & 0xf];
          out += kHex[c & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void write_scalar(std::string& out, const Node& n) {
  switch (n.kind) {
    case Node::Kind::kNull: out += "null"; break;
    case Node::Kind::kFalse: out += "false"; break;
    case Node::Kind::kTrue: out += "true"; break;
    case Node::Kind::kNumber: out += n.text; break;
    case Node::Kind::kString: write_string(out, n.text); break;
    default: break;
  }
}

void write_compact(std::string& out, const Node& n) {
  if (n.kind != Node::Kind::kObject && n.kind != Node::Kind::kArray) return write_scalar(out, n);
  bool object = n.kind == Node::Kind::kObject;
  out += object ? '{' : '[';
  for (std::size_t i = 0; i < n.children.size(); ++i) {
    if (i) out += ',';
    if (object) {
      write_string(out, n.keys[i]);
      out += ':';
    }
    write_compact(out, n.children[i]);
  }
  out += object ? '}' : ']';
}

// Jackson's DefaultPrettyPrinter as Elasticsearch configures it.
void write_pretty(std::string& out, const Node& n, std::size_t indent) {
  if (n.kind != Node::Kind::kObject && n.kind != Node::Kind::kArray) return write_scalar(out, n);
  bool object = n.kind == Node::Kind::kObject;
  if (n.children.empty()) {
    out += object ? "{ }" : "[ ]";
    return;
  }
  out += object ? '{' : '[';
  for (std::size_t i = 0; i < n.children.size(); ++i) {
    out += i ? ",\n" : "\n";
    out.append(indent + 2, ' ');
    if (object) {
      write_string(out, n.keys[i]);
      out += " : ";
    }
    write_pretty(out, n.children[i], indent + 2);
  }
  out += '\n';
  out.append(indent, ' ');
  out += object ? '}' : ']';
}

std::string serialise(const Node& n, bool pretty) {
  std::string out;
  if (pretty) {
    write_pretty(out, n, 0);
    out += '\n';
  } else {
    write_compact(out, n);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// filter_path. A filter is a list of segments; a match state is the set of (filter, position)
// pairs still alive at the current node. Position == size means the node matched in full.

struct Filter {
  std::vector<std::string> segments;
};
using State = std::vector<std::pair<const Filter*, std::size_t>>;

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    std::size_t pos = s.find(sep, start);
    out.emplace_back(s.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

// '*' matches any run of characters (Elasticsearch's Regex.simpleMatch on one segment).
bool glob_match(std::string_view pattern, std::string_view text) {
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// Adds the positions reachable by letting "**" match zero levels.
State expand(const State& s) {
  State out;
  for (auto [f, pos] : s) {
    out.emplace_back(f, pos);
    while (pos < f->segments.size() && f->segments[pos] == "**") out.emplace_back(f, ++pos);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool is_full(const State& s) {
  for (auto [f, pos] : expand(s)) {
    if (pos == f->segments.size()) return true;
  }
  return false;
}

State step_one(const State& s, std::string_view key) {
  State out;
  for (auto [f, pos] : expand(s)) {
    if (pos == f->segments.size()) continue;
    const std::string& seg = f->segments[pos];
    if (seg == "**") {
      out.emplace_back(f, pos);  // "**" swallows this level and stays alive
    } else if (glob_match(seg, key)) {
      out.emplace_back(f, pos + 1);
    }
  }
  return out;
}

// A key with dots ("resource.type") also matches the filter spelled as several segments.
State step(const State& s, std::string_view key) {
  State out = step_one(s, key);
  if (key.find('.') != std::string_view::npos) {
    State dotted = s;
    for (const std::string& part : split(key, '.')) dotted = step_one(dotted, part);
    out.insert(out.end(), dotted.begin(), dotted.end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Returns the filtered copy of `n`, or nullopt when nothing of it is kept. `included`: an
// include filter matched this node in full (or there are no include filters).
std::optional<Node> filter_node(const Node& n, const State& inc, bool included,
                                const State& exc) {
  if (n.kind == Node::Kind::kArray) {
    Node out;
    out.kind = n.kind;
    for (const Node& child : n.children) {
      if (auto kept = filter_node(child, inc, included, exc)) out.children.push_back(*kept);
    }
    if (!included && out.children.empty()) return std::nullopt;
    return out;
  }
  if (n.kind != Node::Kind::kObject) {
    if (included) return n;
    return std::nullopt;
  }
  Node out;
  out.kind = n.kind;
  for (std::size_t i = 0; i < n.children.size(); ++i) {
    const std::string& key = n.keys[i];
    State child_exc = exc.empty() ? State{} : step(exc, key);
    if (!child_exc.empty() && is_full(child_exc)) continue;
    State child_inc;
    bool child_included = included;
    if (!included) {
      child_inc = step(inc, key);
      if (child_inc.empty()) continue;
      child_included = is_full(child_inc);
    }
    if (auto kept = filter_node(n.children[i], child_inc, child_included, child_exc)) {
      out.keys.push_back(key);
      out.children.push_back(std::move(*kept));
    }
  }
  if (!included && out.children.empty()) return std::nullopt;
  return out;
}

Node apply_filter(const Node& root, std::string_view filter_path) {
  std::vector<Filter> includes, excludes;
  for (std::string_view expr : split(filter_path, ',')) {
    while (!expr.empty() && std::isspace(static_cast<unsigned char>(expr.front())))
      expr.remove_prefix(1);
    while (!expr.empty() && std::isspace(static_cast<unsigned char>(expr.back())))
      expr.remove_suffix(1);
    bool exclude = !expr.empty() && expr.front() == '-';
    if (exclude) expr.remove_prefix(1);
    if (expr.empty()) continue;
    (exclude ? excludes : includes).push_back(Filter{split(expr, '.')});
  }
  State inc, exc;
  for (const Filter& f : includes) inc.emplace_back(&f, 0);
  for (const Filter& f : excludes) exc.emplace_back(&f, 0);
  bool included = includes.empty() || is_full(inc);
  if (!exc.empty() && is_full(exc)) included = false;  // "-**" excludes everything
  std::optional<Node> kept = filter_node(root, inc, included, exc);
  if (kept) return std::move(*kept);
  Node empty;
  empty.kind = root.kind == Node::Kind::kArray ? Node::Kind::kArray : Node::Kind::kObject;
  return empty;
}

// ---------------------------------------------------------------------------------------------

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string header(const HttpRequest& req, const std::string& name) {
  auto it = req.headers.find(name);
  return it == req.headers.end() ? std::string() : it->second;
}

// "application/json; charset=UTF-8" -> "application/json"
std::string media_type(std::string_view content_type) {
  std::string_view mt = content_type.substr(0, content_type.find(';'));
  while (!mt.empty() && std::isspace(static_cast<unsigned char>(mt.back()))) mt.remove_suffix(1);
  while (!mt.empty() && std::isspace(static_cast<unsigned char>(mt.front()))) mt.remove_prefix(1);
  return lower(mt);
}

// The compatible-with version in a vnd.elasticsearch media type, "8" when absent.
std::string compatible_version(std::string_view value) {
  std::string v = lower(value);
  std::size_t pos = v.find("compatible-with=");
  if (pos == std::string::npos) return "8";
  pos += 16;
  std::size_t end = pos;
  while (end < v.size() && std::isdigit(static_cast<unsigned char>(v[end]))) ++end;
  return end > pos ? v.substr(pos, end - pos) : "8";
}

bool param_is_true(const HttpRequest& req, const std::string& name) {
  auto it = req.params.find(name);
  return it != req.params.end() && (it->second.empty() || it->second == "true");
}

bool is_error_document(const Node& root) {
  if (root.kind != Node::Kind::kObject) return false;
  return std::find(root.keys.begin(), root.keys.end(), "error") != root.keys.end();
}

}  // namespace

bool is_json_media_type(std::string_view content_type) {
  std::string mt = media_type(content_type);
  return mt == "application/json" || mt == "application/vnd.elasticsearch+json";
}

std::string json_response_content_type(const HttpRequest& req) {
  const std::string accept = header(req, "accept");
  if (lower(accept).find("application/vnd.elasticsearch+") != std::string::npos) {
    return "application/vnd.elasticsearch+json;compatible-with=" + compatible_version(accept);
  }
  const std::string content_type = header(req, "content-type");
  if ((accept.empty() || accept.find("*/*") != std::string::npos) &&
      lower(content_type).find("application/vnd.elasticsearch+") != std::string::npos) {
    return "application/vnd.elasticsearch+json;compatible-with=" +
           compatible_version(content_type);
  }
  return "application/json";
}

std::optional<HttpResponse> check_content_type(const HttpRequest& req) {
  if (req.body.empty()) return std::nullopt;
  auto it = req.headers.find("content-type");
  if (it == req.headers.end()) return std::nullopt;
  const std::string mt = media_type(it->second);
  if (mt == "application/json" || mt == "application/x-ndjson" ||
      mt == "application/vnd.elasticsearch+json" || mt == "application/vnd.elasticsearch+x-ndjson") {
    return std::nullopt;
  }
  return simple_error_response(406, "Content-Type header [" + it->second + "] is not supported");
}

Result<std::string> pretty_json(std::string_view json) {
  Result<Node> tree = parse_tree(json);
  if (!tree.ok()) return tree.status();
  return serialise(*tree, true);
}

Result<std::string> filter_json(std::string_view json, std::string_view filter_path,
                                bool pretty) {
  Result<Node> tree = parse_tree(json);
  if (!tree.ok()) return tree.status();
  return serialise(apply_filter(*tree, filter_path), pretty);
}

void finalize_response(const HttpRequest& req, HttpResponse& res) {
  const bool json = is_json_media_type(res.content_type);
  if (json && !res.body.empty()) {
    const bool pretty = param_is_true(req, "pretty");
    auto fp = req.params.find("filter_path");
    const bool filter = fp != req.params.end() && !fp->second.empty();
    if (pretty || filter) {
      Result<Node> tree = parse_tree(res.body);
      if (tree.ok()) {  // a handler's non-JSON body is sent as it is
        if (filter && !(res.status >= 400 && is_error_document(*tree))) {
          res.body = serialise(apply_filter(*tree, fp->second), pretty);
        } else {
          res.body = serialise(*tree, pretty);
        }
      }
    }
  }
  if (json) res.content_type = json_response_content_type(req);
  res.headers.emplace_back("X-Elastic-Product", "Elasticsearch");
}

}  // namespace quarry::server
