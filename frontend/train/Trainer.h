//===- Trainer.h - Epochs, batches, Adam, checkpoints, metrics --*- C++ -*-===//
//
// trainModel runs what `axon train` promises: per epoch a shuffled (and, if
// configured, augmented) training split in batches through an engine, Adam
// on weights and delays, validation, the silent-neuron fix, metrics.csv, a
// checkpoint after every epoch (resumable bit for bit), early stopping on
// validation accuracy, and finally the test accuracy in result.json.
//
// The engine is a seam (BatchRunner) so that the CPU engine, the CUDA
// engine and the event-exact reference engine train through the same code.
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/eventprop/Network.h"
#include "frontend/model/model.pb.h"
#include "frontend/train/Checkpoint.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <functional>
#include <string>
#include <vector>

namespace axon::train {

/// What the trainer needs back from one batch.
struct BatchOutcome {
  double loss = 0.0;              ///< batch loss (mean over samples)
  std::vector<int32_t> predicted; ///< class per sample
  /// Spikes per hidden neuron summed over the batch, hidden layers in order
  /// (every layer but the readout).
  std::vector<uint64_t> hiddenSpikes;
  uint64_t synapticEvents = 0;    ///< forward + backward, for throughput
};

/// Runs one batch: forward only when `grads` is empty, else forward and
/// backward with the batch gradient written (not added) into `grads`.
using BatchRunner = std::function<llvm::Expected<BatchOutcome>(
    llvm::ArrayRef<float> params, llvm::ArrayRef<eventprop::Sample> batch,
    llvm::MutableArrayRef<float> grads)>;
/// Makes a runner for a network (the engine is built once per network).
using EngineFactory =
    std::function<llvm::Expected<BatchRunner>(const eventprop::NetworkDesc &)>;

struct EpochProgress {
  uint32_t epoch = 0, epochs = 0;
  size_t batch = 0, batches = 0;
  double loss = 0.0, accuracy = 0.0; ///< running means over the epoch
};

struct TrainOptions {
  std::string outDir;       ///< metrics.csv, checkpoint, result.json
  uint32_t epochs = 0;      ///< 0: the model's
  bool resume = false;      ///< continue from outDir/checkpoint.axonckpt
  std::string modelPath;    ///< for diagnostics and provenance
  std::function<void(const EpochProgress &)> onBatch;
  std::function<void(const model::proto::EpochMetrics &)> onEpoch;
};

struct TrainResult {
  double testAccuracy = 0.0; ///< fraction
  double testLoss = 0.0;
  uint32_t epochs = 0;       ///< epochs trained in total
  uint32_t bestEpoch = 0;
  double seconds = 0.0;      ///< training time, all sessions of a resume
  Checkpoint checkpoint;     ///< the final state (best parameters inside)
};

llvm::Expected<TrainResult> trainModel(const model::proto::Model &m,
                                       const EngineFactory &engine,
                                       const TrainOptions &options);

/// Accuracy and mean loss of `params` on `samples` (forward only).
struct Evaluation {
  double accuracy = 0.0, loss = 0.0;
  size_t samples = 0;
};
llvm::Expected<Evaluation> evaluate(const BatchRunner &run,
                                    llvm::ArrayRef<float> params,
                                    llvm::ArrayRef<eventprop::Sample> samples,
                                    size_t batchSize);

/// The class a readout decides: argmax of the voltage readouts, argmin of
/// the first-spike times.
int32_t decide(eventprop::LossKind loss, llvm::ArrayRef<double> outputs);

} // namespace axon::train
