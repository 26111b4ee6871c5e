#include "query/aggs/term_filter.h"

#include <cmath>

#include "index/dates.h"
#include "index/field_value.h"

namespace quarry::query::aggs {

namespace {

uint32_t rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

// MurmurHash3 x86 32-bit (the public-domain algorithm), as Lucene's StringHelper computes it.
uint32_t murmur3_32(const std::string& data, uint32_t seed) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  size_t len = data.size();
  uint32_t h = seed;
  const uint32_t c1 = 0xcc9e2d51, c2 = 0x1b873593;
  size_t blocks = len / 4;
  for (size_t i = 0; i < blocks; ++i) {
    uint32_t k = static_cast<uint32_t>(p[4 * i]) | static_cast<uint32_t>(p[4 * i + 1]) << 8 |
                 static_cast<uint32_t>(p[4 * i + 2]) << 16 | static_cast<uint32_t>(p[4 * i + 3]) << 24;
    k *= c1;
    k = rotl32(k, 15);
    k *= c2;
    h ^= k;
    h = rotl32(h, 13);
    h = h * 5 + 0xe6546b64;
  }
  uint32_t k = 0;
  const unsigned char* tail = p + blocks * 4;
  switch (len & 3) {
    case 3: k ^= static_cast<uint32_t>(tail[2]) << 16; [[fallthrough]];
    case 2: k ^= static_cast<uint32_t>(tail[1]) << 8; [[fallthrough]];
    case 1:
      k ^= tail[0];
      k *= c1;
      k = rotl32(k, 15);
      k *= c2;
      h ^= k;
  }
  h ^= static_cast<uint32_t>(len);
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  h ^= h >> 16;
  return h;
}

int64_t floor_mod(int64_t a, int64_t n) {
  int64_t m = a % n;
  return m < 0 ? m + n : m;
}

}  // namespace

int64_t string_partition(const std::string& term, int64_t num_partitions) {
  // Elasticsearch hashes with seed 31 and takes floorMod of the signed 32-bit hash.
  auto h = static_cast<int32_t>(murmur3_32(term, 31));
  return floor_mod(h, num_partitions);
}

bool TermFilter::accepts(const std::string& text, std::optional<double> number) const {
  if (include_re && !std::regex_match(text, *include_re)) return false;
  if (number && numbers_resolved) {
    if (has_include_set && !include_nums.count(*number)) return false;
    if (exclude_nums.count(*number)) return false;
  } else {
    if (has_include_set && !include_set.count(text)) return false;
    if (exclude_set.count(text)) return false;
  }
  if (exclude_re && std::regex_match(text, *exclude_re)) return false;
  if (num_partitions > 0) {
    // Numbers hash by their decimal text too: this is what puts 1234 and 5678 in the partitions
    // Elasticsearch gives them (checked by its terms.yml conformance test).
    if (string_partition(text, num_partitions) != partition) return false;
  }
  return true;
}

namespace {

// One list value as a number of field `f` (dates parsed with the field's format). nullopt: no fit.
std::optional<double> value_for_field(const std::string& text, const index::FieldMapping& f) {
  json::Document d;
  d.SetString(text.c_str(), static_cast<rapidjson::SizeType>(text.size()), d.GetAllocator());
  if (f.type == index::FieldType::kDate) {
    auto ms = index::parse_date_value(d, f.effective_date_format());
    if (ms) return static_cast<double>(*ms);
    return std::nullopt;
  }
  if (f.type == index::FieldType::kBoolean) {
    if (text == "true" || text == "1") return 1.0;
    if (text == "false" || text == "0") return 0.0;
    return std::nullopt;
  }
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) return std::nullopt;
  return v;
}

}  // namespace

TermFilter TermFilter::for_field(const index::FieldMapping* f) const {
  TermFilter out = *this;
  bool numeric = f && (index::is_numeric(f->type) || f->type == index::FieldType::kDate || f->type == index::FieldType::kBoolean);
  if (!numeric) return out;
  out.numbers_resolved = true;
  for (const auto& t : include_set) {
    if (auto v = value_for_field(t, *f)) out.include_nums.insert(*v);
  }
  for (const auto& t : exclude_set) {
    if (auto v = value_for_field(t, *f)) out.exclude_nums.insert(*v);
  }
  return out;
}

Status parse_filter_part(const json::Value& v, bool include, const std::string& agg, TermFilter* f) {
  const char* what = include ? "include" : "exclude";
  auto compile = [&](const std::string& pattern) -> Status {
    try {
      (include ? f->include_re : f->exclude_re) = std::regex(pattern, std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error&) {
      return Status::Parsing("[" + agg + "] invalid regular expression [" + pattern + "] in [" + what + "]");
    }
    return Status::Ok();
  };
  if (v.IsString()) return compile(std::string(json::view(v)));
  if (v.IsArray()) {
    for (const auto& e : v.GetArray()) {
      std::string text;
      if (!index::scalar_text(e, text)) return Status::Parsing("[" + agg + "] " + what + " values must be strings or numbers");
      (include ? f->include_set : f->exclude_set).insert(text);
    }
    if (include) f->has_include_set = true;
    return Status::Ok();
  }
  if (include && v.IsObject()) {
    auto p = v.FindMember("partition");
    auto n = v.FindMember("num_partitions");
    if (p == v.MemberEnd() || n == v.MemberEnd() || !p->value.IsInt64() || !n->value.IsInt64() || n->value.GetInt64() <= 0 ||
        p->value.GetInt64() < 0 || p->value.GetInt64() >= n->value.GetInt64()) {
      return Status::Parsing("[" + agg + "] include partitions need [partition] and [num_partitions] with 0 <= partition < num_partitions");
    }
    f->partition = p->value.GetInt64();
    f->num_partitions = n->value.GetInt64();
    return Status::Ok();
  }
  return Status::Parsing("Unrecognized token for an " + std::string(what) + " [" + std::string(json::type_name(v)) + "]");
}

}  // namespace quarry::query::aggs
