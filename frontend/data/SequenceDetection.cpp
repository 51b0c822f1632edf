//===- SequenceDetection.cpp - Order of input spikes as the class ---------===//
#include "frontend/data/SequenceDetection.h"

#include <cmath>

namespace axon::data {
namespace {

uint64_t factorial(uint32_t n) {
  uint64_t f = 1;
  for (uint32_t i = 2; i <= n; ++i)
    f *= i;
  return f;
}

bool finiteNonNegative(double v) { return std::isfinite(v) && v >= 0; }

} // namespace

std::vector<uint32_t> sequenceOrder(uint32_t label, uint32_t numChannels) {
  // Factorial number system: the leading digit label / (n-1)! picks which of
  // the remaining channels comes first, and so on.
  std::vector<uint32_t> remaining(numChannels);
  for (uint32_t c = 0; c < numChannels; ++c)
    remaining[c] = c;
  std::vector<uint32_t> order;
  order.reserve(numChannels);
  uint64_t rest = label;
  for (uint32_t k = numChannels; k > 0; --k) {
    uint64_t block = factorial(k - 1);
    uint64_t digit = rest / block;
    rest %= block;
    order.push_back(remaining[digit]);
    remaining.erase(remaining.begin() + static_cast<ptrdiff_t>(digit));
  }
  return order;
}

llvm::Expected<DatasetSplit> makeSequenceDetection(const SequenceTaskOptions &o,
                                                   llvm::StringRef name) {
  std::string n = name.str();
  if (o.numChannels < 2 || o.numChannels > 6)
    return dataError("{}: numChannels = {}: must be in [2, 6]", n,
                     o.numChannels);
  uint64_t orders = factorial(o.numChannels);
  uint32_t numClasses = o.numClasses ? o.numClasses : uint32_t(orders);
  if (numClasses < 2 || numClasses > orders)
    return dataError("{}: numClasses = {}: must be in [2, {}] (the orders of "
                     "{} channels), or 0 for all of them",
                     n, o.numClasses, orders, o.numChannels);
  if (!std::isfinite(o.gapMs) || o.gapMs <= 0)
    return dataError("{}: gapMs = {}: must be positive", n, o.gapMs);
  if (!finiteNonNegative(o.onsetMs))
    return dataError("{}: onsetMs = {}: must be >= 0", n, o.onsetMs);
  if (!finiteNonNegative(o.onsetJitterMs))
    return dataError("{}: onsetJitterMs = {}: must be >= 0", n,
                     o.onsetJitterMs);
  if (!finiteNonNegative(o.spikeJitterMs))
    return dataError("{}: spikeJitterMs = {}: must be >= 0", n,
                     o.spikeJitterMs);
  if (!finiteNonNegative(o.timeStepMs))
    return dataError("{}: timeStepMs = {}: must be >= 0", n, o.timeStepMs);
  // Two neighbouring spikes end up at least gap - 2 jitter apart; on a grid
  // they must stay at least one step apart so rounding cannot make them tie
  // or swap, and in continuous time they must not meet.
  double closest = o.gapMs - 2 * o.spikeJitterMs;
  if (o.timeStepMs > 0 ? closest < o.timeStepMs : closest <= 0)
    return dataError("{}: spikeJitterMs = {}: neighbouring spikes could come "
                     "{} ms apart, below the {} ms needed to keep the order "
                     "(gapMs = {}, timeStepMs = {})",
                     n, o.spikeJitterMs, closest,
                     o.timeStepMs > 0 ? o.timeStepMs : 0.0, o.gapMs,
                     o.timeStepMs);
  if (o.spikeJitterMs > o.onsetMs)
    return dataError("{}: spikeJitterMs = {}: the first spike could move "
                     "before 0 ms (onsetMs = {})",
                     n, o.spikeJitterMs, o.onsetMs);
  double latest = o.onsetMs + o.onsetJitterMs + (o.numChannels - 1) * o.gapMs +
                  o.spikeJitterMs + o.timeStepMs / 2;
  if (!std::isfinite(o.durationMs) || latest >= o.durationMs)
    return dataError("{}: durationMs = {}: the last spike can come at {} ms "
                     "(onset {} + jitter {} + {} gaps of {} + spike jitter {} "
                     "+ rounding), which must be inside the trial",
                     n, o.durationMs, latest, o.onsetMs, o.onsetJitterMs,
                     o.numChannels - 1, o.gapMs, o.spikeJitterMs);

  std::vector<std::vector<uint32_t>> ordersOfClass;
  for (uint32_t c = 0; c < numClasses; ++c)
    ordersOfClass.push_back(sequenceOrder(c, o.numChannels));

  Rng rng(o.seed);
  auto onGrid = [&](double t) {
    return o.timeStepMs > 0 ? std::round(t / o.timeStepMs) * o.timeStepMs : t;
  };
  DatasetSplit split;
  split.name = n;
  split.numInputs = o.numChannels;
  split.numClasses = numClasses;
  split.durationMs = o.durationMs;
  split.samples.reserve(o.numSamples);
  for (uint32_t i = 0; i < o.numSamples; ++i) {
    Sample sample;
    sample.label = static_cast<int32_t>(i % numClasses);
    double onset = o.onsetMs;
    if (o.onsetJitterMs > 0)
      onset += uniformReal(rng, 0.0, o.onsetJitterMs);
    const std::vector<uint32_t> &order = ordersOfClass[sample.label];
    for (uint32_t k = 0; k < o.numChannels; ++k) {
      double t = onset + k * o.gapMs;
      if (o.spikeJitterMs > 0)
        t += uniformReal(rng, -o.spikeJitterMs, o.spikeJitterMs);
      sample.spikes.push_back({static_cast<float>(onGrid(t)), order[k]});
    }
    sortSpikes(sample);
    split.samples.push_back(std::move(sample));
  }
  return split;
}

} // namespace axon::data
