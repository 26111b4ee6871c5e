#include "index/analysis_request.h"

namespace quarry::index {
namespace {

// An inline tokenizer / filter definition as flat parameters (arrays comma-joined, as the index
// settings keep them).
Result<ComponentRef> component(const json::Value& v, const char* what) {
  if (v.IsString()) return ComponentRef{std::string(json::view(v)), {}};
  if (!v.IsObject()) return Status::Parsing(std::string("[") + what + "] must be a string or an object");
  ComponentRef ref;
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    const json::Value& p = it->value;
    std::string value;
    if (p.IsString()) {
      value = json::view(p);
    } else if (p.IsArray()) {
      for (const auto& e : p.GetArray()) {
        if (!value.empty()) value += ",";
        value += e.IsString() ? std::string(json::view(e)) : json::to_string(e);
      }
    } else if (p.IsObject()) {
      return Status::Parsing(std::string("[") + what + "] parameter [" + key + "] must not be an object");
    } else {
      value = json::to_string(p);
    }
    ref.inline_def[key] = std::move(value);
  }
  return ref;
}

// Byte offset -> UTF-16 offset within `text` (identity for ASCII).
class Utf16Offsets {
 public:
  explicit Utf16Offsets(std::string_view text) {
    bool ascii = true;
    for (char c : text) ascii &= static_cast<unsigned char>(c) < 0x80;
    if (ascii) return;
    at_.resize(text.size() + 1);
    unsigned units = 0;
    for (size_t pos = 0; pos < text.size();) {
      unsigned len;
      unsigned cp = unicode::decode(text, pos, len);
      for (unsigned i = 0; i < len; ++i) at_[pos + i] = units;
      units += cp >= 0x10000 ? 2 : 1;
      pos += len;
    }
    at_[text.size()] = units;
    length_ = units;
  }
  unsigned operator()(unsigned byte) const { return at_.empty() ? byte : at_[byte]; }
  unsigned length(std::string_view text) const { return at_.empty() ? static_cast<unsigned>(text.size()) : length_; }

 private:
  std::vector<unsigned> at_;
  unsigned length_ = 0;
};

}  // namespace

Result<AnalyzeRequest> parse_analyze_request(const json::Value& body) {
  if (!body.IsObject()) return Status(Code::kActionValidation, "Validation Failed: 1: text is missing;");
  AnalyzeRequest req;
  bool has_text = false;
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    const json::Value& v = it->value;
    auto want_string = [&](std::string& out) -> Status {
      if (!v.IsString()) return Status::Parsing("[analyze_request] " + key + " doesn't support values of type: " + json::type_name(v));
      out = json::view(v);
      return Status::Ok();
    };
    if (key == "text") {
      has_text = true;
      if (v.IsString()) {
        req.texts.emplace_back(json::view(v));
      } else if (v.IsArray()) {
        for (const auto& e : v.GetArray()) {
          if (!e.IsString()) return Status::Parsing("[analyze_request] failed to parse field [text]");
          req.texts.emplace_back(json::view(e));
        }
      } else {
        return Status::Parsing("[analyze_request] failed to parse field [text]");
      }
    } else if (key == "analyzer") {
      QUARRY_RETURN_IF_ERROR(want_string(req.analyzer));
    } else if (key == "field") {
      QUARRY_RETURN_IF_ERROR(want_string(req.field));
    } else if (key == "tokenizer") {
      auto c = component(v, "tokenizer");
      if (!c.ok()) return c.status();
      req.tokenizer = *c;
    } else if (key == "filter" || key == "token_filter") {
      if (!v.IsArray()) return Status::Parsing("[analyze_request] failed to parse field [filter]");
      for (const auto& e : v.GetArray()) {
        auto c = component(e, "filter");
        if (!c.ok()) return c.status();
        req.filters.push_back(*c);
      }
    } else if (key == "char_filter") {
      if (!v.IsArray() || !v.GetArray().Empty()) {
        return Status::InvalidArgument("[char_filter] is not supported by Quarry");
      }
    } else if (key == "explain") {
      if (!v.IsBool()) return Status::Parsing("[analyze_request] failed to parse field [explain]");
      if (v.GetBool()) return Status::InvalidArgument("[explain] true is not supported by Quarry's _analyze");
    } else if (key == "attributes") {
      // Only meaningful with explain, which is always false here.
    } else if (key == "normalizer") {
      return Status::InvalidArgument("[normalizer] is not supported by Quarry's _analyze");
    } else {
      return Status::Parsing("[analyze_request] unknown field [" + key + "]");
    }
  }
  if (!has_text || req.texts.empty()) return Status(Code::kActionValidation, "Validation Failed: 1: text is missing;");
  if (!req.analyzer.empty() && (req.tokenizer || !req.filters.empty())) {
    return Status(Code::kActionValidation, "Validation Failed: 1: cannot define extra components on a named analyzer;");
  }
  return req;
}

Result<std::vector<AnalyzedToken>> run_analyze_request(const AnalyzeRequest& request, const Mapping* mapping) {
  const AnalyzerSet& set = mapping ? mapping->analyzers() : *AnalyzerSet::builtin();
  const bool global = mapping == nullptr;
  const Analyzer* analyzer = nullptr;
  std::optional<Analyzer> chain;
  int gap = kAnalyzerPositionIncrementGap;
  if (!request.analyzer.empty()) {
    analyzer = set.find(request.analyzer);
    if (!analyzer) {
      return Status::InvalidArgument(std::string("failed to find ") + (global ? "global " : "") + "analyzer [" +
                                     request.analyzer + "]");
    }
    gap = analyzer->position_increment_gap();
  } else if (request.tokenizer || !request.filters.empty()) {
    // Filters without a tokenizer: Elasticsearch builds a normalizer (the whole text as one token).
    ComponentRef tok = request.tokenizer ? *request.tokenizer : ComponentRef{"keyword", {}};
    auto built = set.build_chain(tok, request.filters, global);
    if (!built.ok()) return built.status();
    chain = std::move(built).value();
    analyzer = &*chain;
    gap = 0;
  } else if (!request.field.empty()) {
    if (global) {
      return Status::InvalidArgument(
          "No index provided, and trying to analyzer based on a specific field which requires the index parameter");
    }
    const FieldMapping* f = mapping->find(request.field);
    std::string_view name = "standard";
    if (f && f->type == FieldType::kText) {
      name = f->index_analyzer();
      gap = f->effective_position_increment_gap();
    } else if (f && f->type == FieldType::kKeyword) {
      name = "keyword";
    }
    analyzer = set.find(name);
    if (!analyzer) return Status::InvalidArgument("failed to find analyzer [" + std::string(name) + "]");
  } else {
    analyzer = set.find("standard");
  }

  std::vector<AnalyzedToken> out;
  int last_position = -1;
  unsigned last_offset = 0;
  for (const std::string& text : request.texts) {
    Utf16Offsets utf16(text);
    const int base = last_position;
    int top = base;
    for (const Token& t : analyzer->analyze(text)) {
      int pos = base + 1 + static_cast<int>(t.position);
      top = std::max(top, pos);
      out.push_back(AnalyzedToken{t.term, last_offset + utf16(t.start_offset), last_offset + utf16(t.end_offset),
                                  t.type, static_cast<unsigned>(pos)});
    }
    last_position = top + gap;
    last_offset += utf16.length(text) + 1;
  }
  return out;
}

}  // namespace quarry::index
