#include "query/highlight.h"

#include <algorithm>

#include "index/catalog.h"
#include "query/query_parser.h"
#include "query/to_xapian.h"

namespace quarry::query {

namespace {

Status read_tags(const json::Value& v, const char* name, std::optional<std::vector<std::string>>* out) {
  std::vector<std::string> tags;
  if (v.IsString()) tags.emplace_back(json::view(v));
  else if (v.IsArray()) {
    for (const auto& e : v.GetArray()) {
      if (!e.IsString()) return Status::Parsing(std::string("[highlight] [") + name + "] must be an array of strings");
      tags.emplace_back(json::view(e));
    }
  } else {
    return Status::Parsing(std::string("[highlight] [") + name + "] must be an array of strings");
  }
  *out = std::move(tags);
  return Status::Ok();
}

Status read_int(const json::Value& v, const char* name, std::optional<int>* out) {
  if (v.IsInt()) *out = v.GetInt();
  else if (v.IsString()) {
    try {
      *out = std::stoi(std::string(json::view(v)));
    } catch (const std::exception&) {
      return Status::Parsing(std::string("[highlight] failed to parse field [") + name + "]");
    }
  } else {
    return Status::Parsing(std::string("[highlight] failed to parse field [") + name + "]");
  }
  return Status::Ok();
}

// Reads one option key; false in *known when the key is not an option.
Status read_option(const std::string& key, const json::Value& v, HighlightOptions* o, bool* known) {
  *known = true;
  if (key == "pre_tags") return read_tags(v, "pre_tags", &o->pre_tags);
  if (key == "post_tags") return read_tags(v, "post_tags", &o->post_tags);
  if (key == "fragment_size") return read_int(v, "fragment_size", &o->fragment_size);
  if (key == "number_of_fragments") return read_int(v, "number_of_fragments", &o->number_of_fragments);
  if (key == "no_match_size") return read_int(v, "no_match_size", &o->no_match_size);
  if (key == "require_field_match") {
    if (!v.IsBool()) return Status::Parsing("[highlight] [require_field_match] must be a boolean");
    o->require_field_match = v.GetBool();
    return Status::Ok();
  }
  if (key == "order" || key == "type" || key == "encoder" || key == "boundary_scanner" ||
      key == "fragmenter" || key == "boundary_chars" || key == "boundary_max_scan" ||
      key == "boundary_scanner_locale" || key == "phrase_limit" || key == "fragment_offset" ||
      key == "force_source" || key == "max_analyzed_offset" || key == "highlight_filter" ||
      key == "matched_fields") {
    if (key == "order" || key == "type" || key == "encoder") {
      if (!v.IsString()) return Status::Parsing("[highlight] [" + key + "] must be a string");
      std::string s(json::view(v));
      if (key == "order") o->order = s;
      else if (key == "type") {
        if (s != "unified" && s != "plain" && s != "fvh") {
          return Status::InvalidArgument("unknown highlighter type [" + s + "] for the field");
        }
        o->type = s;
      } else {
        o->encoder = s;
      }
    }
    return Status::Ok();
  }
  if (key == "highlight_query") {
    if (!v.IsObject()) return Status::Parsing("[highlight] [highlight_query] must be an object");
    o->highlight_query_json = json::to_string(v);
    return Status::Ok();
  }
  *known = false;
  return Status::Ok();
}

Status parse_field(const std::string& name, const json::Value& v, HighlightSpec* out) {
  HighlightField f;
  f.name = name;
  if (!v.IsObject()) return Status::Parsing("[highlight] field [" + name + "] must be an object");
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    bool known;
    QUARRY_RETURN_IF_ERROR(read_option(key, it->value, &f.options, &known));
    if (!known) return Status::Parsing("[highlight_field] unknown field [" + key + "]");
  }
  out->fields.push_back(std::move(f));
  return Status::Ok();
}

HighlightOptions merge(const HighlightOptions& field, const HighlightOptions& def) {
  HighlightOptions o = field;
  if (!o.pre_tags) o.pre_tags = def.pre_tags;
  if (!o.post_tags) o.post_tags = def.post_tags;
  if (!o.fragment_size) o.fragment_size = def.fragment_size;
  if (!o.number_of_fragments) o.number_of_fragments = def.number_of_fragments;
  if (!o.no_match_size) o.no_match_size = def.no_match_size;
  if (!o.require_field_match) o.require_field_match = def.require_field_match;
  if (!o.order) o.order = def.order;
  if (!o.type) o.type = def.type;
  if (!o.encoder) o.encoder = def.encoder;
  if (o.highlight_query_json.empty()) o.highlight_query_json = def.highlight_query_json;
  return o;
}

// Scalars at `path` in a _source object (dotted paths; arrays flattened; keys holding dots too).
void collect_values(const json::Value& v, std::string_view path, std::vector<std::string>* out) {
  if (v.IsArray()) {
    for (const auto& e : v.GetArray()) collect_values(e, path, out);
    return;
  }
  if (path.empty()) {
    if (v.IsString()) out->emplace_back(json::view(v));
    else if (v.IsNumber() || v.IsBool()) out->push_back(json::to_string(v));
    return;
  }
  if (!v.IsObject()) return;
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    std::string_view name = json::view(it->name);
    if (path == name) collect_values(it->value, {}, out);
    else if (path.size() > name.size() && path.compare(0, name.size(), name) == 0 && path[name.size()] == '.') {
      collect_values(it->value, path.substr(name.size() + 1), out);
    }
  }
}

void append_encoded(std::string& out, std::string_view s, bool html) {
  if (!html) {
    out.append(s);
    return;
  }
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#x27;"; break;
      case '/': out += "&#x2F;"; break;
      default: out.push_back(c);
    }
  }
}

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

// Moves a cut position back to a UTF-8 character boundary.
size_t char_boundary(const std::string& text, size_t pos) {
  while (pos > 0 && pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) --pos;
  return pos;
}

struct Fragment {
  double score = 0;
  size_t value = 0;  // which value of the field
  size_t start = 0;  // byte offset of the fragment in its value
  std::string text;
};

// Fragments of one value (see highlight_text). `value` numbers them for document order.
void fragments_of(const std::string& text, const std::vector<std::pair<size_t, size_t>>& matches,
                  const HighlightOptions& o, const std::string& tags_schema, size_t value,
                  std::vector<Fragment>* out) {
  std::string pre = o.pre_tags && !o.pre_tags->empty() ? o.pre_tags->front()
                    : tags_schema == "styled"          ? "<em class=\"hlt\">"
                                                       : "<em>";
  std::string post = o.post_tags && !o.post_tags->empty() ? o.post_tags->front() : "</em>";
  bool html = o.encoder && *o.encoder == "html";
  int nfrag = o.number_of_fragments.value_or(5);
  size_t fsize = static_cast<size_t>(std::max(o.fragment_size.value_or(100), 1));
  auto render = [&](size_t begin, size_t end, size_t first_match, size_t last_match) {
    std::string s;
    size_t pos = begin;
    for (size_t m = first_match; m < last_match; ++m) {
      auto [ms, me] = matches[m];
      if (ms < pos || me > end) continue;
      append_encoded(s, std::string_view(text).substr(pos, ms - pos), html);
      s += pre;
      append_encoded(s, std::string_view(text).substr(ms, me - ms), html);
      s += post;
      pos = me;
    }
    append_encoded(s, std::string_view(text).substr(pos, end - pos), html);
    return s;
  };
  if (matches.empty()) return;
  if (nfrag == 0) {
    out->push_back({static_cast<double>(matches.size()), value, 0, render(0, text.size(), 0, matches.size())});
    return;
  }
  size_t m = 0;
  while (m < matches.size()) {
    // A window of about fragment_size bytes around the first match not yet covered, with the
    // slack split before and after it, cut at whitespace.
    size_t ms = matches[m].first;
    size_t mlen = matches[m].second - ms;
    size_t slack = fsize > mlen ? fsize - mlen : 0;
    size_t begin = ms > slack / 2 ? ms - slack / 2 : 0;
    size_t end = std::min(text.size(), begin + std::max(fsize, mlen));
    if (end == text.size() && end - begin < fsize) begin = end > fsize ? end - fsize : 0;
    if (begin > ms) begin = ms;
    // Snap the start forward to a word start (never past the match) and the end back to a word end.
    if (begin > 0 && !is_space(text[begin - 1])) {
      size_t b = begin;
      while (b < ms && !is_space(text[b])) ++b;
      while (b < ms && is_space(text[b])) ++b;
      begin = b;
    }
    begin = char_boundary(text, begin);
    size_t first = m;
    while (m < matches.size() && matches[m].second <= end) ++m;
    if (m == first) ++m;  // a single match longer than the window
    size_t last_end = matches[m - 1].second;
    if (end < text.size() && !is_space(text[end])) {
      size_t e = end;
      while (e > last_end && !is_space(text[e - 1])) --e;
      end = e;
    }
    end = std::max(char_boundary(text, end), last_end);
    while (end > last_end && is_space(text[end - 1])) --end;
    std::set<std::string> distinct;
    for (size_t k = first; k < m; ++k) distinct.insert(text.substr(matches[k].first, matches[k].second - matches[k].first));
    double score = static_cast<double>(distinct.size()) + 0.01 * static_cast<double>(m - first);
    out->push_back({score, value, begin, render(begin, end, first, m)});
  }
}

std::vector<std::string> select(std::vector<Fragment> frags, const HighlightOptions& o) {
  int nfrag = o.number_of_fragments.value_or(5);
  bool by_score = o.order && *o.order == "score";
  if (nfrag > 0 && frags.size() > static_cast<size_t>(nfrag)) {
    std::stable_sort(frags.begin(), frags.end(), [](const Fragment& a, const Fragment& b) { return a.score > b.score; });
    frags.resize(static_cast<size_t>(nfrag));
  }
  if (by_score) {
    std::stable_sort(frags.begin(), frags.end(), [](const Fragment& a, const Fragment& b) { return a.score > b.score; });
  } else {
    std::stable_sort(frags.begin(), frags.end(), [](const Fragment& a, const Fragment& b) {
      return a.value != b.value ? a.value < b.value : a.start < b.start;
    });
  }
  std::vector<std::string> out;
  for (auto& f : frags) out.push_back(std::move(f.text));
  return out;
}

std::string no_match_fragment(const std::string& text, const HighlightOptions& o) {
  size_t n = static_cast<size_t>(*o.no_match_size);
  if (n >= text.size()) return text;
  size_t end = n;
  // Cut at the end of a word, as Elasticsearch does.
  while (end > 0 && !is_space(text[end])) --end;
  if (end == 0) end = char_boundary(text, n);
  while (end > 0 && is_space(text[end - 1])) --end;
  return text.substr(0, end);
}

}  // namespace

Status parse_highlight(const json::Value& v, HighlightSpec* out) {
  if (!v.IsObject()) return Status::Parsing("[highlight] must be an object");
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    const json::Value& val = it->value;
    if (key == "fields") {
      if (val.IsObject()) {
        for (auto f = val.MemberBegin(); f != val.MemberEnd(); ++f) {
          QUARRY_RETURN_IF_ERROR(parse_field(std::string(json::view(f->name)), f->value, out));
        }
      } else if (val.IsArray()) {
        for (const auto& e : val.GetArray()) {
          if (!e.IsObject() || e.MemberCount() != 1) {
            return Status::Parsing("[highlight] fields array elements must be objects with one field");
          }
          QUARRY_RETURN_IF_ERROR(parse_field(std::string(json::view(e.MemberBegin()->name)), e.MemberBegin()->value, out));
        }
      } else {
        return Status::Parsing("[highlight] [fields] must be an object or an array");
      }
    } else if (key == "tags_schema") {
      if (!val.IsString()) return Status::Parsing("[highlight] [tags_schema] must be a string");
      out->tags_schema = std::string(json::view(val));
      if (out->tags_schema != "styled" && out->tags_schema != "default") {
        return Status::InvalidArgument("Unknown tag schema [" + out->tags_schema + "]");
      }
    } else {
      bool known;
      QUARRY_RETURN_IF_ERROR(read_option(key, val, &out->defaults, &known));
      if (!known) return Status::Parsing("[highlight] unknown field [" + key + "]");
    }
  }
  return Status::Ok();
}

std::set<std::string> query_terms(const Xapian::Query& query) {
  return std::set<std::string>(query.get_terms_begin(), query.get_terms_end());
}

Result<Highlighter> Highlighter::create(const HighlightSpec& spec, std::shared_ptr<const index::Mapping> mapping,
                                        const Xapian::Query& query) {
  Highlighter h;
  h.mapping_ = mapping;
  h.tags_schema_ = spec.tags_schema;
  std::set<std::string> main_terms = query_terms(query);
  std::map<std::string, std::set<std::string>> hq_terms;  // highlight_query JSON -> terms
  std::set<std::string> seen;
  for (const auto& hf : spec.fields) {
    HighlightOptions opts = merge(hf.options, spec.defaults);
    const std::set<std::string>* terms = &main_terms;
    if (!opts.highlight_query_json.empty()) {
      auto it = hq_terms.find(opts.highlight_query_json);
      if (it == hq_terms.end()) {
        json::Document d;
        QUARRY_RETURN_IF_ERROR(json::parse(opts.highlight_query_json, d));
        auto node = parse_query(d);
        if (!node.ok()) return node.status();
        auto xq = to_xapian(**node, *mapping);
        if (!xq.ok()) return xq.status();
        it = hq_terms.emplace(opts.highlight_query_json, query_terms(*xq)).first;
      }
      terms = &it->second;
    }
    bool wildcard = hf.name.find('*') != std::string::npos;
    std::vector<const index::FieldMapping*> fields;
    if (wildcard) {
      for (const auto& [path, f] : mapping->fields()) {
        if ((f.type == index::FieldType::kText || f.type == index::FieldType::kKeyword) &&
            index::wildcard_match(hf.name, path)) {
          fields.push_back(&f);
        }
      }
    } else if (const index::FieldMapping* f = mapping->find(hf.name)) {
      if (f->type == index::FieldType::kText || f->type == index::FieldType::kKeyword) fields.push_back(f);
    }
    for (const index::FieldMapping* f : fields) {
      if (!seen.insert(f->path).second) continue;
      Target t;
      t.field = f;
      t.source_path = f->parent_multi_field.empty() ? f->path : f->parent_multi_field;
      t.options = opts;
      bool require = opts.require_field_match.value_or(true);
      for (const auto& term : *terms) {
        if (term.compare(0, f->prefix.size(), f->prefix) == 0) {
          t.terms.insert(term.substr(f->prefix.size()));
        } else if (!require && term.size() > 1 && term[0] == 'X' && term[1] >= '0' && term[1] <= '9') {
          auto colon = term.find(':');
          if (colon != std::string::npos) t.terms.insert(term.substr(colon + 1));
        }
      }
      h.targets_.push_back(std::move(t));
    }
  }
  return h;
}

HitHighlights Highlighter::highlight(const std::string& source) const {
  HitHighlights out;
  if (targets_.empty()) return out;
  json::Document doc;
  doc.Parse(source.data(), source.size());
  if (doc.HasParseError() || !doc.IsObject()) return out;
  for (const auto& t : targets_) {
    std::vector<std::string> values;
    collect_values(doc, t.source_path, &values);
    if (values.empty()) continue;
    std::vector<Fragment> frags;
    for (size_t v = 0; v < values.size(); ++v) {
      const std::string& text = values[v];
      std::vector<std::pair<size_t, size_t>> matches;
      if (!t.terms.empty()) {
        if (t.field->type == index::FieldType::kKeyword) {
          if (t.terms.count(text)) matches.emplace_back(0, text.size());
        } else {
          mapping_->analyzers().analyze_each(
              t.field->index_analyzer(), text, [&](const std::string& term, unsigned, unsigned s, unsigned e) {
                if (t.terms.count(term) && (matches.empty() || s >= matches.back().second)) matches.emplace_back(s, e);
              });
        }
      }
      fragments_of(text, matches, t.options, tags_schema_, v, &frags);
    }
    if (frags.empty()) {
      if (t.options.no_match_size.value_or(0) > 0) {
        std::string f = no_match_fragment(values.front(), t.options);
        if (!f.empty()) out.push_back({t.field->path, {f}});
      }
      continue;
    }
    out.push_back({t.field->path, select(std::move(frags), t.options)});
  }
  return out;
}

std::vector<std::string> highlight_text(const std::string& text, const std::vector<std::pair<size_t, size_t>>& matches,
                                        const HighlightOptions& options, const std::string& tags_schema) {
  std::vector<Fragment> frags;
  fragments_of(text, matches, options, tags_schema, 0, &frags);
  if (frags.empty()) {
    if (options.no_match_size.value_or(0) > 0) return {no_match_fragment(text, options)};
    return {};
  }
  return select(std::move(frags), options);
}

}  // namespace quarry::query
