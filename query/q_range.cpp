// range: numbers and dates as Xapian value ranges on the field's slot (sortable_serialise), keyword
// and boolean on the raw slot bytes. Constant score (`boost`), as in Elasticsearch.
//
// Dates: bounds are parsed with `format` (else the field's format), accept date math (now-30d/d,
// 2020-01-01||+1M/M), and round as Elasticsearch does: gt and lte round up to the last millisecond
// of the unit, gte and lt round down. `time_zone` (a UTC offset such as +01:00, or UTC) shifts
// dates written without a zone and the rounding; named zones are not supported yet.
// Limitation: the slot holds only the first value of a multi-valued field (storage-format.md).
//
// Range fields (integer_range ... ip_range): the query's bounds become one inclusive range (gt / lt
// stepped as index/range_value.h steps document bounds; date_range bounds read as date fields read
// them) and a document matches when one of its ranges `intersects` it (the default), lies `within`
// it or `contains` it. A term query on a range field is the range [value, value], intersects.
#include <cmath>

#include "index/date_math_name.h"
#include "index/dates.h"
#include "index/document_mapper.h"
#include "index/field_value.h"
#include "index/range_value.h"
#include "query/q_common.h"
#include "query/q_sources.h"

namespace quarry::query {

using index::FieldMapping;
using index::FieldType;

namespace {

Result<int64_t> parse_time_zone(const std::string& tz) {
  if (tz.empty() || tz == "Z" || tz == "UTC" || tz == "GMT" || tz == "Etc/UTC" || tz == "utc") return int64_t{0};
  std::string s = tz;
  if (s.rfind("UTC", 0) == 0 || s.rfind("GMT", 0) == 0) s = s.substr(3);
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    int sign = s[0] == '-' ? -1 : 1;
    std::string digits;
    for (size_t i = 1; i < s.size(); ++i) {
      if (std::isdigit(static_cast<unsigned char>(s[i]))) digits += s[i];
      else if (s[i] != ':') digits = "x";
    }
    if (digits.size() == 1 || digits.size() == 2) digits += "00";
    if (digits.size() == 3) digits = "0" + digits;
    if (digits.size() == 4) {
      int h = std::stoi(digits.substr(0, 2)), m = std::stoi(digits.substr(2));
      if (h <= 18 && m < 60) return int64_t{sign * (h * 3600000LL + m * 60000LL)};
    }
  }
  return Status::InvalidArgument("time_zone [" + tz + "] is not supported: use a UTC offset such as +01:00");
}

bool has_explicit_zone(const std::string& s) {
  auto t = s.find('T');
  if (t == std::string::npos) return false;
  return s.find_first_of("Z+-", t) != std::string::npos;
}

// A date bound -> epoch millis. `round_up`: for gt and lte.
Result<int64_t> date_bound(const std::string& raw, const FieldMapping& f, const index::DateFormat& format,
                           int64_t tz_offset, bool round_up, int64_t now_ms) {
  std::string anchor_text = raw;
  std::string ops;
  int64_t anchor;
  bool absolute;
  if (raw.rfind("now", 0) == 0) {
    anchor = now_ms;
    ops = raw.substr(3);
    absolute = true;
  } else {
    auto bars = raw.find("||");
    if (bars != std::string::npos) {
      anchor_text = raw.substr(0, bars);
      ops = raw.substr(bars + 2);
    }
    auto parsed = format.parse(anchor_text);
    if (!parsed) {
      return Status::Parsing("failed to parse date field [" + raw + "] with format [" + format.spec() + "]")
          .with("field", f.path);
    }
    anchor = *parsed;
    bool numeric = !anchor_text.empty() &&
                   anchor_text.find_first_not_of("0123456789.", anchor_text[0] == '-' ? 1 : 0) == std::string::npos;
    absolute = numeric || has_explicit_zone(anchor_text);
    if (!absolute) anchor -= tz_offset;  // the text was a wall-clock time in time_zone
  }
  // Date math runs on wall-clock time in the zone.
  int64_t local = anchor + tz_offset;
  int64_t result = local;
  if (!ops.empty()) {
    std::string expr = "now" + ops;
    if (round_up && ops.size() >= 2 && ops[ops.size() - 2] == '/') {
      expr += std::string("+1") + ops.back();
      auto r = index::eval_date_math(expr, local);
      if (!r.ok()) return Status::Parsing(r.status().message());
      result = *r - 1;
    } else {
      auto r = index::eval_date_math(expr, local);
      if (!r.ok()) return Status::Parsing(r.status().message());
      result = *r;
    }
  }
  return result - tz_offset;
}

// How a query's date bounds are read: `format` (else the field's), `time_zone`, one `now`.
struct DateContext {
  std::shared_ptr<const index::DateFormat> own;
  const index::DateFormat* format = nullptr;
  int64_t tz = 0;
  int64_t now = 0;
};

Result<DateContext> date_context(const QueryNode& node, const FieldMapping& f) {
  DateContext c;
  c.format = &f.effective_date_format();
  if (!node.format.empty()) {
    auto fmt = index::DateFormat::compile(node.format);
    if (!fmt.ok()) return Status::Parsing(fmt.status().message());
    c.own = std::make_shared<const index::DateFormat>(std::move(fmt).value());
    c.format = c.own.get();
  }
  auto tz = parse_time_zone(node.time_zone);
  if (!tz.ok()) return tz.status();
  c.tz = *tz;
  c.now = index::now_millis();
  return c;
}

// One bound of a query on range field `f`, encoded as index/range_value.h stores bounds. `upper`:
// a CIDR block gives its highest address, dates round up (as date fields do for gt and lte).
Result<std::string> range_field_bound(const FieldMapping& f, const std::string& text, bool upper, bool round_up,
                                      const DateContext* dates) {
  FieldType t = f.range_of;
  if (t == FieldType::kDate) {
    auto ms = date_bound(text, f, *dates->format, dates->tz, round_up, dates->now);
    if (!ms.ok()) return ms.status();
    return index::encode_long_bound(*ms);
  }
  if (t == FieldType::kIp) {
    if (auto b = index::parse_ip(text)) return *b;
    std::string lo, hi;
    if (index::parse_cidr(text, lo, hi)) return upper ? hi : lo;
    return Status::InvalidArgument("'" + text + "' is not an IP string literal.");
  }
  json::Document v;
  v.Parse(text.c_str());
  if (v.HasParseError() || !v.IsNumber()) v.SetString(text.c_str(), v.GetAllocator());
  if (t == FieldType::kInteger || t == FieldType::kLong) {
    if (auto x = index::parse_integer_value(v, t, true)) return index::encode_long_bound(*x);
  } else if (auto x = index::parse_floating_value(v, t, true)) {
    return index::encode_double_bound(*x);
  }
  return Status::InvalidArgument("failed to create query: For input string: \"" + text + "\" on field [" + f.path +
                                 "] of type [" + f.es_type_name() + "]");
}

Status require_range_slot(const FieldMapping& f) {
  if (f.slot >= 0 && (f.index || f.doc_values)) return Status::Ok();
  if (f.slot >= 0) {
    return Status::InvalidArgument("Cannot search on field [" + f.path + "] since it is not indexed nor has doc values.");
  }
  // Range fields mapped before Quarry stored range bounds: their documents hold no bounds.
  return Status::InvalidArgument("range field [" + f.path + "] was mapped before range values were indexed; "
                                 "reindex into a new index to query or aggregate it");
}

// range on a range field: documents with a range that has `relation` to the query's range.
Result<Xapian::Query> range_field_query(const QueryNode& node, const FieldMapping& f) {
  QUARRY_RETURN_IF_ERROR(require_range_slot(f));
  FieldType t = f.range_of;
  DateContext dates;
  if (t == FieldType::kDate) {
    auto c = date_context(node, f);
    if (!c.ok()) return c.status();
    dates = std::move(*c);
  }
  std::string lo = index::range_min_bound(t), hi = index::range_max_bound(t);
  auto bound = [&](const std::optional<std::string>& text, bool upper, bool exclusive) -> Status {
    if (!text) return Status::Ok();
    // Dates round up for gt and lte, down for gte and lt.
    auto b = range_field_bound(f, *text, upper, upper != exclusive, &dates);
    if (!b.ok()) return b.status();
    std::string v = *b;
    if (exclusive) v = upper ? index::range_next_down(t, v) : index::range_next_up(t, v);
    if (upper) hi = std::min(hi, v);
    else lo = std::max(lo, v);
    return Status::Ok();
  };
  QUARRY_RETURN_IF_ERROR(bound(node.gte, false, false));
  QUARRY_RETURN_IF_ERROR(bound(node.gt, false, true));
  QUARRY_RETURN_IF_ERROR(bound(node.lte, true, false));
  QUARRY_RETURN_IF_ERROR(bound(node.lt, true, true));
  if (lo > hi) return Xapian::Query::MatchNothing;
  RangeRelation relation = node.relation == "within"     ? RangeRelation::kWithin
                           : node.relation == "contains" ? RangeRelation::kContains
                                                         : RangeRelation::kIntersects;
  return constant_weight(range_relation(static_cast<Xapian::valueno>(f.slot), index::range_bound_width(t), relation,
                                        std::move(lo), std::move(hi)),
                         node.boost);
}

Status set_bound(QueryNode& node, const std::string& key, const json::Value& v) {
  std::optional<std::string>* target = key == "gt" ? &node.gt : key == "gte" ? &node.gte : key == "lt" ? &node.lt : &node.lte;
  if (v.IsNull()) {
    target->reset();
    return Status::Ok();
  }
  auto t = scalar_text(v, "range");
  if (!t.ok()) return t.status();
  *target = *t;
  return Status::Ok();
}

}  // namespace

Result<QueryPtr> parse_range(const json::Value& body) {
  auto node = std::make_shared<QueryNode>();
  node->kind = QueryKind::kRange;
  const json::Value* inner;
  QUARRY_RETURN_IF_ERROR(single_field(body, "range", &node->field, &inner));
  if (!inner->IsObject()) return Status::Parsing("[range] query malformed, after field missing start object");
  std::optional<std::string> from, to;
  bool has_from = false, has_to = false, include_lower = true, include_upper = true;
  for (auto it = inner->MemberBegin(); it != inner->MemberEnd(); ++it) {
    std::string key(json::view(it->name));
    if (key == "gt" || key == "gte" || key == "lt" || key == "lte") {
      QUARRY_RETURN_IF_ERROR(set_bound(*node, key, it->value));
    } else if (key == "from" || key == "to") {
      if (!it->value.IsNull()) {
        auto t = scalar_text(it->value, "range");
        if (!t.ok()) return t.status();
        (key == "from" ? from : to) = *t;
      }
      (key == "from" ? has_from : has_to) = true;
    } else if (key == "include_lower" || key == "include_upper") {
      auto b = bool_param(it->value, "range", key);
      if (!b.ok()) return b.status();
      (key == "include_lower" ? include_lower : include_upper) = *b;
    } else if (key == "format" || key == "time_zone") {
      auto s = string_param(it->value, "range", key);
      if (!s.ok()) return s.status();
      (key == "format" ? node->format : node->time_zone) = *s;
    } else if (key == "relation") {
      // Only range fields use it: for other fields INTERSECTS, CONTAINS and WITHIN select the same
      // documents. Names are case-insensitive, as Elasticsearch's ShapeRelation reads them.
      auto given = string_param(it->value, "range", key);
      if (!given.ok()) return given.status();
      std::string r = *given;
      for (auto& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (r == "disjoint") return Status::InvalidArgument("[range] query does not support relation [" + *given + "]");
      if (r != "intersects" && r != "contains" && r != "within") {
        return Status::InvalidArgument(*given + " is not a valid relation");
      }
      node->relation = r;
    } else if (key == "boost") {
      auto b = boost_of(it->value);
      if (!b.ok()) return b.status();
      node->boost = *b;
    } else if (key != "_name") {
      return unknown_param("range", key);
    }
  }
  if (has_from && from) (include_lower ? node->gte : node->gt) = from;
  if (has_to && to) (include_upper ? node->lte : node->lt) = to;
  if (!node->time_zone.empty()) {
    auto tz = parse_time_zone(node->time_zone);
    if (!tz.ok()) return tz.status();
  }
  if (!node->format.empty()) {
    auto fmt = index::DateFormat::compile(node->format);
    if (!fmt.ok()) return Status::Parsing(fmt.status().message());
  }
  return QueryPtr(node);
}

Result<Xapian::Query> range_to_xapian(const QueryNode& node, const index::Mapping& mapping) {
  const FieldMapping* f = mapping.find(node.field);
  if (!f || f->type == FieldType::kObject) return Xapian::Query::MatchNothing;
  if (f->type == FieldType::kText) {
    return Status::InvalidArgument("range queries on [text] field [" + f->path + "] are not supported; use a keyword field");
  }
  if (f->type == FieldType::kRange) return range_field_query(node, *f);
  if (f->slot < 0 || !f->doc_values) {
    return Status::InvalidArgument("Cannot search on field [" + f->path + "] since it is not indexed with doc values");
  }
  auto slot = static_cast<Xapian::valueno>(f->slot);
  bool any_bound = node.gt || node.gte || node.lt || node.lte;
  if (!any_bound) return constant_weight(Xapian::Query(index::kFieldExistsPrefix + f->path), node.boost);

  std::string lo, hi;          // serialised bounds ("" = open)
  bool lo_open = true, hi_open = true;
  bool exclude_hi_equal = false;
  std::string hi_equal;
  if (f->type == FieldType::kDate) {
    auto dates = date_context(node, *f);
    if (!dates.ok()) return dates.status();
    double low = -INFINITY, high = INFINITY;
    if (node.gte) {
      auto b = date_bound(*node.gte, *f, *dates->format, dates->tz, false, dates->now);
      if (!b.ok()) return b.status();
      low = static_cast<double>(*b);
    }
    if (node.gt) {
      auto b = date_bound(*node.gt, *f, *dates->format, dates->tz, true, dates->now);
      if (!b.ok()) return b.status();
      low = std::max(low, static_cast<double>(*b + 1));
    }
    if (node.lte) {
      auto b = date_bound(*node.lte, *f, *dates->format, dates->tz, true, dates->now);
      if (!b.ok()) return b.status();
      high = static_cast<double>(*b);
    }
    if (node.lt) {
      auto b = date_bound(*node.lt, *f, *dates->format, dates->tz, false, dates->now);
      if (!b.ok()) return b.status();
      high = std::min(high, static_cast<double>(*b - 1));
    }
    if (low > high) return Xapian::Query::MatchNothing;
    if (low != -INFINITY) { lo = Xapian::sortable_serialise(low); lo_open = false; }
    if (high != INFINITY) { hi = Xapian::sortable_serialise(high); hi_open = false; }
  } else if (index::is_numeric(f->type)) {
    bool integral = f->type == FieldType::kLong || f->type == FieldType::kInteger || f->type == FieldType::kShort ||
                    f->type == FieldType::kByte;
    auto num = [&](const std::string& s) -> Result<double> {
      char* end = nullptr;
      double d = std::strtod(s.c_str(), &end);
      if (s.empty() || *end || std::isnan(d)) {
        return Status::InvalidArgument("failed to create query: For input string: \"" + s + "\" on field [" +
                                       f->path + "] of type [" + index::field_type_name(f->type) + "]");
      }
      if (f->type == FieldType::kFloat || f->type == FieldType::kHalfFloat) d = static_cast<double>(static_cast<float>(d));
      return d;
    };
    double low = -INFINITY, high = INFINITY;
    if (node.gte) {
      auto d = num(*node.gte);
      if (!d.ok()) return d.status();
      low = integral ? std::ceil(*d) : *d;
    }
    if (node.gt) {
      auto d = num(*node.gt);
      if (!d.ok()) return d.status();
      low = std::max(low, integral ? std::floor(*d) + 1 : std::nextafter(*d, INFINITY));
    }
    if (node.lte) {
      auto d = num(*node.lte);
      if (!d.ok()) return d.status();
      high = integral ? std::floor(*d) : *d;
    }
    if (node.lt) {
      auto d = num(*node.lt);
      if (!d.ok()) return d.status();
      high = std::min(high, integral ? std::ceil(*d) - 1 : std::nextafter(*d, -INFINITY));
    }
    if (low > high) return Xapian::Query::MatchNothing;
    if (low != -INFINITY) { lo = Xapian::sortable_serialise(low); lo_open = false; }
    if (high != INFINITY) { hi = Xapian::sortable_serialise(high); hi_open = false; }
  } else {
    // keyword (raw bytes), boolean ("0" / "1") and ip (16 bytes; a CIDR bound takes its block's
    // lowest address as a lower bound and its highest as an upper bound)
    auto raw_ip = [&](const std::string& s, bool upper) -> Result<std::string> {
      if (auto b = index::parse_ip(s)) return *b;
      std::string lo_ip, hi_ip;
      if (index::parse_cidr(s, lo_ip, hi_ip)) return upper ? hi_ip : lo_ip;
      return Status::InvalidArgument("'" + s + "' is not an IP string literal.");
    };
    bool upper_bound = false;
    auto raw = [&](const std::string& s) -> Result<std::string> {
      if (f->type == FieldType::kIp) return raw_ip(s, upper_bound);
      if (f->type != FieldType::kBoolean) return s;
      if (s == "true") return std::string("1");
      if (s == "false") return std::string("0");
      return Status::InvalidArgument("Can't parse boolean value [" + s + "], expected [true] or [false]");
    };
    if (node.gte) {
      auto r = raw(*node.gte);
      if (!r.ok()) return r.status();
      lo = *r;
      lo_open = false;
    }
    if (node.gt) {
      auto r = raw(*node.gt);
      if (!r.ok()) return r.status();
      std::string next = *r + std::string(1, '\0');
      if (lo_open || next > lo) lo = next;
      lo_open = false;
    }
    upper_bound = true;
    if (node.lte) {
      auto r = raw(*node.lte);
      if (!r.ok()) return r.status();
      hi = *r;
      hi_open = false;
    }
    if (node.lt) {
      auto r = raw(*node.lt);
      if (!r.ok()) return r.status();
      if (hi_open || *r <= hi) {
        hi = *r;
        exclude_hi_equal = true;
        hi_equal = *r;
      }
      hi_open = false;
    }
    if (!lo_open && !hi_open && lo > hi) return Xapian::Query::MatchNothing;
  }
  Xapian::Query q;
  if (!lo_open && !hi_open) q = Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, lo, hi);
  else if (!lo_open) q = Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, lo);
  else q = Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, hi);
  if (exclude_hi_equal) {
    q = Xapian::Query(Xapian::Query::OP_AND_NOT, q, Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, hi_equal, hi_equal));
  }
  return constant_weight(q, node.boost);
}

Result<Xapian::Query> range_field_term(const FieldMapping& f, const std::string& value) {
  QUARRY_RETURN_IF_ERROR(require_range_slot(f));
  FieldType t = f.range_of;
  DateContext dates;
  if (t == FieldType::kDate) {
    QueryNode none;
    auto c = date_context(none, f);
    if (!c.ok()) return c.status();
    dates = std::move(*c);
  }
  // Elasticsearch: a range query from the value to the value, relation intersects (a date with
  // rounding, "2020-01-01||/d", covers its whole unit).
  auto lo = range_field_bound(f, value, false, false, &dates);
  if (!lo.ok()) return lo.status();
  auto hi = range_field_bound(f, value, true, true, &dates);
  if (!hi.ok()) return hi.status();
  return range_relation(static_cast<Xapian::valueno>(f.slot), index::range_bound_width(t), RangeRelation::kIntersects,
                        std::move(*lo), std::move(*hi));
}

}  // namespace quarry::query
