//===- YinYangTest.cpp - The Yin-Yang data set ----------------------------===//
#include "frontend/data/YinYang.h"
#include "support/Errors.h"

#include <catch2/catch.hpp>

using namespace axon::data;
using axon::test::errorText;

TEST_CASE("yin-yang classes follow the reference's geometric rule at "
          "hand-picked points",
          "[data][yinyang]") {
  // Dot centres (r_big / 2, r_big) and (3 r_big / 2, r_big), and points
  // just inside the dots.
  CHECK(yinYangClass(0.25, 0.5) == 2);
  CHECK(yinYangClass(0.75, 0.5) == 2);
  CHECK(yinYangClass(0.25, 0.59) == 2);
  CHECK(yinYangClass(0.84, 0.5) == 2);
  // Upper half, away from the right lobe: label 1; lower half, away from
  // the left lobe: label 0.
  CHECK(yinYangClass(0.5, 0.9) == 1);
  CHECK(yinYangClass(0.5, 0.1) == 0);
  // The left lobe (within r_big / 2 of the left dot centre) is label 1 even
  // in the lower half; the right lobe is label 0 even in the upper half.
  CHECK(yinYangClass(0.25, 0.3) == 1);
  CHECK(yinYangClass(0.10, 0.5) == 1);
  CHECK(yinYangClass(0.75, 0.7) == 0);
  CHECK(yinYangClass(0.90, 0.5) == 0);
}

TEST_CASE("points outside the big circle are rejected", "[data][yinyang]") {
  CHECK(insideYinYang(0.5, 0.5));
  CHECK(insideYinYang(0.0, 0.5)); // on the boundary
  CHECK_FALSE(insideYinYang(0.0, 0.0));
  CHECK_FALSE(insideYinYang(0.95, 0.95));
}

TEST_CASE("yin-yang splits reproduce the authors' numpy draws",
          "[data][yinyang]") {
  // Computed independently with numpy 2.4: np.random.RandomState(seed),
  // randint(3) for the class, rand(2) * 2 * 0.5 per point, the reference's
  // which_class and rejection loop (tests/frontend/data/yin_yang_numpy.py).
  std::vector<YinYangPoint> train = sampleYinYangPoints(5000, 42);
  REQUIRE(train.size() == 5000);
  CHECK(train[0].x == 0.6803075385877797);
  CHECK(train[0].y == 0.450499251969543);
  CHECK(train[0].label == 2);
  CHECK(train[1].x == 0.09767211400638387);
  CHECK(train[1].y == 0.6842330265121569);
  CHECK(train[1].label == 1);
  CHECK(train[2].x == 0.7553614103176525);
  CHECK(train[2].y == 0.4251558744912447);
  CHECK(train[2].label == 2);
  CHECK(train[4999].x == 0.7690797231107925);
  CHECK(train[4999].y == 0.5883389337522971);
  CHECK(train[4999].label == 2);

  std::vector<YinYangPoint> validation = sampleYinYangPoints(1000, 41);
  CHECK(validation[0].x == 0.6805727261759029);
  CHECK(validation[0].y == 0.3209733938933629);
  CHECK(validation[0].label == 0);
  CHECK(validation[999].x == 0.7107040957004825);
  CHECK(validation[999].y == 0.804733352731108);
  CHECK(validation[999].label == 1);

  std::vector<YinYangPoint> test = sampleYinYangPoints(1000, 40);
  CHECK(test[0].x == 0.23409664559563403);
  CHECK(test[0].y == 0.4017249751828972);
  CHECK(test[0].label == 2);
  CHECK(test[999].x == 0.32834060537145815);
  CHECK(test[999].y == 0.3899830419619741);
  CHECK(test[999].label == 1);
}

TEST_CASE("yin-yang classes are balanced and every point obeys the rule",
          "[data][yinyang]") {
  auto split = loadYinYang(YinYangSplit::Train);
  REQUIRE(errorText(split) == "");
  // Per-class counts from the same numpy run as above.
  CHECK(classCounts(*split) == std::vector<uint64_t>{1681, 1702, 1617});
  auto validation = loadYinYang(YinYangSplit::Validation);
  REQUIRE(errorText(validation) == "");
  CHECK(classCounts(*validation) == std::vector<uint64_t>{316, 336, 348});
  auto test = loadYinYang(YinYangSplit::Test);
  REQUIRE(errorText(test) == "");
  CHECK(classCounts(*test) == std::vector<uint64_t>{350, 316, 334});

  for (const YinYangPoint &p : sampleYinYangPoints(2000, 7)) {
    REQUIRE(p.x >= 0.0);
    REQUIRE(p.x <= 1.0);
    REQUIRE(p.y >= 0.0);
    REQUIRE(p.y <= 1.0);
    REQUIRE(insideYinYang(p.x, p.y));
    REQUIRE(yinYangClass(p.x, p.y) == p.label);
  }
}

TEST_CASE("yin-yang generation is deterministic per seed", "[data][yinyang]") {
  std::vector<YinYangPoint> a = sampleYinYangPoints(300, 5);
  std::vector<YinYangPoint> b = sampleYinYangPoints(300, 5);
  std::vector<YinYangPoint> c = sampleYinYangPoints(300, 6);
  bool allSame = true, anyDifferent = false;
  for (size_t i = 0; i < a.size(); ++i) {
    allSame &= a[i].x == b[i].x && a[i].y == b[i].y && a[i].label == b[i].label;
    anyDifferent |= a[i].x != c[i].x;
  }
  CHECK(allSame);
  CHECK(anyDifferent);
}

TEST_CASE("yin-yang encoding maps each value to one spike time",
          "[data][yinyang]") {
  std::vector<YinYangPoint> points = {{0.2, 0.6, 1}, {0.0, 1.0, 0}};
  YinYangEncoding encoding; // [1.5, 20] ms, bias at 0 ms, 30 ms trial
  auto split = encodeYinYang(points, encoding, "yy");
  REQUIRE(errorText(split) == "");
  CHECK(split->numInputs == 5);
  CHECK(split->numClasses == 3);
  CHECK(split->durationMs == 30.0);
  CHECK(errorText(checkSplit(*split)) == "");

  const Sample &s = split->samples[0];
  CHECK(s.label == 1);
  REQUIRE(s.spikes.size() == 5);
  // Sorted by time: bias (0 ms), x = 0.2, 1 - y = 0.4, y = 0.6, 1 - x = 0.8;
  // t = 1.5 + v * 18.5 ms.
  CHECK(s.spikes[0].channel == 4);
  CHECK(s.spikes[0].time == 0.0f);
  CHECK(s.spikes[1].channel == 0);
  CHECK(s.spikes[1].time == Approx(5.2));
  CHECK(s.spikes[2].channel == 3);
  CHECK(s.spikes[2].time == Approx(8.9));
  CHECK(s.spikes[3].channel == 1);
  CHECK(s.spikes[3].time == Approx(12.6));
  CHECK(s.spikes[4].channel == 2);
  CHECK(s.spikes[4].time == Approx(16.3));

  // Value 0 spikes at earlyMs, value 1 at lateMs.
  const Sample &edge = split->samples[1];
  for (const auto &spike : edge.spikes) {
    if (spike.channel == 0 || spike.channel == 3)
      CHECK(spike.time == 1.5f);
    if (spike.channel == 1 || spike.channel == 2)
      CHECK(spike.time == 20.0f);
  }

  YinYangEncoding noBias;
  noBias.bias = false;
  noBias.earlyMs = 0;
  noBias.lateMs = 10;
  auto four = encodeYinYang(points, noBias, "yy");
  REQUIRE(errorText(four) == "");
  CHECK(four->numInputs == 4);
  CHECK(four->samples[0].spikes.size() == 4);
  CHECK(four->samples[0].spikes[0].time == 2.0f);
}

TEST_CASE("every encoded yin-yang spike lies in [earlyMs, lateMs]",
          "[data][yinyang]") {
  auto split = loadYinYang(YinYangSplit::Test);
  REQUIRE(errorText(split) == "");
  REQUIRE(split->samples.size() == 1000);
  for (const Sample &s : split->samples) {
    REQUIRE(s.spikes.size() == 5);
    for (const auto &spike : s.spikes) {
      if (spike.channel == 4) {
        REQUIRE(spike.time == 0.0f);
      } else {
        REQUIRE(spike.time >= 1.5f);
        REQUIRE(spike.time <= 20.0f);
      }
    }
  }
}

TEST_CASE("a yin-yang encoding that does not fit the trial is an error",
          "[data][yinyang]") {
  std::vector<YinYangPoint> points = {{0.5, 0.5, 0}};
  YinYangEncoding late;
  late.lateMs = 30;
  CHECK(errorText(encodeYinYang(points, late, "yy").takeError()) ==
        "yy: lateMs = 30: must be in [0, durationMs = 30)");
  YinYangEncoding bias;
  bias.biasTimeMs = -1;
  CHECK(errorText(encodeYinYang(points, bias, "yy").takeError()) ==
        "yy: biasTimeMs = -1: must be in [0, durationMs = 30)");
  std::vector<YinYangPoint> outside = {{1.5, 0.5, 0}};
  CHECK(errorText(encodeYinYang(outside, {}, "yy").takeError()) ==
        "yy: sample 0 feature 0: value 1.5 is outside [0, 1] (rBig = 0.5: "
        "the square must be [0, 1]^2)");
}
