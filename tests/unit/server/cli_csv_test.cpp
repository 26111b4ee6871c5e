// Tests of the CSV path of `quarry load`: RFC 4180 records (quotes, doubled quotes, multi-line
// fields, CRLF, blank lines, bad records with their line), and records -> typed documents
// (unnamed columns, dotted columns, empty cells, types from a mapping or inferred).
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <string>
#include <vector>

#include "server/cli/csv_document.h"
#include "server/cli/csv_reader.h"
#include "server/cli/index_mapping.h"
#include "server/cli/input_reader.h"
#include "server/cli/item_reader.h"

namespace quarry::cli {
namespace {

// A temporary input file, removed at the end of the test.
class TempInput {
 public:
  explicit TempInput(const std::string& content, const char* suffix = ".csv") {
    char templ[] = "/tmp/quarry_cli_csv_XXXXXX";
    const int fd = mkstemp(templ);
    close(fd);
    std::remove(templ);
    path_ = std::string(templ) + suffix;
    if (std::string(suffix).ends_with(".gz")) {
      gzFile gz = gzopen(path_.c_str(), "wb");
      gzwrite(gz, content.data(), static_cast<unsigned>(content.size()));
      gzclose(gz);
    } else {
      std::FILE* f = std::fopen(path_.c_str(), "wb");
      std::fwrite(content.data(), 1, content.size(), f);
      std::fclose(f);
    }
  }
  ~TempInput() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }
  std::unique_ptr<InputReader> open() const {
    auto r = InputReader::open(path_);
    EXPECT_TRUE(r.ok());
    return std::move(r).value();
  }

 private:
  std::string path_;
};

struct Row {
  CsvReader::Next next;
  std::vector<std::string> fields;
  uint64_t line;
  std::string error;
};

std::vector<Row> read_all(const std::string& content, size_t max_record_bytes = 1 << 20) {
  TempInput file(content);
  auto input = file.open();
  CsvReader csv(*input, max_record_bytes);
  std::vector<Row> rows;
  for (;;) {
    Row r;
    r.next = csv.next(r.fields, r.error);
    if (r.next == CsvReader::Next::kEnd) break;
    r.line = csv.record_line();
    rows.push_back(r);
    if (r.next == CsvReader::Next::kReadError || rows.size() > 100) break;
  }
  return rows;
}

using Fields = std::vector<std::string>;

TEST(CliCsvReader, QuotesDoubledQuotesAndMultiLineFields) {
  const auto rows = read_all(
      ",a,b,c\n"
      "0,plain,\"with, comma\",\"say \"\"hi\"\"\"\n"
      "1,\"two\nlines\",,\"\"\n"
      "2,x\"y,\"line one\n\nline three\",end\n");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].fields, (Fields{"", "a", "b", "c"}));
  EXPECT_EQ(rows[1].fields, (Fields{"0", "plain", "with, comma", "say \"hi\""}));
  EXPECT_EQ(rows[2].fields, (Fields{"1", "two\nlines", "", ""}));
  EXPECT_EQ(rows[2].line, 3u);
  // A quote inside an unquoted field is kept; a blank line inside quotes is data.
  EXPECT_EQ(rows[3].fields, (Fields{"2", "x\"y", "line one\n\nline three", "end"}));
  EXPECT_EQ(rows[3].line, 5u);
}

TEST(CliCsvReader, CrlfRecordsKeepLineBreaksInsideQuotesAndSkipBlankLines) {
  const auto rows = read_all("a,b\r\n1,\"x\r\ny\"\r\n\r\n\n2,z\r\n3,last");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1].fields, (Fields{"1", "x\r\ny"}));
  EXPECT_EQ(rows[2].fields, (Fields{"2", "z"}));
  EXPECT_EQ(rows[2].line, 6u);
  EXPECT_EQ(rows[3].fields, (Fields{"3", "last"}));  // no line break at the end
}

TEST(CliCsvReader, BadRecordsAreReportedAtTheirLineAndReadingGoesOn) {
  const auto rows = read_all("a,b\n1,ok\n2,\"closed\"junk\n3,fine\n4,\"never closed\nmore\n");
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[2].next, CsvReader::Next::kBad);
  EXPECT_EQ(rows[2].line, 3u);
  EXPECT_NE(rows[2].error.find("after the closing quote"), std::string::npos);
  EXPECT_EQ(rows[3].next, CsvReader::Next::kRecord);
  EXPECT_EQ(rows[3].fields, (Fields{"3", "fine"}));
  EXPECT_EQ(rows[4].next, CsvReader::Next::kBad);
  EXPECT_EQ(rows[4].line, 5u);
  EXPECT_NE(rows[4].error.find("not closed"), std::string::npos);
}

TEST(CliCsvReader, AnOverlongRecordIsSkippedWithoutKeepingIt) {
  const std::string huge(5000, 'x');
  const auto rows = read_all("a,b\n1,\"" + huge + "\n" + huge + "\"\n2,after\n", 1000);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].next, CsvReader::Next::kBad);
  EXPECT_EQ(rows[1].line, 2u);
  EXPECT_NE(rows[1].error.find("longer than 1000 bytes"), std::string::npos);
  EXPECT_EQ(rows[2].fields, (Fields{"2", "after"}));
  EXPECT_EQ(rows[2].line, 4u);
}

TEST(CliCsvReader, ByteOrderMarkAndGzip) {
  TempInput file("\xEF\xBB\xBF" "a,b\n1,2\n", ".csv.gz");
  auto input = file.open();
  CsvReader csv(*input);
  std::vector<std::string> fields;
  std::string error;
  ASSERT_EQ(csv.next(fields, error), CsvReader::Next::kRecord);
  EXPECT_EQ(fields, (Fields{"a", "b"}));
  ASSERT_EQ(csv.next(fields, error), CsvReader::Next::kRecord);
  EXPECT_EQ(fields, (Fields{"1", "2"}));
  EXPECT_EQ(csv.next(fields, error), CsvReader::Next::kEnd);
}

TEST(CliCsvDocument, UnnamedColumnsDottedObjectsEmptyCellsAndInferredTypes) {
  auto b = CsvDocumentBuilder::create(
      {"", "app_id", "review", "recommended", "score", "author.steamid", "author.playtime",
       "big", "padded"},
      nullptr);
  ASSERT_TRUE(b.ok()) << b.status().message();
  std::string json, error;
  ASSERT_TRUE(b->build({"17", "570", "Fun, \"really\"\nyes", "True", "0.52", "76561197983267187",
                        "12", "-3", "007"},
                       json, error));
  // author.steamid is beyond 2^53: JSON readers would round it, so it stays a string.
  EXPECT_EQ(json,
            R"({"app_id":570,"review":"Fun, \"really\"\nyes","recommended":true,"score":0.52,)"
            R"("author":{"steamid":"76561197983267187","playtime":12},"big":-3,"padded":"007"})");
  ASSERT_TRUE(b->build({"18", "570", "", "false", "", "", "", "", ""}, json, error));
  EXPECT_EQ(json, R"({"app_id":570,"recommended":false})");  // empty cells and objects left out
  EXPECT_FALSE(b->build({"1", "2"}, json, error));
  EXPECT_EQ(error, "CSV record has 2 fields, the header has 9");
  EXPECT_EQ(b->column("author.steamid"), 5);
  EXPECT_EQ(b->column("nope"), -1);
}

TEST(CliCsvDocument, TypesFromTheMapping) {
  const auto types = parse_field_types(R"({"reviews":{"mappings":{"properties":{
      "review_id":{"type":"keyword"},"review":{"type":"text"},"votes":{"type":"long"},
      "score":{"type":"double"},"recommended":{"type":"boolean"},
      "created":{"type":"date","format":"epoch_second"},
      "author":{"properties":{"steamid":{"type":"keyword"},"playtime":{"type":"integer"}}}}}}})");
  ASSERT_TRUE(types.has_value());
  EXPECT_EQ(types->at("author.playtime").type, "integer");
  EXPECT_EQ(types->at("created").format, "epoch_second");
  auto b = CsvDocumentBuilder::create(
      {"review_id", "review", "votes", "score", "recommended", "created", "author.steamid",
       "author.playtime"},
      &*types);
  ASSERT_TRUE(b.ok());
  std::string json, error;
  ASSERT_TRUE(b->build({"123", "10", "42", "1", "1", "1385405036", "765", "x12"}, json, error));
  // keyword/text stay strings even when numeric; a cell that does not fit its type goes as a
  // string for the server to judge.
  EXPECT_EQ(json,
            R"({"review_id":"123","review":"10","votes":42,"score":1,"recommended":true,)"
            R"("created":1385405036,"author":{"steamid":"765","playtime":"x12"}})");
  ASSERT_TRUE(b->build({"1", "True", "4.5", "n/a", "False", "2021-01-01", "", ""}, json, error));
  EXPECT_EQ(json,
            R"({"review_id":"1","review":"True","votes":"4.5","score":"n/a","recommended":false,)"
            R"("created":"2021-01-01"})");
}

TEST(CliCsvDocument, RefusesHeadersThatCannotMapToDocuments) {
  EXPECT_FALSE(CsvDocumentBuilder::create({"a", "a"}, nullptr).ok());
  EXPECT_FALSE(CsvDocumentBuilder::create({"author", "author.steamid"}, nullptr).ok());
  EXPECT_FALSE(CsvDocumentBuilder::create({"author.steamid", "author"}, nullptr).ok());
  EXPECT_FALSE(CsvDocumentBuilder::create({"a..b"}, nullptr).ok());
  EXPECT_TRUE(CsvDocumentBuilder::create({"", "", "a.b", "a.c"}, nullptr).ok());
}

TEST(CliCsvItems, RecordsBecomeIndexActionsWithIdsAndBadRecordsKeepTheirLine) {
  TempInput file(",review_id,review,author.steamid\n0,11,\"multi\nline\",7\n1,12\n2,,no id,8\n3,14,ok,9\n");
  auto input = file.open();
  ItemReaderOptions o;
  o.index = "reviews";
  o.id_field = "review_id";
  auto reader = make_item_reader(LoadFormat::kCsv, *input, o);
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  std::string item, error;
  uint64_t line = 0;
  ASSERT_EQ((*reader)->next(item, line, error), ItemReader::Next::kItem);
  EXPECT_EQ(item, "{\"index\":{\"_index\":\"reviews\",\"_id\":\"11\"}}\n"
                  "{\"review_id\":11,\"review\":\"multi\\nline\",\"author\":{\"steamid\":7}}\n");
  EXPECT_EQ(line, 2u);
  ASSERT_EQ((*reader)->next(item, line, error), ItemReader::Next::kBadRecord);
  EXPECT_EQ(line, 4u);
  EXPECT_EQ(error, "CSV record has 2 fields, the header has 4");
  ASSERT_EQ((*reader)->next(item, line, error), ItemReader::Next::kBadRecord);
  EXPECT_EQ(line, 5u);
  EXPECT_EQ(error, "the id field [review_id] is empty");
  ASSERT_EQ((*reader)->next(item, line, error), ItemReader::Next::kItem);
  EXPECT_EQ(line, 6u);
  EXPECT_EQ((*reader)->next(item, line, error), ItemReader::Next::kEnd);

  TempInput no_id_column("a,b\n1,2\n");
  auto input2 = no_id_column.open();
  EXPECT_FALSE(make_item_reader(LoadFormat::kCsv, *input2, o).ok());
}

TEST(CliLoadFormat, DetectedFromTheNameOrTheFirstBytes) {
  EXPECT_EQ(detect_load_format("x/steam_reviews.csv", "{\"a\":1}"), LoadFormat::kCsv);
  EXPECT_EQ(detect_load_format("REVIEWS.CSV.GZ", ""), LoadFormat::kCsv);
  EXPECT_EQ(detect_load_format("-", ",app_id,app_name\n0,1,x\n"), LoadFormat::kCsv);
  EXPECT_EQ(detect_load_format("a.json", "{\"index\":{\"_id\":\"1\"}}\n{\"a\":1}\n"),
            LoadFormat::kBulk);
  EXPECT_EQ(detect_load_format("a.json", "{\"a\":1}\n{\"a\":2}\n"), LoadFormat::kNdjson);
  EXPECT_EQ(detect_load_format("570.json", "{\"success\":1,\"query_summary\":{\"num_reviews\":20},"
                                           "\"reviews\":[{\"recommendationid\":\"1\",\"review\":\"cut"),
            LoadFormat::kAppReviews);
  // Pretty-printed over several lines.
  EXPECT_EQ(detect_load_format("p.json", "{\n  \"success\": 1,\n  \"reviews\": [\n"),
            LoadFormat::kAppReviews);
  EXPECT_EQ(parse_load_format("csv"), LoadFormat::kCsv);
  EXPECT_FALSE(parse_load_format("xml").has_value());
}

}  // namespace
}  // namespace quarry::cli
