// Tests of index/mapping.h: parsing ES mappings, prefix/slot layout, merge rules, ES and
// persisted views.
#include "index/mapping.h"

#include <gtest/gtest.h>

#include <set>

namespace quarry::index {
namespace {

json::Document parse_json(std::string_view text) {
  json::Document d;
  EXPECT_TRUE(json::parse(text, d).ok()) << text;
  return d;
}

Result<Mapping> from(std::string_view text) { return Mapping::from_es_json(parse_json(text)); }

std::string es_json(const Mapping& m) {
  rapidjson::StringBuffer buf;
  json::Writer w(buf);
  m.write_es_json(w);
  return buf.GetString();
}

std::string meta_json(const Mapping& m) {
  rapidjson::StringBuffer buf;
  json::Writer w(buf);
  m.write_meta_json(w);
  return buf.GetString();
}

constexpr char kReviews[] = R"({
  "properties": {
    "app_id": {"type": "long"},
    "app_name": {"type": "text", "fields": {"raw": {"type": "keyword", "ignore_above": 100}}},
    "language": {"type": "keyword"},
    "review": {"type": "text", "analyzer": "standard", "index_options": "offsets"},
    "recommended": {"type": "boolean"},
    "votes_helpful": {"type": "integer"},
    "weighted": {"type": "float"},
    "timestamp_created": {"type": "date", "format": "epoch_second"},
    "author": {"properties": {"steamid": {"type": "keyword"}, "playtime_forever": {"type": "double"}}}
  }
})";

TEST(Mapping, ParsesTypesAndParameters) {
  auto m = from(kReviews);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->find("app_id")->type, FieldType::kLong);
  EXPECT_EQ(m->find("app_name")->type, FieldType::kText);
  const FieldMapping* raw = m->find("app_name.raw");
  ASSERT_NE(raw, nullptr);
  EXPECT_EQ(raw->type, FieldType::kKeyword);
  EXPECT_EQ(raw->ignore_above, 100);
  EXPECT_EQ(raw->parent_multi_field, "app_name");
  EXPECT_EQ(m->find("app_name")->multi_fields, std::vector<std::string>{"raw"});
  EXPECT_EQ(m->find("review")->index_options, IndexOptions::kOffsets);
  EXPECT_EQ(m->find("timestamp_created")->format, "epoch_second");
  EXPECT_EQ(m->find("author")->type, FieldType::kObject);  // implicit object
  EXPECT_EQ(m->find("author.playtime_forever")->type, FieldType::kDouble);
  EXPECT_EQ(m->find("nope"), nullptr);
}

TEST(Mapping, EveryFieldGetsAUniquePrefixAndSlotTypesAUniqueSlot) {
  auto m = from(kReviews);
  ASSERT_TRUE(m.ok());
  std::set<std::string> prefixes;
  std::set<int> slots;
  for (const auto& [path, f] : m->fields()) {
    if (f.type == FieldType::kObject) {
      EXPECT_TRUE(f.prefix.empty()) << path;
      EXPECT_EQ(f.slot, -1) << path;
      continue;
    }
    ASSERT_GE(f.prefix.size(), 3u) << path;
    EXPECT_EQ(f.prefix.front(), 'X');
    EXPECT_EQ(f.prefix.back(), ':');
    EXPECT_TRUE(prefixes.insert(f.prefix).second) << "duplicate prefix " << f.prefix;
    if (f.type == FieldType::kText) {
      EXPECT_EQ(f.slot, -1) << path;
    } else {
      EXPECT_GE(f.slot, 10) << path;
      EXPECT_TRUE(slots.insert(f.slot).second) << "duplicate slot " << f.slot;
    }
  }
  EXPECT_EQ(prefixes.size(), 11u);
  EXPECT_EQ(slots.size(), 9u);
}

TEST(Mapping, UnknownTypeAndParameterErrors) {
  auto t = from(R"({"properties":{"bar":{"type":"foo"}}})");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), Code::kMapperParsing);
  EXPECT_EQ(t.status().message(), "No handler for type [foo] declared on field [bar]");

  auto p = from(R"({"properties":{"bar":{"type":"keyword","foo":1}}})");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Code::kMapperParsing);
  EXPECT_EQ(p.status().message(), "unknown parameter [foo] on mapper [bar] of type [keyword]");

  // Parameters that would silently mean less than asked are rejected.
  EXPECT_FALSE(from(R"({"properties":{"t":{"type":"text","copy_to":"all"}}})").ok());
  EXPECT_FALSE(from(R"({"properties":{"t":{"type":"text","doc_values":false}}})").ok());
  EXPECT_FALSE(from(R"({"properties":{"t":{"type":"long","analyzer":"standard"}}})").ok());
  EXPECT_FALSE(from(R"({"properties":{"t":{"type":"text","analyzer":"klingon"}}})").ok());
  EXPECT_FALSE(from(R"({"properties":{"t":{"type":"text","index_options":"all"}}})").ok());
  EXPECT_FALSE(from(R"({"properties":{"t":{"type":"keyword","ignore_above":-1}}})").ok());
  EXPECT_FALSE(from(R"({"properties":{"t":{"type":"date","format":"yyyy-qq"}}})").ok());
  EXPECT_FALSE(from(R"({"properties":{"t":{"type":"long","null_value":"abc"}}})").ok());
  EXPECT_FALSE(from(R"({"properties":{"t":{"type":"keyword","fields":{"o":{"type":"object"}}}}})").ok());
  // Harmless parameters are accepted.
  EXPECT_TRUE(from(R"({"properties":{"t":{"type":"keyword","store":true,"index":"false","doc_values":true}}})").ok());
  EXPECT_TRUE(from(R"({"properties":{"t":{"type":"integer","coerce":false,"null_value":5}}})").ok());
}

TEST(Mapping, BadFieldNames) {
  for (const char* text : {R"({"properties":{"":{"type":"long"}}})", R"({"properties":{"...":{"type":"long"}}})",
                           R"({"properties":{"a..b":{"type":"long"}}})"}) {
    auto m = from(text);
    ASSERT_FALSE(m.ok()) << text;
    EXPECT_EQ(m.status().code(), Code::kMapperParsing) << text;
  }
}

TEST(Mapping, DottedNamesBecomeObjects) {
  auto m = from(R"({"properties":{"author.name":{"type":"keyword"}}})");
  ASSERT_TRUE(m.ok());
  ASSERT_NE(m->find("author"), nullptr);
  EXPECT_EQ(m->find("author")->type, FieldType::kObject);
  EXPECT_EQ(m->find("author.name")->type, FieldType::kKeyword);
  EXPECT_EQ(es_json(*m), R"({"properties":{"author":{"properties":{"name":{"type":"keyword"}}}}})");
}

TEST(Mapping, TopLevelSettings) {
  auto m = from(R"({"dynamic":"strict","date_detection":false,"numeric_detection":true,
                    "_source":{"enabled":false},"_meta":{"owner":"me","v":[1,2]},
                    "dynamic_templates":[{"s":{"match":"*_s","mapping":{"type":"keyword"}}}],
                    "properties":{"o":{"dynamic":false,"properties":{"x":{"type":"long"}}}}})");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->dynamic(), DynamicMode::kStrict);
  EXPECT_FALSE(m->date_detection());
  EXPECT_TRUE(m->numeric_detection());
  EXPECT_FALSE(m->source_enabled());
  EXPECT_EQ(m->dynamic_at(""), DynamicMode::kStrict);
  EXPECT_EQ(m->dynamic_at("o"), DynamicMode::kFalse);
  EXPECT_EQ(m->dynamic_at("o.deeper"), DynamicMode::kFalse);
  EXPECT_EQ(*m->meta_json(), R"({"owner":"me","v":[1,2]})");
  std::string es = es_json(*m);
  EXPECT_NE(es.find(R"("dynamic":"strict")"), std::string::npos) << es;
  EXPECT_NE(es.find(R"("_meta":{"owner":"me","v":[1,2]})"), std::string::npos) << es;
  EXPECT_NE(es.find(R"("dynamic_templates":[{"s":)"), std::string::npos) << es;
  EXPECT_NE(es.find(R"("o":{"dynamic":"false","properties":{"x":{"type":"long"}}})"), std::string::npos) << es;

  auto bad = from(R"({"foo":"bar"})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kMapperParsing);
  EXPECT_NE(bad.status().message().find("Root mapping definition has unsupported parameters"), std::string::npos);
  EXPECT_FALSE(from(R"({"dynamic":"sometimes"})").ok());
}

TEST(Mapping, EsViewPrintsOnlyNonDefaults) {
  auto m = from(R"({"properties":{
      "z":{"type":"keyword","index":true,"doc_values":true},
      "t":{"type":"text","fields":{"keyword":{"type":"keyword","ignore_above":256}}},
      "d":{"type":"date"},
      "d2":{"type":"date","format":"strict_date_optional_time||epoch_millis"},
      "d3":{"type":"date","format":"yyyy/MM/dd"},
      "n":{"type":"long","null_value":0,"index":false},
      "e":{"type":"object"}}})");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(es_json(*m),
            R"({"properties":{"d":{"type":"date"},"d2":{"type":"date"},"d3":{"type":"date","format":"yyyy/MM/dd"},)"
            R"("e":{"type":"object"},"n":{"type":"long","null_value":0,"index":false},)"
            R"("t":{"type":"text","fields":{"keyword":{"type":"keyword","ignore_above":256}}},"z":{"type":"keyword"}}})");
  Mapping empty;
  EXPECT_EQ(es_json(empty), "{}");
}

TEST(Mapping, MergeAddsFieldsAndKeepsLayout) {
  auto m = from(kReviews);
  ASSERT_TRUE(m.ok());
  Mapping before = *m;
  ASSERT_TRUE(m->merge_es_json(parse_json(R"({"properties":{"new_field":{"type":"keyword"},
      "app_id":{"type":"long"},"app_name":{"type":"text","fields":{"en":{"type":"text","analyzer":"simple"}}}}})")).ok());
  for (const auto& [path, f] : before.fields()) {
    EXPECT_EQ(m->find(path)->prefix, f.prefix) << path;
    EXPECT_EQ(m->find(path)->slot, f.slot) << path;
  }
  ASSERT_NE(m->find("new_field"), nullptr);
  ASSERT_NE(m->find("app_name.en"), nullptr);
  ASSERT_NE(m->find("app_name.raw"), nullptr);  // existing multi-field kept
  for (const auto& [path, f] : before.fields()) {
    EXPECT_NE(f.prefix, m->find("new_field")->prefix);
    EXPECT_NE(f.slot, m->find("new_field")->slot);
  }
}

TEST(Mapping, MergeConflicts) {
  auto m = from(kReviews);
  ASSERT_TRUE(m.ok());
  std::string before = meta_json(*m);

  Status s = m->merge_es_json(parse_json(R"({"properties":{"zzz":{"type":"keyword"},"app_id":{"type":"text"}}})"));
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "mapper [app_id] cannot be changed from type [long] to [text]");
  EXPECT_EQ(meta_json(*m), before);  // nothing half-applied

  s = m->merge_es_json(parse_json(R"({"properties":{"review":{"type":"text","analyzer":"simple","index_options":"offsets"}}})"));
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("Cannot update parameter [analyzer] from [standard] to [simple]"), std::string::npos)
      << s.message();

  s = m->merge_es_json(parse_json(R"({"properties":{"author":{"type":"keyword"}}})"));
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  s = m->merge_es_json(parse_json(R"({"properties":{"language.sub":{"type":"keyword"}}})"));
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(meta_json(*m), before);

  // Updatable parameters do change.
  ASSERT_TRUE(m->merge_es_json(parse_json(R"({"properties":{"language":{"type":"keyword","ignore_above":10}}})")).ok());
  EXPECT_EQ(m->find("language")->ignore_above, 10);
}

TEST(Mapping, MetaJsonRoundTripsExactly) {
  auto m = from(kReviews);
  ASSERT_TRUE(m.ok());
  ASSERT_TRUE(m->merge_es_json(parse_json(R"({"dynamic":false,"_meta":{"a":1},
      "properties":{"k":{"type":"keyword","null_value":"NULL","store":true},
                    "o":{"dynamic":"strict","properties":{"d":{"type":"date","format":"yyyy/MM/dd||epoch_millis"}}}}})")).ok());
  FieldMapping dyn;
  dyn.path = "o.extra";
  dyn.type = FieldType::kBoolean;
  m->add_field(dyn);

  std::string text = meta_json(*m);
  auto reloaded = Mapping::from_meta_json(parse_json(text));
  ASSERT_TRUE(reloaded.ok()) << reloaded.status().message();
  EXPECT_EQ(meta_json(*reloaded), text);
  EXPECT_EQ(es_json(*reloaded), es_json(*m));
  EXPECT_EQ(reloaded->dynamic_at("o"), DynamicMode::kStrict);
  ASSERT_NE(reloaded->find("o.d")->date_format, nullptr);  // compiled again on load
  EXPECT_TRUE(reloaded->find("o.d")->effective_date_format().parse("2021/05/01").has_value());

  // Prefixes and slots continue after a reload, never reusing old ones.
  FieldMapping more;
  more.path = "later";
  more.type = FieldType::kLong;
  reloaded->add_field(more);
  for (const auto& [path, f] : m->fields()) {
    if (f.type == FieldType::kObject) continue;
    EXPECT_NE(f.prefix, reloaded->find("later")->prefix);
    EXPECT_NE(f.slot, reloaded->find("later")->slot);
  }

  EXPECT_EQ(Mapping::from_meta_json(parse_json(R"({"version":99})")).status().code(), Code::kCorruption);
  EXPECT_EQ(Mapping::from_meta_json(parse_json("[]")).status().code(), Code::kCorruption);
}

TEST(Mapping, AddFieldCreatesParentsAndRegistersMultiFields) {
  Mapping m;
  FieldMapping text;
  text.path = "a.b";
  text.type = FieldType::kText;
  text.multi_fields = {"keyword"};
  FieldMapping kw;
  kw.path = "a.b.keyword";
  kw.type = FieldType::kKeyword;
  kw.ignore_above = 256;
  kw.parent_multi_field = "a.b";
  m.add_field(text);
  m.add_field(kw);
  m.add_field(kw);  // idempotent
  ASSERT_NE(m.find("a"), nullptr);
  EXPECT_EQ(m.find("a")->type, FieldType::kObject);
  EXPECT_EQ(m.find("a.b")->multi_fields, std::vector<std::string>{"keyword"});
  EXPECT_EQ(es_json(m),
            R"({"properties":{"a":{"properties":{"b":{"type":"text","fields":{"keyword":{"type":"keyword","ignore_above":256}}}}}}})");
}

}  // namespace
}  // namespace quarry::index
