//===- SpikeAugmentationsTest.cpp - Shift, blend, dropout -----------------===//
#include "frontend/data/SpikeAugmentations.h"
#include "support/Errors.h"

#include <catch2/catch.hpp>

#include <set>

using namespace axon::data;
using axon::test::errorText;

namespace {

/// A 700-channel split of `n` samples over 4 classes; sample i has 50
/// events on channels 300 + (k mod 20) at times 10 + 7k ms.
DatasetSplit syntheticSplit(size_t n) {
  DatasetSplit split;
  split.name = "synthetic";
  split.numInputs = 700;
  split.numClasses = 4;
  split.durationMs = 1000;
  for (size_t i = 0; i < n; ++i) {
    Sample s;
    s.label = int32_t(i % 4);
    for (uint32_t k = 0; k < 50; ++k)
      s.spikes.push_back({float(10 + 7 * k + i % 5), 300 + k % 20});
    sortSpikes(s);
    split.samples.push_back(s);
  }
  return split;
}

bool sameSplit(const DatasetSplit &a, const DatasetSplit &b) {
  if (a.samples.size() != b.samples.size())
    return false;
  for (size_t i = 0; i < a.samples.size(); ++i) {
    const auto &x = a.samples[i], &y = b.samples[i];
    if (x.label != y.label || x.spikes.size() != y.spikes.size())
      return false;
    for (size_t k = 0; k < x.spikes.size(); ++k)
      if (x.spikes[k].time != y.spikes[k].time ||
          x.spikes[k].channel != y.spikes[k].channel)
        return false;
  }
  return true;
}

} // namespace

TEST_CASE("random shift moves a whole sample by one amount in [-40, 40)",
          "[data][augment]") {
  DatasetSplit base = syntheticSplit(400);
  DatasetSplit split = base;
  Rng rng(1);
  RandomShift(40).apply(split, rng);
  CHECK(errorText(checkSplit(split)) == "");
  std::set<int64_t> shifts;
  for (size_t i = 0; i < split.samples.size(); ++i) {
    const Sample &before = base.samples[i], &after = split.samples[i];
    // Channels 300..319 cannot leave [0, 700) with |shift| <= 40.
    REQUIRE(after.spikes.size() == before.spikes.size());
    int64_t shift =
        int64_t(after.spikes[0].channel) - int64_t(before.spikes[0].channel);
    REQUIRE(shift >= -40);
    REQUIRE(shift < 40);
    for (size_t k = 0; k < after.spikes.size(); ++k) {
      REQUIRE(int64_t(after.spikes[k].channel) -
                  int64_t(before.spikes[k].channel) ==
              shift);
      REQUIRE(after.spikes[k].time == before.spikes[k].time);
    }
    CHECK(after.label == before.label);
    shifts.insert(shift);
  }
  CHECK(shifts.size() > 70); // most of the 80 values occur in 400 draws
}

TEST_CASE("random shift drops events pushed off the channel range",
          "[data][augment]") {
  DatasetSplit split;
  split.name = "edges";
  split.numInputs = 700;
  split.numClasses = 1;
  split.durationMs = 10;
  Sample s;
  s.spikes = {{1.0f, 0}, {2.0f, 699}};
  for (int i = 0; i < 50; ++i)
    split.samples.push_back(s);
  Rng rng(2);
  RandomShift(40).apply(split, rng);
  for (const Sample &out : split.samples) {
    // Any non-zero shift pushes exactly one of the two edge events out.
    REQUIRE(out.spikes.size() >= 1);
    for (const auto &e : out.spikes)
      REQUIRE(e.channel < 700);
  }
  CHECK(errorText(checkSplit(split)) == "");
}

TEST_CASE("blendPair moves each partner half-way to the other's means",
          "[data][augment]") {
  Sample a, b;
  a.label = 3;
  a.spikes = {{10.0f, 100}};
  b.label = 3;
  b.spikes = {{30.0f, 201}};
  Rng rng(0);
  // Keep everything to see the moves: channel difference 101 -> each moves
  // trunc(50.5) = 50, time difference 20 ms -> each moves 10 ms.
  Sample out = Blend::blendPair(a, b, 1.0, 700, 1000, rng);
  CHECK(out.label == 3);
  REQUIRE(out.spikes.size() == 2);
  CHECK(out.spikes[0].time == 20.0f);
  CHECK(out.spikes[0].channel == 150);
  CHECK(out.spikes[1].time == 20.0f);
  CHECK(out.spikes[1].channel == 151);

  // Events moved out of [0, durationMs) or the channel range are dropped.
  Sample c, d;
  c.spikes = {{1.0f, 10}, {50.0f, 10}}; // mean time 25.5, channel 10
  d.spikes = {{95.0f, 10}};             // moves back by (95 - 25.5) / 2
  Sample clipped = Blend::blendPair(c, d, 1.0, 700, 60, rng);
  // c moves +34.75 ms: 1 -> 35.75 kept, 50 -> 84.75 dropped (>= 60);
  // d moves -34.75 ms: 95 -> 60.25 dropped.
  REQUIRE(clipped.spikes.size() == 1);
  CHECK(clipped.spikes[0].time == 35.75f);
}

TEST_CASE("blend adds same-class samples holding about half the events",
          "[data][augment]") {
  DatasetSplit base = syntheticSplit(40);
  DatasetSplit split = base;
  Rng rng(5);
  Blend(100).apply(split, rng);
  REQUIRE(split.samples.size() == 140);
  CHECK(errorText(checkSplit(split)) == "");
  size_t events = 0;
  for (size_t i = 40; i < 140; ++i)
    events += split.samples[i].spikes.size();
  // 100 blends of two 50-event samples, each event kept with p = 0.5 and
  // none moved out of range: 5000 expected, sd 50.
  CHECK(events > 4750);
  CHECK(events < 5250);
  // The originals are untouched.
  split.samples.resize(40);
  CHECK(sameSplit(split, base));
}

TEST_CASE("input dropout deletes the requested fraction and keeps order",
          "[data][augment]") {
  DatasetSplit base = syntheticSplit(200); // 10000 events
  DatasetSplit split = base;
  Rng rng(8);
  InputDropout(0.25).apply(split, rng);
  CHECK(errorText(checkSplit(split)) == "");
  size_t kept = 0;
  for (const Sample &s : split.samples)
    kept += s.spikes.size();
  CHECK(kept > 7300);
  CHECK(kept < 7700);
}

TEST_CASE("the spike augmentation pipeline is deterministic per epoch seed",
          "[data][augment]") {
  SpikeAugmentationOptions options;
  options.blendCount = 20;
  options.shiftChannels = 40;
  options.dropout = 0.1;
  options.binDtMs = 1.0;
  auto pipeline = makeSpikeAugmentations(options);
  REQUIRE(errorText(pipeline) == "");
  CHECK(pipeline->describe() ==
        "blend(20, keep 0.5) -> shift(40) -> dropout(0.1) -> bin(1 ms, >= 1)");
  DatasetSplit base = syntheticSplit(40);
  Rng a = epochRng(123, 4), b = epochRng(123, 4), c = epochRng(123, 5);
  DatasetSplit first = pipeline->run(base, a);
  DatasetSplit second = pipeline->run(base, b);
  DatasetSplit next = pipeline->run(base, c);
  CHECK(first.samples.size() == 60);
  CHECK(errorText(checkSplit(first)) == "");
  CHECK(sameSplit(first, second));
  CHECK_FALSE(sameSplit(first, next));
  for (const Sample &s : first.samples)
    for (const auto &e : s.spikes)
      REQUIRE(e.time == float(int(e.time))); // on the 1 ms grid
}

TEST_CASE("bad augmentation options are errors naming the option",
          "[data][augment]") {
  SpikeAugmentationOptions dropout;
  dropout.dropout = 1.0;
  CHECK(errorText(makeSpikeAugmentations(dropout).takeError()) ==
        "augmentation: dropout = 1: must be in [0, 1)");
  SpikeAugmentationOptions keep;
  keep.blendKeep = 0;
  CHECK(errorText(makeSpikeAugmentations(keep).takeError()) ==
        "augmentation: blendKeep = 0: must be in (0, 1]");
  SpikeAugmentationOptions none;
  auto empty = makeSpikeAugmentations(none);
  REQUIRE(errorText(empty) == "");
  CHECK(empty->empty());
}
