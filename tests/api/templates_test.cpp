// Index templates: PUT/GET/HEAD/DELETE of index and component templates with Elasticsearch's
// response shapes, the choice by priority, composition order, the request over the template,
// templates applied to indices created by writes, simulation, errors, persistence across a
// restart, and the shipped Steam review template.
#include <gtest/gtest.h>

#include "harness.h"

using namespace qtest;

namespace {

class TemplatesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new Quarryd();
    started_ = server_->start();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(started_) << server_->last_error(); }
  // Templates outlive indices: each test starts from none, so that patterns never clash.
  void TearDown() override {
    if (!started_) return;
    if (!server_->running()) {
      ADD_FAILURE() << "quarryd died during this test:\n" << server_->logs();
      return;
    }
    EXPECT_EQ(http().del("/_index_template/*").status, 200);
    EXPECT_EQ(http().del("/_component_template/*").status, 200);
  }
  HttpClient& http() { return server_->http(); }

  // The mapping type of `field` (a dotted path under properties) in index `index`.
  std::string field_type(const std::string& index, const std::string& field) {
    auto r = http().get("/" + index + "/_mapping");
    std::string path = index + ".mappings";
    size_t start = 0;
    while (true) {
      size_t dot = field.find('.', start);
      path += ".properties." + field.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    return jstr(r.json(), path + ".type");
  }
  std::string setting(const std::string& index, const std::string& name) {
    auto r = http().get("/" + index + "/_settings?flat_settings=true");
    auto d = r.json();
    const auto* settings = jpath(d, index + ".settings");
    if (!settings || !settings->IsObject() || !settings->HasMember(name.c_str())) return "<absent>";
    return (*settings)[name.c_str()].GetString();
  }

  static Quarryd* server_;
  static bool started_;
};
Quarryd* TemplatesTest::server_ = nullptr;
bool TemplatesTest::started_ = false;

}  // namespace

TEST_F(TemplatesTest, PutGetHeadDelete) {
  auto r = http().put("/_index_template/tpl-basic", R"({
    "index_patterns": "basic-*",
    "priority": 7, "version": 3, "_meta": {"owner": "ops"}, "allow_auto_create": true,
    "template": {
      "settings": {"number_of_shards": 2, "index": {"refresh_interval": "5s"}},
      "mappings": {"properties": {"title": {"type": "text"}}},
      "aliases": {"basic-all": {}, "basic-red": {"filter": {"term": {"color": "red"}}, "routing": "r1"}}
    }})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_TRUE(jbool(r.json(), "acknowledged")) << r.body;

  r = http().get("/_index_template/tpl-basic");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto d = r.json();
  ASSERT_EQ(jpath(d, "index_templates")->Size(), 1u) << r.body;
  EXPECT_EQ(jstr(d, "index_templates.0.name"), "tpl-basic");
  // Elasticsearch's shape: a string pattern becomes a list, settings are nested strings under
  // "index", mappings come back as given, aliases with their normalised definitions.
  EXPECT_EQ(to_json(*jpath(d, "index_templates.0.index_template")),
            R"({"index_patterns":["basic-*"],"template":{"settings":{"index":{"number_of_shards":"2","refresh_interval":"5s"}},)"
            R"("mappings":{"properties":{"title":{"type":"text"}}},"aliases":{"basic-all":{},)"
            R"("basic-red":{"filter":{"term":{"color":"red"}},"index_routing":"r1","search_routing":"r1"}}},)"
            R"("priority":7,"version":3,"_meta":{"owner":"ops"},"allow_auto_create":true})");
  r = http().get("/_index_template/tpl-basic?flat_settings=true");
  auto fd = r.json();
  const auto* flat = jpath(fd, "index_templates.0.index_template.template.settings");
  ASSERT_TRUE(flat && flat->IsObject() && flat->HasMember("index.number_of_shards")) << r.body;
  EXPECT_STREQ((*flat)["index.number_of_shards"].GetString(), "2") << r.body;

  EXPECT_EQ(http().head("/_index_template/tpl-basic").status, 200);
  r = http().del("/_index_template/tpl-basic");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_TRUE(jbool(r.json(), "acknowledged")) << r.body;
  EXPECT_EQ(http().head("/_index_template/tpl-basic").status, 404);
  r = http().get("/_index_template/tpl-basic");
  EXPECT_TRUE(is_es_error(r, 404, "resource_not_found_exception")) << describe(r);
  EXPECT_EQ(jstr(r.json(), "error.reason"), "index template matching [tpl-basic] not found");
  r = http().del("/_index_template/tpl-basic");
  EXPECT_TRUE(is_es_error(r, 404, "index_template_missing_exception")) << describe(r);
  EXPECT_EQ(jstr(r.json(), "error.reason"), "index_template [tpl-basic] missing");
}

TEST_F(TemplatesTest, GetByWildcardAndList) {
  for (std::string name : {"wa-one", "wa-two", "wb-one"}) {
    auto r = http().put("/_index_template/" + name, R"({"index_patterns":[")" + name + R"(-*"]})");
    ASSERT_EQ(r.status, 200) << describe(r);
  }
  auto names = [&](const std::string& target) {
    auto r = http().get(target);
    std::vector<std::string> out;
    auto d = r.json();
    if (const auto* list = jpath(d, "index_templates"); list && list->IsArray())
      for (const auto& t : list->GetArray()) out.push_back(jstr(t, "name"));
    return std::make_pair(r.status, out);
  };
  using Names = std::vector<std::string>;
  EXPECT_EQ(names("/_index_template/wa-*"), std::make_pair(200, Names{"wa-one", "wa-two"}));
  EXPECT_EQ(names("/_index_template/wa-one,wb-*"), std::make_pair(200, Names{"wa-one", "wb-one"}));
  EXPECT_EQ(names("/_index_template"), std::make_pair(200, Names{"wa-one", "wa-two", "wb-one"}));
  EXPECT_EQ(names("/_index_template/*"), std::make_pair(200, Names{"wa-one", "wa-two", "wb-one"}));
  // A wildcard matching nothing: 404 with an empty list, as Elasticsearch answers.
  EXPECT_EQ(names("/_index_template/zz*"), std::make_pair(404, Names{}));
  EXPECT_EQ(http().head("/_index_template/zz*").status, 404);
  EXPECT_EQ(http().head("/_index_template/wa-*").status, 200);
  // An exact name missing from a list is a 404 error.
  auto r = http().get("/_index_template/wa-one,nope");
  EXPECT_TRUE(is_es_error(r, 404, "resource_not_found_exception")) << describe(r);
  // DELETE: a wildcard removes all it matches; a list must name existing templates only.
  r = http().del("/_index_template/wa-one,nope");
  EXPECT_TRUE(is_es_error(r, 404, "index_template_missing_exception")) << describe(r);
  EXPECT_EQ(http().head("/_index_template/wa-one").status, 200) << "a failed DELETE removed something";
  ASSERT_EQ(http().del("/_index_template/wa-*").status, 200);
  EXPECT_EQ(names("/_index_template"), std::make_pair(200, Names{"wb-one"}));
}

TEST_F(TemplatesTest, HighestPriorityWins) {
  ASSERT_EQ(http().put("/_index_template/prio-low", R"({"index_patterns":["prio-*"],"priority":1,
      "template":{"settings":{"number_of_shards":1},"mappings":{"properties":{"f":{"type":"keyword"}}}}})").status, 200);
  ASSERT_EQ(http().put("/_index_template/prio-high", R"({"index_patterns":["prio-app-*"],"priority":10,
      "template":{"settings":{"number_of_shards":3},"mappings":{"properties":{"g":{"type":"long"}}}}})").status, 200);
  ASSERT_EQ(http().put("/prio-app-1", "").status, 200);
  ASSERT_EQ(http().put("/prio-db-1", "").status, 200);
  // Only the winner applies: templates are not stacked.
  EXPECT_EQ(setting("prio-app-1", "index.number_of_shards"), "3");
  EXPECT_EQ(field_type("prio-app-1", "g"), "long");
  EXPECT_EQ(field_type("prio-app-1", "f"), "<absent>");
  EXPECT_EQ(setting("prio-db-1", "index.number_of_shards"), "1");
  EXPECT_EQ(field_type("prio-db-1", "f"), "keyword");
  // An index no pattern matches gets no template.
  ASSERT_EQ(http().put("/other-1", "").status, 200);
  EXPECT_EQ(setting("other-1", "index.number_of_shards"), "1");
  EXPECT_EQ(field_type("other-1", "f"), "<absent>");
  for (const char* i : {"/prio-app-1", "/prio-db-1", "/other-1"}) http().del(i);
}

TEST_F(TemplatesTest, OverlappingPatternsNeedDifferentPriorities) {
  ASSERT_EQ(http().put("/_index_template/ov-a", R"({"index_patterns":["ov-*"]})").status, 200);
  auto r = http().put("/_index_template/ov-b", R"({"index_patterns":["nothing-*","ov-x*"]})");
  EXPECT_TRUE(is_es_error(r, 400, "illegal_argument_exception")) << describe(r);
  EXPECT_EQ(jstr(r.json(), "error.reason"),
            "index template [ov-b] has index patterns [nothing-*, ov-x*] matching patterns from existing templates "
            "[ov-a] with patterns (ov-a => [ov-*]) that have the same priority [0], multiple index templates may "
            "not match during index creation, please use a different priority");
  // Patterns that overlap only through a wildcard on either side.
  r = http().put("/_index_template/ov-c", R"({"index_patterns":["*-x"]})");
  EXPECT_TRUE(is_es_error(r, 400, "illegal_argument_exception")) << describe(r);
  // A different priority, or patterns that cannot match the same name, are fine.
  EXPECT_EQ(http().put("/_index_template/ov-b", R"({"index_patterns":["ov-x*"],"priority":1})").status, 200);
  EXPECT_EQ(http().put("/_index_template/ov-d", R"({"index_patterns":["ow-*"]})").status, 200);
  // Updating a template in place does not clash with itself.
  EXPECT_EQ(http().put("/_index_template/ov-a", R"({"index_patterns":["ov-*"],"version":2})").status, 200);
  EXPECT_EQ(http().head("/_index_template/ov-c").status, 404) << "a refused template was stored";
}

TEST_F(TemplatesTest, ComposedOfMergesInOrderThenTheTemplate) {
  ASSERT_EQ(http().put("/_component_template/ct-first", R"({"template":{
      "settings":{"number_of_shards":2,"refresh_interval":"2s"},
      "mappings":{"properties":{"f":{"type":"keyword"},"g":{"type":"long"},"obj":{"properties":{"a":{"type":"keyword"}}}}},
      "aliases":{"ct-alias":{}}}, "version": 1})").status, 200);
  ASSERT_EQ(http().put("/_component_template/ct-second", R"({"template":{
      "settings":{"number_of_shards":3},
      "mappings":{"properties":{"f":{"type":"text"},"obj":{"properties":{"b":{"type":"long"}}}}}}})").status, 200);
  auto r = http().get("/_component_template/ct-first");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jstr(r.json(), "component_templates.0.name"), "ct-first") << r.body;
  EXPECT_EQ(jstr(r.json(), "component_templates.0.component_template.template.settings.index.number_of_shards"), "2") << r.body;
  EXPECT_EQ(jint(r.json(), "component_templates.0.component_template.version"), 1) << r.body;

  ASSERT_EQ(http().put("/_index_template/composed", R"({"index_patterns":["comp-*"],
      "composed_of":["ct-first","ct-second"],
      "template":{"settings":{"refresh_interval":"7s"},"mappings":{"properties":{"h":{"type":"boolean"}}}}})").status, 200);
  ASSERT_EQ(http().put("/comp-1", "").status, 200);
  EXPECT_EQ(setting("comp-1", "index.number_of_shards"), "3") << "the later component wins";
  EXPECT_EQ(setting("comp-1", "index.refresh_interval"), "7s") << "the index template wins over its components";
  EXPECT_EQ(field_type("comp-1", "f"), "text") << "a field defined again is replaced by the later definition";
  EXPECT_EQ(field_type("comp-1", "g"), "long");
  EXPECT_EQ(field_type("comp-1", "h"), "boolean");
  EXPECT_EQ(field_type("comp-1", "obj.a"), "keyword") << "objects merge field by field";
  EXPECT_EQ(field_type("comp-1", "obj.b"), "long");
  EXPECT_EQ(http().head("/ct-alias").status, 200) << "aliases of components apply";

  // A component in use cannot be removed, nor changed into something that breaks a template.
  r = http().del("/_component_template/ct-first");
  EXPECT_TRUE(is_es_error(r, 400, "illegal_argument_exception")) << describe(r);
  EXPECT_EQ(jstr(r.json(), "error.reason"),
            "component templates [ct-first] cannot be removed as they are still in use by index templates [composed]");
  r = http().put("/_component_template/ct-second", R"({"template":{"settings":{"number_of_shards":"many"}}})");
  EXPECT_EQ(r.status, 400) << describe(r);
  // A composed_of naming a missing component.
  r = http().put("/_index_template/broken", R"({"index_patterns":["broken-*"],"composed_of":["ct-first","nope"]})");
  EXPECT_TRUE(is_es_error(r, 400, "invalid_index_template_exception")) << describe(r);
  EXPECT_EQ(jstr(r.json(), "error.reason"),
            "index_template [broken] invalid, cause [index template [broken] specifies component templates [nope] that do not exist]");
  // ... unless it is listed in ignore_missing_component_templates.
  EXPECT_EQ(http().put("/_index_template/broken", R"({"index_patterns":["broken-*"],"composed_of":["ct-first","nope"],
      "ignore_missing_component_templates":["nope"]})").status, 200);
  http().del("/comp-1");
}

TEST_F(TemplatesTest, RequestWinsOverTemplate) {
  ASSERT_EQ(http().put("/_index_template/req", R"({"index_patterns":["req-*"],"template":{
      "settings":{"number_of_shards":3,"number_of_replicas":0},
      "mappings":{"dynamic":"strict","properties":{"f":{"type":"keyword"},"g":{"type":"long"}}},
      "aliases":{"req-a":{"filter":{"term":{"f":"x"}}},"req-b":{}}}})").status, 200);
  auto r = http().put("/req-1", R"({"settings":{"index":{"number_of_shards":1}},
      "mappings":{"dynamic":true,"properties":{"f":{"type":"text"},"k":{"type":"keyword"}}},
      "aliases":{"req-a":{},"req-c":{}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(setting("req-1", "index.number_of_shards"), "1");
  EXPECT_EQ(setting("req-1", "index.number_of_replicas"), "0");
  EXPECT_EQ(field_type("req-1", "f"), "text");
  EXPECT_EQ(field_type("req-1", "g"), "long");
  EXPECT_EQ(field_type("req-1", "k"), "keyword");
  r = http().get("/req-1");
  auto d = r.json();
  EXPECT_EQ(jstr(d, "req-1.mappings.dynamic"), "true") << r.body;
  EXPECT_EQ(to_json(*jpath(d, "req-1.aliases")), R"({"req-a":{},"req-b":{},"req-c":{}})")
      << "the request's definition of req-a (no filter) replaces the template's";
  // Something the template would refuse in the request is still an error of the request.
  r = http().put("/req-2", R"({"mappings":{"properties":{"g":{"type":"no_such_type"}}}})");
  EXPECT_TRUE(is_es_error(r, 400, "mapper_parsing_exception")) << describe(r);
  r = http().put("/req-2", R"({"settings":{"number_of_shards":1},"bogus":1})");
  EXPECT_EQ(r.status, 400) << describe(r);
  EXPECT_EQ(http().head("/req-2").status, 404);
  http().del("/req-1");
}

TEST_F(TemplatesTest, IndicesCreatedByWritesGetTheTemplate) {
  ASSERT_EQ(http().put("/_index_template/auto", R"({"index_patterns":["auto-*"],"template":{
      "settings":{"number_of_shards":2},
      "mappings":{"properties":{"votes":{"type":"long"},"created":{"type":"date","format":"epoch_second"}}}}})").status, 200);
  Ndjson b;
  b.index("auto-bulk", "1", R"({"votes":"12","created":1600000000,"text":"hello"})");
  auto r = http().bulk("/_bulk?refresh=true", b.str());
  ASSERT_EQ(r.status, 200) << describe(r);
  ASSERT_FALSE(jbool(r.json(), "errors", true)) << r.body;
  EXPECT_EQ(setting("auto-bulk", "index.number_of_shards"), "2");
  EXPECT_EQ(field_type("auto-bulk", "votes"), "long") << "without the template a string becomes text";
  EXPECT_EQ(field_type("auto-bulk", "created"), "date");
  r = http().post("/auto-bulk/_count", R"({"query":{"range":{"created":{"gte":"2020-09-01","lt":"2020-10-01","format":"yyyy-MM-dd"}}}})");
  EXPECT_EQ(jint(r.json(), "count"), 1) << describe(r);

  // A single-document write creates the index the same way.
  r = http().put("/auto-doc/_doc/1?refresh=true", R"({"votes":"3"})");
  ASSERT_EQ(r.status, 201) << describe(r);
  EXPECT_EQ(field_type("auto-doc", "votes"), "long");

  // allow_auto_create: false refuses auto-creation (an explicit create still works).
  ASSERT_EQ(http().put("/_index_template/no-auto", R"({"index_patterns":["noauto-*"],"allow_auto_create":false})").status, 200);
  r = http().bulk("/_bulk", Ndjson().index("noauto-1", "1", "{}").str());
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jstr(r.json(), "items.0.index.error.type"), "index_not_found_exception") << r.body;
  EXPECT_EQ(jstr(r.json(), "items.0.index.error.reason"),
            "no such index [composable template [noauto-*] forbids index auto creation]") << r.body;
  EXPECT_EQ(http().head("/noauto-1").status, 404);
  EXPECT_EQ(http().put("/noauto-1", "").status, 200);
  for (const char* i : {"/auto-bulk", "/auto-doc", "/noauto-1"}) http().del(i);
}

TEST_F(TemplatesTest, SimulateIndexAndTemplate) {
  ASSERT_EQ(http().put("/_component_template/sim-ct", R"({"template":{"mappings":{"properties":{"a":{"type":"keyword"}}}}})").status, 200);
  ASSERT_EQ(http().put("/_index_template/sim", R"({"index_patterns":["sim-*"],"priority":2,"composed_of":["sim-ct"],
      "template":{"settings":{"number_of_shards":2},"aliases":{"sim-all":{}}}})").status, 200);
  ASSERT_EQ(http().put("/_index_template/sim-low", R"({"index_patterns":["sim-*"],"priority":1})").status, 200);
  auto r = http().post("/_index_template/_simulate_index/sim-1");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto d = r.json();
  EXPECT_EQ(jstr(d, "template.settings.index.number_of_shards"), "2") << r.body;
  EXPECT_EQ(jstr(d, "template.mappings.properties.a.type"), "keyword") << r.body;
  EXPECT_TRUE(jhas(d, "template.aliases.sim-all")) << r.body;
  EXPECT_EQ(jstr(d, "overlapping.0.name"), "sim-low") << r.body;
  EXPECT_EQ(http().head("/sim-1").status, 404) << "simulating created the index";
  // No template: an empty answer.
  r = http().post("/_index_template/_simulate_index/nomatch-1");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_FALSE(jhas(r.json(), "template")) << r.body;

  r = http().post("/_index_template/_simulate/sim");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jstr(r.json(), "template.mappings.properties.a.type"), "keyword") << r.body;
  r = http().post("/_index_template/_simulate", R"({"index_patterns":["x-*"],"composed_of":["sim-ct"]})");
  ASSERT_EQ(r.status, 200) << describe(r);
  EXPECT_EQ(jstr(r.json(), "template.mappings.properties.a.type"), "keyword") << r.body;
  r = http().post("/_index_template/_simulate/nope");
  EXPECT_TRUE(is_es_error(r, 404, "resource_not_found_exception")) << describe(r);
}

TEST_F(TemplatesTest, ClientErrorsAreElasticsearchErrors) {
  struct Case {
    const char* method;
    const char* target;
    const char* body;
    int status;
    const char* type;
  };
  const Case cases[] = {
      {"PUT", "/_index_template/e1", R"({"index_patterns":["e-*"],"unknown_key":1})", 400, "x_content_parse_exception"},
      {"PUT", "/_index_template/e1", R"({"priority":1})", 400, "x_content_parse_exception"},
      {"PUT", "/_index_template/e1", R"({"index_patterns":[1]})", 400, "x_content_parse_exception"},
      {"PUT", "/_index_template/e1", R"({"index_patterns":["e-*"],"priority":"high"})", 400, "x_content_parse_exception"},
      {"PUT", "/_index_template/e1", R"({"index_patterns":["e-*"],"template":{"settingz":{}}})", 400, "x_content_parse_exception"},
      {"PUT", "/_index_template/e1", R"({"index_patterns":["e-*"],"template":"x"})", 400, "x_content_parse_exception"},
      {"PUT", "/_index_template/e1", R"({"index_patterns":["e-*"],"priority":-1})", 400, "action_request_validation_exception"},
      {"PUT", "/_index_template/e1", R"({"index_patterns":["e-*"],"template":{"settings":{"number_of_shards":0}}})", 400, "invalid_index_template_exception"},
      {"PUT", "/_index_template/e1", R"({"index_patterns":["e-*"],"template":{"settings":{"no_such_setting":1}}})", 400, "invalid_index_template_exception"},
      {"PUT", "/_index_template/e1", R"({"index_patterns":["e-*"],"template":{"mappings":{"properties":{"f":{"type":"nope"}}}}})", 400, "mapper_parsing_exception"},
      {"PUT", "/_index_template/e1", R"({"index_patterns":["e-*"],"template":{"aliases":{"a":"x"}}})", 400, "parsing_exception"},
      {"PUT", "/_index_template/e1", R"({"index_patterns":["e-*"],"template":{"aliases":{"e-*":{}}}})", 400, "illegal_argument_exception"},
      {"PUT", "/_index_template/e1", R"({"index_patterns":["e-*"],"data_stream":{}})", 400, "illegal_argument_exception"},
      {"PUT", "/_index_template/e1", R"({"index_patterns":["has space"]})", 400, "invalid_index_template_exception"},
      {"PUT", "/_index_template/e1", R"({"index_patterns":["_under"]})", 400, "invalid_index_template_exception"},
      {"PUT", "/_index_template/E1", R"({"index_patterns":["e-*"]})", 400, "invalid_index_template_exception"},
      {"PUT", "/_index_template/_e1", R"({"index_patterns":["e-*"]})", 400, "invalid_index_template_exception"},
      {"PUT", "/_index_template/e1", R"({"index_patterns":["*"],"template":{"settings":{"index.hidden":true}}})", 400, "invalid_index_template_exception"},
      {"PUT", "/_index_template/e1", R"({"index_patterns": )", 400, "parsing_exception"},
      {"PUT", "/_index_template/e1", "", 400, "parsing_exception"},
      {"PUT", "/_index_template/e1", "[1]", 400, "parsing_exception"},
      {"PUT", "/_index_template/e1?create=maybe", R"({"index_patterns":["e-*"]})", 400, "illegal_argument_exception"},
      {"PUT", "/_index_template/e1?bogus=1", R"({"index_patterns":["e-*"]})", 400, "illegal_argument_exception"},
      {"GET", "/_index_template/missing", "", 404, "resource_not_found_exception"},
      {"DELETE", "/_index_template/missing", "", 404, "index_template_missing_exception"},
      {"PUT", "/_component_template/c1", R"({"settings":{}})", 400, "x_content_parse_exception"},
      {"PUT", "/_component_template/c1", R"({"template":{},"extra":1})", 400, "x_content_parse_exception"},
      {"PUT", "/_component_template/c1", R"({"template":{"mappings":{"properties":{"f":{"type":"nope"}}}}})", 400, "mapper_parsing_exception"},
      {"GET", "/_component_template/missing", "", 404, "resource_not_found_exception"},
      {"DELETE", "/_component_template/missing", "", 404, "resource_not_found_exception"},
  };
  for (const auto& c : cases) {
    auto r = http().request(c.method, c.target, c.body);
    EXPECT_TRUE(is_es_error(r, c.status, c.type)) << c.method << " " << c.target << " " << c.body << "\n" << describe(r);
  }
  EXPECT_EQ(http().get("/_index_template").body, R"({"index_templates":[]})") << "a refused template was stored";
  // create=true on an existing name.
  ASSERT_EQ(http().put("/_index_template/e1", R"({"index_patterns":["e-*"]})").status, 200);
  auto r = http().put("/_index_template/e1?create=true", R"({"index_patterns":["e-*"]})");
  EXPECT_TRUE(is_es_error(r, 400, "illegal_argument_exception")) << describe(r);
  EXPECT_EQ(jstr(r.json(), "error.reason"), "index template [e1] already exists");
  ASSERT_EQ(http().put("/_component_template/c1", R"({"template":{}})").status, 200);
  r = http().put("/_component_template/c1?create", R"({"template":{}})");
  EXPECT_TRUE(is_es_error(r, 400, "illegal_argument_exception")) << describe(r);
}

// Templates survive a clean restart and still apply to new indices.
TEST(TemplatesRestartTest, TemplatesSurviveRestart) {
  Quarryd q;
  ASSERT_TRUE(q.start()) << q.last_error();
  ASSERT_EQ(q.http().put("/_component_template/keep-ct", R"({"template":{"mappings":{"properties":{"n":{"type":"long"}}}}})").status, 200);
  ASSERT_EQ(q.http().put("/_index_template/keep", R"({"index_patterns":["keep-*"],"composed_of":["keep-ct"],"priority":4,
      "template":{"settings":{"number_of_shards":2}},"_meta":{"k":"v"}})").status, 200);
  ASSERT_EQ(q.http().put("/_index_template/gone", R"({"index_patterns":["gone-*"]})").status, 200);
  ASSERT_EQ(q.http().del("/_index_template/gone").status, 200);
  std::string before = q.http().get("/_index_template").body;
  std::string before_ct = q.http().get("/_component_template").body;
  ASSERT_EQ(q.stop(), 0) << q.logs();

  ASSERT_TRUE(q.start()) << q.last_error();
  auto& http = q.http();
  EXPECT_EQ(http.get("/_index_template").body, before);
  EXPECT_EQ(http.get("/_component_template").body, before_ct);
  EXPECT_EQ(http.head("/_index_template/gone").status, 404);
  auto r = http.put("/keep-1/_doc/1", R"({"n":"5"})");
  ASSERT_EQ(r.status, 201) << describe(r);
  r = http.get("/keep-1");
  EXPECT_EQ(jstr(r.json(), "keep-1.mappings.properties.n.type"), "long") << r.body;
  EXPECT_EQ(jstr(r.json(), "keep-1.settings.index.number_of_shards"), "2") << r.body;
  // The overlap rule still holds against the restored templates.
  r = http.put("/_index_template/clash", R"({"index_patterns":["keep-x*"],"priority":4})");
  EXPECT_TRUE(is_es_error(r, 400, "illegal_argument_exception")) << describe(r);
}

// The shipped Steam review template: installable as is, and the indices it matches get the
// review mapping (timestamps in epoch seconds as dates, booleans, numbers) and two shards.
TEST_F(TemplatesTest, ShippedSteamReviewTemplate) {
  std::string tmpl = read_file(fs::path(QUARRY_SOURCE_DIR) / "scripts" / "steam_reviews_template.json");
  auto r = http().put("/_index_template/steam-reviews", tmpl);
  ASSERT_EQ(r.status, 200) << describe(r);
  r = http().get("/_index_template/steam-reviews");
  auto d = r.json();
  EXPECT_EQ(to_json(*jpath(d, "index_templates.0.index_template.index_patterns")), R"(["reviews*","steam-reviews*"])");

  // A review as in the Steam Reviews 2021 data set, written to an index that does not exist yet.
  const char* review = R"({"app_id":292030,"app_name":"The Witcher 3: Wild Hunt","review_id":"85185598",
      "language":"english","review":"One of the best <b>RPGs</b> ever made","timestamp_created":1611381629,
      "timestamp_updated":1611381629,"recommended":true,"votes_helpful":2,"votes_funny":0,
      "weighted_vote_score":0.523809552192688,"comment_count":0,"steam_purchase":true,"received_for_free":false,
      "written_during_early_access":false,"author":{"steamid":"76561199095369542","num_games_owned":6,
      "num_reviews":2,"playtime_forever":1909.0,"playtime_last_two_weeks":1448.0,"playtime_at_review":1909.0,
      "last_played":1611343383}})";
  r = http().put("/steam-reviews-2021/_doc/85185598?refresh=true", review);
  ASSERT_EQ(r.status, 201) << describe(r);
  EXPECT_EQ(setting("steam-reviews-2021", "index.number_of_shards"), "2");
  const std::pair<const char*, const char*> expected[] = {
      {"app_id", "long"}, {"app_name", "text"}, {"review_id", "keyword"},
      {"language", "keyword"}, {"review", "text"}, {"timestamp_created", "date"}, {"timestamp_updated", "date"},
      {"recommended", "boolean"}, {"votes_helpful", "long"}, {"votes_funny", "long"},
      {"weighted_vote_score", "double"}, {"comment_count", "long"}, {"steam_purchase", "boolean"},
      {"received_for_free", "boolean"}, {"written_during_early_access", "boolean"}, {"author.steamid", "keyword"},
      {"author.num_games_owned", "long"}, {"author.num_reviews", "long"}, {"author.playtime_forever", "long"},
      {"author.playtime_last_two_weeks", "long"}, {"author.playtime_at_review", "long"},
      {"author.last_played", "date"}};
  for (const auto& [field, type] : expected) {
    EXPECT_EQ(field_type("steam-reviews-2021", field), type) << field;
  }
  r = http().get("/steam-reviews-2021/_mapping");
  EXPECT_EQ(jstr(r.json(), "steam-reviews-2021.mappings.properties.app_name.fields.keyword.type"), "keyword") << r.body;
  // Timestamps are epoch seconds (January 2021 here); queries give other formats explicitly.
  r = http().post("/steam-reviews-2021/_count",
                  R"({"query":{"bool":{"filter":[{"range":{"timestamp_created":{"gte":"2021-01-01","lt":"2021-02-01","format":"yyyy-MM-dd"}}},
                      {"range":{"author.last_played":{"gte":1611273600}}},{"term":{"recommended":true}},
                      {"term":{"app_name.keyword":"The Witcher 3: Wild Hunt"}}]}}})");
  EXPECT_EQ(jint(r.json(), "count"), 1) << describe(r);
  http().del("/steam-reviews-2021");
}
