#include "index/stored_document.h"

#include <lz4.h>

namespace quarry::index {

namespace {
constexpr char kMagic = 'Q';
// 2 adds the _id after the routing, so a search can name its hits without reading each hit's
// term list (zlib-compressed by Xapian) for the id term. Format 1 is still read.
constexpr char kFormatVersion = 2;
// Sources shorter than this are stored raw: LZ4 gains nothing on tiny inputs.
constexpr size_t kMinCompress = 64;
}  // namespace

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

bool get_varint(std::string_view& in, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && !in.empty(); shift += 7) {
    auto byte = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    result |= uint64_t(byte & 0x7f) << shift;
    if (!(byte & 0x80)) {
      *v = result;
      return true;
    }
  }
  return false;
}

void put_bytes(std::string& out, std::string_view bytes) {
  put_varint(out, bytes.size());
  out.append(bytes);
}

bool get_bytes(std::string_view& in, std::string_view* bytes) {
  uint64_t n;
  if (!get_varint(in, &n) || n > in.size()) return false;
  *bytes = in.substr(0, n);
  in.remove_prefix(n);
  return true;
}

std::string lz4_compress(std::string_view raw) {
  std::string out;
  put_varint(out, raw.size());
  size_t header = out.size();
  int bound = LZ4_compressBound(static_cast<int>(raw.size()));
  out.resize(header + bound);
  int n = LZ4_compress_default(raw.data(), out.data() + header, static_cast<int>(raw.size()), bound);
  out.resize(header + n);
  return out;
}

Status lz4_decompress(std::string_view framed, std::string* out) {
  uint64_t raw_size;
  if (!get_varint(framed, &raw_size) || raw_size > (1ull << 31)) {
    return Status::Corruption("bad LZ4 frame header");
  }
  out->resize(raw_size);
  int n = LZ4_decompress_safe(framed.data(), out->data(), static_cast<int>(framed.size()),
                              static_cast<int>(raw_size));
  if (n < 0 || static_cast<uint64_t>(n) != raw_size) return Status::Corruption("bad LZ4 block");
  return Status::Ok();
}

static uint64_t zigzag(int64_t v) { return (uint64_t(v) << 1) ^ uint64_t(v >> 63); }
static int64_t unzigzag(uint64_t v) { return int64_t(v >> 1) ^ -int64_t(v & 1); }

std::string encode_stored(const DocMeta& meta, std::string_view source) {
  std::string out;
  out.reserve(source.size() / 2 + 32);
  out.push_back(kMagic);
  out.push_back(kFormatVersion);
  put_varint(out, zigzag(meta.seq_no));
  put_varint(out, zigzag(meta.version));
  put_varint(out, zigzag(meta.primary_term));
  put_bytes(out, meta.routing);
  put_bytes(out, meta.id);
  bool compress = source.size() >= kMinCompress;
  out.push_back(compress ? 'L' : 'R');
  if (compress) {
    out += lz4_compress(source);
  } else {
    out.append(source);
  }
  return out;
}

static Status decode_header(std::string_view& in, DocMeta* meta) {
  if (in.size() < 2 || in[0] != kMagic || (in[1] != 1 && in[1] != kFormatVersion)) {
    return Status::Corruption("stored document has an unknown format");
  }
  bool has_id = in[1] >= 2;
  in.remove_prefix(2);
  uint64_t seq, ver, term;
  std::string_view routing, id;
  if (!get_varint(in, &seq) || !get_varint(in, &ver) || !get_varint(in, &term) ||
      !get_bytes(in, &routing) || (has_id && !get_bytes(in, &id))) {
    return Status::Corruption("stored document header is truncated");
  }
  meta->seq_no = unzigzag(seq);
  meta->version = unzigzag(ver);
  meta->primary_term = unzigzag(term);
  meta->routing.assign(routing);
  meta->id.assign(id);
  return Status::Ok();
}

Status decode_stored_meta(std::string_view data, DocMeta* out) { return decode_header(data, out); }

Status decode_stored(std::string_view data, StoredDocument* out) {
  QUARRY_RETURN_IF_ERROR(decode_header(data, &out->meta));
  if (data.empty()) return Status::Corruption("stored document has no source marker");
  char kind = data.front();
  data.remove_prefix(1);
  if (kind == 'R') {
    out->source.assign(data);
    return Status::Ok();
  }
  if (kind != 'L') return Status::Corruption("stored document has an unknown source encoding");
  return lz4_decompress(data, &out->source);
}

}  // namespace quarry::index
