// The extra metrics and the pipelines over HTTP, on 1 and 3 shards: cardinality exact below
// precision_threshold and within 1% above it, percentiles within 1% rank error, extended_stats
// exact, weighted_avg, and pipelines on terms buckets; all checked against values computed here
// from the generated documents.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "harness.h"

using namespace qtest;

namespace {

constexpr int kDocs = 6000;

struct Doc {
  std::string user;    // 5000 distinct: above the default precision_threshold (3000)
  std::string small;   // 200 distinct
  int64_t num;         // 2500 distinct
  double latency;      // skewed, distinct
  std::string group;   // g0..g4
  std::string ip;      // 300 distinct
  bool has_weight;
  int64_t weight;
};

Doc make_doc(int i) {
  Doc d;
  d.user = "user" + std::to_string((i * 7919) % 5000);
  d.small = "s" + std::to_string(i % 200);
  d.num = (i * 13) % 2500;
  // A skewed distribution: squares of a scrambled uniform value.
  double u = static_cast<double>((static_cast<uint64_t>(i) * 2654435761u) % 100003) / 100003.0;
  d.latency = std::round(u * u * 1e6) / 100.0 + i * 1e-6;
  d.group = "g" + std::to_string(i % 5);
  d.ip = "10.0." + std::to_string(i % 3) + "." + std::to_string(i % 100);
  d.has_weight = i % 7 != 0;
  d.weight = i % 4 + 1;
  return d;
}

std::string source_of(const Doc& d) {
  std::string s = R"({"user":")" + d.user + R"(","small":")" + d.small + R"(","num":)" + std::to_string(d.num) +
                  R"(,"latency":)" + std::to_string(d.latency) + R"(,"group":")" + d.group + R"(","ip":")" + d.ip + "\"";
  if (d.has_weight) s += R"(,"weight":)" + std::to_string(d.weight);
  return s + "}";
}

// std::to_string rounds to 6 decimals: the server sees exactly what this returns.
double as_indexed(double v) { return std::stod(std::to_string(v)); }

class MetricsTest : public ::testing::TestWithParam<int> {
 protected:
  static void SetUpTestSuite() {
    for (int i = 0; i < kDocs; ++i) docs_.push_back(make_doc(i));
    server_ = new Quarryd();
    started_ = server_->start();
    if (!started_) return;
    auto& h = server_->http();
    setup_ok_ = true;
    for (int shards : {1, 3}) {
      std::string index = "m" + std::to_string(shards);
      auto r = h.put("/" + index, R"({"settings":{"number_of_shards":)" + std::to_string(shards) + R"(},
          "mappings":{"properties":{"user":{"type":"keyword"},"small":{"type":"keyword"},"num":{"type":"long"},
          "latency":{"type":"double"},"group":{"type":"keyword"},"ip":{"type":"ip"},"weight":{"type":"long"}}}})");
      setup_ok_ = setup_ok_ && r.status == 200;
      Ndjson b;
      for (int i = 0; i < kDocs; ++i) b.index(index, "d" + std::to_string(i), source_of(docs_[i]));
      r = h.bulk("/_bulk?refresh=true", b.str());
      setup_ok_ = setup_ok_ && r.status == 200 && !jbool(r.json(), "errors", true);
      if (!setup_ok_) {
        setup_error_ = describe(r);
        return;
      }
    }
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(started_) << server_->last_error();
    ASSERT_TRUE(setup_ok_) << setup_error_;
  }
  rapidjson::Document search(const std::string& body, int expect_status = 200) {
    auto r = server_->http().post("/m" + std::to_string(GetParam()) + "/_search", body);
    EXPECT_EQ(r.status, expect_status) << describe(r);
    return r.json();
  }
  static std::vector<double> sorted_latencies() {
    std::vector<double> v;
    for (const auto& d : docs_) v.push_back(as_indexed(d.latency));
    std::sort(v.begin(), v.end());
    return v;
  }
  // A member whose name contains dots ("99.0") under an object found by jpath.
  static const rapidjson::Value* member(const rapidjson::Value* obj, const std::string& name) {
    if (!obj || !obj->IsObject()) return nullptr;
    auto it = obj->FindMember(name.c_str());
    return it == obj->MemberEnd() ? nullptr : &it->value;
  }

  static std::vector<Doc> docs_;
  static Quarryd* server_;
  static bool started_;
  static bool setup_ok_;
  static std::string setup_error_;
};

std::vector<Doc> MetricsTest::docs_;
Quarryd* MetricsTest::server_ = nullptr;
bool MetricsTest::started_ = false;
bool MetricsTest::setup_ok_ = false;
std::string MetricsTest::setup_error_;

TEST_P(MetricsTest, CardinalityExactBelowThresholdOnEveryFieldType) {
  std::set<std::string> small, ips;
  std::set<int64_t> nums;
  for (const auto& d : docs_) {
    small.insert(d.small);
    nums.insert(d.num);
    ips.insert(d.ip);
  }
  auto r = search(R"({"size":0,"aggs":{"small":{"cardinality":{"field":"small"}},"num":{"cardinality":{"field":"num"}},
      "ip":{"cardinality":{"field":"ip"}},"missing":{"cardinality":{"field":"weight","missing":999}},
      "unmapped":{"cardinality":{"field":"nope"}}}})");
  EXPECT_EQ(jint(r, "aggregations.small.value"), static_cast<int64_t>(small.size())) << to_json(r);
  EXPECT_EQ(jint(r, "aggregations.num.value"), static_cast<int64_t>(nums.size()));
  EXPECT_EQ(jint(r, "aggregations.ip.value"), static_cast<int64_t>(ips.size()));
  EXPECT_EQ(jint(r, "aggregations.missing.value"), 5);  // weights 1..4 and the missing 999
  EXPECT_EQ(jint(r, "aggregations.unmapped.value"), 0);
}

TEST_P(MetricsTest, CardinalityWithinOnePercentAboveThreshold) {
  std::set<std::string> users;
  for (const auto& d : docs_) users.insert(d.user);
  ASSERT_GT(users.size(), 3000u);
  auto r = search(R"({"size":0,"aggs":{"u":{"cardinality":{"field":"user"}},
      "exact":{"cardinality":{"field":"user","precision_threshold":40000}}}})");
  double truth = static_cast<double>(users.size());
  EXPECT_NEAR(static_cast<double>(jint(r, "aggregations.u.value")), truth, truth * 0.01) << to_json(r);
  EXPECT_EQ(jint(r, "aggregations.exact.value"), static_cast<int64_t>(users.size()));
}

TEST_P(MetricsTest, PercentilesWithinOnePercentRankError) {
  auto sorted = sorted_latencies();
  auto r = search(R"({"size":0,"aggs":{"p":{"percentiles":{"field":"latency","percents":[1,5,25,50,75,95,99,99.9]}},
      "r":{"percentile_ranks":{"field":"latency","values":[100,2500,9000]}},
      "nk":{"percentiles":{"field":"latency","percents":[50],"keyed":false}}}})");
  const auto* values = jpath(r, "aggregations.p.values");
  ASSERT_TRUE(values && values->IsObject()) << to_json(r);
  for (auto [key, q] : std::vector<std::pair<std::string, double>>{
           {"1.0", 0.01}, {"5.0", 0.05}, {"25.0", 0.25}, {"50.0", 0.5}, {"75.0", 0.75}, {"95.0", 0.95}, {"99.0", 0.99}, {"99.9", 0.999}}) {
    const auto* v = member(values, key);
    ASSERT_TRUE(v && v->IsNumber()) << key << " in " << to_json(*values);
    double rank = static_cast<double>(std::upper_bound(sorted.begin(), sorted.end(), v->GetDouble()) - sorted.begin()) /
                  static_cast<double>(sorted.size());
    EXPECT_NEAR(rank, q, 0.01) << key;
  }
  const auto* ranks = jpath(r, "aggregations.r.values");
  for (double x : {100.0, 2500.0, 9000.0}) {
    double truth = static_cast<double>(std::upper_bound(sorted.begin(), sorted.end(), x) - sorted.begin()) /
                   static_cast<double>(sorted.size()) * 100;
    const auto* v = member(ranks, x == 100 ? "100.0" : x == 2500 ? "2500.0" : "9000.0");
    ASSERT_TRUE(v && v->IsNumber()) << to_json(r);
    EXPECT_NEAR(v->GetDouble(), truth, 1.0) << x;
  }
  EXPECT_EQ(jpath(r, "aggregations.nk.values.0.key")->GetDouble(), 50.0) << to_json(r);
  EXPECT_TRUE(jpath(r, "aggregations.nk.values.0.value")->IsNumber());
}

TEST_P(MetricsTest, ExtendedStatsExact) {
  double n = 0, sum = 0, sumsq = 0, mn = 1e300, mx = -1e300;
  for (const auto& d : docs_) {
    double v = as_indexed(d.latency);
    n += 1;
    sum += v;
    sumsq += v * v;
    mn = std::min(mn, v);
    mx = std::max(mx, v);
  }
  double avg = sum / n, var = sumsq / n - avg * avg, var_s = (sumsq - sum * sum / n) / (n - 1);
  auto r = search(R"({"size":0,"aggs":{"e":{"extended_stats":{"field":"latency","sigma":3}},
      "none":{"extended_stats":{"field":"nope"}}}})");
  auto near = [&](const std::string& path, double truth) {
    const auto* v = jpath(r, "aggregations.e." + path);
    ASSERT_TRUE(v && v->IsNumber()) << path << " " << to_json(r);
    EXPECT_NEAR(v->GetDouble(), truth, std::fabs(truth) * 1e-9 + 1e-9) << path;
  };
  EXPECT_EQ(jint(r, "aggregations.e.count"), kDocs);
  near("min", mn);
  near("max", mx);
  near("avg", avg);
  near("sum", sum);
  near("sum_of_squares", sumsq);
  near("variance", var);
  near("variance_sampling", var_s);
  near("std_deviation", std::sqrt(var));
  near("std_deviation_sampling", std::sqrt(var_s));
  near("std_deviation_bounds.upper", avg + 3 * std::sqrt(var));
  near("std_deviation_bounds.lower_sampling", avg - 3 * std::sqrt(var_s));
  EXPECT_EQ(jint(r, "aggregations.none.count"), 0);
  EXPECT_TRUE(jpath(r, "aggregations.none.std_deviation")->IsNull()) << to_json(r);
}

TEST_P(MetricsTest, WeightedAvgAndMedianAbsoluteDeviation) {
  double num = 0, den = 0;
  for (const auto& d : docs_) {
    double w = d.has_weight ? static_cast<double>(d.weight) : 2.0;  // "missing": 2
    num += static_cast<double>(d.num) * w;
    den += w;
  }
  auto sorted = sorted_latencies();
  double median = sorted[sorted.size() / 2];
  std::vector<double> dev;
  for (double v : sorted) dev.push_back(std::fabs(v - median));
  std::sort(dev.begin(), dev.end());
  double mad = dev[dev.size() / 2];
  auto r = search(R"({"size":0,"aggs":{"w":{"weighted_avg":{"value":{"field":"num"},"weight":{"field":"weight","missing":2}}},
      "mad":{"median_absolute_deviation":{"field":"latency"}}}})");
  EXPECT_NEAR(jpath(r, "aggregations.w.value")->GetDouble(), num / den, 1e-9 * num / den) << to_json(r);
  EXPECT_NEAR(jpath(r, "aggregations.mad.value")->GetDouble(), mad, mad * 0.02) << to_json(r);
}

TEST_P(MetricsTest, PipelinesOnTermsBuckets) {
  std::map<std::string, std::pair<double, double>> by_group;  // sum, count of latency
  for (const auto& d : docs_) {
    by_group[d.group].first += as_indexed(d.latency);
    by_group[d.group].second += 1;
  }
  auto r = search(R"({"size":0,"aggs":{
      "g":{"terms":{"field":"group","order":{"_key":"asc"}},"aggs":{
        "lat":{"avg":{"field":"latency"}},
        "pct":{"percentiles":{"field":"latency"}},
        "cum":{"cumulative_sum":{"buckets_path":"_count"}},
        "d":{"derivative":{"buckets_path":"lat"}},
        "ratio":{"bucket_script":{"buckets_path":{"a":"lat","p":"pct[99.0]"},"script":"params.a / params.p"}}}},
      "sorted":{"terms":{"field":"group"},"aggs":{
        "lat":{"avg":{"field":"latency"}},
        "keep":{"bucket_selector":{"buckets_path":{"a":"lat.value"},"script":{"source":"params.a > params.t","params":{"t":0}}}},
        "s":{"bucket_sort":{"sort":[{"lat":{"order":"desc"}}],"size":3}}}},
      "best":{"max_bucket":{"buckets_path":"g>lat"}},
      "avg_of_avgs":{"avg_bucket":{"buckets_path":"g>lat"}},
      "st":{"stats_bucket":{"buckets_path":"g>_count"}}}})");
  const auto* buckets = jpath(r, "aggregations.g.buckets");
  ASSERT_TRUE(buckets && buckets->Size() == 5) << to_json(r);
  std::vector<std::pair<double, std::string>> avgs;
  double cum = 0, prev = 0, sum_avgs = 0;
  for (rapidjson::SizeType i = 0; i < 5; ++i) {
    const auto& b = (*buckets)[i];
    std::string key = b["key"].GetString();
    double avg = by_group[key].first / by_group[key].second;
    avgs.emplace_back(avg, key);
    sum_avgs += avg;
    cum += by_group[key].second;
    EXPECT_NEAR(b["lat"]["value"].GetDouble(), avg, 1e-9 * avg);
    EXPECT_EQ(b["cum"]["value"].GetDouble(), cum) << key;
    if (i == 0) {
      EXPECT_FALSE(b.HasMember("d"));
    } else {
      EXPECT_NEAR(b["d"]["value"].GetDouble(), avg - prev, 1e-6) << key;
    }
    EXPECT_NEAR(b["ratio"]["value"].GetDouble(), avg / b["pct"]["values"]["99.0"].GetDouble(), 1e-9);
    prev = avg;
  }
  std::sort(avgs.rbegin(), avgs.rend());
  const auto* sorted = jpath(r, "aggregations.sorted.buckets");
  ASSERT_EQ(sorted->Size(), 3u) << to_json(r);
  for (rapidjson::SizeType i = 0; i < 3; ++i) EXPECT_EQ(std::string((*sorted)[i]["key"].GetString()), avgs[i].second);
  EXPECT_NEAR(jpath(r, "aggregations.best.value")->GetDouble(), avgs[0].first, 1e-9 * avgs[0].first);
  EXPECT_EQ(jstr(r, "aggregations.best.keys.0"), avgs[0].second);
  EXPECT_NEAR(jpath(r, "aggregations.avg_of_avgs.value")->GetDouble(), sum_avgs / 5, 1e-9 * sum_avgs);
  EXPECT_EQ(jint(r, "aggregations.st.count"), 5);
  EXPECT_EQ(jpath(r, "aggregations.st.sum")->GetDouble(), kDocs);
}

TEST_P(MetricsTest, BadParametersAreNamedIn400s) {
  auto r = search(R"({"aggs":{"c":{"cardinality":{"field":"user","precision_threshold":-1}}}})", 400);
  EXPECT_NE(jstr(r, "error.reason").find("precisionThreshold"), std::string::npos) << to_json(r);
  r = search(R"({"aggs":{"p":{"percentiles":{"field":"latency","percents":[]}}}})", 400);
  r = search(R"({"aggs":{"p":{"percentiles":{"field":"latency","tdigest":{"compression":-1}}}}})", 400);
  EXPECT_NE(jstr(r, "error.reason").find("compression"), std::string::npos) << to_json(r);
  r = search(R"({"aggs":{"p":{"percentiles":{"field":"user"}}}})", 400);
  r = search(R"({"aggs":{"e":{"extended_stats":{"field":"latency","sigma":-1}}}})", 400);
  EXPECT_NE(jstr(r, "error.reason").find("sigma"), std::string::npos);
  r = search(R"({"aggs":{"g":{"terms":{"field":"group"},"aggs":{"s":{"bucket_selector":{"buckets_path":{"c":"_count"},
      "script":"Math.max(params.c, 1) > 2"}}}}}})", 400);
  EXPECT_NE(jstr(r, "error.reason").find("Math"), std::string::npos) << to_json(r);
  r = search(R"({"aggs":{"g":{"terms":{"field":"group"}},"b":{"max_bucket":{"buckets_path":"nope>_count"}}}})", 400);
  r = search(R"({"aggs":{"w":{"weighted_avg":{"value":{"field":"num"},"weight":{"field":"weight"},"bogus":1}}}})", 400);
  EXPECT_NE(jstr(r, "error.reason").find("bogus"), std::string::npos);
}

TEST_P(MetricsTest, ResultTypesWithTypedKeysAndParentPipelinePlacement) {
  auto r = server_->http().post("/m" + std::to_string(GetParam()) + "/_search?typed_keys", R"({"size":0,"aggs":{
      "e":{"extended_stats":{"field":"num"}},"c":{"cardinality":{"field":"user"}},
      "p":{"percentiles":{"field":"num"}},"r":{"percentile_ranks":{"field":"num","values":[10]}},
      "g":{"terms":{"field":"group"},"aggs":{"s":{"sum":{"field":"num"}},"d":{"derivative":{"buckets_path":"s"}}}},
      "m":{"max_bucket":{"buckets_path":"g>s"}},"a":{"avg_bucket":{"buckets_path":"g>s"}}}})");
  ASSERT_EQ(r.status, 200) << describe(r);
  auto j = r.json();
  for (const char* name : {"extended_stats#e", "cardinality#c", "tdigest_percentiles#p", "tdigest_percentile_ranks#r",
                           "sterms#g", "bucket_metric_value#m", "simple_value#a"}) {
    std::string path = "aggregations.";
    path.append(name);
    EXPECT_TRUE(jhas(j, path)) << name << " in " << to_json(j);
  }
  EXPECT_TRUE(jhas(j, "aggregations.sterms#g.buckets.1.derivative#d.value")) << to_json(j);
  // A parent pipeline needs an enclosing multi-bucket aggregation.
  auto bad = search(R"({"aggs":{"d":{"derivative":{"buckets_path":"x"}}}})", 400);
  EXPECT_EQ(jstr(bad, "error.type"), "action_request_validation_exception") << to_json(bad);
}

INSTANTIATE_TEST_SUITE_P(Shards, MetricsTest, ::testing::Values(1, 3), [](const auto& info) {
  return std::to_string(info.param) + "shards";
});

}  // namespace
