#include "index/multi_values.h"

namespace quarry::index {

namespace {

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

bool get_varint(std::string_view& in, uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in.empty()) return false;
    auto byte = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    *v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return true;
  }
  return false;
}

}  // namespace

std::string encode_multi_values(const std::map<unsigned, std::vector<std::string>>& values) {
  std::string out;
  for (const auto& [slot, list] : values) {
    put_varint(out, slot);
    put_varint(out, list.size());
    for (const auto& v : list) {
      put_varint(out, v.size());
      out.append(v);
    }
  }
  return out;
}

bool decode_multi_values(std::string_view bytes,
                         const std::function<void(unsigned, const std::vector<std::string_view>&)>& f) {
  std::vector<std::string_view> list;
  while (!bytes.empty()) {
    uint64_t slot = 0, count = 0;
    if (!get_varint(bytes, &slot) || !get_varint(bytes, &count) || count > bytes.size()) return false;
    list.clear();
    for (uint64_t i = 0; i < count; ++i) {
      uint64_t len = 0;
      if (!get_varint(bytes, &len) || len > bytes.size()) return false;
      list.emplace_back(bytes.substr(0, len));
      bytes.remove_prefix(len);
    }
    f(static_cast<unsigned>(slot), list);
  }
  return true;
}

}  // namespace quarry::index
