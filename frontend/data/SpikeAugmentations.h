//===- SpikeAugmentations.h - Augmenting spike data -------------*- C++ -*-===//
//
// The augmentations of the loss-shaping and delay papers for SHD/SSC
// (eventprop.md E.2; deventprop data.py), run on the raw event times of a
// training split before binning:
//
//  - RandomShift: every event of a sample moves by the same whole number of
//    channels, uniform in [-maxShift, maxShift); events that leave
//    [0, numInputs) are dropped. (The papers use 40.)
//  - Blend: `count` new samples, each built from two samples of the same
//    class: each moves half-way towards the other's mean channel (shift
//    truncated towards zero, as Python's int()) and mean time, events that
//    leave the channel range or [0, durationMs) are dropped, each remaining
//    event is kept with probability `keep` (0.5), and the two are merged.
//    The first sample is uniform over the split, the second uniform over its
//    class (it may be the same sample). The papers generate 7644 per epoch
//    for SHD, about doubling the training set. Unlike deventprop, which may
//    also pick earlier blends of the same epoch as the first sample, both
//    partners here are drawn from the split the step receives.
//  - InputDropout: each event is deleted with probability p
//    (genn_eventprop's PDROP_INPUT, 0.1-0.2 tried).
//
// Typical per-epoch use (SHD, as the delay paper):
//   AugmentationPipeline aug;
//   aug.add(std::make_unique<Blend>(7644));
//   aug.add(std::make_unique<RandomShift>(40));
//   aug.add(std::make_unique<BinSpikes>(1.0));
//   Rng rng = epochRng(seed, epoch);
//   DatasetSplit epochData = aug.run(rawTrain, rng);
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/data/Dataset.h"

namespace axon::data {

class RandomShift final : public Augmentation {
public:
  explicit RandomShift(uint32_t maxShift) : maxShift(maxShift) {}
  std::string describe() const override;
  void apply(DatasetSplit &split, Rng &rng) const override;

private:
  uint32_t maxShift;
};

class Blend final : public Augmentation {
public:
  explicit Blend(uint32_t count, double keep = 0.5)
      : count(count), keep(keep) {}
  std::string describe() const override;
  void apply(DatasetSplit &split, Rng &rng) const override;

  /// The blend of two samples (labelled as `a`), exposed for tests.
  static Sample blendPair(const Sample &a, const Sample &b, double keep,
                          uint32_t numInputs, double durationMs, Rng &rng);

private:
  uint32_t count;
  double keep;
};

class InputDropout final : public Augmentation {
public:
  explicit InputDropout(double probability) : probability(probability) {}
  std::string describe() const override;
  void apply(DatasetSplit &split, Rng &rng) const override;

private:
  double probability;
};

/// What a model file asks for (model.proto's Augmentation, resolved).
struct SpikeAugmentationOptions {
  uint32_t blendCount = 0; ///< 0: no blending
  double blendKeep = 0.5;
  uint32_t shiftChannels = 0; ///< 0: no shift
  double dropout = 0.0;       ///< 0: no dropout
  double binDtMs = 0.0;       ///< > 0: BinSpikes last
  uint32_t binThreshold = 1;
};

/// Blend, RandomShift, InputDropout, BinSpikes, each only when asked for,
/// in that order (the order of mlGeNN's data pipeline). Errors name the
/// option, its value and its range.
llvm::Expected<AugmentationPipeline>
makeSpikeAugmentations(const SpikeAugmentationOptions &options);

} // namespace axon::data
