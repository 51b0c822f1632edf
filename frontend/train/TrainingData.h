//===- TrainingData.h - The splits a model trains and tests on --*- C++ -*-===//
//
// Loads the data set a model names (generated Yin-Yang and sequence tasks,
// SHD/SSC from their HDF5 files) and the per-epoch augmentation pipeline.
// Splits that the engine reads are on the model's time grid where the data
// set is binned; augmentation runs on the raw training events and bins last.
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/data/Dataset.h"
#include "frontend/model/model.pb.h"

#include "llvm/Support/Error.h"

#include <optional>

namespace axon::train {

struct TrainingData {
  data::DatasetSplit train;
  std::optional<data::DatasetSplit> valid; ///< absent for SHD (none published)
  data::DatasetSplit test;
  data::AugmentationPipeline augmentation; ///< empty: train as loaded

  uint32_t numInputs() const { return train.numInputs; }
  uint32_t numClasses() const { return train.numClasses; }
  double durationMs() const { return train.durationMs; }
  /// The training split of one epoch (augmented when configured).
  data::DatasetSplit epochTrainSplit(uint64_t seed, uint32_t epoch) const;
};

/// Loads every split of the model's data set. `location` (the model file)
/// prefixes diagnostics; a missing SHD/SSC file says where to get it.
llvm::Expected<TrainingData> loadTrainingData(const model::proto::Model &m,
                                              llvm::StringRef location);

/// Only the test (or validation) split, for `axon eval`.
llvm::Expected<data::DatasetSplit>
loadEvaluationSplit(const model::proto::Model &m, llvm::StringRef split);

} // namespace axon::train
