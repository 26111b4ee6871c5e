#include "index/doc_lengths.h"

#include <gtest/gtest.h>
#include <xapian.h>

namespace quarry::index {
namespace {

TEST(DocLengthsTest, KeepsEveryLengthExactIncludingVeryLongDocuments) {
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  auto add = [&](Xapian::termcount wdf) {
    Xapian::Document doc;
    doc.add_term("t", wdf);
    return db.add_document(doc);
  };
  Xapian::docid short_doc = add(7);
  Xapian::docid at_limit = add(DocLengths::kLong - 1);
  Xapian::docid long_doc = add(DocLengths::kLong);
  Xapian::docid very_long = add(1'000'000);
  db.delete_document(add(3));  // a gap: docids without a document read as 0
  db.commit();

  auto lengths = load_doc_lengths(db);
  EXPECT_EQ(lengths->at(short_doc), 7u);
  EXPECT_EQ(lengths->at(at_limit), DocLengths::kLong - 1u);
  EXPECT_EQ(lengths->at(long_doc), DocLengths::kLong);
  EXPECT_EQ(lengths->at(very_long), 1'000'000u);
  EXPECT_EQ(lengths->at(very_long + 1), 0u);
  EXPECT_EQ(lengths->at(very_long + 100), 0u);
  EXPECT_EQ(lengths->long_docs.size(), 2u);
}

}  // namespace
}  // namespace quarry::index
