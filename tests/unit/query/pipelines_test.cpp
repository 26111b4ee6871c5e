// Pipeline aggregations over synthetic buckets: parent pipelines rewrite buckets (derivative,
// cumulative_sum, bucket_script, bucket_selector, bucket_sort), sibling pipelines summarise them,
// gap policies, buckets_path forms, and the bucket script language.
#include <gtest/gtest.h>

#include <cmath>

#include "query/aggs/agg.h"
#include "query/aggs/bucket_script.h"
#include "query/aggs/registry.h"

using namespace quarry;
using namespace quarry::query::aggs;

namespace {

// A metric result with named numeric properties ("" = its value); missing names are absent.
class FakeDef : public AggDef {
 public:
  Result<std::unique_ptr<Collector>> collector(ShardContext&) const override { return Status::Internal("fake"); }
  PartialPtr empty_partial() const override { return nullptr; }
};
class FakePartial : public Partial {
 public:
  FakePartial(const AggDef* d, std::map<std::string, double> props) : Partial(d), props_(std::move(props)) {}
  void merge(Partial&) override {}
  Status finalize(const ReduceContext&) override { return Status::Ok(); }
  void render(json::Writer&) const override {}
  std::optional<double> property(std::string_view name) const override {
    auto it = props_.find(std::string(name));
    if (it == props_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::map<std::string, double> props_;
};
// A multi-bucket result holding given buckets.
class FakeBuckets : public Partial {
 public:
  FakeBuckets(const AggDef* d, std::vector<Bucket> b) : Partial(d), buckets_(std::move(b)) {}
  void merge(Partial&) override {}
  Status finalize(const ReduceContext&) override { return Status::Ok(); }
  void render(json::Writer&) const override {}
  std::vector<Bucket>* buckets() override { return &buckets_; }

 private:
  std::vector<Bucket> buckets_;
};

class PipelinesTest : public ::testing::Test {
 protected:
  PipelinesTest() {
    metric_.name = "m";
    metric_.type = "stats";
    histo_.name = "h";
    histo_.type = "histogram";
  }
  // Buckets keyed 0..n-1 with doc counts and m.avg / m.max values; NaN = the metric is empty.
  std::vector<Bucket> make(const std::vector<uint64_t>& counts, const std::vector<double>& avgs) {
    std::vector<Bucket> out;
    for (size_t i = 0; i < counts.size(); ++i) {
      Bucket b;
      b.key_json = std::to_string(i);
      b.number = static_cast<double>(i);
      b.doc_count = counts[i];
      b.subs.items.emplace_back(&metric_, std::make_unique<FakePartial>(
                                              &metric_, std::map<std::string, double>{{"avg", avgs[i]}, {"99.0", avgs[i] * 2}}));
      out.push_back(std::move(b));
    }
    return out;
  }
  std::unique_ptr<AggDef> def(const std::string& type, const std::string& body, Status* error = nullptr) {
    json::Document d;
    EXPECT_TRUE(json::parse(body, d).ok());
    auto made = (*Registry::instance().find(type))(d, "p");
    if (error) *error = made.status();
    if (!made.ok()) return nullptr;
    (*made)->name = "p";
    (*made)->type = type;
    return std::move(*made);
  }
  static std::optional<double> value(const Bucket& b) {
    Partial* p = b.subs.find("p");
    if (!p) return std::nullopt;
    return p->property("value");
  }

  FakeDef metric_, histo_;
  ReduceContext ctx_;
  std::vector<std::unique_ptr<AggDef>> defs_;  // keeps definitions alive behind their results
};

TEST_F(PipelinesTest, DerivativeSkipsTheFirstBucketAndGaps) {
  auto d = def("derivative", R"({"buckets_path":"m.avg"})");
  auto buckets = make({1, 2, 3, 4, 5}, {10, 15, NAN, 30, 26});
  ASSERT_TRUE(d->run_parent(buckets, ctx_).ok());
  EXPECT_FALSE(value(buckets[0]));
  EXPECT_EQ(value(buckets[1]), 5);
  EXPECT_FALSE(value(buckets[2]));  // gap
  EXPECT_FALSE(value(buckets[3]));  // no previous value after a skipped gap
  EXPECT_EQ(value(buckets[4]), -4);

  auto zeros = def("derivative", R"({"buckets_path":"m.avg","gap_policy":"insert_zeros"})");
  buckets = make({1, 2, 3}, {10, NAN, 30});
  ASSERT_TRUE(zeros->run_parent(buckets, ctx_).ok());
  EXPECT_EQ(value(buckets[1]), -10);
  EXPECT_EQ(value(buckets[2]), 30);
}

TEST_F(PipelinesTest, CumulativeSumOfCountsAndPercentileBrackets) {
  auto d = def("cumulative_sum", R"({"buckets_path":"_count"})");
  auto buckets = make({1, 2, 3}, {1, 1, 1});
  ASSERT_TRUE(d->run_parent(buckets, ctx_).ok());
  EXPECT_EQ(value(buckets[0]), 1);
  EXPECT_EQ(value(buckets[2]), 6);

  auto pct = def("cumulative_sum", R"({"buckets_path":"m[99.0]"})");
  buckets = make({1, 1}, {1, 2});
  ASSERT_TRUE(pct->run_parent(buckets, ctx_).ok());
  EXPECT_EQ(value(buckets[1]), 6);  // 2 + 4
}

TEST_F(PipelinesTest, BucketSelectorAndBucketScript) {
  auto sel = def("bucket_selector", R"({"buckets_path":{"c":"_count","a":"m.avg"},
      "script":{"source":"params.c > params.min && params.a * 2 != 20 || params.c == 1","params":{"min":2}}})");
  auto buckets = make({1, 2, 3, 4}, {10, 10, 10, 7});
  ASSERT_TRUE(sel->run_parent(buckets, ctx_).ok());
  ASSERT_EQ(buckets.size(), 2u);
  EXPECT_EQ(buckets[0].doc_count, 1u);
  EXPECT_EQ(buckets[1].doc_count, 4u);

  auto script = def("bucket_script", R"({"buckets_path":{"c":"_count","a":"m.avg"},"script":"(params.a - 1) / params.c % 4"})");
  buckets = make({2, 3}, {11, NAN});
  ASSERT_TRUE(script->run_parent(buckets, ctx_).ok());
  EXPECT_EQ(value(buckets[0]), 1);   // (11-1)/2 % 4
  EXPECT_FALSE(value(buckets[1]));   // gap skipped
}

TEST_F(PipelinesTest, BucketSortSortsPagesAndDropsGaps) {
  auto d = def("bucket_sort", R"({"sort":[{"m.avg":{"order":"desc"}},"_count"],"from":1,"size":2})");
  auto buckets = make({5, 4, 3, 2, 1}, {1, 3, NAN, 3, 2});
  ASSERT_TRUE(d->run_parent(buckets, ctx_).ok());
  ASSERT_EQ(buckets.size(), 2u);
  // Sorted: (3,c2) (3,c4) (2,c1) (1,c5); the gap is dropped; from 1 size 2.
  EXPECT_EQ(buckets[0].doc_count, 4u);
  EXPECT_EQ(buckets[1].doc_count, 1u);

  Status st;
  EXPECT_FALSE(def("bucket_sort", R"({})", &st));
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_FALSE(def("bucket_sort", R"({"size":0})", &st));
}

TEST_F(PipelinesTest, BucketSortByKeyComparesStringKeysAsText) {
  auto d = def("bucket_sort", R"({"sort":[{"_key":"desc"}]})");
  auto buckets = make({1, 2, 3}, {1, 1, 1});
  const char* keys[] = {"\"apple\"", "\"cherry\"", "\"banana\""};
  for (size_t i = 0; i < 3; ++i) {
    buckets[i].key_json = keys[i];
    buckets[i].number = 0;  // string keys carry no number
  }
  ASSERT_TRUE(d->run_parent(buckets, ctx_).ok());
  EXPECT_EQ(buckets[0].key_json, "\"cherry\"");
  EXPECT_EQ(buckets[1].key_json, "\"banana\"");
  EXPECT_EQ(buckets[2].key_json, "\"apple\"");
}

TEST_F(PipelinesTest, SiblingPipelinesSummariseTheBuckets) {
  NamedPartials siblings;
  siblings.items.emplace_back(&histo_, std::make_unique<FakeBuckets>(&histo_, make({1, 2, 3, 4}, {4, 9, NAN, 9})));
  auto run = [&](const std::string& type, const std::string& body) {
    auto d = def(type, body);
    auto r = d->run_sibling(siblings, ctx_);
    EXPECT_TRUE(r.ok()) << r.status().message();
    auto out = std::move(*r);
    defs_.push_back(std::move(d));
    return out;
  };
  EXPECT_EQ(run("avg_bucket", R"({"buckets_path":"h>m.avg"})")->property("value"), 22.0 / 3);
  EXPECT_EQ(run("sum_bucket", R"({"buckets_path":"h>m.avg","gap_policy":"insert_zeros"})")->property("value"), 22);
  EXPECT_EQ(run("max_bucket", R"({"buckets_path":"h>m.avg"})")->property("value"), 9);
  EXPECT_EQ(run("min_bucket", R"({"buckets_path":"h>_count"})")->property("value"), 1);
  auto stats = run("stats_bucket", R"({"buckets_path":"h>m.avg"})");
  EXPECT_EQ(stats->property("count"), 3);
  EXPECT_EQ(stats->property("max"), 9);
  EXPECT_EQ(run("percentiles_bucket", R"({"buckets_path":"h>_count","percents":[50]})")->property("50"), 3);

  auto bad = def("avg_bucket", R"({"buckets_path":"nothing>m.avg"})");
  EXPECT_FALSE(bad->run_sibling(siblings, ctx_).ok());
  // A multi-value metric without a value name is an error, not a gap.
  auto vague = def("avg_bucket", R"({"buckets_path":"h>m"})");
  auto r = vague->run_sibling(siblings, ctx_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kAggregationExecution);
}

TEST_F(PipelinesTest, UnknownParametersAndGapPoliciesAreRefused) {
  Status st;
  EXPECT_FALSE(def("derivative", R"({"buckets_path":"m.avg","gap_policy":"bogus"})", &st));
  EXPECT_NE(st.message().find("bogus"), std::string::npos);
  EXPECT_FALSE(def("derivative", R"({"buckets_path":"m.avg","unit":"1d"})", &st));
  EXPECT_NE(st.message().find("unit"), std::string::npos);
  EXPECT_FALSE(def("avg_bucket", R"({"buckets_path":"h>m.avg","window":3})", &st));
  EXPECT_NE(st.message().find("window"), std::string::npos);
}

TEST(BucketScript, ExpressionsAndRefusals) {
  auto e = ScriptExpr::compile("params.a + 2 * b - -1 >= 7 && !(params['a'] == 3)", {"a", "b"}, "bucket_selector");
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_EQ(e->eval({2, 2}), 1);
  EXPECT_EQ(e->eval({3, 2}), 0);
  EXPECT_EQ(e->eval({NAN, 2}), 0);  // comparisons with a gap are false
  std::string chain = "params.a";
  for (int i = 0; i < 100000; ++i) chain += " + 1";
  auto too_long = ScriptExpr::compile(chain, {"a"}, "bucket_script");
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(too_long.status().message().find("too long"), std::string::npos);
  auto r = ScriptExpr::compile("return params.a / 4;", {"a"}, "bucket_script");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->eval({10}), 2.5);
  for (const char* bad : {"Math.log(params.a)", "params.a > ", "params.z > 1", "params.a = 1", "doc['x'].value",
                          "params.a ? 1 : 2", "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))"}) {
    auto c = ScriptExpr::compile(bad, {"a"}, "bucket_selector");
    EXPECT_FALSE(c.ok()) << bad;
    if (!c.ok()) {
      EXPECT_EQ(c.status().code(), Code::kParsing) << bad;
    }
  }
}

}  // namespace
