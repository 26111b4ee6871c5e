#include "query/sort.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "index/dates.h"
#include "index/field_value.h"

namespace quarry::query {

namespace {

constexpr char kMissingFirst = 0x00;
constexpr char kPresent = 0x01;
constexpr char kMissingLast = 0x02;

// Appends `s` escaped so that the encoding is prefix-free and keeps bytewise order:
// 0x00 -> 0x00 0xff, terminated by 0x00 0x00. Inverted for descending keys.
void append_escaped(std::string& out, std::string_view s, bool invert) {
  size_t start = out.size();
  for (char c : s) {
    out.push_back(c);
    if (c == '\0') out.push_back('\xff');
  }
  out.push_back('\0');
  out.push_back('\0');
  if (invert) {
    for (size_t i = start; i < out.size(); ++i) out[i] = static_cast<char>(~static_cast<unsigned char>(out[i]));
  }
}

bool is_integral(index::FieldType t) {
  using index::FieldType;
  return t == FieldType::kLong || t == FieldType::kInteger || t == FieldType::kShort || t == FieldType::kByte ||
         t == FieldType::kDate || t == FieldType::kBoolean;
}

Status parse_order(const json::Value& v, bool* descending) {
  if (!v.IsString()) return Status::Parsing("[order] must be a string");
  std::string o(json::view(v));
  std::transform(o.begin(), o.end(), o.begin(), ::tolower);
  if (o == "asc") *descending = false;
  else if (o == "desc") *descending = true;
  else return Status::InvalidArgument("No sort order for [" + std::string(json::view(v)) + "]");
  return Status::Ok();
}

Status parse_one(const json::Value& v, std::vector<SortSpec>* out) {
  SortSpec spec;
  auto set_name = [&](std::string name) {
    if (name == "_score") {
      spec.kind = SortSpec::Kind::kScore;
      spec.descending = true;
    } else if (name == "_doc") {
      spec.kind = SortSpec::Kind::kDoc;
      spec.descending = false;
    } else {
      spec.kind = SortSpec::Kind::kField;
      spec.field = std::move(name);
      spec.descending = false;
    }
  };
  if (v.IsString()) {
    set_name(std::string(json::view(v)));
    out->push_back(std::move(spec));
    return Status::Ok();
  }
  if (!v.IsObject()) return Status::Parsing("[sort] elements must be strings or objects");
  if (v.MemberCount() != 1) {
    return Status::Parsing("[sort] expects a single field per object, found " + std::to_string(v.MemberCount()));
  }
  auto m = v.MemberBegin();
  set_name(std::string(json::view(m->name)));
  const json::Value& opts = m->value;
  if (opts.IsString()) {
    QUARRY_RETURN_IF_ERROR(parse_order(opts, &spec.descending));
  } else if (opts.IsObject()) {
    for (auto it = opts.MemberBegin(); it != opts.MemberEnd(); ++it) {
      std::string key(json::view(it->name));
      const json::Value& o = it->value;
      if (key == "order") {
        QUARRY_RETURN_IF_ERROR(parse_order(o, &spec.descending));
      } else if (key == "missing" && spec.kind == SortSpec::Kind::kField) {
        if (o.IsString() && json::view(o) == "_last") spec.missing = SortSpec::Missing::kLast;
        else if (o.IsString() && json::view(o) == "_first") spec.missing = SortSpec::Missing::kFirst;
        else if (o.IsNull()) spec.missing = SortSpec::Missing::kLast;
        else {
          spec.missing = SortSpec::Missing::kValue;
          spec.missing_json = json::to_string(o);
        }
      } else if (key == "mode" && spec.kind == SortSpec::Kind::kField) {
        if (!o.IsString()) return Status::Parsing("[mode] must be a string");
        spec.mode = std::string(json::view(o));
        if (spec.mode != "min" && spec.mode != "max" && spec.mode != "sum" && spec.mode != "avg" &&
            spec.mode != "median") {
          return Status::InvalidArgument("Unknown SortMode [" + spec.mode + "]");
        }
      } else if (key == "unmapped_type" && spec.kind == SortSpec::Kind::kField) {
        if (!o.IsString()) return Status::Parsing("[unmapped_type] must be a string");
        spec.unmapped_type = std::string(json::view(o));
      } else if (key == "format" && spec.kind == SortSpec::Kind::kField) {
        if (!o.IsString()) return Status::Parsing("[format] must be a string");
        spec.format = std::string(json::view(o));
      } else if (key == "numeric_type" && spec.kind == SortSpec::Kind::kField) {
        // Accepted: every numeric value is compared as a double here.
      } else {
        return Status::Parsing(std::string(spec.kind == SortSpec::Kind::kField ? "[field_sort]" : "[sort]") +
                               " unknown field [" + key + "]");
      }
    }
  } else {
    return Status::Parsing("[sort] options must be a string or an object");
  }
  out->push_back(std::move(spec));
  return Status::Ok();
}

// Every value of a field key from the document's terms (term text after the prefix).
std::vector<std::string> term_values(const SortKey& key, const Xapian::Document& doc) {
  std::vector<std::string> values;
  auto t = doc.termlist_begin();
  t.skip_to(key.prefix);
  for (; t != doc.termlist_end(); ++t) {
    std::string term = *t;
    if (term.compare(0, key.prefix.size(), key.prefix) != 0) break;
    values.push_back(term.substr(key.prefix.size()));
  }
  return values;
}

bool write_date(const SortKey& key, int64_t ms, SortValue* out) {
  const std::string& f = key.spec.format;
  if (f.empty()) return false;
  out->type = SortValue::Type::kString;
  if (f == "epoch_millis") out->s = std::to_string(ms);
  else if (f == "epoch_second") out->s = std::to_string(ms / 1000);
  else out->s = index::format_date_millis(ms);
  return true;
}

}  // namespace

Status parse_sort(const json::Value& v, std::vector<SortSpec>* out) {
  out->clear();
  if (v.IsArray()) {
    for (const auto& e : v.GetArray()) QUARRY_RETURN_IF_ERROR(parse_one(e, out));
    return Status::Ok();
  }
  return parse_one(v, out);
}

Status parse_sort_param(std::string_view text, std::vector<SortSpec>* out) {
  out->clear();
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    std::string_view item = text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    pos = comma == std::string_view::npos ? text.size() + 1 : comma + 1;
    if (item.empty()) continue;
    SortSpec spec;
    std::string name(item);
    std::string order;
    auto colon = item.rfind(':');
    if (colon != std::string_view::npos) {
      name = std::string(item.substr(0, colon));
      order = std::string(item.substr(colon + 1));
    }
    json::Document d;
    d.SetString(name.c_str(), static_cast<rapidjson::SizeType>(name.size()), d.GetAllocator());
    QUARRY_RETURN_IF_ERROR(parse_one(d, out));
    if (!order.empty()) {
      json::Document o;
      o.SetString(order.c_str(), static_cast<rapidjson::SizeType>(order.size()), o.GetAllocator());
      QUARRY_RETURN_IF_ERROR(parse_order(o, &out->back().descending));
    }
  }
  return Status::Ok();
}

Result<std::vector<SortKey>> resolve_sort(const std::vector<SortSpec>& specs, const index::Mapping& mapping) {
  std::vector<SortKey> keys;
  for (const auto& spec : specs) {
    SortKey key;
    key.spec = spec;
    if (spec.kind == SortSpec::Kind::kField) {
      const index::FieldMapping* f = mapping.find(spec.field);
      if (!f || f->type == index::FieldType::kObject) {
        if (spec.unmapped_type.empty()) {
          return Status::InvalidArgument("No mapping found for [" + spec.field + "] in order to sort on");
        }
        auto t = index::parse_field_type(spec.unmapped_type);
        key.type = t ? *t : index::FieldType::kKeyword;
      } else if (f->type == index::FieldType::kText) {
        return Status::InvalidArgument(
            "Text fields are not optimised for operations that require per-document field data like aggregations "
            "and sorting, so these operations are disabled by default. Please use a keyword field instead. "
            "Alternatively, set fielddata=true on [" + spec.field + "] in order to load field data by uninverting "
            "the inverted index. Note that this can use significant memory.");
      } else if (f->slot < 0 || !f->doc_values || f->type == index::FieldType::kRange) {
        return Status::InvalidArgument("Can't load fielddata on [" + spec.field +
                                       "] because fielddata is unsupported on fields of type [" +
                                       index::field_type_name(f->type) + "]. Use doc values instead.");
      } else {
        key.type = f->type;
        key.slot = f->slot;
        key.prefix = f->prefix;
        key.date_format = f->date_format;
        key.nanos = f->type == index::FieldType::kDate && f->variant;
        if (key.type == index::FieldType::kKeyword && !spec.mode.empty() && spec.mode != "min" && spec.mode != "max") {
          return Status::InvalidArgument("only [min] and [max] sort modes are supported on keyword fields");
        }
        if (spec.missing == SortSpec::Missing::kValue) {
          json::Document d;
          QUARRY_RETURN_IF_ERROR(json::parse(spec.missing_json, d));
          index::EncodedValue enc;
          if (!index::encode_value(*f, d, enc)) {
            return Status::InvalidArgument("failed to parse [missing] value [" + spec.missing_json + "] for field [" +
                                           spec.field + "]");
          }
          key.missing_raw = enc.slot;
        }
      }
    }
    keys.push_back(std::move(key));
  }
  return keys;
}

bool sort_uses_score(const std::vector<SortKey>& keys) {
  for (const auto& k : keys)
    if (k.spec.kind == SortSpec::Kind::kScore) return true;
  return false;
}

std::string sort_raw_value(const SortKey& key, const Xapian::Document& doc) {
  if (key.slot < 0) return {};
  if (key.spec.mode.empty() || key.prefix.empty()) return doc.get_value(key.slot);
  std::vector<std::string> terms = term_values(key, doc);
  if (terms.size() <= 1) return doc.get_value(key.slot);
  const std::string& mode = key.spec.mode;
  switch (key.type) {
    case index::FieldType::kKeyword: {
      auto it = mode == "max" ? std::max_element(terms.begin(), terms.end()) : std::min_element(terms.begin(), terms.end());
      return *it;
    }
    case index::FieldType::kBoolean: {
      std::string best;
      for (const auto& t : terms) {
        std::string b = t == index::kTrueTerm ? "1" : "0";
        if (best.empty() || (mode == "max" ? b > best : b < best)) best = b;
      }
      return best;
    }
    default: {
      std::vector<double> nums;
      for (const auto& t : terms) {
        try {
          nums.push_back(std::stod(t));
        } catch (const std::exception&) {
        }
      }
      if (nums.empty()) return doc.get_value(key.slot);
      std::sort(nums.begin(), nums.end());
      double v = nums.front();
      if (mode == "max") v = nums.back();
      else if (mode == "sum" || mode == "avg") {
        v = 0;
        for (double x : nums) v += x;
        if (mode == "avg") v /= static_cast<double>(nums.size());
      } else if (mode == "median") {
        size_t n = nums.size();
        v = n % 2 ? nums[n / 2] : (nums[n / 2 - 1] + nums[n / 2]) / 2;
      }
      if (is_integral(key.type) && mode == "avg") v = std::round(v);
      return Xapian::sortable_serialise(v);
    }
  }
}

namespace {

void append_key(std::string& out, const SortKey& k, const std::string& v, double score, Xapian::docid docid) {
  bool desc = k.spec.descending;
  switch (k.spec.kind) {
    case SortSpec::Kind::kScore:
      out.push_back(kPresent);
      // At float precision, as printed in "sort" (and as Elasticsearch scores): a printed score
      // given back in search_after then equals the hit's own key.
      append_escaped(out, Xapian::sortable_serialise(static_cast<float>(score)), desc);
      break;
    case SortSpec::Kind::kDoc: {
      out.push_back(kPresent);
      char be[4];
      for (int b = 0; b < 4; ++b) be[b] = static_cast<char>((docid >> (8 * (3 - b))) & 0xff);
      append_escaped(out, std::string_view(be, 4), desc);
      break;
    }
    case SortSpec::Kind::kField:
      if (!v.empty()) {
        out.push_back(kPresent);
        append_escaped(out, v, desc);
      } else if (k.spec.missing == SortSpec::Missing::kValue && !k.missing_raw.empty()) {
        out.push_back(kPresent);
        append_escaped(out, k.missing_raw, desc);
      } else {
        out.push_back(k.spec.missing == SortSpec::Missing::kFirst ? kMissingFirst : kMissingLast);
      }
      break;
  }
}

}  // namespace

std::string encode_sort_key(const std::vector<SortKey>& keys, const std::vector<std::string>& raw, double score,
                            Xapian::docid docid) {
  std::string out;
  static const std::string kEmpty;
  for (size_t i = 0; i < keys.size(); ++i) append_key(out, keys[i], i < raw.size() ? raw[i] : kEmpty, score, docid);
  return out;
}

std::string encode_field_keys(const std::vector<SortKey>& keys, size_t begin, size_t end, const Xapian::Document& doc) {
  std::string out;
  static const std::string kEmpty;
  for (size_t i = begin; i < end; ++i) {
    const SortKey& k = keys[i];
    if (k.spec.kind == SortSpec::Kind::kField) append_key(out, k, sort_raw_value(k, doc), 0, 0);
    else append_key(out, k, kEmpty, 0, doc.get_docid());
  }
  return out;
}

SortValue sort_value(const SortKey& key, const std::string& raw_in, double score, Xapian::docid docid) {
  SortValue out;
  switch (key.spec.kind) {
    case SortSpec::Kind::kScore:
      out.type = SortValue::Type::kDouble;
      out.d = static_cast<float>(score);
      return out;
    case SortSpec::Kind::kDoc:
      out.type = SortValue::Type::kLong;
      out.l = docid;
      return out;
    case SortSpec::Kind::kField:
      break;
  }
  std::string raw = raw_in;
  if (raw.empty() && key.spec.missing == SortSpec::Missing::kValue) raw = key.missing_raw;
  if (raw.empty()) {
    // Lucene substitutes the extreme of the type for a missing value and prints it.
    bool high = (key.spec.missing == SortSpec::Missing::kFirst) == key.spec.descending;
    if (key.type == index::FieldType::kKeyword) return out;  // null
    if (is_integral(key.type)) {
      out.type = SortValue::Type::kLong;
      out.l = high ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
    } else {
      out.type = SortValue::Type::kString;
      out.s = high ? "Infinity" : "-Infinity";
    }
    return out;
  }
  switch (key.type) {
    case index::FieldType::kKeyword:
    case index::FieldType::kText:
    case index::FieldType::kObject:
      out.type = SortValue::Type::kString;
      out.s = raw;
      return out;
    case index::FieldType::kBoolean:
      out.type = SortValue::Type::kLong;
      out.l = raw == "1" ? 1 : 0;
      return out;
    case index::FieldType::kDouble:
    case index::FieldType::kFloat:
    case index::FieldType::kHalfFloat:
      out.type = SortValue::Type::kDouble;
      out.d = Xapian::sortable_unserialise(raw);
      return out;
    case index::FieldType::kDate: {
      int64_t ms = static_cast<int64_t>(Xapian::sortable_unserialise(raw));
      if (write_date(key, ms, &out)) return out;
      out.type = SortValue::Type::kLong;
      out.l = key.nanos ? ms * 1000000 : ms;
      return out;
    }
    default:
      out.type = SortValue::Type::kLong;
      out.l = static_cast<int64_t>(Xapian::sortable_unserialise(raw));
      return out;
  }
}

void write_sort_value(json::Writer& w, const SortValue& v) {
  switch (v.type) {
    case SortValue::Type::kNull: w.Null(); break;
    case SortValue::Type::kLong: w.Int64(v.l); break;
    case SortValue::Type::kDouble: w.Double(v.d); break;
    case SortValue::Type::kString: w.String(v.s.c_str(), static_cast<rapidjson::SizeType>(v.s.size())); break;
  }
}

Result<std::string> search_after_key(const std::vector<SortKey>& keys, const json::Value& values) {
  if (!values.IsArray()) return Status::Parsing("[search_after] must be an array");
  if (values.Size() != keys.size()) {
    return Status::InvalidArgument("search_after has " + std::to_string(values.Size()) + " value(s) but sort has " +
                                   std::to_string(keys.size()) + ".");
  }
  std::vector<std::string> raw(keys.size());
  double score = 0;
  Xapian::docid docid = 0;
  for (size_t i = 0; i < keys.size(); ++i) {
    const SortKey& k = keys[i];
    const json::Value& v = values[static_cast<rapidjson::SizeType>(i)];
    if (k.spec.kind == SortSpec::Kind::kScore) {
      if (v.IsNumber()) score = v.GetDouble();
      else if (v.IsString()) {
        try {
          score = std::stod(std::string(json::view(v)));
        } catch (const std::exception&) {
          return Status::InvalidArgument("search_after: the _score value must be a number");
        }
      } else {
        return Status::InvalidArgument("search_after: the _score value must be a number");
      }
      continue;
    }
    if (k.spec.kind == SortSpec::Kind::kDoc) {
      if (!v.IsNumber()) return Status::InvalidArgument("search_after: the _doc value must be a number");
      docid = static_cast<Xapian::docid>(v.GetInt64());
      continue;
    }
    if (v.IsNull()) continue;  // missing
    // The extremes a missing value is printed as mean "missing" again.
    if (is_integral(k.type) && v.IsInt64() &&
        (v.GetInt64() == std::numeric_limits<int64_t>::max() || v.GetInt64() == std::numeric_limits<int64_t>::min())) {
      continue;
    }
    if (v.IsString() && (json::view(v) == "Infinity" || json::view(v) == "-Infinity") && !is_integral(k.type) &&
        k.type != index::FieldType::kKeyword) {
      continue;
    }
    switch (k.type) {
      case index::FieldType::kKeyword:
        if (!index::scalar_text(v, raw[i])) return Status::InvalidArgument("search_after: bad keyword value");
        break;
      case index::FieldType::kBoolean:
        if (v.IsBool()) raw[i] = v.GetBool() ? "1" : "0";
        else if (v.IsNumber()) raw[i] = v.GetDouble() != 0 ? "1" : "0";
        else if (v.IsString() && json::view(v) == "true") raw[i] = "1";
        else if (v.IsString() && json::view(v) == "false") raw[i] = "0";
        else return Status::InvalidArgument("Can't parse boolean value [" + json::to_string(v) + "]");
        break;
      case index::FieldType::kDate: {
        if (v.IsNumber() && k.nanos) {
          // Integer division keeps nanosecond values exact (a double would round them).
          int64_t ns = v.IsInt64() ? v.GetInt64() : static_cast<int64_t>(v.GetDouble());
          raw[i] = Xapian::sortable_serialise(static_cast<double>(ns / 1000000));
          break;
        }
        if (v.IsNumber()) {
          raw[i] = Xapian::sortable_serialise(std::floor(v.GetDouble()));
          break;
        }
        if (!v.IsString()) return Status::InvalidArgument("search_after: bad date value " + json::to_string(v));
        std::optional<int64_t> ms;
        std::string spec;
        if (!k.spec.format.empty()) {
          spec = k.spec.format;
          if (spec == "strict_date_optional_time_nanos" || spec == "strict_date_optional_time" ||
              spec == "date_optional_time") {
            ms = index::DateFormat::default_format().parse(json::view(v));
          } else {
            ms = index::parse_date(spec, json::view(v));
          }
        } else {
          const index::DateFormat& f = k.date_format ? *k.date_format : index::DateFormat::default_format();
          spec = f.spec();
          ms = f.parse(json::view(v));
        }
        if (!ms) {
          return Status::InvalidArgument("failed to parse date field [" + std::string(json::view(v)) +
                                         "] with format [" + spec + "]");
        }
        raw[i] = Xapian::sortable_serialise(static_cast<double>(*ms));
        break;
      }
      default: {
        double d;
        if (v.IsNumber()) d = v.GetDouble();
        else if (v.IsString()) {
          try {
            d = std::stod(std::string(json::view(v)));
          } catch (const std::exception&) {
            return Status::InvalidArgument("search_after: cannot parse [" + std::string(json::view(v)) + "] as a number");
          }
        } else {
          return Status::InvalidArgument("search_after: bad numeric value " + json::to_string(v));
        }
        raw[i] = Xapian::sortable_serialise(d);
      }
    }
  }
  return encode_sort_key(keys, raw, score, docid);
}

}  // namespace quarry::query
