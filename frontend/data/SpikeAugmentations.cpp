//===- SpikeAugmentations.cpp - Per-epoch augmentation of spike data ------===//
#include "frontend/data/SpikeAugmentations.h"

#include <cassert>
#include <cmath>

namespace axon::data {
namespace {

double meanChannel(const Sample &s) {
  double sum = 0;
  for (const InputSpike &e : s.spikes)
    sum += e.channel;
  return sum / double(s.spikes.size());
}

double meanTime(const Sample &s) {
  double sum = 0;
  for (const InputSpike &e : s.spikes)
    sum += e.time;
  return sum / double(s.spikes.size());
}

/// Moves a sample by `channels` and `ms`, dropping what leaves the ranges,
/// then keeps each remaining event with probability `keep`, appending the
/// survivors to `out`.
void moveAndThin(const Sample &s, int64_t channels, double ms, double keep,
                 uint32_t numInputs, double durationMs, Rng &rng,
                 std::vector<InputSpike> &out) {
  for (const InputSpike &e : s.spikes) {
    int64_t c = int64_t(e.channel) + channels;
    auto t = static_cast<float>(double(e.time) + ms);
    if (c < 0 || c >= int64_t(numInputs) || t < 0 || double(t) >= durationMs)
      continue;
    if (bernoulli(rng, keep))
      out.push_back({t, static_cast<uint32_t>(c)});
  }
}

} // namespace

std::string RandomShift::describe() const {
  return fmt::format("shift({})", maxShift);
}

void RandomShift::apply(DatasetSplit &split, Rng &rng) const {
  if (maxShift == 0)
    return;
  for (Sample &s : split.samples) {
    int64_t shift = uniformInt(rng, -int64_t(maxShift), int64_t(maxShift));
    size_t kept = 0;
    for (const InputSpike &e : s.spikes) {
      int64_t c = int64_t(e.channel) + shift;
      if (c >= 0 && c < int64_t(split.numInputs))
        s.spikes[kept++] = {e.time, static_cast<uint32_t>(c)};
    }
    s.spikes.resize(kept);
    // A uniform channel shift keeps the (time, channel) order.
  }
}

Sample Blend::blendPair(const Sample &a, const Sample &b, double keep,
                        uint32_t numInputs, double durationMs, Rng &rng) {
  // Half the distance between the means, each partner moving towards the
  // other. An empty partner has no mean: neither moves.
  int64_t channelsA = 0, channelsB = 0;
  double msA = 0, msB = 0;
  if (!a.spikes.empty() && !b.spikes.empty()) {
    double dc = meanChannel(b) - meanChannel(a);
    double dt = meanTime(b) - meanTime(a);
    channelsA = static_cast<int64_t>(std::trunc(dc / 2));
    channelsB = static_cast<int64_t>(std::trunc(-dc / 2));
    msA = dt / 2;
    msB = -dt / 2;
  }
  Sample out;
  out.label = a.label;
  out.spikes.reserve((a.spikes.size() + b.spikes.size()) / 2 + 1);
  moveAndThin(a, channelsA, msA, keep, numInputs, durationMs, rng, out.spikes);
  moveAndThin(b, channelsB, msB, keep, numInputs, durationMs, rng, out.spikes);
  sortSpikes(out);
  return out;
}

std::string Blend::describe() const {
  return fmt::format("blend({}, keep {})", count, keep);
}

void Blend::apply(DatasetSplit &split, Rng &rng) const {
  size_t base = split.samples.size();
  if (count == 0 || base == 0)
    return;
  std::vector<std::vector<uint32_t>> byClass(split.numClasses);
  for (size_t i = 0; i < base; ++i) {
    int32_t label = split.samples[i].label;
    assert(label >= 0 && uint32_t(label) < split.numClasses);
    byClass[label].push_back(static_cast<uint32_t>(i));
  }
  split.samples.reserve(base + count);
  for (uint32_t k = 0; k < count; ++k) {
    size_t first = uniformBelow(rng, base);
    const std::vector<uint32_t> &same = byClass[split.samples[first].label];
    size_t second = same[uniformBelow(rng, same.size())];
    Sample blended = blendPair(split.samples[first], split.samples[second],
                               keep, split.numInputs, split.durationMs, rng);
    split.samples.push_back(std::move(blended));
  }
}

std::string InputDropout::describe() const {
  return fmt::format("dropout({})", probability);
}

void InputDropout::apply(DatasetSplit &split, Rng &rng) const {
  if (probability <= 0)
    return;
  for (Sample &s : split.samples) {
    size_t kept = 0;
    for (const InputSpike &e : s.spikes)
      if (!bernoulli(rng, probability))
        s.spikes[kept++] = e;
    s.spikes.resize(kept);
  }
}

llvm::Expected<AugmentationPipeline>
makeSpikeAugmentations(const SpikeAugmentationOptions &o) {
  if (!(o.blendKeep > 0 && o.blendKeep <= 1))
    return dataError("augmentation: blendKeep = {}: must be in (0, 1]",
                     o.blendKeep);
  if (!(o.dropout >= 0 && o.dropout < 1))
    return dataError("augmentation: dropout = {}: must be in [0, 1)",
                     o.dropout);
  if (!(std::isfinite(o.binDtMs) && o.binDtMs >= 0))
    return dataError("augmentation: binDtMs = {}: must be >= 0 (0: no "
                     "binning)",
                     o.binDtMs);
  if (o.binDtMs > 0 && o.binThreshold == 0)
    return dataError("augmentation: binThreshold = 0: a bin needs at least 1 "
                     "event to become a spike");
  AugmentationPipeline pipeline;
  if (o.blendCount > 0)
    pipeline.add(std::make_unique<Blend>(o.blendCount, o.blendKeep));
  if (o.shiftChannels > 0)
    pipeline.add(std::make_unique<RandomShift>(o.shiftChannels));
  if (o.dropout > 0)
    pipeline.add(std::make_unique<InputDropout>(o.dropout));
  if (o.binDtMs > 0)
    pipeline.add(std::make_unique<BinSpikes>(o.binDtMs, o.binThreshold));
  return pipeline;
}

} // namespace axon::data
