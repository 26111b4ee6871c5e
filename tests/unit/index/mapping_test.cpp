// Tests of index/mapping.h: parsing ES mappings, prefix/slot layout, merge rules, ES and
// persisted views.
#include "index/mapping.h"
#include "index/field_value.h"

#include <gtest/gtest.h>

#include <map>
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
  EXPECT_FALSE(from(R"({"properties":{"t":{"type":"text","search_quote_analyzer":"standard"}}})").ok());
  EXPECT_FALSE(from(R"({"properties":{"t":{"type":"text","doc_values":false}}})").ok());
  EXPECT_FALSE(from(R"({"properties":{"t":{"type":"long","analyzer":"standard"}}})").ok());
  {
    // Analyzer names resolve against the index's analyzers once attached (IndexService attaches
    // them when it creates the index; a mapping parsed before that cannot know custom names).
    Mapping attached;
    attached.set_analyzers(AnalyzerSet::from_settings({}).value());
    EXPECT_FALSE(attached.merge_es_json(parse_json(R"({"properties":{"t":{"type":"text","analyzer":"klingon"}}})")).ok());
  }
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
    // Elasticsearch: mapper_parsing_exception caused by illegal_argument_exception; the
    // conformance tests look for the latter.
    EXPECT_EQ(m.status().code(), Code::kInvalidArgument) << text;
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

// ---- per-field meta ----------------------------------------------------------------------------

TEST(FieldMeta, AcceptedOnEveryFieldTypeEchoedSortedAndPersisted) {
  std::string props;
  for (const char* t : {"text", "keyword", "long", "integer", "short", "byte", "double", "float", "date", "boolean"}) {
    if (!props.empty()) props += ",";
    props += std::string("\"f_") + t + R"(":{"type":")" + t + R"(","meta":{"unit":"ms","a":"1"}})";
  }
  props += R"(,"multi":{"type":"text","fields":{"raw":{"type":"keyword","meta":{"k":"v"}}}})";
  auto m = from(R"({"properties":{)" + props + "}}");
  ASSERT_TRUE(m.ok()) << m.status().message();
  for (const char* t : {"text", "keyword", "long", "integer", "short", "byte", "double", "float", "date", "boolean"}) {
    const FieldMapping* f = m->find(std::string("f_") + t);
    ASSERT_NE(f, nullptr) << t;
    EXPECT_EQ(f->meta, (std::map<std::string, std::string>{{"a", "1"}, {"unit", "ms"}})) << t;
  }
  EXPECT_EQ(m->find("multi.raw")->meta.at("k"), "v");
  std::string es = es_json(*m);
  // Sorted by key, as Elasticsearch prints it.
  EXPECT_NE(es.find(R"("f_long":{"type":"long","meta":{"a":"1","unit":"ms"}})"), std::string::npos) << es;
  EXPECT_NE(es.find(R"("raw":{"type":"keyword","meta":{"k":"v"}})"), std::string::npos) << es;

  auto reloaded = Mapping::from_meta_json(parse_json(meta_json(*m)));
  ASSERT_TRUE(reloaded.ok()) << reloaded.status().message();
  EXPECT_EQ(es_json(*reloaded), es);
  EXPECT_EQ(reloaded->find("f_date")->meta.at("unit"), "ms");
}

TEST(FieldMeta, MergeReplacesInsteadOfMerging) {
  // indices.put_mapping/10_basic.yml "Update per-field metadata".
  auto m = from(R"({"properties":{"foo":{"type":"keyword","meta":{"bar":"baz"}}}})");
  ASSERT_TRUE(m.ok()) << m.status().message();
  Status s = m->merge_es_json(parse_json(R"({"properties":{"foo":{"type":"keyword","meta":{"baz":"quux"}}}})"));
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(m->find("foo")->meta, (std::map<std::string, std::string>{{"baz", "quux"}}));
  EXPECT_EQ(es_json(*m), R"({"properties":{"foo":{"type":"keyword","meta":{"baz":"quux"}}}})");
  // A redefinition without meta drops it, as in Elasticsearch.
  ASSERT_TRUE(m->merge_es_json(parse_json(R"({"properties":{"foo":{"type":"keyword"}}})")).ok());
  EXPECT_TRUE(m->find("foo")->meta.empty());
}

TEST(FieldMeta, ValidatedLikeElasticsearch) {
  auto err = [](std::string_view meta) {
    auto m = from(std::string(R"({"properties":{"foo":{"type":"long","meta":)") + std::string(meta) + "}}}");
    return m.ok() ? Status::Ok() : m.status();
  };
  Status s = err(R"({"a":"1","b":"2","c":"3","d":"4","e":"5","f":"6"})");
  EXPECT_EQ(s.code(), Code::kMapperParsing);
  EXPECT_EQ(s.message(), "[meta] can't have more than 5 entries, but got 6 on field [foo]");
  s = err(R"({"veryloooooooooooongkey":"x"})");
  EXPECT_EQ(s.message(), "[meta] keys can't be longer than 20 chars, but got [veryloooooooooooongkey] for field [foo]");
  s = err(R"({"k":")" + std::string(51, 'v') + R"("})");
  EXPECT_EQ(s.message(), "[meta] values can't be longer than 50 chars, but got [" + std::string(51, 'v') +
                             "] for field [foo]");
  s = err(R"({"foo":3})");
  EXPECT_EQ(s.message(), "[meta] values can only be strings, but got Integer[3] for field [foo]");
  s = err(R"({"foo":null})");
  EXPECT_EQ(s.message(), "[meta] values can't be null (field [foo])");
  s = err("3");
  EXPECT_EQ(s.message(), "[meta] must be an object, got Integer[3] for field [foo]");
  EXPECT_EQ(err("null").code(), Code::kMapperParsing);
  // Limits count characters, not bytes: 20 two-byte characters and 50 three-byte ones are fine.
  std::string key, value;
  for (int i = 0; i < 20; ++i) key += "\xC3\xA9";
  for (int i = 0; i < 50; ++i) value += "\xE2\x82\xAC";
  EXPECT_TRUE(err(R"({"a":"1","b":"2","c":"3","d":"4",")" + key + R"(":")" + value + R"("})").ok());
  // Objects take no meta, as in Elasticsearch.
  EXPECT_FALSE(from(R"({"properties":{"o":{"type":"object","meta":{"a":"b"}}}})").ok());
}

// ---- _source ----------------------------------------------------------------------------------

TEST(SourceMode, StoredEchoedAndValidated) {
  for (const char* mode : {"synthetic", "stored", "disabled"}) {
    auto m = from(std::string(R"({"_source":{"mode":")") + mode + R"("}})");
    ASSERT_TRUE(m.ok()) << mode << ": " << m.status().message();
    EXPECT_EQ(es_json(*m), std::string(R"({"_source":{"mode":")") + mode + R"("}})");
    EXPECT_EQ(m->source_enabled(), std::string(mode) != "disabled") << mode;
    auto reloaded = Mapping::from_meta_json(parse_json(meta_json(*m)));
    ASSERT_TRUE(reloaded.ok()) << reloaded.status().message();
    EXPECT_EQ(es_json(*reloaded), es_json(*m));
    EXPECT_EQ(reloaded->source_mode(), m->source_mode());
  }
  auto both = from(R"({"_source":{"mode":"synthetic","enabled":false}})");
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.status().code(), Code::kMapperParsing);
  EXPECT_EQ(both.status().message(), "Cannot set both [mode] and [enabled] parameters");
  EXPECT_EQ(from(R"({"_source":{"mode":"sometimes"}})").status().code(), Code::kMapperParsing);
  EXPECT_EQ(from(R"({"_source":{"excludes":["a"]}})").status().code(), Code::kMapperParsing);
  // enabled: true is the default and is not printed; enabled: false is.
  EXPECT_EQ(es_json(from(R"({"_source":{"enabled":true}})").value()), "{}");
  EXPECT_EQ(es_json(from(R"({"_source":{"enabled":false}})").value()), R"({"_source":{"enabled":false}})");
  EXPECT_EQ(es_json(Mapping()), "{}");
  EXPECT_FALSE(Mapping().source_mode().has_value());
}

TEST(SourceMode, DisablingSyntheticSourceFails) {
  auto m = from(R"({"_source":{"mode":"synthetic"}})");
  ASSERT_TRUE(m.ok());
  std::string before = meta_json(*m);
  Status s = m->merge_es_json(parse_json(R"({"_source":{"mode":"stored"}})"));
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "Mapper for [_source] conflicts with existing mapper:\n\tCannot update parameter [mode] from [synthetic] to [stored]");
  EXPECT_EQ(meta_json(*m), before);
  EXPECT_EQ(m->source_mode(), SourceMode::kSynthetic);
  // Synthetic -> disabled is allowed (Elasticsearch's merge rule only forbids going to stored).
  ASSERT_TRUE(m->merge_es_json(parse_json(R"({"_source":{"mode":"disabled"}})")).ok());
  EXPECT_FALSE(m->source_enabled());
}

TEST(SourceMode, EnablingSyntheticSourceSucceeds) {
  // From explicit stored.
  auto stored = from(R"({"_source":{"mode":"stored"}})");
  ASSERT_TRUE(stored.ok());
  Status s = stored->merge_es_json(parse_json(R"({"_source":{"mode":"synthetic"}})"));
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(es_json(*stored), R"({"_source":{"mode":"synthetic"}})");
  // From a mapping with (dynamic) fields.
  Mapping with_fields;
  FieldMapping value;
  value.path = "value";
  value.type = FieldType::kLong;
  with_fields.add_field(value);
  s = with_fields.merge_es_json(parse_json(R"({"_source":{"mode":"synthetic"}})"));
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(with_fields.source_mode(), SourceMode::kSynthetic);
  EXPECT_NE(with_fields.find("value"), nullptr);
  // From no mapping at all.
  Mapping empty;
  ASSERT_TRUE(empty.merge_es_json(parse_json(R"({"_source":{"mode":"synthetic"}})")).ok());
  EXPECT_EQ(es_json(empty), R"({"_source":{"mode":"synthetic"}})");
  // Unset -> stored means what the default already means.
  Mapping plain;
  EXPECT_TRUE(plain.merge_es_json(parse_json(R"({"_source":{"mode":"stored"}})")).ok());
}

TEST(SourceMode, EnabledUpdateRules) {
  // Elasticsearch lets enabled go from true to false, never back.
  Mapping m;
  ASSERT_TRUE(m.merge_es_json(parse_json(R"({"_source":{"enabled":false}})")).ok());
  EXPECT_FALSE(m.source_enabled());
  Status s = m.merge_es_json(parse_json(R"({"_source":{"enabled":true}})"));
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("Cannot update parameter [enabled] from [false] to [true]"), std::string::npos);
  s = m.merge_es_json(parse_json(R"({"_source":{"mode":"synthetic"}})"));
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_FALSE(m.source_enabled());
}

// ---- field names and type wrappers ---------------------------------------------------------------

TEST(Mapping, InvalidFieldNamesAreIllegalArguments) {
  auto create = from(R"({"properties":{"":{"type":"keyword"}}})");
  ASSERT_FALSE(create.ok());
  EXPECT_EQ(create.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(create.status().message(), "field name cannot be an empty string");

  Mapping m;
  Status s = m.merge_es_json(parse_json(R"({"properties":{"ok":{"type":"keyword"},"":{"type":"keyword"}}})"));
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "field name cannot be an empty string");
  EXPECT_EQ(m.find("ok"), nullptr);  // nothing half-applied

  EXPECT_EQ(from(R"({"properties":{"t":{"type":"text","fields":{"":{"type":"keyword"}}}}})").status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(from(R"({"properties":{"  ":{"type":"keyword"}}})").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(from(R"({"properties":{"...":{"type":"keyword"}}})").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(from(R"({"properties":{"a..b":{"type":"keyword"}}})").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(validate_field_name("").code(), Code::kInvalidArgument);
}

TEST(Mapping, TypeNameWrapperIsRejected) {
  Mapping m;
  Status s = m.merge_es_json(parse_json(R"({"_doc":{"properties":{"field":{"type":"keyword"}}}})"));
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "Types cannot be provided in put mapping requests");
  EXPECT_EQ(m.find("field"), nullptr);

  auto created = from(R"({"_doc":{"properties":{"field":{"type":"keyword"}}}})");
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(created.status().message(),
            "The mapping definition cannot be nested under a type [_doc] unless include_type_name is set to true.");
  // "_doc" beside other keys is not a type wrapper, just an unknown root parameter.
  auto mixed = from(R"({"_doc":{},"dynamic":true})");
  ASSERT_FALSE(mixed.ok());
  EXPECT_EQ(mixed.status().code(), Code::kMapperParsing);
}

// ---- parameters copied from Elasticsearch docs ---------------------------------------------------

TEST(CommonParameters, AcceptedEchoedAndPersisted) {
  auto m = from(R"({"properties":{
      "t":{"type":"text","norms":false,"fielddata":true,"eager_global_ordinals":true,"similarity":"boolean",
           "term_vector":"with_positions_offsets","position_increment_gap":10,"index_phrases":true,
           "index_prefixes":{"min_chars":1,"max_chars":10},"copy_to":"all"},
      "k":{"type":"keyword","normalizer":"lowercase","norms":true,"eager_global_ordinals":true,"similarity":"BM25",
           "copy_to":["all","other"]},
      "d":{"type":"text","norms":true,"fielddata":false,"term_vector":"no","index_phrases":false,"index_prefixes":{}},
      "n":{"type":"long","copy_to":"all_n"},
      "all":{"type":"text"},"other":{"type":"keyword"},"all_n":{"type":"long"}}})");
  ASSERT_TRUE(m.ok()) << m.status().message();
  const FieldMapping* t = m->find("t");
  EXPECT_FALSE(t->effective_norms());
  EXPECT_TRUE(t->fielddata);
  EXPECT_EQ(t->similarity, "boolean");
  EXPECT_EQ(t->term_vector, "with_positions_offsets");
  EXPECT_EQ(t->effective_position_increment_gap(), 10);
  EXPECT_EQ(t->index_prefixes, (IndexPrefixes{1, 10}));
  EXPECT_EQ(t->copy_to, std::vector<std::string>{"all"});
  EXPECT_EQ(m->find("k")->copy_to, (std::vector<std::string>{"all", "other"}));
  EXPECT_EQ(m->find("d")->effective_position_increment_gap(), kDefaultPositionIncrementGap);
  std::string es = es_json(*m);
  EXPECT_NE(es.find(R"("t":{"type":"text","norms":false,"fielddata":true,"eager_global_ordinals":true,)"
                    R"("similarity":"boolean","term_vector":"with_positions_offsets","position_increment_gap":10,)"
                    R"("index_phrases":true,"index_prefixes":{"min_chars":1,"max_chars":10},"copy_to":["all"]})"),
            std::string::npos) << es;
  EXPECT_NE(es.find(R"("k":{"type":"keyword","normalizer":"lowercase","norms":true,"eager_global_ordinals":true,)"
                    R"("similarity":"BM25","copy_to":["all","other"]})"),
            std::string::npos) << es;
  // Defaults given explicitly are not printed (index_prefixes {} prints its defaults, as ES does).
  EXPECT_NE(es.find(R"("d":{"type":"text","index_prefixes":{"min_chars":2,"max_chars":5}})"), std::string::npos) << es;
  EXPECT_NE(es.find(R"("n":{"type":"long","copy_to":["all_n"]})"), std::string::npos) << es;

  std::string persisted = meta_json(*m);
  auto reloaded = Mapping::from_meta_json(parse_json(persisted));
  ASSERT_TRUE(reloaded.ok()) << reloaded.status().message();
  EXPECT_EQ(meta_json(*reloaded), persisted);
  EXPECT_EQ(es_json(*reloaded), es);
}

TEST(CommonParameters, RejectedLikeElasticsearch) {
  auto err = [](std::string_view field) {
    auto m = from(std::string(R"({"properties":{"f":)") + std::string(field) + "}}");
    return m.ok() ? Status::Ok() : m.status();
  };
  EXPECT_EQ(err(R"({"type":"keyword","normalizer":"my_norm"})").message(), "normalizer [my_norm] not found for field [f]");
  EXPECT_EQ(err(R"({"type":"text","similarity":"classic"})").message(), "Unknown Similarity type [classic] for field [f]");
  EXPECT_NE(err(R"({"type":"text","term_vector":"maybe"})").message().find("Unknown value [maybe] for field [term_vector]"),
            std::string::npos);
  EXPECT_EQ(err(R"({"type":"text","index_prefixes":{"min_chars":0}})").message(), "min_chars [0] must be greater than zero");
  EXPECT_EQ(err(R"({"type":"text","index_prefixes":{"max_chars":20}})").message(), "max_chars [20] must be less than 20");
  EXPECT_EQ(err(R"({"type":"text","index_prefixes":{"min_chars":4,"max_chars":3}})").message(),
            "min_chars [4] must be less than max_chars [3]");
  EXPECT_EQ(err(R"({"type":"text","index_prefixes":{"size":3}})").code(), Code::kMapperParsing);
  EXPECT_EQ(err(R"({"type":"text","index_options":"freqs","position_increment_gap":5})").message(),
            "Cannot set position_increment_gap on field [f] without positions enabled");
  EXPECT_EQ(err(R"({"type":"text","index_options":"docs","index_phrases":true})").message(),
            "Cannot set index_phrases on field [f] if positions are not enabled");
  EXPECT_EQ(err(R"({"type":"text","position_increment_gap":-1})").code(), Code::kMapperParsing);
  EXPECT_EQ(err(R"({"type":"text","norms":"maybe"})").code(), Code::kMapperParsing);
  // Parameters of other types stay unknown parameters.
  EXPECT_EQ(err(R"({"type":"keyword","fielddata":true})").message(),
            "unknown parameter [fielddata] on mapper [f] of type [keyword]");
  EXPECT_EQ(err(R"({"type":"long","normalizer":"lowercase"})").code(), Code::kMapperParsing);
  EXPECT_EQ(err(R"({"type":"keyword","term_vector":"yes"})").code(), Code::kMapperParsing);
  // copy_to: names only, and never from a multi-field.
  EXPECT_EQ(err(R"({"type":"keyword","copy_to":3})").code(), Code::kMapperParsing);
  EXPECT_EQ(err(R"({"type":"keyword","copy_to":[""]})").code(), Code::kInvalidArgument);
  EXPECT_EQ(err(R"({"type":"text","fields":{"raw":{"type":"keyword","copy_to":"x"}}})").message(),
            "copy_to in multi fields is not allowed. Found the copy_to in field [raw] which is within a multi field.");
}

TEST(CommonParameters, MergeRules) {
  auto m = from(R"({"properties":{"t":{"type":"text","copy_to":"a"},"k":{"type":"keyword","norms":true}}})");
  ASSERT_TRUE(m.ok()) << m.status().message();
  // Updatable: copy_to (replaced), fielddata, eager_global_ordinals, norms true -> false.
  Status s = m->merge_es_json(parse_json(R"({"properties":{"t":{"type":"text","copy_to":["b","c"],"fielddata":true,
      "eager_global_ordinals":true,"norms":false},"k":{"type":"keyword","norms":false}}})"));
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(m->find("t")->copy_to, (std::vector<std::string>{"b", "c"}));
  EXPECT_TRUE(m->find("t")->fielddata);
  EXPECT_FALSE(m->find("t")->effective_norms());
  EXPECT_FALSE(m->find("k")->effective_norms());
  std::string before = meta_json(*m);
  auto conflict = [&](std::string_view field, std::string_view expected) {
    Status st = m->merge_es_json(parse_json(std::string(R"({"properties":)") + std::string(field) + "}"));
    EXPECT_EQ(st.code(), Code::kInvalidArgument) << field;
    EXPECT_NE(st.message().find(expected), std::string::npos) << st.message();
    EXPECT_EQ(meta_json(*m), before);
  };
  conflict(R"({"t":{"type":"text","norms":true}})", "Cannot update parameter [norms] from [false] to [true]");
  conflict(R"({"k":{"type":"keyword","normalizer":"lowercase"}})", "Cannot update parameter [normalizer] from [null] to [lowercase]");
  conflict(R"({"t":{"type":"text","norms":false,"similarity":"boolean"}})", "Cannot update parameter [similarity]");
  conflict(R"({"t":{"type":"text","norms":false,"term_vector":"yes"}})", "Cannot update parameter [term_vector] from [no] to [yes]");
  conflict(R"({"t":{"type":"text","norms":false,"position_increment_gap":0}})", "Cannot update parameter [position_increment_gap]");
  conflict(R"({"t":{"type":"text","norms":false,"index_phrases":true}})", "Cannot update parameter [index_phrases]");
  conflict(R"({"t":{"type":"text","norms":false,"index_prefixes":{}}})", "Cannot update parameter [index_prefixes]");
}

TEST(Mapping, DateNanosIsADateThatKeepsItsName) {
  auto m = from(R"({"properties":{"at":{"type":"date_nanos"},"d":{"type":"date"}}})");
  ASSERT_TRUE(m.ok()) << m.status().message();
  const FieldMapping* f = m->find("at");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->type, FieldType::kDate);
  EXPECT_STREQ(f->es_type_name(), "date_nanos");
  EXPECT_EQ(es_json(*m), R"({"properties":{"at":{"type":"date_nanos"},"d":{"type":"date"}}})");
  // The name survives the persisted form.
  auto back = Mapping::from_meta_json(parse_json(meta_json(*m)));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_STREQ(back->find("at")->es_type_name(), "date_nanos");
  EXPECT_EQ(meta_json(*back), meta_json(*m));
  // Nanosecond inputs are accepted; digits below the millisecond are truncated.
  EncodedValue a, b;
  ASSERT_TRUE(encode_value(*f, parse_json(R"("2015-01-01T12:10:30.123456789Z")"), a));
  ASSERT_TRUE(encode_value(*f, parse_json(R"("2015-01-01T12:10:30.123Z")"), b));
  EXPECT_EQ(a.term, "1420114230123");
  EXPECT_EQ(a.slot, b.slot);
  // date and date_nanos do not convert into each other.
  EXPECT_FALSE(m->merge_es_json(parse_json(R"({"properties":{"at":{"type":"date"}}})")).ok());
  EXPECT_TRUE(m->merge_es_json(parse_json(R"({"properties":{"at":{"type":"date_nanos"}}})")).ok());
}

TEST(Mapping, NestedIsAnObjectThatKeepsItsName) {
  auto m = from(R"({"properties":{"n":{"type":"nested","properties":{"k":{"type":"keyword"}}},"e":{"type":"nested"}}})");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->find("n")->type, FieldType::kObject);
  EXPECT_EQ(es_json(*m),
            R"({"properties":{"e":{"type":"nested"},"n":{"type":"nested","properties":{"k":{"type":"keyword"}}}}})");
  auto back = Mapping::from_meta_json(parse_json(meta_json(*m)));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(es_json(*back), es_json(*m));
  auto st = m->merge_es_json(parse_json(R"({"properties":{"n":{"type":"object"}}})"));
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("nested"), std::string::npos) << st.message();
}

TEST(TimeSeriesParams, EchoedAndPersisted) {
  auto m = from(R"({"properties":{"host":{"type":"keyword","time_series_dimension":true},
      "bytes":{"type":"long","time_series_metric":"counter"},"load":{"type":"double","time_series_metric":"gauge"}}})");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_TRUE(m->find("host")->time_series_dimension);
  EXPECT_EQ(m->find("bytes")->time_series_metric, "counter");
  std::string es = es_json(*m);
  EXPECT_NE(es.find(R"("bytes":{"type":"long","time_series_metric":"counter"})"), std::string::npos) << es;
  EXPECT_NE(es.find(R"("host":{"type":"keyword","time_series_dimension":true})"), std::string::npos) << es;
  auto reloaded = Mapping::from_meta_json(parse_json(meta_json(*m)));
  ASSERT_TRUE(reloaded.ok()) << reloaded.status().message();
  EXPECT_EQ(reloaded->find("bytes")->time_series_metric, "counter");
  EXPECT_TRUE(reloaded->find("host")->time_series_dimension);
  EXPECT_EQ(es_json(*reloaded), es);
}

TEST(TimeSeriesParams, RefusedWhereElasticsearchRefusesThem) {
  EXPECT_EQ(from(R"({"properties":{"t":{"type":"text","time_series_dimension":true}}})").status().code(), Code::kMapperParsing);
  EXPECT_EQ(from(R"({"properties":{"d":{"type":"date","time_series_metric":"gauge"}}})").status().code(), Code::kMapperParsing);
  auto unknown = from(R"({"properties":{"n":{"type":"long","time_series_metric":"rate"}}})");
  EXPECT_EQ(unknown.status().message(),
            "Unknown value [rate] for field [time_series_metric] - accepted values are [gauge, counter, histogram, summary, position]");
  auto no_dv = from(R"({"properties":{"n":{"type":"long","time_series_metric":"counter","doc_values":false}}})");
  EXPECT_EQ(no_dv.status().message(), "Field [time_series_metric] requires that [doc_values] is true");
}

}  // namespace
}  // namespace quarry::index
