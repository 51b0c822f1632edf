//===- Trainer.cpp - Epochs, batches, Adam, checkpoints, metrics ----------===//
#include "frontend/train/Trainer.h"
#include "frontend/train/WeightGrid.h"

#include "frontend/data/Random.h"
#include "frontend/model/ModelDescription.h"
#include "frontend/train/Adam.h"
#include "frontend/train/Initialise.h"
#include "frontend/train/TrainingData.h"
#include "ir/AtomicFile.h"
#include "ir/Diagnostics.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

namespace axon::train {
namespace {

using Clock = std::chrono::steady_clock;

std::string joinPath(llvm::StringRef dir, llvm::StringRef file) {
  llvm::SmallString<256> p(dir);
  llvm::sys::path::append(p, file);
  return std::string(p.str());
}

/// Fisher-Yates over the sample indices with the epoch's own generator, so
/// the order depends only on (seed, epoch) and a resumed run repeats it.
std::vector<size_t> shuffledOrder(size_t n, uint64_t seed, uint32_t epoch) {
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  data::Rng rng = data::epochRng(data::mixSeed(seed, 0x5eed), epoch);
  for (size_t i = n; i > 1; --i)
    std::swap(order[i - 1], order[data::uniformBelow(rng, i)]);
  return order;
}

std::string metricsCsv(const Checkpoint &c) {
  std::string out = "epoch,loss,train_accuracy,valid_accuracy,"
                    "spikes_per_neuron,seconds\n";
  for (const model::proto::EpochMetrics &e : c.history())
    out += fmt::format("{},{:.6g},{:.6f},{},{:.4g},{:.3f}\n", e.epoch(),
                       e.loss(), e.train_accuracy(),
                       e.valid_accuracy() < 0
                           ? std::string("")
                           : fmt::format("{:.6f}", e.valid_accuracy()),
                       e.spikes_per_neuron(), e.seconds());
  return out;
}

/// Adds `lift` to every input weight of hidden neurons that never fired in
/// the epoch (both EventProp papers' fix: a silent neuron has no adjoint,
/// so no gradient could ever wake it).
void liftSilentNeurons(const eventprop::NetworkDesc &net,
                       const eventprop::ParameterLayout &layout,
                       llvm::ArrayRef<uint64_t> spikes, double lift,
                       llvm::MutableArrayRef<float> params) {
  std::vector<uint64_t> offset(net.layers.size(), 0);
  for (size_t l = 1; l < net.layers.size(); ++l)
    offset[l] = offset[l - 1] + net.layers[l - 1].size;
  for (size_t p = 0; p < net.projections.size(); ++p) {
    const eventprop::ProjectionDesc &proj = net.projections[p];
    if (proj.post + 1 >= net.layers.size() || !proj.learnWeights)
      continue; // readout or frozen
    uint32_t post = net.layers[proj.post].size;
    const eventprop::ParameterLayout::Range &r = layout.projections[p];
    for (uint64_t k = 0; k < r.count; ++k)
      if (spikes[offset[proj.post] + k % post] == 0)
        params[r.weightOffset + k] += float(lift);
  }
}

} // namespace

int32_t decide(eventprop::LossKind loss, llvm::ArrayRef<double> outputs) {
  if (outputs.empty())
    return -1;
  auto best = loss == eventprop::LossKind::FirstSpike
                  ? std::min_element(outputs.begin(), outputs.end())
                  : std::max_element(outputs.begin(), outputs.end());
  return static_cast<int32_t>(best - outputs.begin());
}

llvm::Expected<Evaluation> evaluate(const BatchRunner &run,
                                    llvm::ArrayRef<float> params,
                                    llvm::ArrayRef<eventprop::Sample> samples,
                                    size_t batchSize) {
  Evaluation ev;
  size_t correct = 0;
  double lossSum = 0;
  for (size_t b = 0; b < samples.size(); b += batchSize) {
    llvm::ArrayRef<eventprop::Sample> batch =
        samples.slice(b, std::min(batchSize, samples.size() - b));
    llvm::Expected<BatchOutcome> out = run(params, batch, {});
    if (!out)
      return out.takeError();
    for (size_t i = 0; i < batch.size(); ++i)
      correct += out->predicted[i] == batch[i].label;
    lossSum += out->loss * batch.size();
  }
  ev.samples = samples.size();
  ev.accuracy = samples.empty() ? 0.0 : double(correct) / samples.size();
  ev.loss = samples.empty() ? 0.0 : lossSum / samples.size();
  return ev;
}

llvm::Expected<TrainResult> trainModel(const model::proto::Model &m,
                                       const EngineFactory &engineFactory,
                                       const TrainOptions &opts) {
  llvm::StringRef loc = opts.modelPath;
  llvm::Expected<TrainingData> td = loadTrainingData(m, loc);
  if (!td)
    return td.takeError();
  llvm::Expected<eventprop::NetworkDesc> netOr = model::buildNetwork(
      m, td->numInputs(), td->numClasses(), td->durationMs(), loc);
  if (!netOr)
    return netOr.takeError();
  const eventprop::NetworkDesc &net = *netOr;
  eventprop::ParameterLayout layout = eventprop::ParameterLayout::of(net);
  llvm::Expected<BatchRunner> runner = engineFactory(net);
  if (!runner)
    return runner.takeError();

  if (!opts.outDir.empty())
    if (std::error_code ec = llvm::sys::fs::create_directories(opts.outDir))
      return makeError(opts.outDir, "cannot create output directory: {}",
                       ec.message());
  std::string ckptPath = joinPath(opts.outDir, "checkpoint.axonckpt");

  Checkpoint c;
  if (opts.resume) {
    llvm::Expected<Checkpoint> old = readCheckpoint(ckptPath);
    if (!old)
      return old.takeError();
    if (old->model().SerializeAsString() != m.SerializeAsString())
      return makeError(ckptPath, "checkpoint was trained from a different "
                                 "model description than {}; resume needs "
                                 "the same file",
                       loc);
    c = std::move(*old);
  } else {
    *c.mutable_model() = m;
    std::vector<float> init = initialParameters(m, net);
    c.mutable_params()->Add(init.begin(), init.end());
    c.mutable_adam_m()->Resize(int(init.size()), 0.f);
    c.mutable_adam_v()->Resize(int(init.size()), 0.f);
    c.set_lr_scale(m.optimiser().ease_in_start());
    c.set_best_valid_accuracy(-1);
    c.set_num_inputs(td->numInputs());
    c.set_num_classes(td->numClasses());
    c.set_duration_ms(td->durationMs());
    c.set_test_accuracy(-1);
    c.set_dataset_name(td->train.name);
  }
  uint32_t totalEpochs = opts.epochs ? opts.epochs : m.epochs();

  std::vector<float> params(c.params().begin(), c.params().end());
  Adam adam(params.size());
  adam.m.assign(c.adam_m().begin(), c.adam_m().end());
  adam.v.assign(c.adam_v().begin(), c.adam_v().end());
  adam.steps = c.adam_step();
  std::vector<float> grads(params.size());

  // Quantisation-aware training runs the engine on `onGrid`, a copy of the
  // float parameters with the weights rounded (WeightGrid.h).
  const uint32_t weightBits = m.weight_bits();
  std::vector<float> onGrid;
  auto engineParams = [&](llvm::ArrayRef<float> p) -> llvm::ArrayRef<float> {
    if (weightBits == 0)
      return p;
    snapWeights(net, layout, weightBits, p, onGrid);
    return onGrid;
  };

  const model::proto::Optimiser &opt = m.optimiser();
  uint64_t hiddenNeurons = 0;
  for (size_t l = 0; l + 1 < net.layers.size(); ++l)
    hiddenNeurons += net.layers[l].size;
  size_t batchSize = m.batch_size();
  bool stopped = false;

  for (uint32_t epoch = c.epochs_done(); epoch < totalEpochs && !stopped;
       ++epoch) {
    auto start = Clock::now();
    data::DatasetSplit split = td->epochTrainSplit(m.seed(), epoch);
    std::vector<size_t> order =
        shuffledOrder(split.samples.size(), m.seed(), epoch);
    std::vector<uint64_t> epochSpikes(hiddenNeurons, 0);
    double decay = std::pow(opt.lr_decay(), double(epoch));
    size_t batches = (order.size() + batchSize - 1) / batchSize;
    double lossSum = 0;
    size_t correct = 0, seen = 0;
    std::vector<eventprop::Sample> batch;
    for (size_t b = 0; b < batches; ++b) {
      batch.clear();
      for (size_t i = b * batchSize;
           i < std::min(order.size(), (b + 1) * batchSize); ++i)
        batch.push_back(split.samples[order[i]]);
      llvm::Expected<BatchOutcome> out =
          (*runner)(engineParams(params), batch, grads);
      if (!out)
        return out.takeError();
      for (float g : grads)
        if (!std::isfinite(g))
          return makeError(loc.str(),
                           "epoch {} batch {}: the gradient is not finite; "
                           "lower the learning rate or check the data",
                           epoch + 1, b);
      AdamSettings s;
      double scale = c.lr_scale() * decay;
      s.weightRate = opt.learning_rate() * scale;
      s.delayRate = opt.delay_learning_rate() * scale;
      s.beta1 = opt.beta1();
      s.beta2 = opt.beta2();
      s.epsilon = opt.epsilon();
      adam.step(net, layout, params, grads, s);
      c.set_lr_scale(std::min(1.0, c.lr_scale() * opt.ease_in_factor()));

      lossSum += out->loss * batch.size();
      for (size_t i = 0; i < batch.size(); ++i)
        correct += out->predicted[i] == batch[i].label;
      seen += batch.size();
      for (size_t k = 0; k < out->hiddenSpikes.size() && k < hiddenNeurons;
           ++k)
        epochSpikes[k] += out->hiddenSpikes[k];
      if (opts.onBatch)
        opts.onBatch({epoch + 1, totalEpochs, b + 1, batches, lossSum / seen,
                      double(correct) / seen});
    }

    double validAccuracy = -1;
    if (td->valid) {
      llvm::Expected<Evaluation> ev =
          evaluate(*runner, engineParams(params), td->valid->samples,
                   batchSize);
      if (!ev)
        return ev.takeError();
      validAccuracy = ev->accuracy;
    }
    if (m.silent_neuron_lift() > 0)
      liftSilentNeurons(net, layout, epochSpikes, m.silent_neuron_lift(),
                        params);

    double seconds =
        std::chrono::duration<double>(Clock::now() - start).count();
    model::proto::EpochMetrics *e = c.add_history();
    e->set_epoch(epoch + 1);
    e->set_loss(seen ? lossSum / seen : 0);
    e->set_train_accuracy(seen ? double(correct) / seen : 0);
    e->set_valid_accuracy(validAccuracy);
    double totalSpikes =
        std::accumulate(epochSpikes.begin(), epochSpikes.end(), 0.0);
    e->set_spikes_per_neuron(hiddenNeurons && seen
                                 ? totalSpikes / hiddenNeurons / seen
                                 : 0);
    e->set_seconds(seconds);
    c.set_seconds(c.seconds() + seconds);
    c.set_epochs_done(epoch + 1);

    // Early stopping and the parameters kept: the best validation epoch
    // where there is a validation split, otherwise the last epoch.
    bool improved = validAccuracy > c.best_valid_accuracy();
    if (improved || !td->valid) {
      c.set_best_valid_accuracy(std::max(validAccuracy,
                                         c.best_valid_accuracy()));
      c.set_best_epoch(epoch + 1);
      c.set_epochs_since_best(0);
      llvm::ArrayRef<float> kept = engineParams(params);
      c.mutable_best_params()->Assign(kept.begin(), kept.end());
    } else {
      c.set_epochs_since_best(c.epochs_since_best() + 1);
      stopped = m.early_stop_patience() > 0 &&
                c.epochs_since_best() >= m.early_stop_patience();
    }
    c.mutable_params()->Assign(params.begin(), params.end());
    c.mutable_adam_m()->Assign(adam.m.begin(), adam.m.end());
    c.mutable_adam_v()->Assign(adam.v.begin(), adam.v.end());
    c.set_adam_step(adam.steps);
    if (!opts.outDir.empty()) {
      if (llvm::Error err = writeCheckpoint(c, ckptPath))
        return err;
      if (llvm::Error err = writeFileAtomically(
              joinPath(opts.outDir, "metrics.csv"), metricsCsv(c)))
        return err;
    }
    if (opts.onEpoch)
      opts.onEpoch(*e);
  }

  std::vector<float> best(c.best_params().begin(), c.best_params().end());
  if (best.empty())
    best = engineParams(params).vec();
  llvm::Expected<Evaluation> test =
      evaluate(*runner, best, td->test.samples, batchSize);
  if (!test)
    return test.takeError();
  TrainResult r;
  r.testAccuracy = test->accuracy;
  r.testLoss = test->loss;
  r.epochs = c.epochs_done();
  r.bestEpoch = c.best_epoch();
  r.seconds = c.seconds();
  c.set_test_accuracy(test->accuracy);
  if (!opts.outDir.empty()) {
    // Once more, now with the measured test accuracy for `axon lower`.
    if (llvm::Error err = writeCheckpoint(c, ckptPath))
      return err;
    std::string json = fmt::format(
        "{{\n  \"test_accuracy\": {:.6f},\n  \"test_loss\": {:.6g},\n"
        "  \"epochs\": {},\n  \"best_epoch\": {},\n  \"seconds\": {:.3f},\n"
        "  \"test_samples\": {},\n  \"model\": \"{}\"\n}}\n",
        r.testAccuracy, r.testLoss, r.epochs, r.bestEpoch, r.seconds,
        test->samples, m.name());
    if (llvm::Error err =
            writeFileAtomically(joinPath(opts.outDir, "result.json"), json))
      return err;
  }
  r.checkpoint = std::move(c);
  return r;
}

} // namespace axon::train
