// Bucket aggregations over HTTP on 1 and 3 shards: histogram, date_histogram (monthly, in a time
// zone), range, filters and composite paging, each checked against counts computed here from the
// documents the test loaded; plus bad input (bad interval, too many buckets -> 400).
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "harness.h"

using namespace qtest;

namespace {

constexpr int kDocs = 400;
constexpr int64_t kDay = 86'400'000;
constexpr int64_t kStart = 1'577'836'800'000;  // 2020-01-01T00:00:00Z

struct Doc {
  int64_t n;        // long, 0..997 with gaps
  double price;     // double
  int64_t ts;       // date (epoch millis), spread over about two years
  std::string cat;  // keyword: c0..c4
  bool has_n;       // some documents have no n
};

Doc make_doc(int i) {
  Doc d;
  d.n = (static_cast<int64_t>(i) * 7919) % 997;
  if (d.n >= 300 && d.n < 340) d.n += 100;  // an empty stretch: histogram must report zeros there
  d.price = ((i * 31) % 500) / 4.0;
  d.ts = kStart + (static_cast<int64_t>(i) * 104'729 % 730) * kDay + (static_cast<int64_t>(i) * 3'600'017) % kDay;
  d.cat = "c" + std::to_string((i * 13) % 5);
  d.has_n = i % 11 != 0;
  return d;
}

std::string source_of(const Doc& d) {
  std::string s = R"({"price":)" + std::to_string(d.price) + R"(,"ts":)" + std::to_string(d.ts) + R"(,"cat":")" + d.cat + "\"";
  if (d.has_n) s += R"(,"n":)" + std::to_string(d.n);
  return s + "}";
}

// Civil date of a day number (days since 1970-01-01), Howard Hinnant's algorithm.
void civil(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}
int64_t days_of(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}
int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

class AggsBucketsTest : public ::testing::TestWithParam<int> {
 protected:
  static void SetUpTestSuite() {
    server_ = new Quarryd();
    started_ = server_->start();
    if (!started_) return;
    auto& h = server_->http();
    for (int shards : {1, 3}) {
      std::string index = "b" + std::to_string(shards);
      auto r = h.put("/" + index, R"({"settings":{"number_of_shards":)" + std::to_string(shards) + R"(},
          "mappings":{"properties":{"n":{"type":"long"},"price":{"type":"double"},"ts":{"type":"date"},
          "cat":{"type":"keyword"}}}})");
      setup_ok_ = r.status == 200;
      Ndjson b;
      for (int i = 0; i < kDocs; ++i) b.index(index, "d" + std::to_string(i), source_of(make_doc(i)));
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
  std::string index() const { return "b" + std::to_string(GetParam()); }
  rapidjson::Document search(const std::string& body, int expect_status = 200) {
    auto r = server_->http().post("/" + index() + "/_search", body);
    EXPECT_EQ(r.status, expect_status) << describe(r);
    return r.json();
  }

  static Quarryd* server_;
  static bool started_;
  static bool setup_ok_;
  static std::string setup_error_;
};

Quarryd* AggsBucketsTest::server_ = nullptr;
bool AggsBucketsTest::started_ = false;
bool AggsBucketsTest::setup_ok_ = false;
std::string AggsBucketsTest::setup_error_;

TEST_P(AggsBucketsTest, HistogramCountsEveryIntervalIncludingEmptyOnes) {
  std::map<int64_t, int64_t> truth;
  for (int i = 0; i < kDocs; ++i) {
    Doc d = make_doc(i);
    if (d.has_n) truth[d.n / 20 * 20]++;
  }
  auto r = search(R"({"size":0,"aggs":{"h":{"histogram":{"field":"n","interval":20}}}})");
  const auto* buckets = jpath(r, "aggregations.h.buckets");
  ASSERT_NE(buckets, nullptr) << to_json(r);
  int64_t lo = truth.begin()->first, hi = truth.rbegin()->first;
  ASSERT_EQ(buckets->Size(), static_cast<size_t>((hi - lo) / 20 + 1)) << to_json(r);
  int empty = 0;
  for (size_t i = 0; i < buckets->Size(); ++i) {
    int64_t key = lo + static_cast<int64_t>(i) * 20;
    const auto& b = (*buckets)[static_cast<rapidjson::SizeType>(i)];
    EXPECT_DOUBLE_EQ(jpath(b, "key")->GetDouble(), static_cast<double>(key));
    int64_t expect = truth.count(key) ? truth[key] : 0;
    empty += expect == 0;
    EXPECT_EQ(jint(b, "doc_count"), expect) << "key " << key;
  }
  EXPECT_GT(empty, 0) << "the data was meant to leave empty intervals";
  // min_doc_count 1 leaves only the non-empty ones.
  r = search(R"({"size":0,"aggs":{"h":{"histogram":{"field":"n","interval":20,"min_doc_count":1}}}})");
  EXPECT_EQ(jpath(r, "aggregations.h.buckets")->Size(), truth.size());
}

TEST_P(AggsBucketsTest, DateHistogramMonthlyInATimeZone) {
  const int64_t off = 5 * 3'600'000 + 30 * 60'000;  // +05:30
  std::map<int64_t, int64_t> truth;               // local month start as UTC millis -> count
  for (int i = 0; i < kDocs; ++i) {
    int64_t local = make_doc(i).ts + off;
    int64_t y;
    unsigned m, d;
    civil(floor_div(local, kDay), y, m, d);
    truth[days_of(y, m, 1) * kDay - off]++;
  }
  auto r = search(R"({"size":0,"aggs":{"m":{"date_histogram":{"field":"ts","calendar_interval":"month",
                      "time_zone":"+05:30","format":"yyyy-MM-dd"}}}})");
  const auto* buckets = jpath(r, "aggregations.m.buckets");
  ASSERT_NE(buckets, nullptr) << to_json(r);
  ASSERT_EQ(buckets->Size(), truth.size()) << to_json(r);  // every month of the span has documents
  size_t i = 0;
  for (const auto& [key, count] : truth) {
    const auto& b = (*buckets)[static_cast<rapidjson::SizeType>(i++)];
    EXPECT_EQ(jint(b, "key"), key);
    EXPECT_EQ(jint(b, "doc_count"), count);
    int64_t y;
    unsigned m, d;
    civil(floor_div(key + off, kDay), y, m, d);
    char expect[16];
    std::snprintf(expect, sizeof expect, "%04lld-%02u-01", static_cast<long long>(y), m);
    EXPECT_EQ(jstr(b, "key_as_string"), expect);
  }
  // A named zone from the system's tz database: Berlin midnight is 23:00Z in winter, 22:00Z in summer.
  r = search(R"({"size":0,"query":{"range":{"ts":{"gte":"2020-01-01","lt":"2020-09-01"}}},
                 "aggs":{"m":{"date_histogram":{"field":"ts","calendar_interval":"1M","time_zone":"Europe/Berlin"}}}})");
  const auto* berlin = jpath(r, "aggregations.m.buckets");
  ASSERT_NE(berlin, nullptr) << to_json(r);
  for (const auto& b : berlin->GetArray()) {
    std::string s = jstr(b, "key_as_string");
    if (s.rfind("2020-02-01", 0) == 0) EXPECT_EQ(s, "2020-02-01T00:00:00.000+01:00");
    if (s.rfind("2020-07-01", 0) == 0) {
      EXPECT_EQ(s, "2020-07-01T00:00:00.000+02:00");
      EXPECT_EQ(jint(b, "key"), 1593554400000);
    }
  }
}

TEST_P(AggsBucketsTest, RangeCountsEachRangeExactly) {
  struct R {
    double from, to;
  };
  std::vector<R> ranges = {{-1e300, 10}, {10, 50.25}, {50.25, 100}, {20, 80}, {100, 1e300}};
  std::vector<int64_t> truth(ranges.size());
  for (int i = 0; i < kDocs; ++i) {
    double p = make_doc(i).price;
    for (size_t k = 0; k < ranges.size(); ++k) truth[k] += p >= ranges[k].from && p < ranges[k].to;
  }
  auto r = search(R"({"size":0,"aggs":{"r":{"range":{"field":"price","ranges":[{"to":10},{"from":10,"to":50.25},
      {"from":50.25,"to":100},{"key":"middle","from":20,"to":80},{"from":100}]}}}})");
  const auto* buckets = jpath(r, "aggregations.r.buckets");
  ASSERT_NE(buckets, nullptr) << to_json(r);
  ASSERT_EQ(buckets->Size(), 5u);
  // Sorted by from, then to: *-10, 10-50.25, middle (20-80), 50.25-100, 100-*.
  std::vector<size_t> order = {0, 1, 3, 2, 4};
  std::vector<std::string> keys = {"*-10.0", "10.0-50.25", "middle", "50.25-100.0", "100.0-*"};
  for (size_t i = 0; i < order.size(); ++i) {
    const auto& b = (*buckets)[static_cast<rapidjson::SizeType>(i)];
    EXPECT_EQ(jstr(b, "key"), keys[i]);
    EXPECT_EQ(jint(b, "doc_count"), truth[order[i]]) << keys[i];
  }
}

TEST_P(AggsBucketsTest, FiltersNamedAnonymousAndOtherBucket) {
  int64_t c0 = 0, c1 = 0, cheap = 0, other = 0, cheap_c0 = 0;
  for (int i = 0; i < kDocs; ++i) {
    Doc d = make_doc(i);
    bool a = d.cat == "c0", b = d.cat == "c1", c = d.price < 30;
    c0 += a;
    c1 += b;
    cheap += c;
    cheap_c0 += c && a;
    other += !a && !b && !c;
  }
  auto r = search(R"({"size":0,"aggs":{"f":{"filters":{"other_bucket_key":"rest","filters":{
      "zero":{"term":{"cat":"c0"}},"one":{"term":{"cat":"c1"}},"cheap":{"range":{"price":{"lt":30}}}}},
      "aggs":{"only_c0":{"filter":{"term":{"cat":"c0"}}}}}}})");
  EXPECT_EQ(jint(r, "aggregations.f.buckets.zero.doc_count"), c0) << to_json(r);
  EXPECT_EQ(jint(r, "aggregations.f.buckets.one.doc_count"), c1);
  EXPECT_EQ(jint(r, "aggregations.f.buckets.cheap.doc_count"), cheap);
  EXPECT_EQ(jint(r, "aggregations.f.buckets.cheap.only_c0.doc_count"), cheap_c0);
  EXPECT_EQ(jint(r, "aggregations.f.buckets.rest.doc_count"), other);
  r = search(R"({"size":0,"aggs":{"f":{"filters":{"filters":[{"term":{"cat":"c1"}},{"term":{"cat":"c0"}}]}}}})");
  EXPECT_EQ(jint(r, "aggregations.f.buckets.0.doc_count"), c1) << to_json(r);
  EXPECT_EQ(jint(r, "aggregations.f.buckets.1.doc_count"), c0);
}

TEST_P(AggsBucketsTest, CompositePagesThroughEveryBucketWithAfter) {
  // Key: (cat, n histogram 25, with a missing bucket for documents without n).
  std::map<std::pair<std::string, int64_t>, int64_t> truth;  // n = -1: missing
  for (int i = 0; i < kDocs; ++i) {
    Doc d = make_doc(i);
    truth[{d.cat, d.has_n ? d.n / 25 * 25 : -1}]++;
  }
  std::map<std::pair<std::string, int64_t>, int64_t> seen;
  std::vector<std::pair<std::string, int64_t>> sequence;
  std::string after;
  int pages = 0;
  while (pages < 200) {
    std::string body = R"({"size":0,"aggs":{"c":{"composite":{"size":7,)" + (after.empty() ? "" : "\"after\":" + after + ",") +
                       R"("sources":[{"cat":{"terms":{"field":"cat"}}},{"n":{"histogram":{"field":"n","interval":25,"missing_bucket":true}}}]}}}})";
    auto r = search(body);
    const auto* buckets = jpath(r, "aggregations.c.buckets");
    ASSERT_NE(buckets, nullptr) << to_json(r);
    if (buckets->Size() == 0) break;
    ++pages;
    EXPECT_LE(buckets->Size(), 7u);
    for (const auto& b : buckets->GetArray()) {
      const auto* n = jpath(b, "key.n");
      ASSERT_NE(n, nullptr) << to_json(b);
      std::pair<std::string, int64_t> key{jstr(b, "key.cat"), n->IsNull() ? -1 : static_cast<int64_t>(n->GetDouble())};
      EXPECT_EQ(seen.count(key), 0u) << "bucket returned twice: " << to_json(b);
      seen[key] = jint(b, "doc_count");
      sequence.push_back(key);
    }
    const auto* after_key = jpath(r, "aggregations.c.after_key");
    ASSERT_NE(after_key, nullptr) << to_json(r);
    after = to_json(*after_key);
  }
  EXPECT_EQ(seen, truth);
  EXPECT_EQ(pages, static_cast<int>((truth.size() + 6) / 7));
  // Sorted by cat, then n with the missing bucket first.
  EXPECT_TRUE(std::is_sorted(sequence.begin(), sequence.end()));
}

TEST_P(AggsBucketsTest, BucketAggregationsNestToAnyDepth) {
  // histogram(n, 250) > date_histogram(year) > range(price) > filter(cat c0) > missing(n)
  std::map<std::tuple<int64_t, int64_t, int, bool>, int64_t> truth;  // (n bucket, year, range, c0)
  for (int i = 0; i < kDocs; ++i) {
    Doc d = make_doc(i);
    if (!d.has_n) continue;
    int64_t y;
    unsigned m, day;
    civil(floor_div(d.ts, kDay), y, m, day);
    int range = d.price < 40 ? 0 : 1;
    truth[{d.n / 250 * 250, y, range, false}]++;
    if (d.cat == "c0") truth[{d.n / 250 * 250, y, range, true}]++;
  }
  auto r = search(R"({"size":0,"aggs":{"h":{"histogram":{"field":"n","interval":250,"min_doc_count":1},
      "aggs":{"y":{"date_histogram":{"field":"ts","calendar_interval":"year","format":"yyyy","min_doc_count":1},
      "aggs":{"p":{"range":{"field":"price","keyed":true,"ranges":[{"key":"cheap","to":40},{"key":"dear","from":40}]},
      "aggs":{"c0":{"filter":{"term":{"cat":"c0"}},"aggs":{"no_n":{"missing":{"field":"n"}}}}}}}}}}}})");
  const auto* hs = jpath(r, "aggregations.h.buckets");
  ASSERT_NE(hs, nullptr) << to_json(r);
  int64_t checked = 0;
  for (const auto& h : hs->GetArray()) {
    auto hk = static_cast<int64_t>(jpath(h, "key")->GetDouble());
    for (const auto& y : jpath(h, "y.buckets")->GetArray()) {
      int64_t year = std::stoll(jstr(y, "key_as_string"));
      const char* names[] = {"cheap", "dear"};
      for (int range = 0; range < 2; ++range) {
        const auto* p = jpath(y, std::string("p.buckets.") + names[range]);
        ASSERT_NE(p, nullptr) << to_json(y);
        auto key = std::make_tuple(hk, year, range, false);
        EXPECT_EQ(jint(*p, "doc_count"), truth.count(key) ? truth[key] : 0);
        auto key0 = std::make_tuple(hk, year, range, true);
        EXPECT_EQ(jint(*p, "c0.doc_count"), truth.count(key0) ? truth[key0] : 0);
        EXPECT_EQ(jint(*p, "c0.no_n.doc_count"), 0);
        checked += jint(*p, "doc_count");
      }
    }
  }
  int64_t with_n = 0;
  for (int i = 0; i < kDocs; ++i) with_n += make_doc(i).has_n;
  EXPECT_EQ(checked, with_n);
}

TEST_P(AggsBucketsTest, BadIntervalsAndTooManyBucketsAre400) {
  auto r = search(R"({"size":0,"aggs":{"m":{"date_histogram":{"field":"ts","calendar_interval":"2d"}}}})", 400);
  EXPECT_EQ(jstr(r, "error.type"), "illegal_argument_exception") << to_json(r);
  r = search(R"({"size":0,"aggs":{"m":{"date_histogram":{"field":"ts","fixed_interval":"1month"}}}})", 400);
  EXPECT_EQ(jstr(r, "error.type"), "illegal_argument_exception") << to_json(r);
  r = search(R"({"size":0,"aggs":{"h":{"histogram":{"field":"n","interval":-5}}}})", 400);
  // Two years in 1-minute buckets (empty ones filled): about a million, over search.max_buckets.
  r = search(R"({"size":0,"aggs":{"m":{"date_histogram":{"field":"ts","fixed_interval":"1m"}}}})", 400);
  EXPECT_EQ(jstr(r, "error.type"), "too_many_buckets_exception") << to_json(r);
  r = search(R"({"size":0,"aggs":{"h":{"histogram":{"field":"n","interval":1e-9}}}})", 400);
  EXPECT_EQ(jstr(r, "error.type"), "too_many_buckets_exception") << to_json(r);
  r = search(R"({"size":0,"aggs":{"h":{"histogram":{"field":"n","interval":1,"extended_bounds":{"min":0,"max":1e12}}}}})", 400);
  EXPECT_EQ(jstr(r, "error.type"), "too_many_buckets_exception") << to_json(r);
  // The same with min_doc_count 1 only keeps the non-empty buckets: fine.
  search(R"({"size":0,"aggs":{"m":{"date_histogram":{"field":"ts","fixed_interval":"1m","min_doc_count":1}}}})", 200);
  // global counts every document of the searched indices: top level only.
  r = search(R"({"size":0,"aggs":{"f":{"filter":{"term":{"cat":"c0"}},"aggs":{"all":{"global":{}}}}}})", 400);
  EXPECT_EQ(jstr(r, "error.type"), "illegal_argument_exception") << to_json(r);
  r = search(R"({"size":0,"query":{"term":{"cat":"c0"}},"aggs":{"all":{"global":{},"aggs":{"c1":{"filter":{"term":{"cat":"c1"}}}}}}})");
  int64_t c1 = 0;
  for (int i = 0; i < kDocs; ++i) c1 += make_doc(i).cat == "c1";
  EXPECT_EQ(jint(r, "aggregations.all.doc_count"), kDocs) << to_json(r);
  EXPECT_EQ(jint(r, "aggregations.all.c1.doc_count"), c1);
  // composite pages over its own buckets: not under a multi-bucket aggregation.
  r = search(R"({"size":0,"aggs":{"h":{"histogram":{"field":"n","interval":100},"aggs":{"c":{"composite":{"sources":[{"cat":{"terms":{"field":"cat"}}}]}}}}}})", 400);
  EXPECT_EQ(jstr(r, "error.type"), "illegal_argument_exception") << to_json(r);
  // Unknown zone.
  r = search(R"({"size":0,"aggs":{"m":{"date_histogram":{"field":"ts","calendar_interval":"day","time_zone":"Mars/Olympus"}}}})", 400);
  EXPECT_EQ(jstr(r, "error.type"), "illegal_argument_exception") << to_json(r);
}

INSTANTIATE_TEST_SUITE_P(Shards, AggsBucketsTest, ::testing::Values(1, 3),
                         [](const auto& info) { return std::to_string(info.param) + "_shards"; });

}  // namespace
