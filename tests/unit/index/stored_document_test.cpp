// The stored document format (index/stored_document.h, docs/storage-format.md): metadata, _id
// and _source round-trip byte for byte, raw and LZ4; format 1 (no _id) is still read; anything
// else is corruption, never a crash.
#include <gtest/gtest.h>

#include <string>

#include "index/stored_document.h"

namespace quarry::index {
namespace {

TEST(StoredDocumentTest, RoundTripsMetadataIdAndSource) {
  DocMeta meta{42, 3, 2, "user-7", "review-123"};
  std::string small = R"({"a":1})";
  std::string large(500, 'x');
  large = R"({"review":")" + large + R"("})";
  for (const std::string& source : {small, large}) {
    StoredDocument out;
    ASSERT_TRUE(decode_stored(encode_stored(meta, source), &out).ok());
    EXPECT_EQ(out.source, source);
    EXPECT_EQ(out.meta.seq_no, 42);
    EXPECT_EQ(out.meta.version, 3);
    EXPECT_EQ(out.meta.primary_term, 2);
    EXPECT_EQ(out.meta.routing, "user-7");
    EXPECT_EQ(out.meta.id, "review-123");
    DocMeta only;
    ASSERT_TRUE(decode_stored_meta(encode_stored(meta, source), &only).ok());
    EXPECT_EQ(only.id, "review-123");
  }
}

TEST(StoredDocumentTest, FormatOneHasNoIdAndIsStillRead) {
  // 'Q' 1, seq 5 (zigzag 10), version 1 (2), term 1 (2), routing "", raw source.
  std::string v1 = std::string("Q\x01", 2) + '\x0a' + '\x02' + '\x02' + '\x00' + 'R' + R"({"a":1})";
  StoredDocument out;
  ASSERT_TRUE(decode_stored(v1, &out).ok());
  EXPECT_EQ(out.meta.seq_no, 5);
  EXPECT_EQ(out.meta.id, "");
  EXPECT_EQ(out.source, R"({"a":1})");
}

TEST(StoredDocumentTest, UnknownVersionsAndTruncationAreCorruption) {
  std::string good = encode_stored(DocMeta{1, 1, 1, "", "id"}, R"({"a":1})");
  std::string future = good;
  future[1] = '\x03';
  StoredDocument out;
  EXPECT_EQ(decode_stored(future, &out).code(), Code::kCorruption);
  for (size_t n = 0; n < 9; ++n) {
    EXPECT_FALSE(decode_stored(good.substr(0, n), &out).ok()) << n;
  }
}

}  // namespace
}  // namespace quarry::index
