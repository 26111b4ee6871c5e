// The Xapian document data of one stored document: its engine metadata (sequence number,
// version, primary term, routing) and its _source, LZ4-compressed and returned byte-for-byte as
// the client sent it. Layout in docs/storage-format.md ("Document data"). Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "index/status.h"

namespace quarry::index {

struct DocMeta {
  int64_t seq_no = 0;
  int64_t version = 1;
  int64_t primary_term = 1;
  std::string routing;  // empty = none
  std::string id;       // the document's _id; empty in documents written before format 2
};

struct StoredDocument {
  DocMeta meta;
  std::string source;  // the original _source bytes
};

std::string encode_stored(const DocMeta& meta, std::string_view source);
// Errors: kCorruption when the data is not what encode_stored wrote.
Status decode_stored(std::string_view data, StoredDocument* out);
// Decodes only the metadata (cheap: no decompression).
Status decode_stored_meta(std::string_view data, DocMeta* out);

// LZ4 framing shared with the ingest log: varint(raw size) + LZ4 block.
std::string lz4_compress(std::string_view raw);
Status lz4_decompress(std::string_view framed, std::string* out);

// Little helpers for the binary formats.
void put_varint(std::string& out, uint64_t v);
bool get_varint(std::string_view& in, uint64_t* v);
void put_bytes(std::string& out, std::string_view bytes);  // varint length + bytes
bool get_bytes(std::string_view& in, std::string_view* bytes);

}  // namespace quarry::index
