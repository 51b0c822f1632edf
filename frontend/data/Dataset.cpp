//===- Dataset.cpp - Checks, binning and the augmentation pipeline --------===//
#include "frontend/data/Dataset.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace axon::data {

void sortSpikes(Sample &sample) {
  std::sort(sample.spikes.begin(), sample.spikes.end(),
            [](const InputSpike &a, const InputSpike &b) {
              if (a.time != b.time)
                return a.time < b.time;
              return a.channel < b.channel;
            });
}

void binSpikes(Sample &sample, double dtMs, uint32_t threshold) {
  assert(dtMs > 0 && "binSpikes needs a positive step");
  // One 64-bit key per event, step in the high word and channel in the low
  // one: sorting the keys groups the events of each (step, channel) bin and
  // leaves the bins in (time, channel) order.
  std::vector<uint64_t> keys;
  keys.reserve(sample.spikes.size());
  for (const InputSpike &s : sample.spikes) {
    assert(s.time >= 0 && "binSpikes needs non-negative times");
    auto step = static_cast<uint64_t>(std::floor(double(s.time) / dtMs));
    keys.push_back(step << 32 | s.channel);
  }
  std::sort(keys.begin(), keys.end());
  sample.spikes.clear();
  for (size_t i = 0; i < keys.size();) {
    size_t j = i;
    while (j < keys.size() && keys[j] == keys[i])
      ++j;
    if (j - i >= threshold) {
      uint64_t step = keys[i] >> 32;
      sample.spikes.push_back({static_cast<float>(double(step) * dtMs),
                               static_cast<uint32_t>(keys[i] & 0xFFFFFFFFu)});
    }
    i = j;
  }
}

llvm::Error checkSplit(const DatasetSplit &split) {
  for (size_t i = 0; i < split.samples.size(); ++i) {
    const Sample &sample = split.samples[i];
    if (sample.label < 0 || uint32_t(sample.label) >= split.numClasses)
      return dataError("{}: sample {}: label {} is outside [0, {})", split.name,
                       i, sample.label, split.numClasses);
    float previous = 0.0f;
    for (size_t k = 0; k < sample.spikes.size(); ++k) {
      const InputSpike &s = sample.spikes[k];
      if (s.channel >= split.numInputs)
        return dataError("{}: sample {} spike {}: channel {} is not below the "
                         "{} input channels",
                         split.name, i, k, s.channel, split.numInputs);
      if (!std::isfinite(s.time) || s.time < 0 ||
          double(s.time) >= split.durationMs)
        return dataError("{}: sample {} spike {}: time {} ms is outside the "
                         "trial [0, {}) ms",
                         split.name, i, k, s.time, split.durationMs);
      if (s.time < previous)
        return dataError("{}: sample {} spike {}: time {} ms comes before "
                         "the previous spike's {} ms; spikes must be sorted",
                         split.name, i, k, s.time, previous);
      previous = s.time;
    }
  }
  return llvm::Error::success();
}

std::vector<uint64_t> classCounts(const DatasetSplit &split) {
  std::vector<uint64_t> counts(split.numClasses, 0);
  for (const Sample &s : split.samples)
    if (s.label >= 0 && uint32_t(s.label) < split.numClasses)
      ++counts[s.label];
  return counts;
}

Augmentation::~Augmentation() = default;

AugmentationPipeline &
AugmentationPipeline::add(std::unique_ptr<Augmentation> step) {
  steps.push_back(std::move(step));
  return *this;
}

std::string AugmentationPipeline::describe() const {
  if (steps.empty())
    return "none";
  std::string out;
  for (const auto &step : steps) {
    if (!out.empty())
      out += " -> ";
    out += step->describe();
  }
  return out;
}

DatasetSplit AugmentationPipeline::run(const DatasetSplit &base,
                                       Rng &rng) const {
  DatasetSplit split = base;
  for (const auto &step : steps)
    step->apply(split, rng);
  return split;
}

std::string BinSpikes::describe() const {
  return fmt::format("bin({} ms, >= {})", dtMs, threshold);
}

void BinSpikes::apply(DatasetSplit &split, Rng &) const {
  for (Sample &s : split.samples)
    binSpikes(s, dtMs, threshold);
}

} // namespace axon::data
