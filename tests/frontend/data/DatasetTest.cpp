//===- DatasetTest.cpp - Splits, binning and the augmentation pipeline ----===//
#include "frontend/data/Dataset.h"
#include "support/Errors.h"

#include <catch2/catch.hpp>

using namespace axon::data;
using axon::test::errorText;

namespace {

DatasetSplit smallSplit() {
  DatasetSplit split;
  split.name = "toy";
  split.numInputs = 4;
  split.numClasses = 2;
  split.durationMs = 10;
  Sample a;
  a.label = 0;
  a.spikes = {{0.5f, 1}, {2.0f, 3}};
  Sample b;
  b.label = 1;
  b.spikes = {{1.0f, 0}};
  split.samples = {a, b};
  return split;
}

/// Adds one spike to every sample: a stand-in for a real augmentation.
class AddSpike final : public Augmentation {
public:
  std::string describe() const override { return "add"; }
  void apply(DatasetSplit &split, Rng &rng) const override {
    for (Sample &s : split.samples) {
      s.spikes.push_back({9.0f, uint32_t(uniformBelow(rng, split.numInputs))});
      sortSpikes(s);
    }
  }
};

} // namespace

TEST_CASE("sortSpikes orders by time, then channel", "[data]") {
  Sample s;
  s.spikes = {{2.0f, 1}, {1.0f, 5}, {1.0f, 2}, {0.0f, 9}};
  sortSpikes(s);
  REQUIRE(s.spikes.size() == 4);
  CHECK(s.spikes[0].channel == 9);
  CHECK(s.spikes[1].channel == 2);
  CHECK(s.spikes[2].channel == 5);
  CHECK(s.spikes[3].channel == 1);
}

TEST_CASE("binSpikes keeps at most one spike per channel and step, at the "
          "step's start",
          "[data]") {
  Sample s;
  // Channel 3: two events in step 0 and one in step 1; channel 1: one event
  // in step 2; channel 0: one event in step 0.
  s.spikes = {{0.2f, 3}, {0.7f, 3}, {0.9f, 0}, {1.0f, 3}, {2.5f, 1}};
  Sample once = s;
  binSpikes(once, 1.0);
  REQUIRE(once.spikes.size() == 4);
  CHECK(once.spikes[0].time == 0.0f);
  CHECK(once.spikes[0].channel == 0);
  CHECK(once.spikes[1].time == 0.0f);
  CHECK(once.spikes[1].channel == 3);
  CHECK(once.spikes[2].time == 1.0f);
  CHECK(once.spikes[2].channel == 3);
  CHECK(once.spikes[3].time == 2.0f);
  CHECK(once.spikes[3].channel == 1);

  // A threshold of 2 keeps only the bin with two events.
  Sample twice = s;
  binSpikes(twice, 1.0, 2);
  REQUIRE(twice.spikes.size() == 1);
  CHECK(twice.spikes[0].time == 0.0f);
  CHECK(twice.spikes[0].channel == 3);

  // A coarser grid merges steps 0 and 1 of channel 3.
  Sample coarse = s;
  binSpikes(coarse, 2.0);
  REQUIRE(coarse.spikes.size() == 3);
  CHECK(coarse.spikes[2].time == 2.0f);
  CHECK(coarse.spikes[2].channel == 1);
}

TEST_CASE("checkSplit accepts a valid split and names what is wrong",
          "[data]") {
  DatasetSplit ok = smallSplit();
  CHECK(errorText(checkSplit(ok)) == "");

  DatasetSplit badLabel = smallSplit();
  badLabel.samples[1].label = 2;
  CHECK(errorText(checkSplit(badLabel)) ==
        "toy: sample 1: label 2 is outside [0, 2)");

  DatasetSplit badChannel = smallSplit();
  badChannel.samples[0].spikes[1].channel = 4;
  CHECK(errorText(checkSplit(badChannel)) ==
        "toy: sample 0 spike 1: channel 4 is not below the 4 input channels");

  DatasetSplit late = smallSplit();
  late.samples[0].spikes[1].time = 10.0f;
  CHECK(errorText(checkSplit(late)) ==
        "toy: sample 0 spike 1: time 10 ms is outside the trial [0, 10) ms");

  DatasetSplit unsorted = smallSplit();
  std::swap(unsorted.samples[0].spikes[0], unsorted.samples[0].spikes[1]);
  CHECK(errorText(checkSplit(unsorted)) ==
        "toy: sample 0 spike 1: time 0.5 ms comes before the previous "
        "spike's 2 ms; spikes must be sorted");
}

TEST_CASE("classCounts counts each label", "[data]") {
  DatasetSplit split = smallSplit();
  split.samples.push_back(split.samples[1]);
  CHECK(classCounts(split) == std::vector<uint64_t>{1, 2});
}

TEST_CASE("a pipeline runs its steps in order on a copy", "[data]") {
  DatasetSplit base = smallSplit();
  AugmentationPipeline empty;
  CHECK(empty.describe() == "none");
  Rng rng(1);
  DatasetSplit same = empty.run(base, rng);
  CHECK(same.samples.size() == 2);
  CHECK(same.samples[0].spikes.size() == 2);

  AugmentationPipeline pipeline;
  pipeline.add(std::make_unique<AddSpike>())
      .add(std::make_unique<BinSpikes>(1.0));
  CHECK(pipeline.size() == 2);
  CHECK(pipeline.describe() == "add -> bin(1 ms, >= 1)");
  Rng a(9), b(9);
  DatasetSplit first = pipeline.run(base, a);
  DatasetSplit second = pipeline.run(base, b);
  CHECK(base.samples[0].spikes.size() == 2); // base untouched
  REQUIRE(first.samples[0].spikes.size() == 3);
  CHECK(first.samples[0].spikes[0].time == 0.0f); // binned 0.5 -> 0
  for (size_t i = 0; i < first.samples.size(); ++i)
    for (size_t k = 0; k < first.samples[i].spikes.size(); ++k) {
      CHECK(first.samples[i].spikes[k].channel ==
            second.samples[i].spikes[k].channel);
      CHECK(first.samples[i].spikes[k].time ==
            second.samples[i].spikes[k].time);
    }
  CHECK(errorText(checkSplit(first)) == "");
}
