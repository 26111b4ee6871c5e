// The half_float, binary, ip and geo_point field types: value validation (index/field_value.h),
// indexing by the document mapper and term / terms / range / exists queries on them.
#include <gtest/gtest.h>
#include <xapian.h>

#include <set>

#include "index/document_mapper.h"
#include "index/field_value.h"
#include "index/json.h"
#include "index/mapping.h"
#include "query/query_parser.h"
#include "query/to_xapian.h"

namespace quarry::query {
namespace {

using Ids = std::set<std::string>;

class ExtraFieldTypesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    json::Document m;
    ASSERT_TRUE(json::parse(R"({"properties":{"h":{"type":"half_float"},"b":{"type":"binary","doc_values":true},
        "ip":{"type":"ip"},"g":{"type":"geo_point"},"bad_ip":{"type":"ip","ignore_malformed":true}}})", m).ok());
    auto mapping = index::Mapping::from_es_json(m);
    ASSERT_TRUE(mapping.ok()) << mapping.status().message();
    mapping_ = std::make_unique<index::Mapping>(std::move(mapping).value());
    ASSERT_TRUE(add("1", R"({"h":1.5,"b":"YWJjZGUxMjM0","ip":"192.168.0.1","g":[0.0, 20.0]})").ok());
    ASSERT_TRUE(add("2", R"({"h":3,"ip":"2001:DB8::1","g":"41.12,-71.34"})").ok());
    ASSERT_TRUE(add("3", R"({"ip":"10.1.2.3","g":{"lat":1,"lon":2},"bad_ip":"nope"})").ok());
    ASSERT_TRUE(add("4", R"({"g":[[1,2],[3,4]],"ip":["192.168.255.255","::1"]})").ok());
  }

  Status add(const std::string& id, const char* source) {
    json::Document doc;
    EXPECT_TRUE(json::parse(source, doc).ok());
    Xapian::Document xdoc;
    Status st = index::DocumentMapper::index(*mapping_, doc, xdoc);
    if (!st.ok()) return st;
    xdoc.add_boolean_term(index::kIdPrefix + id);
    xdoc.set_data(id);
    db_.add_document(xdoc);
    return st;
  }

  Result<std::set<std::string>> run(const char* dsl) {
    json::Document doc;
    EXPECT_TRUE(json::parse(dsl, doc).ok());
    auto node = parse_query(doc);
    if (!node.ok()) return node.status();
    auto q = to_xapian(**node, *mapping_);
    if (!q.ok()) return q.status();
    Xapian::Enquire enquire(db_);
    enquire.set_query(*q);
    std::set<std::string> ids;
    Xapian::MSet mset = enquire.get_mset(0, 100);
    for (auto it = mset.begin(); it != mset.end(); ++it) ids.insert(it.get_document().get_data());
    return ids;
  }

  Ids ids(const char* dsl) {
    auto r = run(dsl);
    EXPECT_TRUE(r.ok()) << dsl << ": " << r.status().message();
    return r.ok() ? *r : Ids{};
  }

  std::unique_ptr<index::Mapping> mapping_;
  Xapian::WritableDatabase db_{std::string(), Xapian::DB_BACKEND_INMEMORY};
};

TEST(FieldValueTest, IpParsingAndCanonicalText) {
  auto v4 = index::parse_ip("192.168.0.1");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->size(), 16u);
  EXPECT_EQ(index::ip_text(*v4), "192.168.0.1");
  EXPECT_EQ(index::ip_text(*index::parse_ip("2001:DB8:0:0::1")), "2001:db8::1");
  EXPECT_EQ(index::ip_text(*index::parse_ip("::ffff:1.2.3.4")), "1.2.3.4");
  EXPECT_FALSE(index::parse_ip("300.1.1.1"));
  EXPECT_FALSE(index::parse_ip("1.2.3"));
  EXPECT_FALSE(index::parse_ip("foo"));
  EXPECT_LT(*index::parse_ip("9.255.255.255"), *index::parse_ip("10.0.0.0"));
  std::string lo, hi;
  ASSERT_TRUE(index::parse_cidr("192.168.0.0/16", lo, hi));
  EXPECT_EQ(index::ip_text(lo), "192.168.0.0");
  EXPECT_EQ(index::ip_text(hi), "192.168.255.255");
  EXPECT_FALSE(index::parse_cidr("192.168.0.0/33", lo, hi));
}

TEST(FieldValueTest, Base64AndGeoPoints) {
  EXPECT_TRUE(index::valid_base64("YWJjZGUxMjM0"));
  EXPECT_TRUE(index::valid_base64("YWI="));
  EXPECT_TRUE(index::valid_base64("YWI"));
  EXPECT_FALSE(index::valid_base64("a*b"));
  EXPECT_FALSE(index::valid_base64("Y"));
  json::Document d;
  double lat, lon;
  for (const char* ok : {R"([0.0, 20.0])", R"("41.12,-71.34")", R"({"lat":1,"lon":2})", R"("drm3btev3e86")"}) {
    ASSERT_TRUE(json::parse(ok, d).ok());
    EXPECT_TRUE(index::parse_geo_point(d, lat, lon)) << ok;
  }
  ASSERT_TRUE(json::parse(R"([0.0, 20.0])", d).ok());
  ASSERT_TRUE(index::parse_geo_point(d, lat, lon));
  EXPECT_EQ(lat, 20.0);
  EXPECT_EQ(lon, 0.0);
  for (const char* bad : {R"([200, 10])", R"("91,0")", R"({"lat":1})", R"("not a hash!")", R"(true)"}) {
    ASSERT_TRUE(json::parse(bad, d).ok());
    EXPECT_FALSE(index::parse_geo_point(d, lat, lon)) << bad;
  }
}

TEST_F(ExtraFieldTypesTest, BadValuesAreDocumentParsingErrors) {
  EXPECT_EQ(add("9", R"({"ip":"300.1.1.1"})").code(), Code::kDocumentParsing);
  EXPECT_EQ(add("9", R"({"b":"a*b"})").code(), Code::kDocumentParsing);
  EXPECT_EQ(add("9", R"({"g":[200, 10]})").code(), Code::kDocumentParsing);
  EXPECT_EQ(add("9", R"({"g":{"lat":100,"lon":0}})").code(), Code::kDocumentParsing);
  EXPECT_EQ(add("9", R"({"h":"x"})").code(), Code::kDocumentParsing);
}

TEST_F(ExtraFieldTypesTest, ExistsOnEveryType) {
  EXPECT_EQ(ids(R"({"exists":{"field":"h"}})"), (Ids{"1", "2"}));
  EXPECT_EQ(ids(R"({"exists":{"field":"b"}})"), (Ids{"1"}));
  EXPECT_EQ(ids(R"({"exists":{"field":"ip"}})"), (Ids{"1", "2", "3", "4"}));
  EXPECT_EQ(ids(R"({"exists":{"field":"g"}})"), (Ids{"1", "2", "3", "4"}));
  EXPECT_EQ(ids(R"({"exists":{"field":"bad_ip"}})"), Ids{}) << "ignore_malformed skips the value";
  EXPECT_EQ(ids(R"({"exists":{"field":"_id"}})"), (Ids{"1", "2", "3", "4"})) << "metadata fields every document has";
  EXPECT_EQ(ids(R"({"exists":{"field":"_seq_no"}})"), (Ids{"1", "2", "3", "4"}));
}

TEST_F(ExtraFieldTypesTest, HalfFloatTermAndRange) {
  EXPECT_EQ(ids(R"({"term":{"h":1.5}})"), (Ids{"1"}));
  EXPECT_EQ(ids(R"({"term":{"h":"3"}})"), (Ids{"2"}));
  EXPECT_EQ(ids(R"({"range":{"h":{"gt":1.5}}})"), (Ids{"2"}));
  EXPECT_EQ(ids(R"({"range":{"h":{"gte":1.5,"lt":3}}})"), (Ids{"1"}));
}

TEST_F(ExtraFieldTypesTest, IpTermCidrAndRange) {
  EXPECT_EQ(ids(R"({"term":{"ip":"192.168.0.1"}})"), (Ids{"1"}));
  EXPECT_EQ(ids(R"({"term":{"ip":"2001:db8:0::1"}})"), (Ids{"2"}));
  EXPECT_EQ(ids(R"({"term":{"ip":"192.168.0.0/16"}})"), (Ids{"1", "4"}));
  EXPECT_EQ(ids(R"({"terms":{"ip":["10.0.0.0/8","::1"]}})"), (Ids{"3", "4"}));
  EXPECT_EQ(ids(R"({"range":{"ip":{"gt":"10.1.2.3","lte":"192.168.255.255"}}})"), (Ids{"1", "4"}));
  EXPECT_EQ(ids(R"({"range":{"ip":{"gte":"10.1.2.3","lt":"192.168.0.1"}}})"), (Ids{"3"}));
  EXPECT_EQ(ids(R"({"range":{"ip":{"gte":"2001:db8::"}}})"), (Ids{"2"}));
  EXPECT_FALSE(run(R"({"term":{"ip":"not-an-ip"}})").ok());
  EXPECT_FALSE(run(R"({"range":{"ip":{"gte":"x"}}})").ok());
}

TEST_F(ExtraFieldTypesTest, BinaryAndGeoPointAreNotSearchableByValue) {
  auto r = run(R"({"term":{"b":"YWJjZGUxMjM0"}})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "Binary fields do not support searching");
  EXPECT_FALSE(run(R"({"term":{"g":"1,2"}})").ok());
}

TEST(ExtraFieldTypesMappingTest, EchoAndPersistParameters) {
  json::Document m;
  ASSERT_TRUE(json::parse(R"({"properties":{"h":{"type":"half_float","null_value":1.5,"ignore_malformed":true},
      "b":{"type":"binary","doc_values":false},"ip":{"type":"ip","null_value":"127.0.0.1","ignore_malformed":true},
      "g":{"type":"geo_point","ignore_malformed":true}}})", m).ok());
  auto mapping = index::Mapping::from_es_json(m);
  ASSERT_TRUE(mapping.ok()) << mapping.status().message();
  rapidjson::StringBuffer buf;
  json::Writer w(buf);
  mapping->write_es_json(w);
  EXPECT_EQ(std::string(buf.GetString()),
            R"({"properties":{"b":{"type":"binary","doc_values":false},"g":{"type":"geo_point","ignore_malformed":true},)"
            R"("h":{"type":"half_float","null_value":1.5,"ignore_malformed":true},)"
            R"("ip":{"type":"ip","null_value":"127.0.0.1","ignore_malformed":true}}})");
  EXPECT_TRUE(mapping->find("ip")->slot >= 0);
  EXPECT_EQ(mapping->find("b")->slot, -1);
  EXPECT_EQ(mapping->find("g")->slot, -1);

  json::Document bad;
  ASSERT_TRUE(json::parse(R"({"properties":{"ip":{"type":"ip","null_value":"nope"}}})", bad).ok());
  EXPECT_FALSE(index::Mapping::from_es_json(bad).ok());
}

}  // namespace
}  // namespace quarry::query
