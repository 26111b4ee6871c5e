// encode_batch / decode_batch: the stream entry codec.
#include "ingest/write_op.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "index/stored_document.h"

namespace quarry::ingest {
namespace {

void expect_same(const std::vector<WriteOp>& a, const std::vector<WriteOp>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    SCOPED_TRACE("op " + std::to_string(i));
    EXPECT_EQ(a[i].kind, b[i].kind);
    EXPECT_EQ(a[i].id, b[i].id);
    EXPECT_EQ(a[i].routing, b[i].routing);
    EXPECT_EQ(a[i].seq_no, b[i].seq_no);
    EXPECT_EQ(a[i].version, b[i].version);
    EXPECT_EQ(a[i].primary_term, b[i].primary_term);
    EXPECT_EQ(a[i].source, b[i].source);
  }
}

WriteOp index_op(std::string id, std::string source, int64_t seq, int64_t version = 1) {
  WriteOp op;
  op.kind = OpKind::kIndex;
  op.id = std::move(id);
  op.source = std::move(source);
  op.seq_no = seq;
  op.version = version;
  return op;
}

TEST(WriteOpTest, RoundTripMixedBatch) {
  std::vector<WriteOp> ops;
  ops.push_back(index_op("a", "{\"x\":1}", 0, 1));
  WriteOp del;
  del.kind = OpKind::kDelete;
  del.id = "b";
  del.routing = "user-7";
  del.seq_no = 1;
  del.version = 9;
  del.primary_term = 3;
  ops.push_back(del);
  ops.push_back(index_op("c", "{}", 2, 1234567890123LL));
  ops.back().routing = "r";
  ops.back().primary_term = 2;
  ops.push_back(index_op("new", "{\"fresh\":true}", 3));
  ops.back().kind = OpKind::kIndexNew;  // carries its source like kIndex

  std::string blob = encode_batch(ops);
  std::vector<WriteOp> out;
  Status st = decode_batch(blob, &out);
  ASSERT_TRUE(st.ok()) << st.message();
  expect_same(ops, out);
}

TEST(WriteOpTest, RoundTripBinarySafeIdsAndSources) {
  std::string id_with_nul("a\0b\0", 4);
  std::string src_with_nul("{\"t\":\"x\0y\"}\0\0tail", 17);
  std::string unicode_id = "\xE6\x97\xA5\xE6\x9C\xAC-\xF0\x9F\x98\x80";  // 日本-😀
  std::string unicode_src = "{\"t\":\"caf\xC3\xA9 \xF0\x9F\x8E\x89\"}";
  std::string all_bytes;
  for (int c = 0; c < 256; ++c) all_bytes.push_back(static_cast<char>(c));

  std::vector<WriteOp> ops = {index_op(id_with_nul, src_with_nul, 5),
                              index_op(unicode_id, unicode_src, 6),
                              index_op(all_bytes, all_bytes + all_bytes, 7)};
  ops[1].routing = std::string("r\0r", 3);
  std::vector<WriteOp> out;
  ASSERT_TRUE(decode_batch(encode_batch(ops), &out).ok());
  expect_same(ops, out);
  EXPECT_EQ(out[0].id.size(), 4u);
  EXPECT_EQ(out[0].source.size(), 17u);
}

TEST(WriteOpTest, RoundTripLargeSources) {
  std::mt19937 rng(42);
  std::string random_src(3 * 1024 * 1024, '\0');  // incompressible
  for (auto& c : random_src) c = static_cast<char>(rng());
  std::string repetitive(8 * 1024 * 1024, 'q');  // very compressible
  std::vector<WriteOp> ops = {index_op("big-random", random_src, 1),
                              index_op("big-same", repetitive, 2)};
  for (int i = 0; i < 2000; ++i) ops.push_back(index_op("d" + std::to_string(i), "{\"i\":" + std::to_string(i) + "}", 3 + i));
  std::string blob = encode_batch(ops);
  EXPECT_LT(blob.size(), random_src.size() + repetitive.size() / 10);  // compressed
  std::vector<WriteOp> out;
  Status st = decode_batch(blob, &out);
  ASSERT_TRUE(st.ok()) << st.message();
  expect_same(ops, out);
}

TEST(WriteOpTest, RoundTripEmptyBatch) {
  std::string blob = encode_batch({});
  EXPECT_FALSE(blob.empty());
  std::vector<WriteOp> out = {index_op("stale", "{}", 1)};
  ASSERT_TRUE(decode_batch(blob, &out).ok());
  EXPECT_TRUE(out.empty());  // replaced, not appended to
}

TEST(WriteOpTest, DecodeReplacesPreviousContents) {
  std::vector<WriteOp> out;
  ASSERT_TRUE(decode_batch(encode_batch({index_op("a", "{}", 1)}), &out).ok());
  ASSERT_TRUE(decode_batch(encode_batch({index_op("b", "{}", 2)}), &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, "b");
}

TEST(WriteOpTest, DeleteCarriesNoSource) {
  WriteOp del;
  del.kind = OpKind::kDelete;
  del.id = "x";
  del.source = "ignored";
  std::vector<WriteOp> out;
  ASSERT_TRUE(decode_batch(encode_batch({del}), &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].kind, OpKind::kDelete);
  EXPECT_TRUE(out[0].source.empty());
}

TEST(WriteOpTest, EmptyBlobIsCorruption) {
  std::vector<WriteOp> out;
  EXPECT_EQ(decode_batch("", &out).code(), Code::kCorruption);
}

TEST(WriteOpTest, BadFormatByteIsCorruption) {
  std::string blob = encode_batch({index_op("a", "{\"x\":1}", 1)});
  std::vector<WriteOp> out;
  for (char bad : {'\0', '\x02', '\x7f', '{'}) {
    std::string b = blob;
    b[0] = bad;
    EXPECT_EQ(decode_batch(b, &out).code(), Code::kCorruption) << int(bad);
  }
}

TEST(WriteOpTest, TruncatedBlobIsCorruption) {
  std::vector<WriteOp> ops;
  for (int i = 0; i < 50; ++i) ops.push_back(index_op("id-" + std::to_string(i), "{\"field\":\"value number " + std::to_string(i) + "\"}", i));
  std::string blob = encode_batch(ops);
  std::vector<WriteOp> out;
  for (size_t len = 0; len < blob.size(); ++len) {
    Status st = decode_batch(std::string_view(blob).substr(0, len), &out);
    ASSERT_EQ(st.code(), Code::kCorruption) << "truncated to " << len << " of " << blob.size();
  }
  // Trailing garbage in the LZ4 block is not accepted silently either.
  std::string longer = blob + "garbage";
  EXPECT_EQ(decode_batch(longer, &out).code(), Code::kCorruption);
}

// A well-formed LZ4 frame whose content is not a batch: truncated op list, unknown op kind.
std::string frame(const std::string& raw) { return std::string(1, '\x01') + index::lz4_compress(raw); }

TEST(WriteOpTest, TruncatedContentInsideValidFrameIsCorruption) {
  std::string raw;
  index::put_varint(raw, 2);  // claims two ops
  raw.push_back(static_cast<char>(OpKind::kIndex));
  index::put_bytes(raw, "a");
  index::put_bytes(raw, "");
  index::put_varint(raw, 1);
  index::put_varint(raw, 1);
  index::put_varint(raw, 1);
  index::put_bytes(raw, "{}");
  // ...and the second op is missing.
  std::vector<WriteOp> out;
  EXPECT_EQ(decode_batch(frame(raw), &out).code(), Code::kCorruption);

  std::string cut = raw.substr(0, raw.size() - 2);  // first op's source cut short
  EXPECT_EQ(decode_batch(frame(cut), &out).code(), Code::kCorruption);
}

TEST(WriteOpTest, UnknownOpKindIsCorruption) {
  std::string raw;
  index::put_varint(raw, 1);
  raw.push_back('\x09');
  index::put_bytes(raw, "a");
  index::put_bytes(raw, "");
  index::put_varint(raw, 1);
  index::put_varint(raw, 1);
  index::put_varint(raw, 1);
  index::put_bytes(raw, "{}");
  std::vector<WriteOp> out;
  EXPECT_EQ(decode_batch(frame(raw), &out).code(), Code::kCorruption);
}

TEST(WriteOpTest, AbsurdOpCountIsCorruptionNotACrash) {
  // A corrupted count must be reported as kCorruption, not throw (length_error / bad_alloc) from
  // reserving memory for it.
  for (uint64_t n : {uint64_t(1) << 40, uint64_t(1) << 62, ~uint64_t(0)}) {
    std::string raw;
    index::put_varint(raw, n);
    std::vector<WriteOp> out;
    Status st;
    EXPECT_NO_THROW(st = decode_batch(frame(raw), &out)) << "count " << n;
    EXPECT_EQ(st.code(), Code::kCorruption) << "count " << n;
  }
}

}  // namespace
}  // namespace quarry::ingest
