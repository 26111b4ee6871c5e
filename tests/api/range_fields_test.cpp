// Range fields (integer_range ... ip_range) over HTTP on 1 and 3 shards: range queries with each
// relation, term and terms queries, multi-valued ranges, date_range formats / date math /
// time_zone, and histogram / date_histogram over range fields (a document counts once in every
// bucket its ranges overlap; hard_bounds, offset, extended_bounds, min_doc_count; the per-document
// bucket limit for open ranges), each checked against answers computed here from the documents the
// test loaded; plus the errors (bad relation, ip_range histogram, terms / sort on a range field).
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <vector>

#include "harness.h"

using namespace qtest;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Span {
  double lo, hi;  // inclusive, as indexed (gt / lt already stepped)
};

// The long_range field `l` of each document (absent = no field), as JSON and as inclusive spans.
struct LongDoc {
  std::string id;
  std::string json;  // "" = the document has no `l`
  std::vector<Span> spans;
};

const std::vector<LongDoc>& long_docs() {
  static const std::vector<LongDoc> docs = {
      {"1", R"({"gte":1,"lte":5})", {{1, 5}}},
      {"2", R"({"gt":5,"lt":10})", {{6, 9}}},
      {"3", R"({"gte":8})", {{8, kInf}}},
      {"4", R"({"lte":2,"gte":null})", {{-kInf, 2}}},
      {"5", R"([{"gte":30,"lte":31},{"gte":20,"lte":22}])", {{20, 22}, {30, 31}}},
      {"6", "", {}},
      {"7", R"({"gte":12,"lte":12})", {{12, 12}}},
  };
  return docs;
}

enum class Rel { kIntersects, kWithin, kContains };

std::set<std::string> expected_ids(Rel rel, double lo, double hi,
                                   const std::set<std::string>& only = {}) {
  std::set<std::string> out;
  if (lo > hi) return out;  // an empty query range matches nothing
  for (const auto& d : long_docs()) {
    if (!only.empty() && !only.count(d.id)) continue;
    for (const Span& s : d.spans) {
      bool ok = rel == Rel::kIntersects ? s.lo <= hi && s.hi >= lo
                : rel == Rel::kWithin   ? lo <= s.lo && s.hi <= hi
                                        : s.lo <= lo && hi <= s.hi;
      if (ok) out.insert(d.id);
    }
  }
  return out;
}

// Histogram truth: key -> documents, a document once per bucket, spans clipped to [min, max].
std::map<double, int64_t> expected_histogram(double interval, double offset, double min, double max,
                                             const std::set<std::string>& only = {}) {
  std::map<double, int64_t> counts;
  for (const auto& d : long_docs()) {
    if (!only.empty() && !only.count(d.id)) continue;
    std::set<double> keys;
    for (const Span& s : d.spans) {
      double from = std::max(s.lo, min), to = std::min(s.hi, max);
      for (double k = std::floor((from - offset) / interval);
           k <= std::floor((to - offset) / interval); ++k) {
        keys.insert(k * interval + offset);
      }
    }
    for (double k : keys) counts[k]++;
  }
  return counts;
}

class RangeFieldsTest : public ::testing::TestWithParam<int> {
 protected:
  static void SetUpTestSuite() {
    server_ = new Quarryd();
    started_ = server_->start();
    if (!started_) return;
    auto& h = server_->http();
    setup_ok_ = true;
    for (int shards : {1, 3}) {
      std::string index = "spans" + std::to_string(shards);
      auto r =
          h.put("/" + index, R"({"settings":{"number_of_shards":)" + std::to_string(shards) + R"(},
          "mappings":{"properties":{"l":{"type":"long_range"},"n":{"type":"integer_range"},
          "x":{"type":"double_range"},"f":{"type":"float_range"},"net":{"type":"ip_range"},
          "when":{"type":"date_range","format":"yyyy-MM-dd"},"iso":{"type":"date_range"}}}})");
      setup_ok_ = setup_ok_ && r.status == 200;
      Ndjson b;
      for (const auto& d : long_docs()) {
        std::string src = "{";
        if (!d.json.empty()) src += R"("l":)" + d.json;
        if (d.id == "1") {
          src += R"(,"n":{"gte":1,"lte":5},"x":{"gt":0.5,"lt":1.5},"net":"10.0.0.0/8",)"
                 R"("when":{"gte":"2016-01-01","lt":"2016-01-02"})";
        } else if (d.id == "2") {
          src +=
              R"(,"n":[{"gte":1},{"lte":-3}],"f":{"gte":1.1,"lte":2.2},)"
              R"("net":{"gte":"192.168.0.1","lte":"192.168.0.9"},"when":{"gte":"2016-01-02","lt":"2016-01-03"})";
        } else if (d.id == "3") {
          src += R"(,"net":{"gt":"192.168.0.9"},"when":{"gte":"2016-02-01","lt":"2016-02-02"})";
        } else if (d.id == "4") {
          src += R"(,"when":{"gte":"2016-03-01","lt":"2016-03-02"})";
        } else if (d.id == "5") {
          src += R"(,"when":{"gte":"2016-04-01"})";
        } else if (d.id == "6") {
          src += R"("when":{"lt":"2016-02-01"})";
        } else if (d.id == "7") {
          src += R"(,"iso":[{"gte":"2020-01-30T00:00:00Z","lte":"2020-02-02T00:00:00Z"},)"
                 R"({"gte":"2020-02-01T12:00:00Z","lt":"2020-03-01T00:00:00Z"}])";
        }
        b.index(index, d.id, src + "}");
      }
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
  std::string index() const { return "spans" + std::to_string(GetParam()); }
  rapidjson::Document search(const std::string& body, int expect_status = 200) {
    auto r = server_->http().post("/" + index() + "/_search", body);
    EXPECT_EQ(r.status, expect_status) << body << "\n" << describe(r);
    return r.json();
  }
  std::set<std::string> ids(const std::string& query) {
    auto r = search(R"({"size":100,"query":)" + query + "}");
    std::set<std::string> out;
    const auto* hits = jpath(r, "hits.hits");
    if (!hits) return out;
    for (const auto& h : hits->GetArray()) out.insert(h["_id"].GetString());
    return out;
  }
  // Buckets of aggregation "h" as key -> doc_count, in response order (checked ascending).
  std::vector<std::pair<double, int64_t>> buckets(const std::string& body) {
    auto r = search(body);
    std::vector<std::pair<double, int64_t>> out;
    const auto* b = jpath(r, "aggregations.h.buckets");
    EXPECT_NE(b, nullptr) << to_json(r);
    if (!b) return out;
    for (const auto& e : b->GetArray())
      out.emplace_back(e["key"].GetDouble(), e["doc_count"].GetInt64());
    return out;
  }

  static Quarryd* server_;
  static bool started_;
  static bool setup_ok_;
  static std::string setup_error_;
};

Quarryd* RangeFieldsTest::server_ = nullptr;
bool RangeFieldsTest::started_ = false;
bool RangeFieldsTest::setup_ok_ = false;
std::string RangeFieldsTest::setup_error_;

std::string range_query(const std::string& field, const std::string& bounds,
                        const std::string& relation = "") {
  std::string q = R"({"range":{")" + field + R"(":{)" + bounds;
  if (!relation.empty()) q += R"(,"relation":")" + relation + "\"";
  return q + "}}}";
}

TEST_P(RangeFieldsTest, RangeQueriesFollowEachRelation) {
  struct Case {
    std::string bounds;
    double lo, hi;  // the query's inclusive range
  };
  std::vector<Case> cases = {
      {R"("gte":3,"lte":7)", 3, 7},     {R"("gt":5,"lt":8)", 6, 7},     {R"("lte":5)", -kInf, 5},
      {R"("gte":20,"lte":21)", 20, 21}, {R"("gte":0,"lte":40)", 0, 40}, {R"("gte":12)", 12, kInf},
      {R"("from":9,"to":30)", 9, 30},   {R"("gt":12,"lt":13)", 13, 12},  // empty: nothing
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ids(range_query("l", c.bounds)), expected_ids(Rel::kIntersects, c.lo, c.hi))
        << c.bounds;
    EXPECT_EQ(ids(range_query("l", c.bounds, "intersects")),
              expected_ids(Rel::kIntersects, c.lo, c.hi))
        << c.bounds;
    EXPECT_EQ(ids(range_query("l", c.bounds, "WITHIN")), expected_ids(Rel::kWithin, c.lo, c.hi))
        << c.bounds;
    EXPECT_EQ(ids(range_query("l", c.bounds, "contains")), expected_ids(Rel::kContains, c.lo, c.hi))
        << c.bounds;
  }
  // Spot checks of the model itself, so a wrong model cannot hide a wrong server.
  EXPECT_EQ(ids(range_query("l", R"("gte":3,"lte":7)")), (std::set<std::string>{"1", "2"}));
  EXPECT_EQ(ids(range_query("l", R"("gte":20,"lte":21)", "contains")),
            (std::set<std::string>{"3", "5"}));
  EXPECT_EQ(ids(range_query("l", R"("gte":0,"lte":40)", "within")),
            (std::set<std::string>{"1", "2", "5", "7"}));
  // Scores are constant (boost), as for other range queries.
  auto r = search(R"({"query":{"range":{"l":{"gte":3,"lte":7,"boost":2.5}}}})");
  EXPECT_DOUBLE_EQ(jpath(r, "hits.hits.0._score")->GetDouble(), 2.5) << to_json(r);
}

TEST_P(RangeFieldsTest, TermQueriesMatchRangesContainingTheValue) {
  for (double v : {-100.0, 2.0, 5.0, 6.0, 9.0, 12.0, 21.0, 25.0, 30.0}) {
    std::string text = std::to_string(static_cast<int64_t>(v));
    EXPECT_EQ(ids(R"({"term":{"l":)" + text + "}}"), expected_ids(Rel::kIntersects, v, v)) << v;
  }
  EXPECT_EQ(ids(R"({"term":{"l":"30"}})"), (std::set<std::string>{"3", "5"}));
  EXPECT_EQ(ids(R"({"terms":{"l":[5,30]}})"), (std::set<std::string>{"1", "3", "5"}));
  // integer_range, a multi-valued document ({"gte":1} and {"lte":-3}).
  EXPECT_EQ(ids(R"({"term":{"n":4}})"), (std::set<std::string>{"1", "2"}));
  EXPECT_EQ(ids(R"({"term":{"n":0}})"), std::set<std::string>{});
  EXPECT_EQ(ids(R"({"term":{"n":-3}})"), std::set<std::string>{"2"});
  // double_range {"gt":0.5,"lt":1.5}: the open ends are excluded.
  EXPECT_EQ(ids(R"({"term":{"x":0.5}})"), std::set<std::string>{});
  EXPECT_EQ(ids(R"({"term":{"x":1.4999}})"), std::set<std::string>{"1"});
  EXPECT_EQ(ids(range_query("x", R"("lte":0.5)")), std::set<std::string>{});
  EXPECT_EQ(ids(range_query("x", R"("gt":0.5,"lt":1.5)", "within")), std::set<std::string>{"1"});
  // float_range at float precision.
  EXPECT_EQ(ids(R"({"term":{"f":1.1}})"), std::set<std::string>{"2"});
  EXPECT_EQ(ids(R"({"term":{"f":2.3}})"), std::set<std::string>{});
  // ip_range: CIDR values, inclusive and exclusive bounds.
  EXPECT_EQ(ids(R"({"term":{"net":"10.1.2.3"}})"), std::set<std::string>{"1"});
  EXPECT_EQ(ids(R"({"term":{"net":"192.168.0.9"}})"), std::set<std::string>{"2"});
  EXPECT_EQ(ids(R"({"term":{"net":"192.168.0.10"}})"), std::set<std::string>{"3"});
  EXPECT_EQ(ids(range_query("net", R"("gte":"192.168.0.0","lte":"192.168.0.255")", "within")),
            std::set<std::string>{"2"});
  EXPECT_EQ(ids(range_query("net", R"("gte":"10.1.0.0","lte":"10.2.0.0")", "contains")),
            std::set<std::string>{"1"});
}

TEST_P(RangeFieldsTest, DateRangeQueriesReadFormatsDateMathAndTimeZones) {
  // Documents 1..4: single days of 2016 (Jan 1, Jan 2, Feb 1, Mar 1), 5: from Apr 1 on,
  // 6: up to Jan 31.
  EXPECT_EQ(ids(range_query("when", R"("gte":"2016-01-01","lte":"2016-04-01")", "within")),
            (std::set<std::string>{"1", "2", "3", "4"}));
  EXPECT_EQ(ids(R"({"term":{"when":"2016-01-01"}})"), (std::set<std::string>{"1", "6"}));
  EXPECT_EQ(ids(R"({"term":{"when":"2016-04-01"}})"), (std::set<std::string>{"5"}));
  // Date math: [Jan 2, Jan 3) overlaps documents 2 and 6.
  EXPECT_EQ(ids(range_query("when", R"("gte":"2016-01-01||+1d","lt":"2016-01-03")")),
            (std::set<std::string>{"2", "6"}));
  // Rounding: lte Jan 2 rounded up to the day's end contains all of document 2.
  EXPECT_EQ(ids(range_query("when", R"("gte":"2016-01-02||/d","lte":"2016-01-02||/d")", "within")),
            (std::set<std::string>{"2"}));
  // From Jan 2 (UTC) on: all but document 1; in +01:00, Jan 2 starts an hour earlier (document 1
  // ends at 23:59:59.999Z on Jan 1).
  EXPECT_EQ(ids(range_query("when", R"("gte":"2016-01-02")")),
            (std::set<std::string>{"2", "3", "4", "5", "6"}));
  EXPECT_EQ(ids(range_query("when", R"("gte":"2016-01-02","time_zone":"+01:00")")),
            (std::set<std::string>{"1", "2", "3", "4", "5", "6"}));
  EXPECT_EQ(ids(range_query("when", R"("gte":"02/01/2016","format":"dd/MM/yyyy")")),
            (std::set<std::string>{"2", "3", "4", "5", "6"}));
  // A date that does not fit the format is a 400.
  search(R"({"query":{"range":{"when":{"gte":"January"}}}})", 400);
}

TEST_P(RangeFieldsTest, HistogramCountsADocumentInEveryBucketItsRangesOverlap) {
  // hard_bounds clip the open-ended documents 3 and 4.
  auto truth = expected_histogram(5, 0, 0, 40);
  auto got = buckets(
      R"({"size":0,"aggs":{"h":{"histogram":{"field":"l","interval":5,"hard_bounds":{"min":0,"max":40}}}}})");
  ASSERT_EQ(got.size(), 9u);  // keys 0..40, the empty ones filled
  for (const auto& [key, count] : got) EXPECT_EQ(count, truth.count(key) ? truth[key] : 0) << key;
  EXPECT_EQ(got.front().first, 0);
  EXPECT_EQ(got.back().first, 40);
  EXPECT_EQ(got.back().second, 1);  // only the open-ended document 3

  // offset, min_doc_count 1 (no empty buckets).
  truth = expected_histogram(5, 2, 0, 40);
  got = buckets(
      R"({"size":0,"aggs":{"h":{"histogram":{"field":"l","interval":5,"offset":2,"min_doc_count":1,
                 "hard_bounds":{"min":0,"max":40}}}}})");
  ASSERT_EQ(got.size(), truth.size());
  for (const auto& [key, count] : got) EXPECT_EQ(count, truth[key]) << key;

  // Bounded documents only, extended_bounds widen the filled span.
  std::set<std::string> bounded = {"1", "2", "5", "7"};
  truth = expected_histogram(3, 0, -kInf, kInf, bounded);
  got = buckets(R"({"size":0,"query":{"ids":{"values":["1","2","5","7"]}},
                 "aggs":{"h":{"histogram":{"field":"l","interval":3,"extended_bounds":{"min":-6,"max":40}}}}})");
  ASSERT_EQ(got.size(), static_cast<size_t>((39 - -6) / 3 + 1));
  for (const auto& [key, count] : got) EXPECT_EQ(count, truth.count(key) ? truth[key] : 0) << key;
  int64_t in_six = 0;  // key 6 holds document 2 ([6, 9]) only: document 1 ([1, 5]) ends in bucket 3
  for (const auto& [key, count] : got) {
    if (key == 6) in_six = count;
  }
  EXPECT_EQ(in_six, 1);

  // Both ranges of document 5 fall into one bucket: it counts once.
  got = buckets(
      R"({"size":0,"query":{"ids":{"values":["5"]}},"aggs":{"h":{"histogram":{"field":"l","interval":50}}}})");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], std::make_pair(0.0, int64_t{1}));
}

TEST_P(RangeFieldsTest, DateHistogramOverDateRanges) {
  // Monthly, clipped to Nov 2015 .. May 15 2016: document 6 (up to Jan 31) counts in Nov, Dec and
  // Jan; document 5 (from Apr 1) in Apr and May, the bucket holding hard_bounds.max.
  auto r =
      search(R"({"size":0,"aggs":{"h":{"date_histogram":{"field":"when","calendar_interval":"month",
      "hard_bounds":{"min":"2015-11-01","max":"2016-05-15"}}}}})");
  const auto* b = jpath(r, "aggregations.h.buckets");
  ASSERT_NE(b, nullptr) << to_json(r);
  std::vector<std::pair<std::string, int64_t>> want = {
      {"2015-11-01", 1}, {"2015-12-01", 1}, {"2016-01-01", 3}, {"2016-02-01", 1},
      {"2016-03-01", 1}, {"2016-04-01", 1}, {"2016-05-01", 1}};
  ASSERT_EQ(b->Size(), want.size()) << to_json(r);
  for (size_t i = 0; i < want.size(); ++i) {
    // key_as_string in the field's format (yyyy-MM-dd).
    EXPECT_EQ(jstr(r, "aggregations.h.buckets." + std::to_string(i) + ".key_as_string"),
              want[i].first);
    EXPECT_EQ(jint(r, "aggregations.h.buckets." + std::to_string(i) + ".doc_count"), want[i].second)
        << i;
  }
  // The bounded documents, with an offset of a day: buckets start on the 2nd of each month.
  r = search(
      R"({"size":0,"query":{"ids":{"values":["1","2","3","4"]}},"aggs":{"h":{"date_histogram":{
      "field":"when","calendar_interval":"month","offset":"+1d"}}}})");
  ASSERT_EQ(jpath(r, "aggregations.h.buckets")->Size(), 3u) << to_json(r);
  EXPECT_EQ(jstr(r, "aggregations.h.buckets.0.key_as_string"), "2015-12-02");
  EXPECT_EQ(jint(r, "aggregations.h.buckets.0.doc_count"), 1);
  EXPECT_EQ(jint(r, "aggregations.h.buckets.1.doc_count"), 2);  // Jan 2 and Feb 1
  EXPECT_EQ(jint(r, "aggregations.h.buckets.2.doc_count"), 1);  // Mar 1
  // Two overlapping ranges in one document (Jan 30 .. Feb 2, Feb 1 12:00 .. Feb 29): daily
  // buckets Jan 30 .. Feb 29, each counted once; min_doc_count 1 keeps exactly those.
  r = search(
      R"({"size":0,"aggs":{"h":{"date_histogram":{"field":"iso","fixed_interval":"1d","min_doc_count":1}}}})");
  ASSERT_EQ(jpath(r, "aggregations.h.buckets")->Size(), 31u) << to_json(r);
  EXPECT_EQ(jstr(r, "aggregations.h.buckets.0.key_as_string"), "2020-01-30T00:00:00.000Z");
  EXPECT_EQ(jstr(r, "aggregations.h.buckets.30.key_as_string"), "2020-02-29T00:00:00.000Z");
  for (size_t i = 0; i < 31; ++i)
    EXPECT_EQ(jint(r, "aggregations.h.buckets." + std::to_string(i) + ".doc_count"), 1);
}

TEST_P(RangeFieldsTest, OpenRangesWithoutHardBoundsHitThePerDocumentLimit) {
  for (const char* agg : {R"({"date_histogram":{"field":"when","calendar_interval":"month"}})",
                          R"({"date_histogram":{"field":"when","fixed_interval":"1000000d"}})",
                          R"({"histogram":{"field":"l","interval":1}})"}) {
    auto r = search(std::string(R"({"size":0,"aggs":{"h":)") + agg + "}}", 400);
    EXPECT_NE(to_json(r).find("exceeded the maximum number of buckets per document [10000]"),
              std::string::npos)
        << agg << " " << to_json(r);
  }
  // 9000 months in one document is within the limit.
  auto& h = server_->http();
  auto put = h.put("/" + index() + "/_doc/long?refresh=true",
                   R"({"when":{"gte":"2016-01-01","lte":"2765-12-31"}})");
  ASSERT_EQ(put.status, 201) << describe(put);
  auto r = search(
      R"({"size":0,"query":{"ids":{"values":["long"]}},"aggs":{"h":{"date_histogram":{"field":"when",
      "calendar_interval":"month"}}}})");
  EXPECT_EQ(jpath(r, "aggregations.h.buckets")->Size(), 9000u);
  auto del = h.del("/" + index() + "/_doc/long?refresh=true");
  EXPECT_EQ(del.status, 200) << describe(del);
}

TEST_P(RangeFieldsTest, ErrorsNameTheProblem) {
  auto r = search(R"({"query":)" + range_query("l", R"("gte":1)", "bogus") + "}", 400);
  EXPECT_EQ(jstr(r, "error.type"), "illegal_argument_exception") << to_json(r);
  EXPECT_EQ(jstr(r, "error.reason"), "bogus is not a valid relation") << to_json(r);
  r = search(R"({"query":)" + range_query("l", R"("gte":1)", "disjoint") + "}", 400);
  EXPECT_EQ(jstr(r, "error.reason"), "[range] query does not support relation [disjoint]")
      << to_json(r);
  r = search(R"({"size":0,"aggs":{"h":{"histogram":{"field":"net","interval":1}}}})", 400);
  EXPECT_NE(to_json(r).find("Expected numeric range type but found non-numeric range [ip_range]"),
            std::string::npos)
      << to_json(r);
  r = search(R"({"size":0,"aggs":{"h":{"terms":{"field":"l"}}}})", 400);
  EXPECT_NE(
      to_json(r).find("Field [l] of type [long_range] is not supported for aggregation [terms]"),
      std::string::npos)
      << to_json(r);
  r = search(R"({"sort":[{"l":"asc"}]})", 400);
  EXPECT_EQ(jstr(r, "error.type"), "illegal_argument_exception") << to_json(r);
  r = search(R"({"query":{"term":{"l":"abc"}}})", 400);
  r = search(R"({"query":{"term":{"net":"not-an-ip"}}})", 400);
}

INSTANTIATE_TEST_SUITE_P(Shards, RangeFieldsTest, ::testing::Values(1, 3));

}  // namespace
