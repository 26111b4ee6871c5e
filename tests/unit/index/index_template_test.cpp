// Tests of index/index_template.h, index/template_merge.h and index/template_registry.h: pattern
// overlap, the merge of layers, the choice of a template and its persistence.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "index/index_template.h"
#include "index/template_merge.h"
#include "index/template_registry.h"

namespace quarry::index {
namespace {

json::Document parse_json(std::string_view text) {
  json::Document d;
  EXPECT_TRUE(json::parse(text, d).ok()) << text;
  return d;
}

IndexTemplate index_template(std::string_view text) {
  auto t = IndexTemplate::from_es_json(parse_json(text));
  EXPECT_TRUE(t.ok()) << t.status().message();
  return t.ok() ? std::move(t).value() : IndexTemplate{};
}

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("quarry-templates-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

TEST(PatternsOverlap, WildcardsOnEitherSide) {
  EXPECT_TRUE(patterns_overlap("logs-*", "logs-*"));
  EXPECT_TRUE(patterns_overlap("logs-*", "logs-app-*"));
  EXPECT_TRUE(patterns_overlap("*-app", "logs-*"));   // "logs-app"
  EXPECT_TRUE(patterns_overlap("*", "anything"));
  EXPECT_TRUE(patterns_overlap("a*b*c", "*bc"));       // "abc"
  EXPECT_TRUE(patterns_overlap("abc", "abc"));
  EXPECT_FALSE(patterns_overlap("logs-*", "metrics-*"));
  EXPECT_FALSE(patterns_overlap("abc", "abd"));
  EXPECT_FALSE(patterns_overlap("a*", "b*"));
  EXPECT_FALSE(patterns_overlap("*a", "*b"));
  EXPECT_FALSE(patterns_overlap("ab", "ab*c"));
}

TEST(TemplateParsing, ShapeErrorsAreXContentErrors) {
  auto t = IndexTemplate::from_es_json(parse_json(R"({"index_patterns":"x-*","priority":"3"})"));
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->index_patterns, std::vector<std::string>{"x-*"});
  EXPECT_EQ(t->priority_or_zero(), 3);
  t = IndexTemplate::from_es_json(parse_json(R"({"index_patterns":["x-*"],"nope":1})"));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), Code::kXContentParse);
  EXPECT_EQ(t.status().message(), "[index_template] unknown field [nope]");
  t = IndexTemplate::from_es_json(parse_json(R"({"template":{}})"));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(), "Required [index_patterns]");
  // Mappings wrapped in "_doc" are kept without the wrapper; settings get the "index." prefix.
  t = IndexTemplate::from_es_json(parse_json(
      R"({"index_patterns":["x"],"template":{"settings":{"number_of_shards":2},"mappings":{"_doc":{"properties":{}}}}})"));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t->body->mappings, R"({"properties":{}})");
  EXPECT_EQ(t->body->settings->at("index.number_of_shards"), "2");
}

TEST(TemplateMerge, PropertiesMergeAndFieldsAreReplaced) {
  auto base = parse_json(R"({"dynamic":"strict","properties":{"a":{"type":"keyword","ignore_above":10},
      "o":{"properties":{"x":{"type":"long"}}},"p":{"properties":{"y":{"type":"long"}}}}})");
  auto overlay = parse_json(R"({"dynamic":true,"properties":{"a":{"type":"text"},
      "o":{"properties":{"z":{"type":"keyword"}}},"p":{"type":"keyword"},"b":{"type":"long"}}})");
  merge_mappings(base, overlay, base.GetAllocator());
  EXPECT_EQ(json::to_string(base),
            R"({"dynamic":true,"properties":{"a":{"type":"text"},"o":{"properties":{"x":{"type":"long"},)"
            R"("z":{"type":"keyword"}}},"p":{"type":"keyword"},"b":{"type":"long"}}})");
}

TEST(TemplateMerge, RequestOverTemplate) {
  ResolvedTemplate tmpl;
  tmpl.settings = {{"index.number_of_shards", "3"}, {"index.number_of_replicas", "0"}};
  tmpl.mappings = R"({"properties":{"f":{"type":"keyword"}}})";
  tmpl.aliases = {{"a1", R"({"routing":"1"})"}, {"a2", "{}"}};
  auto request = parse_json(R"({"settings":{"index":{"number_of_shards":1}},"mappings":{"properties":{"g":{"type":"long"}}},
      "aliases":{"a1":{}}})");
  json::Document out;
  apply_template(tmpl, &request, &out);
  EXPECT_EQ(json::to_string(out),
            R"({"settings":{"index.number_of_replicas":"0","index.number_of_shards":"1"},)"
            R"("mappings":{"properties":{"f":{"type":"keyword"},"g":{"type":"long"}}},"aliases":{"a2":{},"a1":{}}})");
  // No request at all: the template alone.
  json::Document alone;
  apply_template(tmpl, nullptr, &alone);
  EXPECT_EQ(json::to_string(alone["aliases"]), R"({"a1":{"routing":"1"},"a2":{}})");
}

TEST(TemplateRegistry, ChoosesByPriorityAndPersists) {
  TempDir dir;
  {
    TemplateRegistry reg(dir.str());
    ASSERT_TRUE(reg.load().ok());
    auto parsed = ComponentTemplate::from_es_json(parse_json(R"({"template":{"settings":{"number_of_shards":2}}})"));
    ASSERT_TRUE(parsed.ok());
    ASSERT_TRUE(reg.put_component_template("ct", std::move(parsed).value(), false).ok());
    ASSERT_TRUE(reg.put_index_template("low", index_template(R"({"index_patterns":["r*"],"priority":1})"), false).ok());
    ASSERT_TRUE(reg.put_index_template("high", index_template(R"({"index_patterns":["rev*"],"priority":2,"composed_of":["ct"]})"), false).ok());
    Status clash = reg.put_index_template("same", index_template(R"({"index_patterns":["re*"],"priority":2})"), false);
    EXPECT_EQ(clash.code(), Code::kInvalidArgument);
  }
  TemplateRegistry reg(dir.str());
  ASSERT_TRUE(reg.load().ok());
  auto chosen = reg.resolve_for_index("reviews", false);
  ASSERT_TRUE(chosen.has_value());
  EXPECT_EQ(chosen->name, "high");
  EXPECT_EQ(chosen->settings.at("index.number_of_shards"), "2");
  EXPECT_EQ(reg.resolve_for_index("rx", false)->name, "low");
  EXPECT_FALSE(reg.resolve_for_index("other", false).has_value());
  EXPECT_TRUE(reg.delete_index_templates({"high"}).ok());
  EXPECT_TRUE(reg.delete_component_templates({"ct"}).ok());
  EXPECT_EQ(reg.delete_index_templates({"high"}).code(), Code::kIndexTemplateMissing);
}

}  // namespace
}  // namespace quarry::index
