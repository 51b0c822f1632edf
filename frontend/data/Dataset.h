//===- Dataset.h - Data set splits and augmentation -------------*- C++ -*-===//
//
// What every loader in axon::data returns and what the trainer consumes: a
// list of eventprop::Sample (input spikes sorted by time, in ms, and a label)
// plus the few numbers the trainer needs to size the network and the trial.
//
// Augmentation is a list of steps that turn the base split into the split
// one epoch trains on. Each step draws from a generator the caller passes
// in (see Random.h: seed it per epoch with epochRng), so an epoch's data is
// a pure function of (base split, pipeline, seed, epoch).
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/data/Random.h"
#include "frontend/eventprop/Network.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <fmt/format.h>
#include <memory>
#include <string>
#include <vector>

namespace axon::data {

using eventprop::InputSpike;
using eventprop::Sample;

/// One split (train, validation or test) of a data set.
struct DatasetSplit {
  std::string name;        ///< e.g. "shd/train", "yin-yang/test"
  uint32_t numInputs = 0;  ///< input channels; every spike's channel is below
  uint32_t numClasses = 0; ///< every label is in [0, numClasses)
  double durationMs = 0.0; ///< trial length; every spike time is below
  std::vector<Sample> samples;
};

/// An llvm::Error with an fmt-formatted message. Loaders put the file (or
/// split), the field, the sample index, the value and the limit in it.
template <typename... Args>
llvm::Error dataError(fmt::format_string<Args...> format, Args &&...args) {
  return llvm::make_error<llvm::StringError>(
      fmt::format(format, std::forward<Args>(args)...),
      llvm::inconvertibleErrorCode());
}

/// Sorts a sample's spikes by time, ties by channel, so that the order does
/// not depend on how the spikes were produced.
void sortSpikes(Sample &sample);

/// Bins a sample onto a time grid of `dtMs`, as mlGeNN's
/// preprocess_tonic_spikes(..., dt, histogram_thresh) does: the events of a
/// channel that fall into step k = floor(t / dt) become one spike at k * dt
/// if there are at least `threshold` of them, none otherwise. The result has
/// at most one spike per channel per step, sorted by (time, channel).
/// (mlGeNN compares the bin count with >= histogram_thresh; an older
/// version used >, which with a threshold of 1 would need two events.)
void binSpikes(Sample &sample, double dtMs, uint32_t threshold = 1);

/// Checks what the engines assume of a split: spikes sorted by time, times
/// finite in [0, durationMs), channels below numInputs, labels in
/// [0, numClasses). The error names the split, the sample and the value.
llvm::Error checkSplit(const DatasetSplit &split);

/// Number of samples of each class (size numClasses; labels outside the
/// range are not counted).
std::vector<uint64_t> classCounts(const DatasetSplit &split);

/// One step of per-epoch augmentation. apply() may change spikes, drop or
/// add samples; it must leave the split valid for checkSplit and draw all
/// randomness from `rng`.
class Augmentation {
public:
  virtual ~Augmentation();
  /// Short description with parameters, e.g. "shift(40)".
  virtual std::string describe() const = 0;
  virtual void apply(DatasetSplit &split, Rng &rng) const = 0;
};

/// The steps run in order on a copy of the base split. The usual SHD
/// pipeline (mlGeNN / delay paper): Blend, RandomShift, then BinSpikes on
/// the raw (unbinned) training events.
class AugmentationPipeline {
public:
  AugmentationPipeline &add(std::unique_ptr<Augmentation> step);
  bool empty() const { return steps.empty(); }
  size_t size() const { return steps.size(); }
  /// "blend(8156, keep 0.5) -> shift(40) -> bin(1 ms, >= 1)", or "none".
  std::string describe() const;
  /// The split of one epoch: `base` is left unchanged.
  DatasetSplit run(const DatasetSplit &base, Rng &rng) const;

private:
  std::vector<std::unique_ptr<Augmentation>> steps;
};

/// binSpikes as a pipeline step (deterministic: it draws nothing). It goes
/// last, after the steps that move events in continuous time.
class BinSpikes final : public Augmentation {
public:
  BinSpikes(double dtMs, uint32_t threshold = 1)
      : dtMs(dtMs), threshold(threshold) {}
  std::string describe() const override;
  void apply(DatasetSplit &split, Rng &rng) const override;

private:
  double dtMs;
  uint32_t threshold;
};

} // namespace axon::data
