//===- SequenceDetectionTest.cpp - Order of input spikes as the class -----===//
#include "frontend/data/SequenceDetection.h"
#include "support/Errors.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <set>

using namespace axon::data;
using axon::test::errorText;

namespace {

/// Voltage of a leaky integrator (tau_m dV/dt = -V + I, tau_s dI/dt = -I,
/// a spike of weight w raises I by w) at time t, with every input weight 1
/// and delay d[channel] ms: V = sum over arrivals s of
/// (tau_s / (tau_m - tau_s)) (e^{-(t-s)/tau_m} - e^{-(t-s)/tau_s}); with
/// tau_m = 10, tau_s = 5 the factor is 1 (eventprop.md G10).
double voltage(const Sample &s, const std::vector<double> &delayOfChannel,
               double t) {
  double v = 0;
  for (const auto &spike : s.spikes) {
    double arrival = spike.time + delayOfChannel[spike.channel];
    if (t >= arrival)
      v += std::exp(-(t - arrival) / 10.0) - std::exp(-(t - arrival) / 5.0);
  }
  return v;
}

/// max over the 1 ms grid of the trial, and the sum (the sum loss's
/// integral up to a factor dt).
std::pair<double, double> maxAndSum(const Sample &s,
                                    const std::vector<double> &delays,
                                    double durationMs) {
  double maxV = 0, sum = 0;
  for (double t = 0; t < durationMs; t += 1.0) {
    double v = voltage(s, delays, t);
    maxV = std::max(maxV, v);
    sum += v;
  }
  return {maxV, sum};
}

std::vector<uint32_t> channelsInTimeOrder(const Sample &s) {
  std::vector<uint32_t> order;
  for (const auto &spike : s.spikes)
    order.push_back(spike.channel);
  return order;
}

} // namespace

TEST_CASE("the default sequence task is the delay paper's",
          "[data][sequence]") {
  auto split = makeSequenceDetection({});
  REQUIRE(errorText(split) == "");
  CHECK(split->numInputs == 2);
  CHECK(split->numClasses == 2);
  CHECK(split->durationMs == 40.0);
  REQUIRE(split->samples.size() == 4);
  CHECK(errorText(checkSplit(*split)) == "");
  // Labels 0, 1, 0, 1; class 0 is input 0 at 0 ms then input 1 at 10 ms,
  // class 1 the other order.
  for (size_t i = 0; i < 4; ++i) {
    const Sample &s = split->samples[i];
    CHECK(s.label == int32_t(i % 2));
    REQUIRE(s.spikes.size() == 2);
    CHECK(s.spikes[0].time == 0.0f);
    CHECK(s.spikes[1].time == 10.0f);
    CHECK(s.spikes[0].channel == (i % 2 == 0 ? 0u : 1u));
    CHECK(s.spikes[1].channel == (i % 2 == 0 ? 1u : 0u));
  }
}

TEST_CASE("sequence classes differ only in order", "[data][sequence]") {
  SequenceTaskOptions options;
  options.numChannels = 3;
  options.numSamples = 60;
  auto split = makeSequenceDetection(options);
  REQUIRE(errorText(split) == "");
  CHECK(split->numClasses == 6);
  CHECK(classCounts(*split) == std::vector<uint64_t>(6, 10));
  std::multiset<float> times0;
  for (const auto &spike : split->samples[0].spikes)
    times0.insert(spike.time);
  std::set<std::vector<uint32_t>> orders;
  for (const Sample &s : split->samples) {
    // One spike per channel in every sample, on the same set of times.
    std::vector<int> perChannel(3, 0);
    std::multiset<float> times;
    for (const auto &spike : s.spikes) {
      ++perChannel[spike.channel];
      times.insert(spike.time);
    }
    CHECK(perChannel == std::vector<int>{1, 1, 1});
    CHECK(times == times0);
    CHECK(channelsInTimeOrder(s) == sequenceOrder(s.label, 3));
    orders.insert(channelsInTimeOrder(s));
  }
  CHECK(orders.size() == 6);
}

TEST_CASE("sequence orders are permutations in lexicographic order",
          "[data][sequence]") {
  CHECK(sequenceOrder(0, 2) == std::vector<uint32_t>{0, 1});
  CHECK(sequenceOrder(1, 2) == std::vector<uint32_t>{1, 0});
  CHECK(sequenceOrder(0, 3) == std::vector<uint32_t>{0, 1, 2});
  CHECK(sequenceOrder(1, 3) == std::vector<uint32_t>{0, 2, 1});
  CHECK(sequenceOrder(3, 3) == std::vector<uint32_t>{1, 2, 0});
  CHECK(sequenceOrder(5, 3) == std::vector<uint32_t>{2, 1, 0});
  CHECK(sequenceOrder(23, 4) == std::vector<uint32_t>{3, 2, 1, 0});
}

TEST_CASE("with equal weights and no delays every class drives the readout "
          "identically; matching delays separate them",
          "[data][sequence]") {
  auto split = makeSequenceDetection({});
  REQUIRE(errorText(split) == "");
  const Sample &class0 = split->samples[0];
  const Sample &class1 = split->samples[1];

  // No delays: both outputs (all weights 1) see the same trace in both
  // classes, so neither the max-voltage nor the sum loss can tell them
  // apart.
  std::vector<double> none = {0, 0};
  auto a = maxAndSum(class0, none, split->durationMs);
  auto b = maxAndSum(class1, none, split->durationMs);
  CHECK(a.first == Approx(b.first).epsilon(1e-12));
  CHECK(a.second == Approx(b.second).epsilon(1e-12));

  // The coincidence solution (eventprop.md G11): output 0 delays input 0 by
  // 10 ms, output 1 delays input 1 by 10 ms.
  std::vector<double> out0 = {10, 0}, out1 = {0, 10};
  for (const Sample *s : {&class0, &class1}) {
    double v0 = maxAndSum(*s, out0, split->durationMs).first;
    double v1 = maxAndSum(*s, out1, split->durationMs).first;
    int predicted = v0 > v1 ? 0 : 1;
    CHECK(predicted == s->label);
  }
}

TEST_CASE("sequence jitter keeps the order and the grid and is seeded",
          "[data][sequence]") {
  SequenceTaskOptions options;
  options.numChannels = 3;
  options.numSamples = 200;
  options.onsetMs = 4;
  options.onsetJitterMs = 5;
  options.spikeJitterMs = 4; // gap 10 - 2 * 4 = 2 >= 1 ms step
  options.durationMs = 40;
  options.seed = 17;
  auto split = makeSequenceDetection(options);
  REQUIRE(errorText(split) == "");
  CHECK(errorText(checkSplit(*split)) == "");
  bool moved = false;
  for (const Sample &s : split->samples) {
    REQUIRE(s.spikes.size() == 3);
    CHECK(channelsInTimeOrder(s) == sequenceOrder(s.label, 3));
    for (size_t k = 0; k < 3; ++k) {
      CHECK(s.spikes[k].time == std::round(s.spikes[k].time));
      if (k > 0)
        CHECK(s.spikes[k].time > s.spikes[k - 1].time);
    }
    moved |= s.spikes[0].time != 4.0f;
  }
  CHECK(moved);

  auto again = makeSequenceDetection(options);
  options.seed = 18;
  auto other = makeSequenceDetection(options);
  REQUIRE(errorText(again) == "");
  REQUIRE(errorText(other) == "");
  bool same = true, different = false;
  for (size_t i = 0; i < split->samples.size(); ++i)
    for (size_t k = 0; k < 3; ++k) {
      same &=
          split->samples[i].spikes[k].time == again->samples[i].spikes[k].time;
      different |=
          split->samples[i].spikes[k].time != other->samples[i].spikes[k].time;
    }
  CHECK(same);
  CHECK(different);
}

TEST_CASE("impossible sequence options are errors naming the option",
          "[data][sequence]") {
  SequenceTaskOptions one;
  one.numChannels = 1;
  CHECK(errorText(makeSequenceDetection(one).takeError()) ==
        "sequence: numChannels = 1: must be in [2, 6]");

  SequenceTaskOptions classes;
  classes.numChannels = 3;
  classes.numClasses = 7;
  CHECK(errorText(makeSequenceDetection(classes).takeError()) ==
        "sequence: numClasses = 7: must be in [2, 6] (the orders of 3 "
        "channels), or 0 for all of them");

  SequenceTaskOptions jitter;
  jitter.onsetMs = 5;
  jitter.spikeJitterMs = 5;
  CHECK(errorText(makeSequenceDetection(jitter).takeError()) ==
        "sequence: spikeJitterMs = 5: neighbouring spikes could come 0 ms "
        "apart, below the 1 ms needed to keep the order (gapMs = 10, "
        "timeStepMs = 1)");

  SequenceTaskOptions early;
  early.spikeJitterMs = 2;
  CHECK(errorText(makeSequenceDetection(early).takeError()) ==
        "sequence: spikeJitterMs = 2: the first spike could move before 0 ms "
        "(onsetMs = 0)");

  SequenceTaskOptions shortTrial;
  shortTrial.durationMs = 10;
  CHECK(errorText(makeSequenceDetection(shortTrial).takeError()) ==
        "sequence: durationMs = 10: the last spike can come at 10.5 ms "
        "(onset 0 + jitter 0 + 1 gaps of 10 + spike jitter 0 + rounding), "
        "which must be inside the trial");
}
