// Time series mapping parameters and index settings: time_series_metric / time_series_dimension
// are validated and echoed; index.mode: time_series needs a routing_path of dimensions; in such
// an index a counter field refuses avg, sum, stats, terms, ... (min and max still work, as in
// Elasticsearch), while in a standard index every aggregation reads it like any long.
#include <gtest/gtest.h>

#include "harness.h"

using namespace qtest;

namespace {

constexpr const char* kTsdbSettings = R"("settings":{"index":{"mode":"time_series","routing_path":["host"],
    "time_series":{"start_time":"2023-01-01T00:00:00Z","end_time":"2024-01-01T00:00:00Z"}}})";
constexpr const char* kMappings = R"("mappings":{"properties":{"host":{"type":"keyword","time_series_dimension":true},
    "bytes":{"type":"long","time_series_metric":"counter"},"load":{"type":"double","time_series_metric":"gauge"}}})";

class TimeSeriesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new Quarryd();
    started_ = server_->start();
    if (!started_) return;
    auto& h = server_->http();
    auto a = h.put("/tsdb", std::string("{") + kTsdbSettings + "," + kMappings + "}");
    auto b = h.put("/plain", std::string("{") + kMappings + "}");
    setup_ok_ = a.status == 200 && b.status == 200;
    setup_error_ = describe(a) + "\n" + describe(b);
    Ndjson n;
    for (const char* index : {"tsdb", "plain"}) {
      n.index(index, "1", R"({"host":"a","bytes":10,"load":0.5})");
      n.index(index, "2", R"({"host":"b","bytes":30,"load":1.5})");
    }
    auto r = h.bulk("/_bulk?refresh=true", n.str());
    setup_ok_ = setup_ok_ && r.status == 200 && !jbool(r.json(), "errors", true);
    if (r.status != 200) setup_error_ = describe(r);
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(started_) << server_->last_error();
    ASSERT_TRUE(setup_ok_) << setup_error_;
  }
  HttpClient& http() { return server_->http(); }
  HttpResponse agg(const std::string& index, const std::string& type, const std::string& field) {
    return http().post("/" + index + "/_search",
                       R"({"size":0,"aggs":{"a":{")" + type + R"(":{"field":")" + field + R"("}}}})");
  }

  static Quarryd* server_;
  static bool started_;
  static bool setup_ok_;
  static std::string setup_error_;
};

Quarryd* TimeSeriesTest::server_ = nullptr;
bool TimeSeriesTest::started_ = false;
bool TimeSeriesTest::setup_ok_ = false;
std::string TimeSeriesTest::setup_error_;

TEST_F(TimeSeriesTest, MappingAndSettingsAreEchoed) {
  auto m = http().get("/tsdb/_mapping");
  ASSERT_EQ(m.status, 200) << describe(m);
  auto j = m.json();
  EXPECT_EQ(jstr(j, "tsdb.mappings.properties.bytes.time_series_metric"), "counter");
  EXPECT_EQ(jstr(j, "tsdb.mappings.properties.load.time_series_metric"), "gauge");
  EXPECT_TRUE(jbool(j, "tsdb.mappings.properties.host.time_series_dimension"));
  auto s = http().get("/tsdb/_settings");
  ASSERT_EQ(s.status, 200) << describe(s);
  auto sj = s.json();
  EXPECT_EQ(jstr(sj, "tsdb.settings.index.mode"), "time_series");
  EXPECT_EQ(jstr(sj, "tsdb.settings.index.time_series.start_time"), "2023-01-01T00:00:00Z");
}

TEST_F(TimeSeriesTest, CounterRefusesAvgSumAndTermsInTimeSeriesIndex) {
  for (const char* type : {"avg", "sum", "stats", "value_count", "terms", "cardinality"}) {
    auto r = agg("tsdb", type, "bytes");
    EXPECT_TRUE(is_es_error(r, 400, "illegal_argument_exception")) << type << ": " << describe(r);
    EXPECT_NE(r.body.find(std::string("Field [bytes] of type [long] is not supported for aggregation [") + type + "]"),
              std::string::npos)
        << r.body;
  }
}

TEST_F(TimeSeriesTest, CounterKeepsMinAndMaxInTimeSeriesIndex) {
  auto mn = agg("tsdb", "min", "bytes");
  ASSERT_EQ(mn.status, 200) << describe(mn);
  EXPECT_EQ(jint(mn.json(), "aggregations.a.value"), 10);
  auto mx = agg("tsdb", "max", "bytes");
  ASSERT_EQ(mx.status, 200) << describe(mx);
  EXPECT_EQ(jint(mx.json(), "aggregations.a.value"), 30);
}

TEST_F(TimeSeriesTest, GaugeAndStandardIndexCounterAggregate) {
  auto g = agg("tsdb", "avg", "load");
  ASSERT_EQ(g.status, 200) << describe(g);
  auto s = agg("plain", "sum", "bytes");
  ASSERT_EQ(s.status, 200) << describe(s);
  EXPECT_EQ(jint(s.json(), "aggregations.a.value"), 40);
  auto a = agg("plain", "avg", "bytes");
  ASSERT_EQ(a.status, 200) << describe(a);
  EXPECT_EQ(jint(a.json(), "aggregations.a.value"), 20);
}

TEST_F(TimeSeriesTest, MappingParametersAreValidated) {
  auto bad_metric = http().put("/bad1", R"({"mappings":{"properties":{"x":{"type":"long","time_series_metric":"histogram"}}}})");
  EXPECT_TRUE(is_es_error(bad_metric, 400, "mapper_parsing_exception")) << describe(bad_metric);
  EXPECT_NE(bad_metric.body.find("Unknown value [histogram] for field [time_series_metric] - accepted values are [gauge, counter]"),
            std::string::npos)
      << bad_metric.body;
  auto on_keyword = http().put("/bad2", R"({"mappings":{"properties":{"x":{"type":"keyword","time_series_metric":"gauge"}}}})");
  EXPECT_TRUE(is_es_error(on_keyword, 400, "mapper_parsing_exception")) << describe(on_keyword);
  auto both = http().put(
      "/bad3", R"({"mappings":{"properties":{"x":{"type":"long","time_series_metric":"gauge","time_series_dimension":true}}}})");
  EXPECT_TRUE(is_es_error(both, 400, "mapper_parsing_exception")) << describe(both);
  EXPECT_NE(both.body.find("Field [time_series_metric] cannot be set in conjunction with field [time_series_dimension]"),
            std::string::npos)
      << both.body;
  auto no_dv = http().put("/bad4", R"({"mappings":{"properties":{"x":{"type":"keyword","time_series_dimension":true,"doc_values":false}}}})");
  EXPECT_TRUE(is_es_error(no_dv, 400, "mapper_parsing_exception")) << describe(no_dv);
}

TEST_F(TimeSeriesTest, TimeSeriesSettingsAreValidated) {
  auto no_path = http().put("/bad5", R"({"settings":{"index":{"mode":"time_series"}}})");
  EXPECT_TRUE(is_es_error(no_path, 400, "illegal_argument_exception")) << describe(no_path);
  EXPECT_NE(no_path.body.find("[index.mode=time_series] requires a non-empty [index.routing_path]"), std::string::npos)
      << no_path.body;
  auto not_dim = http().put("/bad6", R"({"settings":{"index":{"mode":"time_series","routing_path":"host"}},
      "mappings":{"properties":{"host":{"type":"keyword"}}}})");
  EXPECT_TRUE(is_es_error(not_dim, 400, "illegal_argument_exception")) << describe(not_dim);
  EXPECT_NE(not_dim.body.find("[host] was not a dimension."), std::string::npos) << not_dim.body;
  auto path_without_mode = http().put("/bad7", R"({"settings":{"index":{"routing_path":"host"}}})");
  EXPECT_TRUE(is_es_error(path_without_mode, 400, "illegal_argument_exception")) << describe(path_without_mode);
  auto bad_mode = http().put("/bad8", R"({"settings":{"index":{"mode":"timeseries"}}})");
  EXPECT_TRUE(is_es_error(bad_mode, 400, "illegal_argument_exception")) << describe(bad_mode);
  auto inverted = http().put("/bad9", R"({"settings":{"index":{"mode":"time_series","routing_path":"h",
      "time_series":{"start_time":"2024-01-01T00:00:00Z","end_time":"2023-01-01T00:00:00Z"}}}})");
  EXPECT_TRUE(is_es_error(inverted, 400, "illegal_argument_exception")) << describe(inverted);
  for (const char* name : {"bad5", "bad6", "bad7", "bad8", "bad9"}) {
    EXPECT_EQ(http().head(std::string("/") + name).status, 404) << name;
  }
}

TEST_F(TimeSeriesTest, MetricCannotChangeOnUpdate) {
  auto r = http().put("/plain/_mapping", R"({"properties":{"bytes":{"type":"long","time_series_metric":"gauge"}}})");
  EXPECT_EQ(r.status, 400) << describe(r);
  EXPECT_NE(r.body.find("Cannot update parameter [time_series_metric] from [counter] to [gauge]"), std::string::npos) << r.body;
}

}  // namespace
