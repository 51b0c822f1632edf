//===- Train.cpp - `axon train`: EventProp training -----------------------===//
#include "tools/axon/Command.h"

#include "frontend/model/ModelDescription.h"
#include "frontend/train/EngineRunners.h"
#include "frontend/train/Trainer.h"
#include "ir/Format.h"

#include <fmt/core.h>
#include <unistd.h>

namespace axon::tool {

namespace {

/// A one-line progress bar on stderr, redrawn in place on a terminal and
/// printed once per epoch otherwise (logs stay readable).
class ProgressBar {
public:
  ProgressBar() : tty(::isatty(STDERR_FILENO)) {}

  void batch(const train::EpochProgress &p) {
    if (!tty)
      return;
    constexpr int kWidth = 30;
    int filled = int(kWidth * p.batch / std::max<size_t>(p.batches, 1));
    fmt::print(stderr, "\repoch {}/{} [{:<{}}] {}/{}  loss {:.4f}  acc {:.4f}",
               p.epoch, p.epochs, std::string(filled, '#'), kWidth, p.batch,
               p.batches, p.loss, p.accuracy);
  }

  void epoch(const model::proto::EpochMetrics &e) {
    if (tty)
      fmt::print(stderr, "\r\033[K");
    fmt::print(stderr,
               "epoch {:>3}  loss {:.4f}  train {:.4f}{}  spikes/neuron "
               "{:.2f}  {:.1f} s\n",
               e.epoch(), e.loss(), e.train_accuracy(),
               e.valid_accuracy() < 0
                   ? std::string()
                   : fmt::format("  valid {:.4f}", e.valid_accuracy()),
               e.spikes_per_neuron(), e.seconds());
  }

private:
  bool tty;
};

} // namespace

Command addTrainCommand(CLI::App &root) {
  struct Options {
    std::string model, out = "runs/train", engine = "cpu", device = "cpu";
    uint32_t epochs = 0;
    unsigned threads = 0;
    bool resume = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App *app = root.add_subcommand(
      "train", "Train a model description (examples/*.train.pbtxt) with "
               "EventProp; writes metrics.csv, checkpoint.axonckpt and "
               "result.json to --out");
  app->add_option("model", o->model, "Model description (.pbtxt)")
      ->required();
  app->add_option("--epochs", o->epochs, "Epochs to train (default: the "
                                         "model's)");
  app->add_option("--threads", o->threads,
                  "Worker threads (default: all cores)");
  app->add_option("--out", o->out, "Output directory")
      ->capture_default_str();
  app->add_option("--engine", o->engine,
                  "cpu (time-stepped, default) or exact (event-exact "
                  "float64 reference)")
      ->capture_default_str();
  app->add_option("--device", o->device,
                  "cpu, or cuda to run the time-stepped engine on a GPU")
      ->capture_default_str();
  app->add_flag("--resume", o->resume,
                "Continue from OUT/checkpoint.axonckpt");
  return {app, [o] {
            llvm::Expected<model::Model> m = model::readModel(o->model);
            if (!m)
              return reportError(m.takeError());
            llvm::Expected<train::EngineFactory> engine =
                train::makeEngineFactory(o->engine, o->threads, o->device);
            if (!engine)
              return reportError(engine.takeError());
            auto bar = std::make_shared<ProgressBar>();
            train::TrainOptions t;
            t.outDir = o->out;
            t.epochs = o->epochs;
            t.resume = o->resume;
            t.modelPath = o->model;
            t.onBatch = [bar](const train::EpochProgress &p) { bar->batch(p); };
            t.onEpoch = [bar](const model::proto::EpochMetrics &e) {
              bar->epoch(e);
            };
            llvm::Expected<train::TrainResult> r =
                train::trainModel(*m, *engine, t);
            if (!r)
              return reportError(r.takeError());
            fmt::print("test accuracy {:.4f} after {} epochs (best epoch {}), "
                       "{:.1f} s; results in {}\n",
                       r->testAccuracy, r->epochs, r->bestEpoch, r->seconds,
                       o->out);
            return 0;
          }};
}

} // namespace axon::tool
