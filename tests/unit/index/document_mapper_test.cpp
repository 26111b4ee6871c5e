// Tests of index/document_mapper.h: dynamic mapping, value validation and the Xapian terms,
// positions and values a document produces.
#include "index/document_mapper.h"

#include <gtest/gtest.h>

#include <map>

#include "index/field_value.h"

namespace quarry::index {
namespace {

json::Document parse_json(std::string_view text) {
  json::Document d;
  EXPECT_TRUE(json::parse(text, d).ok()) << text;
  return d;
}

Mapping mapping_of(std::string_view text) {
  auto m = Mapping::from_es_json(parse_json(text));
  EXPECT_TRUE(m.ok()) << m.status().message();
  return m.ok() ? m.value() : Mapping();
}

struct TermInfo {
  Xapian::termcount wdf = 0;
  std::vector<Xapian::termpos> positions;
};

std::map<std::string, TermInfo> terms_of(const Xapian::Document& doc) {
  std::map<std::string, TermInfo> out;
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
    TermInfo info;
    info.wdf = it.get_wdf();
    for (auto p = it.positionlist_begin(); p != it.positionlist_end(); ++p) info.positions.push_back(*p);
    out[*it] = info;
  }
  return out;
}

// Validates, adds the dynamic fields to `m`, then indexes: the engine's write path in miniature.
Xapian::Document index_doc(Mapping& m, std::string_view source) {
  auto src = parse_json(source);
  auto mapped = DocumentMapper::validate(m, src, "1");
  EXPECT_TRUE(mapped.ok()) << mapped.status().message();
  if (mapped.ok()) {
    for (auto& f : mapped->new_fields) m.add_field(f);
  }
  Xapian::Document doc;
  Status s = DocumentMapper::index(m, src, doc);
  EXPECT_TRUE(s.ok()) << s.message();
  return doc;
}

std::string prefix(const Mapping& m, std::string_view path) { return m.find(path)->prefix; }

TEST(DynamicMapping, ElasticsearchDefaults) {
  Mapping m;
  auto src = parse_json(R"({"name":"Portal 2","age":5,"score":1.5,"ok":true,"when":"2021-05-01T10:00:00Z",
      "slash":"2021/05/01","user":{"first":"Ann"},"tags":[null,"a","b"],"n":null,"empty":[],
      "a.b":1,"nums":[1,2.5]})");
  auto r = DocumentMapper::validate(m, src, "1");
  ASSERT_TRUE(r.ok()) << r.status().message();
  std::map<std::string, FieldMapping> by_path;
  std::vector<std::string> order;
  for (const auto& f : r->new_fields) {
    by_path[f.path] = f;
    order.push_back(f.path);
  }
  EXPECT_EQ(by_path.at("name").type, FieldType::kText);
  EXPECT_EQ(by_path.at("name").multi_fields, std::vector<std::string>{"keyword"});
  EXPECT_EQ(by_path.at("name.keyword").type, FieldType::kKeyword);
  EXPECT_EQ(by_path.at("name.keyword").ignore_above, 256);
  EXPECT_EQ(by_path.at("name.keyword").parent_multi_field, "name");
  EXPECT_EQ(by_path.at("age").type, FieldType::kLong);
  EXPECT_EQ(by_path.at("score").type, FieldType::kFloat);
  EXPECT_EQ(by_path.at("ok").type, FieldType::kBoolean);
  EXPECT_EQ(by_path.at("when").type, FieldType::kDate);
  EXPECT_EQ(by_path.at("when").format, "");
  EXPECT_EQ(by_path.at("slash").type, FieldType::kDate);
  EXPECT_EQ(by_path.at("slash").format, "yyyy/MM/dd HH:mm:ss||yyyy/MM/dd||epoch_millis");
  EXPECT_EQ(by_path.at("user").type, FieldType::kObject);
  EXPECT_EQ(by_path.at("user.first").type, FieldType::kText);
  EXPECT_EQ(by_path.at("tags").type, FieldType::kText);
  EXPECT_EQ(by_path.at("a").type, FieldType::kObject);
  EXPECT_EQ(by_path.at("a.b").type, FieldType::kLong);
  EXPECT_EQ(by_path.at("nums").type, FieldType::kLong);
  EXPECT_EQ(by_path.count("n"), 0u);
  EXPECT_EQ(by_path.count("empty"), 0u);
  // Parents come before their children, so the list can be added in order.
  auto pos = [&](const std::string& p) { return std::find(order.begin(), order.end(), p) - order.begin(); };
  EXPECT_LT(pos("user"), pos("user.first"));
  EXPECT_LT(pos("name"), pos("name.keyword"));

  for (auto& f : r->new_fields) m.add_field(f);
  rapidjson::StringBuffer buf;
  json::Writer w(buf);
  m.write_es_json(w);
  std::string es = buf.GetString();
  EXPECT_NE(es.find(R"("name":{"type":"text","fields":{"keyword":{"type":"keyword","ignore_above":256}}})"),
            std::string::npos) << es;
  EXPECT_NE(es.find(R"("user":{"properties":{"first":)"), std::string::npos) << es;
}

TEST(DynamicMapping, DetectionSwitches) {
  Mapping m = mapping_of(R"({"date_detection":false,"numeric_detection":true})");
  auto r = DocumentMapper::validate(m, parse_json(R"({"d":"2021-05-01","i":"12","f":"1.5","s":"abc"})"), "1");
  ASSERT_TRUE(r.ok());
  std::map<std::string, FieldType> types;
  for (const auto& f : r->new_fields) types[f.path] = f.type;
  EXPECT_EQ(types["d"], FieldType::kText);
  EXPECT_EQ(types["i"], FieldType::kLong);
  EXPECT_EQ(types["f"], FieldType::kFloat);
  EXPECT_EQ(types["s"], FieldType::kText);
}

TEST(DynamicMapping, FalseSkipsAndStrictRejects) {
  Mapping off = mapping_of(R"({"dynamic":false,"properties":{"known":{"type":"keyword"}}})");
  auto r = DocumentMapper::validate(off, parse_json(R"({"known":"x","unknown":"y","obj":{"z":1}})"), "1");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->new_fields.empty());
  Xapian::Document doc;
  ASSERT_TRUE(DocumentMapper::index(off, parse_json(R"({"known":"x","unknown":"y"})"), doc).ok());
  auto terms = terms_of(doc);
  EXPECT_EQ(terms.count(prefix(off, "known") + "x"), 1u);
  for (const auto& [t, info] : terms) EXPECT_EQ(t.find("unknown"), std::string::npos) << t;

  Mapping strict = mapping_of(R"({"dynamic":"strict","properties":{"user":{"properties":{"name":{"type":"text"}}},
                                  "open":{"type":"object","dynamic":true}}})");
  auto s = DocumentMapper::validate(strict, parse_json(R"({"x":1})"), "1");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Code::kStrictDynamicMapping);
  EXPECT_EQ(s.status().message(), "[_doc] mapping set to strict, dynamic introduction of [x] within [_doc] is not allowed");
  auto nested = DocumentMapper::validate(strict, parse_json(R"({"user":{"name":"a","age":3}})"), "1");
  ASSERT_FALSE(nested.ok());
  EXPECT_EQ(nested.status().message(),
            "[user] mapping set to strict, dynamic introduction of [age] within [user] is not allowed");
  auto open = DocumentMapper::validate(strict, parse_json(R"({"open":{"anything":3}})"), "1");
  ASSERT_TRUE(open.ok()) << open.status().message();
  ASSERT_EQ(open->new_fields.size(), 1u);
  EXPECT_EQ(open->new_fields[0].path, "open.anything");
}

Status validate_one(const Mapping& m, std::string_view source) {
  auto r = DocumentMapper::validate(m, parse_json(source), "1");
  return r.status();
}

TEST(Validation, ValuesThatDoNotFit) {
  Mapping m = mapping_of(R"({"properties":{"age":{"type":"long"},"small":{"type":"byte"},
      "strict_int":{"type":"integer","coerce":false},"flag":{"type":"boolean"},"kw":{"type":"keyword"},
      "when":{"type":"date","format":"yyyy-MM-dd"},"user":{"properties":{"n":{"type":"long"}}},
      "lenient":{"type":"long","ignore_malformed":true}}})");
  Status s = validate_one(m, R"({"age":"abc"})");
  EXPECT_EQ(s.code(), Code::kDocumentParsing);
  EXPECT_EQ(s.message(),
            "failed to parse field [age] of type [long] in document with id '1'. Preview of field's value: 'abc'");
  EXPECT_EQ(validate_one(m, R"({"small":200})").code(), Code::kDocumentParsing);
  EXPECT_EQ(validate_one(m, R"({"small":-129})").code(), Code::kDocumentParsing);
  EXPECT_TRUE(validate_one(m, R"({"small":"-128"})").ok());
  EXPECT_EQ(validate_one(m, R"({"age":1e30})").code(), Code::kDocumentParsing);
  EXPECT_TRUE(validate_one(m, R"({"age":"12"})").ok());
  EXPECT_TRUE(validate_one(m, R"({"age":12.7})").ok());
  EXPECT_EQ(validate_one(m, R"({"strict_int":"12"})").code(), Code::kDocumentParsing);
  EXPECT_EQ(validate_one(m, R"({"strict_int":12.5})").code(), Code::kDocumentParsing);
  EXPECT_TRUE(validate_one(m, R"({"strict_int":12})").ok());
  EXPECT_TRUE(validate_one(m, R"({"flag":"true"})").ok());
  EXPECT_TRUE(validate_one(m, R"({"flag":""})").ok());
  EXPECT_EQ(validate_one(m, R"({"flag":"yes"})").code(), Code::kDocumentParsing);
  EXPECT_EQ(validate_one(m, R"({"flag":1})").code(), Code::kDocumentParsing);
  EXPECT_TRUE(validate_one(m, R"({"kw":42})").ok());
  Status obj = validate_one(m, R"({"kw":{"a":1}})");
  EXPECT_EQ(obj.code(), Code::kDocumentParsing);
  EXPECT_NE(obj.message().find("Preview of field's value: '{a=1}'"), std::string::npos) << obj.message();
  Status conc = validate_one(m, R"({"user":"bob"})");
  EXPECT_EQ(conc.code(), Code::kDocumentParsing);
  EXPECT_NE(conc.message().find("tried to parse field [user] as object, but found a concrete value"),
            std::string::npos) << conc.message();
  EXPECT_TRUE(validate_one(m, R"({"when":"2021-05-01"})").ok());
  EXPECT_EQ(validate_one(m, R"({"when":"2021-05-01T10:00:00Z"})").code(), Code::kDocumentParsing);
  EXPECT_TRUE(validate_one(m, R"({"lenient":"junk"})").ok());
  EXPECT_EQ(validate_one(m, R"({"age":[1,"x"]})").code(), Code::kDocumentParsing);  // every element checked
  EXPECT_EQ(validate_one(m, R"({"_id":"x"})").code(), Code::kDocumentParsing);
  EXPECT_EQ(validate_one(m, R"({"":1})").code(), Code::kDocumentParsing);
  EXPECT_EQ(validate_one(m, R"([1,2])").code(), Code::kDocumentParsing);
  // A dynamic array takes the type of its first element; later elements must fit it.
  EXPECT_EQ(validate_one(Mapping(), R"({"mixed":[1,"x"]})").code(), Code::kDocumentParsing);
}

TEST(Validation, DeepNestingIsAnErrorNotACrash) {
  std::string deep;
  for (int i = 0; i < 150; ++i) deep += R"({"a":)";
  deep += "1";
  for (int i = 0; i < 150; ++i) deep += "}";
  auto r = DocumentMapper::validate(Mapping(), parse_json(deep), "1");
  EXPECT_FALSE(r.ok());
}

TEST(Indexing, TermsPositionsAndValues) {
  Mapping m = mapping_of(R"({"properties":{
      "title":{"type":"text","fields":{"raw":{"type":"keyword"}}},
      "lang":{"type":"keyword","ignore_above":5,"null_value":"none"},
      "count":{"type":"long"},"ratio":{"type":"float"},"price":{"type":"double"},
      "when":{"type":"date"},"ok":{"type":"boolean"},"hidden":{"type":"keyword","index":false},
      "author":{"properties":{"name":{"type":"keyword"}}}}})");
  Xapian::Document doc = index_doc(m, R"({"title":"Hello hello World","lang":"english","count":12.7,
      "ratio":5.0,"price":0.1,"when":"2021-05-01T10:00:00Z","ok":"true","hidden":"secret",
      "author":{"name":"ann"}})");
  auto terms = terms_of(doc);
  const std::string t = prefix(m, "title");
  ASSERT_EQ(terms.count(t + "hello"), 1u);
  EXPECT_EQ(terms[t + "hello"].wdf, 2u);
  EXPECT_EQ(terms[t + "hello"].positions, (std::vector<Xapian::termpos>{1, 2}));
  EXPECT_EQ(terms[t + "world"].positions, (std::vector<Xapian::termpos>{3}));
  EXPECT_EQ(terms.count(prefix(m, "title.raw") + "Hello hello World"), 1u);
  EXPECT_EQ(doc.get_value(m.find("title.raw")->slot), "Hello hello World");
  // ignore_above: "english" is 7 characters > 5: no term and no value.
  for (const auto& [term, info] : terms) EXPECT_NE(term.rfind(prefix(m, "lang"), 0), 0u) << term;
  EXPECT_EQ(doc.get_value(m.find("lang")->slot), "");
  EXPECT_EQ(terms.count(prefix(m, "count") + "12"), 1u);
  EXPECT_EQ(doc.get_value(m.find("count")->slot), Xapian::sortable_serialise(12));
  EXPECT_EQ(terms.count(prefix(m, "ratio") + "5"), 1u);
  EXPECT_EQ(terms.count(prefix(m, "price") + "0.1"), 1u);
  EXPECT_EQ(Xapian::sortable_unserialise(doc.get_value(m.find("price")->slot)), 0.1);
  EXPECT_EQ(terms.count(prefix(m, "when") + "1619863200000"), 1u);
  EXPECT_EQ(Xapian::sortable_unserialise(doc.get_value(m.find("when")->slot)), 1619863200000.0);
  EXPECT_EQ(terms.count(prefix(m, "ok") + "T"), 1u);
  EXPECT_EQ(doc.get_value(m.find("ok")->slot), "1");
  EXPECT_EQ(terms.count(prefix(m, "hidden") + "secret"), 0u);  // index:false: not searchable...
  EXPECT_EQ(doc.get_value(m.find("hidden")->slot), "secret");   // ...but sortable
  EXPECT_EQ(terms.count(prefix(m, "author.name") + "ann"), 1u);
  for (const char* path : {"title", "title.raw", "count", "ratio", "when", "ok", "author.name", "author"}) {
    EXPECT_EQ(terms.count(std::string(kFieldExistsPrefix) + path), 1u) << path;
    EXPECT_EQ(terms[std::string(kFieldExistsPrefix) + path].wdf, 0u) << path;
  }
  EXPECT_EQ(terms.count(std::string(kFieldExistsPrefix) + "lang"), 0u);  // ignored value: no exists
  for (Xapian::valueno slot = 0; slot < 10; ++slot) EXPECT_EQ(doc.get_value(slot), "") << slot;
}

TEST(Indexing, ArraysNullValueAndPositionGap) {
  Mapping m = mapping_of(R"({"properties":{"tags":{"type":"keyword","null_value":"none"},
      "body":{"type":"text"},"n":{"type":"integer"}}})");
  Xapian::Document doc = index_doc(m, R"({"tags":["b","a",null],"body":["one two",["three"]],"n":[3,1]})");
  auto terms = terms_of(doc);
  const std::string k = prefix(m, "tags");
  EXPECT_EQ(terms.count(k + "a"), 1u);
  EXPECT_EQ(terms.count(k + "b"), 1u);
  EXPECT_EQ(terms.count(k + "none"), 1u);
  EXPECT_EQ(doc.get_value(m.find("tags")->slot), "b");  // the slot holds the first value
  const std::string b = prefix(m, "body");
  EXPECT_EQ(terms[b + "one"].positions, (std::vector<Xapian::termpos>{1}));
  EXPECT_EQ(terms[b + "two"].positions, (std::vector<Xapian::termpos>{2}));
  EXPECT_EQ(terms[b + "three"].positions, (std::vector<Xapian::termpos>{103}));  // 1 + gap of 100
  EXPECT_EQ(terms.count(prefix(m, "n") + "3"), 1u);
  EXPECT_EQ(terms.count(prefix(m, "n") + "1"), 1u);
  EXPECT_EQ(doc.get_value(m.find("n")->slot), Xapian::sortable_serialise(3));

  Xapian::Document nulls = index_doc(m, R"({"tags":null,"n":null})");
  auto nt = terms_of(nulls);
  EXPECT_EQ(nt.count(k + "none"), 1u);
  EXPECT_EQ(nt.count(std::string(kFieldExistsPrefix) + "n"), 0u);
}

TEST(Indexing, IndexOptionsControlFrequenciesAndPositions) {
  Mapping m = mapping_of(R"({"properties":{"d":{"type":"text","index_options":"docs"},
      "f":{"type":"text","index_options":"freqs"}}})");
  Xapian::Document doc = index_doc(m, R"({"d":"a a b","f":"a a b"})");
  auto terms = terms_of(doc);
  EXPECT_EQ(terms[prefix(m, "d") + "a"].wdf, 1u);
  EXPECT_TRUE(terms[prefix(m, "d") + "a"].positions.empty());
  EXPECT_EQ(terms[prefix(m, "f") + "a"].wdf, 2u);
  EXPECT_TRUE(terms[prefix(m, "f") + "a"].positions.empty());
}

TEST(Indexing, IndexPhrasesAddsShinglesOfAdjacentTokensOnly) {
  Mapping m = mapping_of(R"({"properties":{"p":{"type":"text","index_phrases":true},
      "k":{"type":"text","analyzer":"keyword","index_phrases":true},"plain":{"type":"text"}}})");
  Xapian::Document doc = index_doc(m, R"({"p":["Great game, great fun","fun times"],"k":["a b","c"],"plain":"x y"})");
  auto terms = terms_of(doc);
  const FieldMapping& p = *m.find("p");
  auto shingle = [](const FieldMapping& f, std::string_view a, std::string_view b) {
    std::string term;
    EXPECT_TRUE(phrase_shingle_term(f, a, b, term));
    return term;
  };
  EXPECT_EQ(shingle(p, "great", "game"), "XP" + p.prefix.substr(1) + "\x05greatgame");
  for (auto [a, b] : {std::pair{"great", "game"}, {"game", "great"}, {"great", "fun"}, {"fun", "times"}}) {
    ASSERT_EQ(terms.count(shingle(p, a, b)), 1u) << a << " " << b;
    EXPECT_EQ(terms[shingle(p, a, b)].wdf, 0u);  // a filter only: document lengths stay as they were
    EXPECT_TRUE(terms[shingle(p, a, b)].positions.empty());
  }
  // Not across the values of an array (position_increment_gap keeps them apart).
  EXPECT_EQ(terms.count(shingle(p, "fun", "fun")), 0u);
  // The length byte keeps tokens with spaces apart: "a b" + "c" are two values here, and no
  // shingle of ("a", "b c") exists to be confused with anything.
  const FieldMapping& k = *m.find("k");
  EXPECT_EQ(terms.count(shingle(k, "a b", "c")), 0u);
  EXPECT_NE(shingle(k, "a b", "c"), shingle(k, "a", "b c"));
  // Fields without index_phrases get none.
  size_t shingles = 0;
  for (const auto& [term, info] : terms) shingles += term.rfind("XP", 0) == 0;
  EXPECT_EQ(shingles, 4u);
  EXPECT_EQ(doc.termlist_count(), terms.size());
  // A pair too long for a term has no shingle, and says so.
  std::string term;
  EXPECT_FALSE(phrase_shingle_term(p, std::string(200, 'a'), std::string(60, 'b'), term));
}

TEST(Indexing, AnalyzerAndDynamicFieldsEndToEnd) {
  Mapping m = mapping_of(R"({"properties":{"w":{"type":"text","analyzer":"whitespace"}}})");
  Xapian::Document doc = index_doc(m, R"({"w":"Hello World","app_name":"Half-Life 2","meta":{"year":2004}})");
  auto terms = terms_of(doc);
  EXPECT_EQ(terms.count(prefix(m, "w") + "Hello"), 1u);
  ASSERT_NE(m.find("app_name.keyword"), nullptr);
  EXPECT_EQ(terms.count(prefix(m, "app_name") + "half"), 1u);
  EXPECT_EQ(terms.count(prefix(m, "app_name") + "2"), 1u);
  EXPECT_EQ(terms.count(prefix(m, "app_name.keyword") + "Half-Life 2"), 1u);
  EXPECT_EQ(terms.count(prefix(m, "meta.year") + "2004"), 1u);
  EXPECT_EQ(terms.count(prefix(m, "meta.year") + "2004"), 1u);
}

TEST(Indexing, OverlongTermsAreSkippedNotFatal) {
  Mapping m = mapping_of(R"({"properties":{"k":{"type":"keyword"}}})");
  std::string big(1000, 'x');
  Xapian::Document doc = index_doc(m, R"({"k":")" + big + R"("})");
  for (const auto& [term, info] : terms_of(doc)) EXPECT_LE(term.size(), 245u);
  EXPECT_EQ(doc.get_value(m.find("k")->slot), big);
}

TEST(Indexing, PositionIncrementGapFromMapping) {
  Mapping m = mapping_of(R"({"properties":{"body":{"type":"text","position_increment_gap":0},
      "wide":{"type":"text","position_increment_gap":1000}}})");
  Xapian::Document doc = index_doc(m, R"({"body":["one two","three"],"wide":["a","b"]})");
  auto terms = terms_of(doc);
  EXPECT_EQ(terms[prefix(m, "body") + "three"].positions, (std::vector<Xapian::termpos>{3}));  // no gap
  EXPECT_EQ(terms[prefix(m, "wide") + "b"].positions, (std::vector<Xapian::termpos>{1002}));
}

TEST(CopyTo, ValuesAreIndexedIntoTheTargets) {
  Mapping m = mapping_of(R"({"properties":{
      "first":{"type":"text","copy_to":["full","names"]},
      "last":{"type":"keyword","copy_to":"full"},
      "age":{"type":"long","copy_to":"age_text"},
      "full":{"type":"text","copy_to":"never"},
      "names":{"type":"keyword"},"age_text":{"type":"keyword"}}})");
  Xapian::Document doc = index_doc(m, R"({"first":"John Ronald","last":"Tolkien","age":81})");
  auto terms = terms_of(doc);
  const std::string full = prefix(m, "full");
  EXPECT_EQ(terms.count(full + "john"), 1u);
  EXPECT_EQ(terms.count(full + "ronald"), 1u);
  EXPECT_EQ(terms.count(full + "tolkien"), 1u);
  // Values of one field from several sources are separate values (position gap between them).
  EXPECT_EQ(terms[full + "john"].positions, (std::vector<Xapian::termpos>{1}));
  EXPECT_EQ(terms[full + "tolkien"].positions, (std::vector<Xapian::termpos>{103}));
  EXPECT_EQ(terms.count(prefix(m, "names") + "John Ronald"), 1u);
  EXPECT_EQ(doc.get_value(m.find("names")->slot), "John Ronald");
  EXPECT_EQ(terms.count(prefix(m, "age_text") + "81"), 1u);
  EXPECT_EQ(terms.count(std::string(kFieldExistsPrefix) + "full"), 1u);
  // The source field itself is indexed as usual.
  EXPECT_EQ(terms.count(prefix(m, "last") + "Tolkien"), 1u);
  // Not recursive: copies into "full" are not copied on to "never" (which stays unmapped).
  EXPECT_EQ(m.find("never"), nullptr);
}

TEST(CopyTo, MissingTargetsAreMappedDynamically) {
  Mapping m = mapping_of(R"({"properties":{"title":{"type":"text","copy_to":"all.text"}}})");
  Xapian::Document doc = index_doc(m, R"({"title":"Half-Life"})");
  ASSERT_NE(m.find("all"), nullptr);
  EXPECT_EQ(m.find("all")->type, FieldType::kObject);
  ASSERT_NE(m.find("all.text"), nullptr);
  EXPECT_EQ(m.find("all.text")->type, FieldType::kText);
  EXPECT_EQ(terms_of(doc).count(prefix(m, "all.text") + "half"), 1u);

  Mapping strict = mapping_of(R"({"dynamic":"strict","properties":{"t":{"type":"keyword","copy_to":"x"}}})");
  EXPECT_EQ(validate_one(strict, R"({"t":"v"})").code(), Code::kStrictDynamicMapping);
  Mapping off = mapping_of(R"({"dynamic":false,"properties":{"t":{"type":"keyword","copy_to":"x"}}})");
  auto r = DocumentMapper::validate(off, parse_json(R"({"t":"v"})"), "1");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->new_fields.empty());
}

TEST(CopyTo, CopiedValuesMustFitTheTarget) {
  Mapping m = mapping_of(R"({"properties":{"s":{"type":"keyword","copy_to":"n"},"n":{"type":"long"},
      "o":{"type":"keyword","copy_to":"obj"},"obj":{"properties":{"x":{"type":"long"}}}}})");
  EXPECT_TRUE(validate_one(m, R"({"s":"12"})").ok());
  Status s = validate_one(m, R"({"s":"abc"})");
  EXPECT_EQ(s.code(), Code::kDocumentParsing);
  EXPECT_NE(s.message().find("failed to parse field [n] of type [long]"), std::string::npos) << s.message();
  Status o = validate_one(m, R"({"o":"v"})");
  EXPECT_EQ(o.code(), Code::kDocumentParsing);
  EXPECT_NE(o.message().find("Copy-to currently only works for value-type fields, not objects"), std::string::npos)
      << o.message();
}

TEST(FieldValues, CanonicalNumberText) {
  EXPECT_EQ(floating_term_text(5.0, FieldType::kDouble), "5");
  EXPECT_EQ(floating_term_text(0.1, FieldType::kDouble), "0.1");
  EXPECT_EQ(floating_term_text(static_cast<float>(0.1), FieldType::kFloat), "0.1");
  EXPECT_EQ(long_term_text(-42), "-42");
  json::Document d = parse_json(R"([12.7, "12", "1e2", 3000000000, true])");
  EXPECT_EQ(parse_integer_value(d[0], FieldType::kLong, true), 12);
  EXPECT_EQ(parse_integer_value(d[1], FieldType::kLong, true), 12);
  EXPECT_EQ(parse_integer_value(d[2], FieldType::kLong, true), 100);
  EXPECT_FALSE(parse_integer_value(d[3], FieldType::kInteger, true).has_value());
  EXPECT_EQ(parse_integer_value(d[3], FieldType::kLong, true), 3000000000);
  EXPECT_FALSE(parse_integer_value(d[4], FieldType::kLong, true).has_value());
  EXPECT_FALSE(parse_integer_value(d[1], FieldType::kLong, false).has_value());
}

}  // namespace
}  // namespace quarry::index
