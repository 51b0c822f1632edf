//===- TrainingData.cpp - The splits a model trains and tests on ----------===//
#include "frontend/train/TrainingData.h"

#include "frontend/data/SequenceDetection.h"
#include "frontend/data/SpikeAugmentations.h"
#include "frontend/data/SpikingHdf5.h"
#include "frontend/data/YinYang.h"
#include "ir/Diagnostics.h"

namespace axon::train {
namespace {

using model::proto::Dataset;

data::YinYangEncoding yinYangEncoding(const model::proto::Model &m) {
  data::YinYangEncoding e;
  const Dataset &d = m.dataset();
  // Unset (0, 0) means the published encoding.
  if (d.early_ms() != 0 || d.late_ms() != 0) {
    e.earlyMs = d.early_ms();
    e.lateMs = d.late_ms();
  }
  if (m.duration_ms() > 0)
    e.durationMs = m.duration_ms();
  return e;
}

llvm::Expected<data::DatasetSplit> yinYang(const model::proto::Model &m,
                                           data::YinYangSplit split,
                                           uint32_t count) {
  return data::loadYinYang(split, yinYangEncoding(m), count);
}

/// The sequence task: the training set and the test set are drawn with
/// different seeds so the test measures generalisation over the jitter.
llvm::Expected<data::DatasetSplit> sequence(const model::proto::Model &m,
                                            uint32_t count, uint64_t stream,
                                            llvm::StringRef name) {
  data::SequenceTaskOptions o;
  o.numSamples = count;
  o.timeStepMs = m.dt_ms();
  o.onsetJitterMs = 2.0;
  o.seed = data::mixSeed(m.seed(), stream);
  if (m.duration_ms() > 0)
    o.durationMs = m.duration_ms();
  return data::makeSequenceDetection(o, name);
}

data::SpikingSet spikingSet(const Dataset &d) {
  return d.kind() == Dataset::SSC ? data::SpikingSet::SSC
                                  : data::SpikingSet::SHD;
}

llvm::Expected<data::DatasetSplit> spiking(const model::proto::Model &m,
                                           llvm::StringRef split, bool binned,
                                           uint32_t maxSamples) {
  data::SpikingHdf5Options o;
  o.binDtMs = binned ? m.dt_ms() : 0.0;
  o.maxSamples = maxSamples;
  if (m.duration_ms() > 0)
    o.maxTimeMs = m.duration_ms();
  return data::loadSpikingSet(spikingSet(m.dataset()), m.dataset().path(),
                              split, o);
}

template <typename T>
llvm::Error assign(llvm::Expected<T> value, T &out) {
  if (!value)
    return value.takeError();
  out = std::move(*value);
  return llvm::Error::success();
}

} // namespace

data::DatasetSplit TrainingData::epochTrainSplit(uint64_t seed,
                                                 uint32_t epoch) const {
  if (augmentation.empty())
    return train;
  data::Rng rng = data::epochRng(seed, epoch);
  return augmentation.run(train, rng);
}

llvm::Expected<TrainingData>
loadTrainingData(const model::proto::Model &m, llvm::StringRef location) {
  TrainingData td;
  const Dataset &d = m.dataset();
  auto fail = [&](llvm::Error err) -> llvm::Expected<TrainingData> {
    return withLocationPrefix(
        llvm::handleErrors(std::move(err),
                           [&](const llvm::ErrorInfoBase &e) -> llvm::Error {
                             return makeError("dataset", "{}", e.message());
                           }),
        location);
  };
  switch (d.kind()) {
  case Dataset::YIN_YANG: {
    if (llvm::Error e = assign(yinYang(m, data::YinYangSplit::Train,
                                       d.train_samples()),
                               td.train))
      return fail(std::move(e));
    data::DatasetSplit valid;
    if (llvm::Error e = assign(yinYang(m, data::YinYangSplit::Validation,
                                       d.valid_samples()),
                               valid))
      return fail(std::move(e));
    td.valid = std::move(valid);
    if (llvm::Error e = assign(yinYang(m, data::YinYangSplit::Test,
                                       d.test_samples()),
                               td.test))
      return fail(std::move(e));
    break;
  }
  case Dataset::SEQUENCE: {
    uint32_t n = d.train_samples() ? d.train_samples() : 64;
    uint32_t nt = d.test_samples() ? d.test_samples() : 64;
    if (llvm::Error e = assign(sequence(m, n, 1, "sequence/train"), td.train))
      return fail(std::move(e));
    if (llvm::Error e = assign(sequence(m, nt, 2, "sequence/test"), td.test))
      return fail(std::move(e));
    break;
  }
  case Dataset::SHD:
  case Dataset::SSC: {
    bool augmented = d.augmentation().shift_channels() > 0 ||
                     d.augmentation().blend() ||
                     d.augmentation().dropout() > 0;
    // Augmentation moves events in continuous time, so the training split
    // stays unbinned and the pipeline bins last.
    if (llvm::Error e = assign(spiking(m, "train", !augmented, d.max_train()),
                               td.train))
      return fail(std::move(e));
    if (d.kind() == Dataset::SSC) {
      data::DatasetSplit valid;
      if (llvm::Error e = assign(spiking(m, "valid", true, d.max_test()),
                                 valid))
        return fail(std::move(e));
      td.valid = std::move(valid);
    }
    if (llvm::Error e = assign(spiking(m, "test", true, d.max_test()),
                               td.test))
      return fail(std::move(e));
    if (augmented) {
      data::SpikeAugmentationOptions o;
      o.blendCount = d.augmentation().blend()
                         ? static_cast<uint32_t>(td.train.samples.size())
                         : 0;
      o.shiftChannels = d.augmentation().shift_channels();
      o.dropout = d.augmentation().dropout();
      o.binDtMs = m.dt_ms();
      if (llvm::Error e = assign(data::makeSpikeAugmentations(o),
                                 td.augmentation))
        return fail(std::move(e));
    }
    break;
  }
  default:
    return makeError(location.str(), "dataset: kind is not set");
  }
  return td;
}

llvm::Expected<data::DatasetSplit>
loadEvaluationSplit(const model::proto::Model &m, llvm::StringRef split) {
  const Dataset &d = m.dataset();
  switch (d.kind()) {
  case Dataset::YIN_YANG:
    return yinYang(m,
                   split == "valid" ? data::YinYangSplit::Validation
                   : split == "train" ? data::YinYangSplit::Train
                                      : data::YinYangSplit::Test,
                   split == "valid"   ? d.valid_samples()
                   : split == "train" ? d.train_samples()
                                      : d.test_samples());
  case Dataset::SEQUENCE:
    return sequence(m, d.test_samples() ? d.test_samples() : 64,
                    split == "train" ? 1 : 2, "sequence/" + split.str());
  default:
    return spiking(m, split, true, d.max_test());
  }
}

} // namespace axon::train
