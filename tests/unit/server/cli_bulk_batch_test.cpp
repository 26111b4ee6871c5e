// Tests of batching bulk items by count and by bytes into valid NDJSON request bodies.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "server/cli/bulk_batch.h"
#include "server/cli/bulk_input.h"

namespace quarry::cli {
namespace {

std::string doc_item(int i, size_t padding = 0) {
  return "{\"index\":{\"_index\":\"r\",\"_id\":\"" + std::to_string(i) + "\"}}\n{\"n\":" +
         std::to_string(i) + ",\"pad\":\"" + std::string(padding, 'x') + "\"}\n";
}

// Every line of the body is a JSON object and the body ends with a newline.
void expect_valid_ndjson(const std::string& body) {
  ASSERT_FALSE(body.empty());
  ASSERT_EQ(body.back(), '\n');
  size_t start = 0;
  while (start < body.size()) {
    const size_t nl = body.find('\n', start);
    ASSERT_NE(nl, std::string::npos);
    rapidjson::Document d;
    d.Parse(body.data() + start, nl - start);
    EXPECT_FALSE(d.HasParseError()) << body.substr(start, nl - start);
    EXPECT_TRUE(d.IsObject());
    start = nl + 1;
  }
}

struct Collected {
  std::vector<BulkBatch> batches;
  Batcher::Sink sink() {
    return [this](BulkBatch&& b) { batches.push_back(std::move(b)); };
  }
};

TEST(CliBulkBatch, SplitsByCount) {
  Collected c;
  Batcher batcher(3, 10 << 20, c.sink());
  batcher.begin_input("f.ndjson", "/_bulk");
  for (int i = 0; i < 7; ++i) batcher.add(doc_item(i), static_cast<uint64_t>(i + 1));
  batcher.flush();
  ASSERT_EQ(c.batches.size(), 3u);
  EXPECT_EQ(c.batches[0].items.size(), 3u);
  EXPECT_EQ(c.batches[1].items.size(), 3u);
  EXPECT_EQ(c.batches[2].items.size(), 1u);
  std::string all;
  for (const BulkBatch& b : c.batches) {
    expect_valid_ndjson(b.body);
    EXPECT_EQ(b.target, "/_bulk");
    EXPECT_EQ(b.source, "f.ndjson");
    all += b.body;
  }
  std::string expected;
  for (int i = 0; i < 7; ++i) expected += doc_item(i);
  EXPECT_EQ(all, expected);  // nothing lost, nothing reordered
  EXPECT_EQ(c.batches[2].items[0].line, 7u);
}

TEST(CliBulkBatch, SplitsByBytesAndSendsAnOversizedItemAlone) {
  Collected c;
  const size_t item_bytes = doc_item(0, 100).size();
  Batcher batcher(1000, item_bytes * 2 + 10, c.sink());
  batcher.begin_input("f", "/_bulk");
  for (int i = 0; i < 5; ++i) batcher.add(doc_item(i, 100), 1);
  batcher.add(doc_item(5, 5000), 1);  // larger than the limit by itself
  batcher.add(doc_item(6, 100), 1);
  batcher.flush();
  ASSERT_EQ(c.batches.size(), 5u);
  EXPECT_EQ(c.batches[0].items.size(), 2u);
  EXPECT_EQ(c.batches[1].items.size(), 2u);
  EXPECT_EQ(c.batches[2].items.size(), 1u);
  EXPECT_EQ(c.batches[3].items.size(), 1u);
  EXPECT_EQ(c.batches[3].body, doc_item(5, 5000));
  EXPECT_EQ(c.batches[4].items.size(), 1u);
  for (const BulkBatch& b : c.batches) {
    expect_valid_ndjson(b.body);
    if (b.items.size() > 1) {
      EXPECT_LE(b.body.size(), item_bytes * 2 + 10);
    }
  }
}

TEST(CliBulkBatch, ABatchNeverSpansTwoInputs) {
  Collected c;
  Batcher batcher(100, 10 << 20, c.sink());
  batcher.begin_input("a", "/_bulk");
  batcher.add(doc_item(1), 1);
  batcher.begin_input("b", "/other/_bulk");
  batcher.add(doc_item(2), 1);
  batcher.flush();
  batcher.flush();  // nothing left: no empty batch
  ASSERT_EQ(c.batches.size(), 2u);
  EXPECT_EQ(c.batches[0].source, "a");
  EXPECT_EQ(c.batches[1].source, "b");
  EXPECT_EQ(c.batches[1].target, "/other/_bulk");
}

TEST(CliBulkBatch, ASubsetBodyHoldsExactlyThoseItems) {
  Collected c;
  Batcher batcher(10, 10 << 20, c.sink());
  batcher.begin_input("f", "/_bulk");
  batcher.add(doc_item(0), 1);
  batcher.add("{\"delete\":{\"_id\":\"9\"}}\n", 3);
  batcher.add(doc_item(2), 4);
  batcher.flush();
  ASSERT_EQ(c.batches.size(), 1u);
  const std::string subset = c.batches[0].body_of({1, 2});
  EXPECT_EQ(subset, "{\"delete\":{\"_id\":\"9\"}}\n" + doc_item(2));
  expect_valid_ndjson(subset);
}

TEST(CliBulkBatch, AssembledItemsMakeValidBodies) {
  ItemAssembler assembler(InputFormat::kDocuments, "reviews", "id");
  Collected c;
  Batcher batcher(2, 10 << 20, c.sink());
  batcher.begin_input("f", "/_bulk");
  std::string item, error;
  const char* docs[] = {R"({"id":1,"t":"a\nb"})", R"({"id":"x","t":"\u00e9"})", R"({"id":3})"};
  for (const char* d : docs) {
    ASSERT_EQ(assembler.add_line(d, item, error), ItemAssembler::Outcome::kItem);
    batcher.add(item, 1);
  }
  batcher.flush();
  ASSERT_EQ(c.batches.size(), 2u);
  for (const BulkBatch& b : c.batches) expect_valid_ndjson(b.body);
}

}  // namespace
}  // namespace quarry::cli
